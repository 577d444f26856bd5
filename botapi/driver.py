"""The test-facing side: a user who writes to the bot, presses buttons and reads the chat.

Every method is synchronous and thread-safe. The ``*_async`` waits suspend instead of blocking,
for tests whose event loop also runs the bot: a blocking wait there would starve the bot.
"""

import base64
from collections.abc import Callable
from typing import Any, TypeVar

from botapi import incoming
from botapi.state import Store
from botapi.views import CallbackAnswer, ChatMessage

__all__ = ["TINY_PNG", "User"]

T = TypeVar("T")
#: A valid 1x1 PNG, the default photo.
TINY_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
MessageRef = ChatMessage | int


class User:
    """A Telegram user in a private chat with the bot (chat id == user id)."""

    def __init__(self, store: Store, user_id: int) -> None:
        self._store = store
        self.id = user_id
        self._mark = 0  # last message id in the chat when this user last acted

    # Acting ------------------------------------------------------------------------------------

    def send(self, text: str) -> ChatMessage:
        """Send a text; a leading /command carries a bot_command entity, as from a Telegram app."""
        return self._post(incoming.text_fields(text))

    def reply(self, message: MessageRef, text: str) -> ChatMessage:
        """Send a text as a reply to ``message`` (e.g. answering a ForceReply prompt)."""
        return self._post(incoming.text_fields(text), reply_to=message)

    def send_document(
        self,
        data: bytes,
        filename: str,
        *,
        caption: str | None = None,
        mime_type: str | None = None,
        reply_to: MessageRef | None = None,
    ) -> ChatMessage:
        """Upload a document; the bot can fetch it with getFile."""
        with self._store.lock:
            stored = self._store.files.put(data, filename, mime_type)
            return self._post(
                {"document": stored.as_document(), **incoming.caption_fields(caption)}, reply_to
            )

    def send_photo(
        self, data: bytes = TINY_PNG, *, caption: str | None = None, reply_to: MessageRef | None = None
    ) -> ChatMessage:
        """Send a photo (a 1x1 PNG unless bytes are given)."""
        with self._store.lock:
            stored = self._store.files.put(data, "photo.jpg", "image/jpeg", photo=True)
            return self._post({"photo": stored.as_photo(), **incoming.caption_fields(caption)}, reply_to)

    def press(self, message: MessageRef, text: str | None = None, *, data: str | None = None) -> str:
        """Press the inline button labelled ``text`` (or carrying ``data``) on ``message``.

        Returns:
            The callback query id, for ``answer_for`` / ``wait_for_answer``.

        Raises:
            LookupError: the message is gone, or its current keyboard has no such callback button.
        """
        if text is None and data is None:
            raise ValueError("press needs the button's text or its callback data")
        with self._store.lock:
            query = incoming.press(self._store, self.id, _id(message), text, data)
            self._mark = max(self._store.chats[self.id], default=0)
            return query.id

    def block(self) -> None:
        """Block the bot: sends then answer 403, and the bot gets a my_chat_member update."""
        incoming.set_blocked(self._store, self.id, True)

    def unblock(self) -> None:
        """Unblock the bot (no /start is sent; call ``send("/start")`` for Telegram's Restart)."""
        incoming.set_blocked(self._store, self.id, False)

    # Reading -----------------------------------------------------------------------------------

    @property
    def messages(self) -> list[ChatMessage]:
        """The bot's messages in this chat as they stand now, oldest first (deleted ones gone)."""
        return [m for m in self.history if m.from_bot]

    @property
    def history(self) -> list[ChatMessage]:
        """Every message in the chat, both sides, oldest first."""
        with self._store.lock:
            records = sorted(self._store.chats[self.id].items())
            return [ChatMessage.of(r) for _, r in records if not r.deleted]

    @property
    def last_message(self) -> ChatMessage | None:
        """The bot's newest message here, or None."""
        messages = self.messages
        return messages[-1] if messages else None

    @property
    def alerts(self) -> list[CallbackAnswer]:
        """Every answerCallbackQuery this user saw, oldest first (toasts and alerts)."""
        with self._store.lock:
            return [CallbackAnswer.of(a) for a in self._store.answers.get(self.id, [])]

    def answer_for(self, query_id: str) -> CallbackAnswer | None:
        """The answer to one press, or None while unanswered."""
        with self._store.lock:
            query = self._store.callbacks.get(query_id)
            return CallbackAnswer.of(query.answer) if query and query.answer else None

    def download(self, message: MessageRef) -> bytes:
        """The bytes of the document or (largest) photo in ``message``."""
        with self._store.lock:
            record = self._store.message(self.id, _id(message))
            media = record and (record.data.get("document") or (record.data.get("photo") or [None])[-1])
            stored = self._store.files.get(media["file_id"]) if media else None
            if stored is None:
                raise LookupError(f"message {_id(message)} carries no file")
            return stored.data

    # Waiting -----------------------------------------------------------------------------------

    def wait_for_message(
        self, contains: str | None = None, timeout: float = 5.0, since: int | None = None
    ) -> ChatMessage:
        """The first bot message newer than this user's last action (or ``since``) containing text."""
        return self._wait(self._new_message(contains, since), timeout, f"a message containing {contains!r}")

    async def wait_for_message_async(
        self, contains: str | None = None, timeout: float = 5.0, since: int | None = None
    ) -> ChatMessage:
        """``wait_for_message`` without blocking the event loop."""
        predicate = self._new_message(contains, since)
        return await self._wait_async(predicate, timeout, f"a message containing {contains!r}")

    def wait_for_edit(
        self, message: ChatMessage, timeout: float = 5.0, contains: str | None = None
    ) -> ChatMessage:
        """``message`` as it stands once its text, caption or keyboard changed (and contains text)."""
        return self._wait(self._edited(message, contains), timeout, f"an edit of {message.message_id}")

    async def wait_for_edit_async(
        self, message: ChatMessage, timeout: float = 5.0, contains: str | None = None
    ) -> ChatMessage:
        """``wait_for_edit`` without blocking the event loop."""
        predicate = self._edited(message, contains)
        return await self._wait_async(predicate, timeout, f"an edit of {message.message_id}")

    def wait_for_answer(self, query_id: str, timeout: float = 5.0) -> CallbackAnswer:
        """The bot's answerCallbackQuery for that press."""
        return self._wait(lambda: self.answer_for(query_id), timeout, f"an answer to {query_id}")

    async def wait_for_answer_async(self, query_id: str, timeout: float = 5.0) -> CallbackAnswer:
        """``wait_for_answer`` without blocking the event loop."""
        return await self._wait_async(lambda: self.answer_for(query_id), timeout, f"an answer to {query_id}")

    # Internals ---------------------------------------------------------------------------------

    def _post(self, fields: dict[str, Any], reply_to: MessageRef | None = None) -> ChatMessage:
        with self._store.lock:
            record = incoming.post(self._store, self.id, fields, None if reply_to is None else _id(reply_to))
            self._mark = record.data["message_id"]
            return ChatMessage.of(record)

    def _new_message(self, contains: str | None, since: int | None) -> Callable[[], ChatMessage | None]:
        after = self._mark if since is None else since
        return lambda: next(
            (m for m in self.messages if m.message_id > after and (contains is None or contains in m.body)),
            None,
        )

    def _edited(self, before: ChatMessage, contains: str | None) -> Callable[[], ChatMessage | None]:
        def changed() -> ChatMessage | None:
            now = next((m for m in self.messages if m.message_id == before.message_id), None)
            if now is None or (now.body, now.buttons) == (before.body, before.buttons):
                return None
            return now if contains is None or contains in now.body else None

        return changed

    def _wait(self, predicate: Callable[[], T | None], timeout: float, what: str) -> T:
        try:
            return self._store.wait(predicate, timeout)  # type: ignore[return-value]
        except TimeoutError:
            raise TimeoutError(self._timeout_text(what, timeout)) from None

    async def _wait_async(self, predicate: Callable[[], T | None], timeout: float, what: str) -> T:
        try:
            return await self._store.wait_async(predicate, timeout)  # type: ignore[return-value]
        except TimeoutError:
            raise TimeoutError(self._timeout_text(what, timeout)) from None

    def _timeout_text(self, what: str, timeout: float) -> str:
        seen = [f"#{m.message_id} {'bot' if m.from_bot else 'user'}: {m.body[:80]!r}" for m in self.history]
        return f"user {self.id}: no {what} within {timeout} s; the chat holds {seen}"


def _id(message: MessageRef) -> int:
    return message if isinstance(message, int) else message.message_id
