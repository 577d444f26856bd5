"""The bot's one rate limiter: Telegram's global and per-chat limits, on every request the bot makes.

It is the project's own and it is installed as the application's rate limiter
(``ApplicationBuilder.rate_limiter``, in ``bot.app``), so every request that carries a ``chat_id``
passes through it, whoever makes it: the outbox's deliveries (``bot.transport``), the replies and
edits the handlers send while an official presses, and the buttons taken off stale messages.
There is no other limiter: the delivery loop does not pace itself, and PTB's ``AIORateLimiter``
is not installed. Why not that one instead: it limits a single chat only in groups and channels
(negative ids), while every chat of this bot is a private one, where Telegram allows about one
message per second; and on any 429 it stops every request of the bot for ``retry_after`` and
retries inside the call, so the outbox could not hold back just the chat that got the 429 and
record the retry in its row.

Two limits, each a GCRA bucket (a token bucket kept as the time its next request conforms):

- overall, ``global_rate`` requests per second (``TELEGRAM_SEND_RATE``), on every request with a
  ``chat_id`` (messages, edits, files), after a burst of 3 at most: enough that a request starting
  a few milliseconds late (the event loop was busy) does not lose its turn, few enough that
  Telegram's 30 per second overall holds even when requests reach it unevenly;
- per chat, ``per_chat_rate`` new messages per second after a burst of ``per_chat_burst`` (1 per
  second after 2: one less than the short burst Telegram lets pass, so a request that reaches
  Telegram late by up to a second still finds room). Edits are not counted per chat.

A 429 holds back the chat it came from for its ``retry_after`` (any request to it waits), then the
call is tried again up to ``max_retries`` times; ``rate_limit_args=NO_RETRY`` (what the outbox
passes) raises the ``RetryAfter`` at once instead, for the caller to reschedule the message.
"""

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

__all__ = ["NO_RETRY", "SendLimiter", "no_retry", "retry_seconds"]

log = logging.getLogger(__name__)

#: Methods that add a message to a chat (Telegram's per-chat limit); every other one with a
#: ``chat_id`` (an edit, a deletion) counts only towards the overall rate.
_NEW_MESSAGE = ("send", "copyMessage", "forwardMessage")
_NOT_A_MESSAGE = ("sendChatAction",)
#: ``rate_limit_args`` of a call that wants a 429 raised at once (PTB drops a falsy one, so not 0).
NO_RETRY = {"retries": 0}


def no_retry(bot) -> dict:
    """The arguments that make a call through ``bot`` raise a 429 at once (none without a limiter)."""
    return {"rate_limit_args": NO_RETRY} if getattr(bot, "rate_limiter", None) is not None else {}


#: Per-chat buckets kept at most before the idle ones are dropped.
_KEEP = 1000


class Bucket:
    """``rate`` per second after a burst of ``burst`` (GCRA: a start time is reserved per request)."""

    def __init__(self, rate: float, burst: int = 1) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("a bucket needs rate > 0 and burst >= 1")
        self.interval = 1.0 / rate
        self._tolerance = (burst - 1) * self.interval
        self._tat = float("-inf")  # the theoretical arrival time of the next request

    def earliest(self) -> float:
        """The monotonic time from which the next request conforms."""
        return self._tat - self._tolerance

    def take(self, at: float) -> None:
        """Spend the request that starts at ``at`` (no earlier than ``earliest()``)."""
        self._tat = max(self._tat, at) + self.interval

    def idle(self, now: float) -> bool:
        """Whether the bucket is full again (forgetting it changes nothing)."""
        return self._tat <= now


class SendLimiter(BaseRateLimiter[dict[str, int]]):
    """Telegram's limits on this bot's requests; see the module docstring.

    Args:
        global_rate: requests per second with a ``chat_id``, over all chats (``TELEGRAM_SEND_RATE``).
        per_chat_rate: new messages per second in one chat; None turns the per-chat limit off.
        per_chat_burst: new messages one chat may receive at once.
        global_burst: requests at once over all chats.
        max_retries: tries again after a 429 (waiting out ``retry_after``) unless the call says otherwise.
        clock: monotonic clock; tests move it by hand.
    """

    def __init__(
        self,
        global_rate: float,
        per_chat_rate: float | None = 1.0,
        per_chat_burst: int = 2,
        global_burst: int = 3,
        max_retries: int = 3,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._global = Bucket(global_rate, global_burst)
        self._per_chat = (per_chat_rate, per_chat_burst) if per_chat_rate else None
        self._chats: dict[int, Bucket] = {}
        self._held: dict[int, float] = {}  # chat -> monotonic time its 429 ends
        self._max_retries = max_retries
        self._clock = clock
        self._queue = asyncio.Lock()  # the overall turns, first come first served

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: dict[str, int] | None,
    ) -> Any:
        """Wait for the request's turn, make it; after a 429 hold its chat back and maybe try again."""
        chat_id = _chat(data.get("chat_id"))
        if chat_id is None:  # getUpdates, answerCallbackQuery, setMyCommands: no message goes out
            return await callback(*args, **kwargs)
        retries = (rate_limit_args or {}).get("retries", self._max_retries)
        attempt = 0
        while True:
            await self.turn(chat_id, new_message=_adds_message(endpoint))
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                self.hold(chat_id, retry_seconds(exc))
                if attempt >= retries:
                    raise
                attempt += 1
                log.info("%s to chat %s: 429, again in %.0f s", endpoint, chat_id, retry_seconds(exc))

    async def turn(self, chat_id: int, *, new_message: bool = True) -> None:
        """Wait until a request to ``chat_id`` may start, and count it.

        The chat's own wait comes first, outside the queue, so a chat that must wait holds up no
        other. Then the requests take the overall turns one at a time, in the order they came, each
        counted when it actually starts: after the event loop was held up, the requests that were
        due meanwhile still go out spaced, not all at once.
        """
        while True:
            chat = self._chat_bucket(chat_id, self._clock()) if new_message else None
            await self._until(max(self._held.get(chat_id, 0.0), chat.earliest() if chat else 0.0))
            async with self._queue:
                await self._until(self._global.earliest())
                now = self._clock()
                chat = self._chat_bucket(chat_id, now) if new_message else None  # idle ones are dropped
                if self._held.get(chat_id, 0.0) <= now and (chat is None or chat.earliest() <= now):
                    self._global.take(now)
                    if chat is not None:
                        chat.take(now)
                    return
            # another request to the chat (a handler's reply) took its turn meanwhile: wait again

    def hold(self, chat_id: int, seconds: float) -> None:
        """Telegram said 429 for ``chat_id``: nothing goes to it for ``seconds``."""
        self._held[chat_id] = max(self._held.get(chat_id, 0.0), self._clock() + seconds)

    def delay(self, chat_id: int) -> float:
        """Seconds until a new message to ``chat_id`` could start (0: now)."""
        now = self._clock()
        bucket = self._chats.get(chat_id) if self._per_chat else None
        start = max(now, self._global.earliest(), self._held.get(chat_id, now))
        if bucket is not None:
            start = max(start, bucket.earliest())
        return start - now

    async def _until(self, moment: float) -> None:
        wait = moment - self._clock()
        if wait > 0:
            await asyncio.sleep(wait)

    def _chat_bucket(self, chat_id: int, now: float) -> Bucket | None:
        if self._per_chat is None:
            return None
        if len(self._chats) > _KEEP:  # forget the chats whose bucket is full again
            self._chats = {c: b for c, b in self._chats.items() if not b.idle(now)}
            self._held = {c: t for c, t in self._held.items() if t > now}
        bucket = self._chats.get(chat_id)
        if bucket is None:
            bucket = self._chats[chat_id] = Bucket(*self._per_chat)
        return bucket


def retry_seconds(exc: RetryAfter) -> float:
    """A 429's ``retry_after`` in seconds."""
    wait = exc.retry_after
    return wait.total_seconds() if isinstance(wait, timedelta) else float(wait)


def _adds_message(endpoint: str) -> bool:
    return endpoint.startswith(_NEW_MESSAGE) and endpoint not in _NOT_A_MESSAGE


def _chat(value: object) -> int | None:
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None  # none, or a channel's @username: this bot has only private chats
