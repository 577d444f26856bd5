"""Read-only snapshots of what a user sees: a chat message with its buttons, a callback answer."""

import copy
from dataclasses import dataclass
from typing import Any

from botapi.records import MessageRecord

__all__ = ["Button", "CallbackAnswer", "ChatMessage"]


@dataclass(frozen=True)
class Button:
    """An inline keyboard button."""

    text: str
    callback_data: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class ChatMessage:
    """A message as it stands now in a chat (edits applied), taken when it was read.

    ``text``/``caption`` are the visible text (HTML tags gone, entities decoded); ``html`` is the
    text or caption exactly as the bot sent it; ``silent`` means disable_notification; ``raw`` is the
    Bot API Message object.
    """

    message_id: int
    chat_id: int
    from_bot: bool
    text: str | None
    caption: str | None
    html: str | None
    entities: tuple[dict[str, Any], ...]
    buttons: tuple[tuple[Button, ...], ...]
    markup: dict[str, Any] | None
    document: dict[str, Any] | None
    photo: tuple[dict[str, Any], ...] | None
    reply_to_message_id: int | None
    edited: bool
    silent: bool
    raw: dict[str, Any]

    @classmethod
    def of(cls, record: MessageRecord) -> "ChatMessage":
        """Snapshot a stored message (call with the state lock held)."""
        data = copy.deepcopy(record.data)
        rows = (data.get("reply_markup") or {}).get("inline_keyboard", [])
        return cls(
            message_id=data["message_id"],
            chat_id=data["chat"]["id"],
            from_bot=record.from_bot,
            text=data.get("text"),
            caption=data.get("caption"),
            html=record.source,
            entities=tuple(data.get("entities") or data.get("caption_entities") or ()),
            buttons=tuple(
                tuple(Button(b["text"], b.get("callback_data"), b.get("url")) for b in row) for row in rows
            ),
            markup=copy.deepcopy(record.markup),
            document=data.get("document"),
            photo=tuple(data["photo"]) if "photo" in data else None,
            reply_to_message_id=(data.get("reply_to_message") or {}).get("message_id"),
            edited="edit_date" in data,
            silent=record.silent,
            raw=data,
        )

    @property
    def body(self) -> str:
        """The visible text or caption ("" for neither)."""
        return self.text or self.caption or ""

    @property
    def button_texts(self) -> list[str]:
        """Labels of the inline buttons, row by row."""
        return [b.text for row in self.buttons for b in row]

    @property
    def force_reply(self) -> bool:
        """Whether the bot asked for a reply (ForceReply)."""
        return bool(self.markup and self.markup.get("force_reply"))

    @property
    def removes_keyboard(self) -> bool:
        """Whether the message carried ReplyKeyboardRemove."""
        return bool(self.markup and self.markup.get("remove_keyboard"))

    def button(self, text: str | None = None, *, data: str | None = None) -> Button | None:
        """The button with this label (or callback_data), or None."""
        for row in self.buttons:
            for b in row:
                if (text is not None and b.text == text) or (data is not None and b.callback_data == data):
                    return b
        return None

    def __contains__(self, fragment: str) -> bool:
        return fragment in self.body


@dataclass(frozen=True)
class CallbackAnswer:
    """What answerCallbackQuery showed the user: a toast, or an alert if ``show_alert``."""

    query_id: str
    data: str
    message_id: int
    text: str | None
    show_alert: bool
    url: str | None
    cache_time: int

    @classmethod
    def of(cls, answer: dict[str, Any]) -> "CallbackAnswer":
        """From the stored answer."""
        return cls(**answer)
