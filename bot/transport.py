"""Sending rendered messages to Telegram: the chats' queues, what each answer means, and retries.

``Transport.drain`` sends several chats' queues side by side, each strictly in order: a chat
stops at its first message that must wait, and at a message whose turn would come after the
pass's deadline (the rest go in a later pass). The rate is the bot's one limiter's
(``bot.ratelimit.SendLimiter``, under every request of the bot): this module asks it only how
long a chat must still wait, never paces anything itself.

``Transport.send`` turns Telegram's answer into an ``Outcome`` the outbox records:

- ``Delivered``: accepted, with the message id;
- ``Retry``: try again at ``at``: after a 429, when its ``retry_after`` has passed (the limiter
  also holds the chat back until then); after a network error or a 5xx, with a backoff that
  doubles with each attempt (1 s, 2 s, 4 s, … at most 5 minutes);
- ``Unreachable``: 403, the official blocked the bot or never started it;
- ``Refused``: 400 (a bad request, "chat not found"): sending it again cannot help.
"""

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from telegram import Bot
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError

from bot.messages import Rendered
from bot.ratelimit import SendLimiter, no_retry, retry_seconds

__all__ = ["Delivered", "Outcome", "Refused", "Retry", "Transport", "Unreachable", "backoff"]

log = logging.getLogger(__name__)

T = TypeVar("T")
#: Seconds a network error or a 5xx puts off a message at most.
MAX_BACKOFF = 300


@dataclass(frozen=True, slots=True)
class Delivered:
    """Telegram accepted the message."""

    message_id: int


@dataclass(frozen=True, slots=True)
class Retry:
    """Not sent; try again at ``at``."""

    at: datetime
    reason: str


@dataclass(frozen=True, slots=True)
class Unreachable:
    """Telegram will not deliver to this chat (403): the official blocked the bot."""

    reason: str


@dataclass(frozen=True, slots=True)
class Refused:
    """Telegram refused the message itself (400); it will refuse it again."""

    reason: str


Outcome = Delivered | Retry | Unreachable | Refused


def backoff(attempts: int) -> float:
    """Seconds before the next try of a message that failed ``attempts + 1`` times on the network."""
    return min(MAX_BACKOFF, 2 ** min(attempts, 8))


class Transport:
    """Sends what ``bot.notices`` rendered, through the bot and its limiter."""

    def __init__(
        self, limiter: SendLimiter | None, clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    ):
        self._limiter = limiter
        self._clock = clock

    async def drain(
        self,
        queues: Sequence[tuple[int | None, Sequence[T]]],
        deliver: Callable[[T], Awaitable[bool]],
        deadline: float,
    ) -> None:
        """Deliver each ``(chat_id, items)`` queue in order, the chats side by side.

        ``deliver`` returns False for an item that must wait, which stops its chat; no item starts
        when its chat's turn would come after ``deadline`` (monotonic).
        """

        async def one_chat(chat_id: int | None, items: Sequence[T]) -> None:
            for item in items:
                wait = self._limiter.delay(chat_id) if self._limiter and chat_id is not None else 0.0
                if time.monotonic() + wait > deadline or not await deliver(item):
                    return

        # every chat finishes before this returns (and the caller releases its claims), even when one fails
        results = await asyncio.gather(*(one_chat(c, items) for c, items in queues), return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException):
                raise result

    async def send(self, bot: Bot, chat_id: int, rendered: Rendered, attempts: int) -> Outcome:
        """Send ``rendered`` to ``chat_id`` (its ``attempts``-th try); what Telegram made of it."""
        try:
            return Delivered(await _put(bot, chat_id, rendered))
        except RetryAfter as exc:
            return Retry(self._clock() + timedelta(seconds=retry_seconds(exc)), "429")
        except Forbidden as exc:
            return Unreachable(exc.message)
        except BadRequest as exc:  # before TelegramError: PTB's BadRequest is a NetworkError
            return Refused(exc.message)
        except TelegramError as exc:  # the network, a 5xx, a timeout: it may pass
            return Retry(self._clock() + timedelta(seconds=backoff(attempts)), str(exc))

    async def edit(self, bot: Bot, chat_id: int, message_id: int, text: str) -> bool:
        """Best effort: put ``text`` in place of a message (and its buttons); whether it was."""
        try:
            await bot.edit_message_text(text, chat_id=chat_id, message_id=message_id, **no_retry(bot))
        except TelegramError as exc:
            log.warning("message %s in chat %s not replaced: %s", message_id, chat_id, exc)
            return False
        return True

    async def attachments(self, bot: Bot, chat_id: int, rendered: Rendered) -> None:
        """Best effort: the documents and photos that follow a message (the text carries the facts);
        those made only now (``Rendered.later``) are drawn in a worker thread."""
        documents = []
        if rendered.later is not None:
            try:
                documents = await asyncio.to_thread(rendered.later)
            except Exception:  # a document that cannot be drawn must not undo a message sent
                log.exception("the documents after a message to chat %s could not be made", chat_id)
        for name, pdf in documents:
            try:
                await bot.send_document(chat_id, document=pdf, filename=name)
            except TelegramError as exc:
                log.warning("document %s to chat %s not sent: %s", name, chat_id, exc)
        for photo in rendered.photos:
            try:
                await bot.send_photo(chat_id, photo=photo)
            except TelegramError as exc:
                log.warning("photo to chat %s not sent: %s", chat_id, exc)


async def _put(bot: Bot, chat_id: int, rendered: Rendered) -> int:
    """Send ``rendered``, or put it in place of the message it edits while Telegram still allows
    that (else it comes as a new message); the Telegram message id."""
    if rendered.edit is not None:
        try:
            await bot.edit_message_text(
                rendered.text,
                chat_id=chat_id,
                message_id=rendered.edit,
                reply_markup=rendered.keyboard,
                **no_retry(bot),
            )
            return rendered.edit
        except BadRequest as exc:
            if "not modified" in exc.message.lower():  # it was shown after all
                return rendered.edit
            log.info("message %s cannot be edited (%s): sent as a new one", rendered.edit, exc.message)
    message = await bot.send_message(chat_id, rendered.text, reply_markup=rendered.keyboard, **no_retry(bot))
    return message.message_id
