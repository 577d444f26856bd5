"""Bot API methods that write to a chat: send, edit, delete, files, callback answers.

Each takes the store (its lock held by the caller) and the call's parameters, and returns the
result object or raises ``ApiError`` worded as Telegram words it.
"""

import copy
from typing import Any

from botapi.errors import (
    ApiError,
    bad_request,
    blocked,
    cannot_initiate,
    chat_not_found,
    too_many_requests,
)
from botapi.files import StoredFile, image_size
from botapi.markup import inline_keyboard, read_markup
from botapi.params import Params, Upload
from botapi.parsemode import HtmlError, Parsed, parse_html
from botapi.records import MessageRecord, UserRecord
from botapi.state import Store

__all__ = [
    "MAX_CAPTION",
    "MAX_TEXT",
    "delete_message",
    "edit_message_reply_markup",
    "edit_message_text",
    "recipient",
    "send_document",
    "send_message",
    "send_photo",
]

MAX_TEXT = 4096
MAX_CAPTION = 1024
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly the same "
    "as a current content and reply markup of the message"
)


def send_message(store: Store, p: Params) -> dict[str, Any]:
    """sendMessage: text 1-4,096 visible characters, optional HTML, markup and reply."""
    user = recipient(store, p)
    parsed = _formatted(p, "text", "entities")
    if not parsed.text.strip():
        raise bad_request("message text is empty")
    if parsed.length > MAX_TEXT:
        raise bad_request("message is too long")
    fields: dict[str, Any] = {"text": parsed.text, **_entities("entities", parsed)}
    return _deliver(store, p, user, fields, p.string("text"))


def send_document(store: Store, p: Params) -> dict[str, Any]:
    """sendDocument: an upload or a known file_id, with an optional caption."""
    return _send_file(store, p, "document")


def send_photo(store: Store, p: Params) -> dict[str, Any]:
    """sendPhoto: like sendDocument, but the bytes must be an image."""
    return _send_file(store, p, "photo")


def edit_message_text(store: Store, p: Params) -> dict[str, Any]:
    """editMessageText: without reply_markup the inline keyboard goes, as on Telegram."""
    record = _editable(store, p)
    if "text" not in record.data:
        raise bad_request("there is no text in the message to edit")
    parsed = _formatted(p, "text", "entities")
    if not parsed.text.strip():
        raise bad_request("message text is empty")
    if parsed.length > MAX_TEXT:
        raise bad_request("message is too long")
    markup = read_markup(p, inline_only=True)
    old = (record.data["text"], record.data.get("entities", []), record.data.get("reply_markup"))
    if old == (parsed.text, list(parsed.entities), markup):
        raise bad_request(NOT_MODIFIED)
    record.data.pop("entities", None)
    record.data.update(text=parsed.text, **_entities("entities", parsed))
    record.source = p.string("text")
    return _set_markup(store, record, markup)


def edit_message_reply_markup(store: Store, p: Params) -> dict[str, Any]:
    """editMessageReplyMarkup: no reply_markup removes the inline keyboard."""
    record = _editable(store, p)
    markup = read_markup(p, inline_only=True)
    if record.data.get("reply_markup") == markup:
        raise bad_request(NOT_MODIFIED)
    return _set_markup(store, record, markup)


def delete_message(store: Store, p: Params) -> bool:
    """deleteMessage: in a private chat the bot may delete messages of both sides."""
    chat_id = _chat_id(p)
    message_id = p.integer("message_id", missing="message identifier is not specified")
    record = store.message(chat_id, message_id or 0)
    if record is None:
        raise bad_request("message to delete not found")
    record.deleted = True
    return True


def _send_file(store: Store, p: Params, kind: str) -> dict[str, Any]:
    user = recipient(store, p)
    stored = _stored_file(store, p.file(kind), kind)
    parsed = _formatted(p, "caption", "caption_entities")
    if parsed.length > MAX_CAPTION:
        raise bad_request("message caption is too long")
    media = stored.as_photo() if kind == "photo" else stored.as_document()
    fields: dict[str, Any] = {kind: media}
    if parsed.text:
        fields.update(caption=parsed.text, **_entities("caption_entities", parsed))
    return _deliver(store, p, user, fields, p.string("caption"))


def _deliver(
    store: Store, p: Params, user: UserRecord, fields: dict[str, Any], source: str | None
) -> dict[str, Any]:
    chat_id = user.data["id"]
    markup = read_markup(p)
    reply = _replied(store, p, chat_id)
    retry_after = store.limiter.check(chat_id)
    if retry_after is not None:
        raise too_many_requests(retry_after)
    if reply is not None:
        fields["reply_to_message"] = reply
    if (inline := inline_keyboard(markup)) is not None:
        fields["reply_markup"] = inline
    record = store.add_message(chat_id, True, fields, markup, source)
    record.silent = p.flag("disable_notification")
    return record.data


def _stored_file(store: Store, given: Upload | str | None, kind: str) -> StoredFile:
    if given is None:
        raise bad_request(f"there is no {kind} in the request")
    if isinstance(given, Upload):
        if not given.data:
            raise bad_request("file must be non-empty")
        if kind == "photo" and image_size(given.data) is None:
            raise bad_request("IMAGE_PROCESS_FAILED")
        return store.files.put(given.data, given.filename, given.content_type, photo=kind == "photo")
    if given.startswith(("http://", "https://")):
        raise bad_request("failed to get HTTP URL content")  # this server never fetches URLs
    stored = store.files.get(given)
    if stored is None:
        raise bad_request("wrong file identifier/HTTP URL specified")
    return stored


def _formatted(p: Params, key: str, entities_key: str) -> Parsed:
    source = p.string(key) or ""
    mode = (p.string("parse_mode") or "").lower()
    if mode == "html":
        try:
            return parse_html(source)
        except HtmlError as error:
            raise ApiError(400, error.description) from None
    if mode in ("markdown", "markdownv2"):
        raise bad_request("this test server supports parse_mode HTML only")
    if mode:
        raise bad_request("unsupported parse_mode")
    given = p.obj(entities_key) or []
    return Parsed(source, tuple(given))


def _entities(key: str, parsed: Parsed) -> dict[str, Any]:
    return {key: list(parsed.entities)} if parsed.entities else {}


def _chat_id(p: Params) -> int:
    try:
        chat_id = p.integer("chat_id", missing="chat_id is empty")
    except ApiError as error:
        if error.description.endswith("chat_id is empty"):
            raise
        raise chat_not_found() from None  # a @username: no public chats here
    return chat_id or 0


def recipient(store: Store, p: Params) -> UserRecord:
    """The user of ``chat_id``, if the bot may write to them (else 400 or 403)."""
    user = store.users.get(_chat_id(p))
    if user is None:
        raise chat_not_found()
    if user.blocked:
        raise blocked()
    if not user.started:
        raise cannot_initiate()
    return user


def _editable(store: Store, p: Params) -> MessageRecord:
    if p.has("inline_message_id"):
        raise bad_request("inline messages are not supported by this test server")
    user = recipient(store, p)
    message_id = p.integer("message_id", missing="message identifier is not specified")
    record = store.message(user.data["id"], message_id or 0)
    if record is None:
        raise bad_request("message to edit not found")
    if not record.from_bot:
        raise bad_request("message can't be edited")
    return record


def _set_markup(store: Store, record: MessageRecord, markup: dict[str, Any] | None) -> dict[str, Any]:
    record.data.pop("reply_markup", None)
    if markup is not None:
        record.data["reply_markup"] = markup
    record.markup = markup
    record.data["edit_date"] = store.now()
    return record.data


def _replied(store: Store, p: Params, chat_id: int) -> dict[str, Any] | None:
    params = p.obj("reply_parameters", "reply parameters") or {}
    message_id = params.get("message_id") if isinstance(params, dict) else None
    message_id = message_id or p.integer("reply_to_message_id")
    if not message_id:
        return None
    replied = store.message(chat_id, int(message_id))
    if replied is None:
        if params.get("allow_sending_without_reply") or p.flag("allow_sending_without_reply"):
            return None
        raise bad_request("message to be replied not found")
    shown = copy.deepcopy(replied.data)
    shown.pop("reply_to_message", None)  # Telegram nests one level only
    return shown
