"""What users do, turned into chat messages and the updates the bot receives.

Functions take the store and hold its lock themselves; they raise ``LookupError`` or
``RuntimeError`` for what a Telegram app would not let a user do.
"""

import copy
import re
from typing import Any

from botapi.parsemode import utf16_len
from botapi.records import CallbackRecord, MessageRecord, UserRecord
from botapi.state import Store

__all__ = ["caption_fields", "post", "press", "set_blocked", "text_fields"]

_COMMAND = re.compile(r"^/[A-Za-z0-9_]{1,64}(@[A-Za-z0-9_]{3,32})?(?![A-Za-z0-9_/<>])")


def post(store: Store, user_id: int, fields: dict[str, Any], reply_to: int | None = None) -> MessageRecord:
    """The user sends a message (optionally replying to ``reply_to``): a ``message`` update."""
    with store.lock:
        user = _active(store, user_id)
        if reply_to is not None:
            replied = store.message(user_id, reply_to)
            if replied is None:
                raise LookupError(f"message {reply_to} is not in chat {user_id}")
            fields["reply_to_message"] = {
                k: v for k, v in copy.deepcopy(replied.data).items() if k != "reply_to_message"
            }
        user.started = True
        record = store.add_message(user_id, False, fields)
        store.push_update("message", copy.deepcopy(record.data))
        store.notify()
        return record


def press(store: Store, user_id: int, message_id: int, text: str | None, data: str | None) -> CallbackRecord:
    """The user presses a callback button on the message's current keyboard."""
    with store.lock:
        user = _active(store, user_id)
        record = store.message(user_id, message_id)
        if record is None or not record.from_bot:
            raise LookupError(f"message {message_id} is not a bot message in chat {user_id}")
        rows = (record.data.get("reply_markup") or {}).get("inline_keyboard", [])
        buttons = [b for row in rows for b in row]
        button = next((b for b in buttons if b["text"] == text or b.get("callback_data") == data), None)
        if button is None or "callback_data" not in button:
            wanted = text if text is not None else f"data={data!r}"
            labels = [b["text"] for b in buttons]
            raise LookupError(f"no callback button {wanted!r} on message {message_id}: {labels}")
        query = store.add_callback(user_id, message_id, button["callback_data"])
        payload = {
            "id": query.id,
            "from": user.data,
            "message": copy.deepcopy(record.data),
            "chat_instance": str(user_id * 2654435761 % 2**63),
            "data": button["callback_data"],
        }
        store.push_update("callback_query", payload)
        return query


def set_blocked(store: Store, user_id: int, blocked: bool) -> None:
    """The user blocks or unblocks the bot: a ``my_chat_member`` update when it changes."""
    with store.lock:
        user = store.users[user_id]
        if user.blocked == blocked:
            return
        user.blocked = blocked
        member = {"user": store.bot, "status": "member"}
        kicked = {"user": store.bot, "status": "kicked", "until_date": 0}
        payload = {
            "chat": user.chat,
            "from": user.data,
            "date": store.now(),
            "old_chat_member": member if blocked else kicked,
            "new_chat_member": kicked if blocked else member,
        }
        store.push_update("my_chat_member", payload)
        store.notify()


def text_fields(text: str) -> dict[str, Any]:
    """A text as a Telegram app sends it: a leading /command gets a bot_command entity."""
    fields: dict[str, Any] = {"text": text}
    if match := _COMMAND.match(text):
        fields["entities"] = [{"type": "bot_command", "offset": 0, "length": utf16_len(match.group())}]
    return fields


def caption_fields(caption: str | None) -> dict[str, Any]:
    """The caption field, left out when empty."""
    return {"caption": caption} if caption else {}


def _active(store: Store, user_id: int) -> UserRecord:
    user = store.users[user_id]
    if user.blocked:
        raise RuntimeError(f"user {user_id} blocked the bot; call unblock() first")
    return user
