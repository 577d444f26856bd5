"""What a webhook body must be before it becomes an update: a JSON object in the shape Telegram
gives the kinds of update the bot asks for, its ids whole numbers within 64 bits, nested no deeper
than Telegram nests. The handlers read these fields without checking them again; a body that
fails is refused naming where it is wrong, never repeating what it holds (it may carry a PIN)."""

import json
import re
from collections.abc import Collection

__all__ = ["MAX_BODY", "UPDATES", "Malformed", "parse_update"]

#: The update kinds the bot asks Telegram for (polling and webhook alike).
UPDATES = ["message", "callback_query"]

#: The largest body the webhook reads (an update is a few kilobytes at most).
MAX_BODY = 1024 * 1024
#: Telegram nests an update a few levels deep; a body nested deeper is not one.
MAX_DEPTH = 32
_INT64 = (-(2**63), 2**63 - 1)
_FIELD = re.compile(r"[a-z_]{1,32}")


class Malformed(ValueError):
    """A body that is not an update the bot asked for; the message names where, not what."""


def parse_update(body: bytes, kinds: Collection[str]) -> dict:
    """The update in ``body``, checked for the fields the handlers read.

    Args:
        kinds: the update kinds the bot asked Telegram for (``message``, ``callback_query``).

    Raises:
        Malformed: not JSON, not an object, nested too deep, or a field of the wrong type or range.
    """
    try:
        data = json.loads(body)
    except RecursionError:
        raise Malformed("JSON nested too deep") from None
    except ValueError as exc:  # undecodable bytes too (UnicodeDecodeError is a ValueError)
        raise Malformed(f"not JSON ({type(exc).__name__})") from None
    _shallow(data)
    update = _object(data, "the body")
    _integer(update, "update_id", "update", low=0)
    given = [k for k in update if k != "update_id"]
    if len(given) != 1 or given[0] not in kinds:
        named = sorted(k if _FIELD.fullmatch(k) else "?" for k in given)  # field names, never odd text
        raise Malformed(f"update: exactly one of {', '.join(kinds)} expected, got {named}")
    kind = given[0]
    (_message if kind == "message" else _callback_query)(update[kind], kind)
    return update


def _message(value: object, path: str, *, reply: bool = True) -> None:
    message = _object(value, path)
    _integer(message, "message_id", path)
    _integer(message, "date", path)
    chat = _object(message.get("chat"), f"{path}.chat")
    _integer(chat, "id", f"{path}.chat")
    _text(chat, "type", f"{path}.chat")
    if "from" in message:
        _user(message["from"], f"{path}.from")
    for name in ("text", "caption"):
        _text(message, name, path, optional=True)
    for name in ("entities", "caption_entities"):
        for i, entity in enumerate(_list(message, name, path)):
            where = f"{path}.{name}[{i}]"
            _text(_object(entity, where), "type", where)
            _integer(entity, "offset", where)
            _integer(entity, "length", where)
    if "document" in message:
        _file(message["document"], f"{path}.document", ("file_name", "mime_type"))
    for i, size in enumerate(_list(message, "photo", path)):
        _file(size, f"{path}.photo[{i}]", ())
        _integer(size, "width", f"{path}.photo[{i}]")
        _integer(size, "height", f"{path}.photo[{i}]")
    if "reply_to_message" in message:
        if not reply:
            raise Malformed(f"{path}.reply_to_message: a reply nested in a reply")
        _message(message["reply_to_message"], f"{path}.reply_to_message", reply=False)


def _callback_query(value: object, path: str) -> None:
    query = _object(value, path)
    _text(query, "id", path)
    _user(query.get("from"), f"{path}.from")
    _text(query, "chat_instance", path)
    _text(query, "data", path, optional=True)
    if "message" in query:  # the message with the button (Telegram may give only its id and chat)
        message = _object(query["message"], f"{path}.message")
        _integer(message, "message_id", f"{path}.message")
        _integer(message, "date", f"{path}.message")
        chat = _object(message.get("chat"), f"{path}.message.chat")
        _integer(chat, "id", f"{path}.message.chat")


def _user(value: object, path: str) -> None:
    user = _object(value, path)
    _integer(user, "id", path)
    if not isinstance(user.get("is_bot"), bool):
        raise Malformed(f"{path}.is_bot: true or false expected")
    _text(user, "first_name", path)
    for name in ("last_name", "username", "language_code"):
        _text(user, name, path, optional=True)


def _file(value: object, path: str, texts: tuple[str, ...]) -> None:
    media = _object(value, path)
    _text(media, "file_id", path)
    _text(media, "file_unique_id", path)
    _integer(media, "file_size", path, optional=True)
    for name in texts:
        _text(media, name, path, optional=True)


def _object(value: object, path: str) -> dict:
    if not isinstance(value, dict):
        raise Malformed(f"{path}: an object expected, got {_kind(value)}")
    return value


def _list(parent: dict, name: str, path: str) -> list:
    value = parent.get(name, [])
    if not isinstance(value, list):
        raise Malformed(f"{path}.{name}: a list expected, got {_kind(value)}")
    return value


def _integer(parent: dict, name: str, path: str, *, low: int = _INT64[0], optional: bool = False) -> None:
    if optional and name not in parent:
        return
    value = parent.get(name)
    if type(value) is not int:  # bool is an int to Python, not to Telegram
        raise Malformed(f"{path}.{name}: a whole number expected, got {_kind(value)}")
    if not low <= value <= _INT64[1]:
        raise Malformed(f"{path}.{name}: out of range")


def _text(parent: dict, name: str, path: str, *, optional: bool = False) -> None:
    if optional and name not in parent:
        return
    if not isinstance(parent.get(name), str):
        raise Malformed(f"{path}.{name}: a string expected, got {_kind(parent.get(name))}")


def _shallow(data: object) -> None:
    """No deeper than ``MAX_DEPTH`` (walked without recursion, so any depth is safe to check)."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise Malformed(f"JSON nested deeper than {MAX_DEPTH} levels")
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)


def _kind(value: object) -> str:
    """The JSON type of ``value``, for a refusal (never the value itself)."""
    names = {dict: "an object", list: "a list", str: "a string", bool: "true/false", type(None): "null"}
    return names.get(type(value), "a number")
