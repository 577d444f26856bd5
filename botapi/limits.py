"""Flood control like Telegram's (per chat and global) and faults injected by tests.

Both take a monotonic ``clock`` so unit tests can move time by hand.
"""

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

__all__ = ["Fault", "Faults", "RateLimiter", "TokenBucket"]

Clock = Callable[[], float]


@dataclass
class TokenBucket:
    """``burst`` sends at once, then ``rate`` per second."""

    rate: float
    burst: float
    tokens: float = field(init=False)
    updated: float | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        if self.rate <= 0 or self.burst < 1:
            raise ValueError("a bucket needs rate > 0 and burst >= 1")
        self.tokens = float(self.burst)

    def wait(self, now: float) -> float:
        """Seconds until one token is available (0 if one is now); refills first."""
        if self.updated is not None:
            self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate

    def take(self) -> None:
        """Spend one token; call right after ``wait`` returned 0."""
        self.tokens -= 1


class RateLimiter:
    """Telegram's flood control on sending methods: one bucket per chat and one for the bot.

    A rate of ``None`` turns that limit off. Defaults follow Telegram's guidance: about one message
    per second in a private chat (a short burst passes) and 30 messages per second overall.
    """

    def __init__(
        self,
        per_chat_rate: float | None = 1.0,
        per_chat_burst: int = 3,
        global_rate: float | None = 30.0,
        global_burst: int = 30,
        clock: Clock = time.monotonic,
    ) -> None:
        self._lock = threading.Lock()
        self._clock = clock
        self._chats: dict[int, TokenBucket] = {}
        self.configure(per_chat_rate, per_chat_burst, global_rate, global_burst)

    def configure(
        self,
        per_chat_rate: float | None = 1.0,
        per_chat_burst: int = 3,
        global_rate: float | None = 30.0,
        global_burst: int = 30,
    ) -> None:
        """Replace the limits (and forget what was spent)."""
        with self._lock:
            self._per_chat = (per_chat_rate, per_chat_burst)
            self._chats.clear()
            self._global = TokenBucket(global_rate, global_burst) if global_rate else None

    def check(self, chat_id: int) -> int | None:
        """Count one send to ``chat_id``; None if allowed, else ``retry_after`` in whole seconds.

        A refused send spends nothing, as a refused request does not reach the chat.
        """
        with self._lock:
            now = self._clock()
            buckets = [b for b in (self._global, self._chat_bucket(chat_id)) if b is not None]
            wait = max((b.wait(now) for b in buckets), default=0.0)
            if wait > 0:
                return max(1, math.ceil(wait))
            for bucket in buckets:
                bucket.take()
            return None

    def _chat_bucket(self, chat_id: int) -> TokenBucket | None:
        rate, burst = self._per_chat
        if not rate:
            return None
        if chat_id not in self._chats:
            self._chats[chat_id] = TokenBucket(rate, burst)
        return self._chats[chat_id]


@dataclass
class Fault:
    """One injected fault: answer ``status`` (``fail``) or never answer (``hang``).

    It matches ``method`` (any method when None) for ``times`` requests, or until the monotonic
    time ``until``. With ``applied`` the call takes effect first and only its answer is lost, the
    way a timeout after Telegram already sent the message looks to the bot.
    """

    action: Literal["fail", "hang"]
    method: str | None = None
    times: int | None = 1
    until: float | None = None
    status: int = 502
    applied: bool = False

    def matches(self, method: str, now: float) -> bool:
        """Whether this fault takes the request (ignores exhausted or expired faults)."""
        if self.method is not None and self.method.lower() != method.lower():
            return False
        if self.until is not None and now >= self.until:
            return False
        return self.times is None or self.times > 0


class Faults:
    """Faults waiting for requests; the first matching one takes each request."""

    def __init__(self, clock: Clock = time.monotonic) -> None:
        self._lock = threading.Lock()
        self._clock = clock
        self._faults: list[Fault] = []

    def add(
        self,
        action: Literal["fail", "hang"],
        method: str | None = None,
        times: int | None = 1,
        seconds: float | None = None,
        status: int = 502,
        applied: bool = False,
    ) -> Fault:
        """Queue a fault for the next ``times`` requests or, with ``seconds``, for that window."""
        if times is None and seconds is None:
            raise ValueError("a fault needs times or seconds")
        until = self._clock() + seconds if seconds is not None else None
        fault = Fault(action, method, None if seconds is not None else times, until, status, applied)
        with self._lock:
            self._faults.append(fault)
        return fault

    def take(self, method: str) -> Fault | None:
        """The fault for this request, if any, counting it against ``times``."""
        with self._lock:
            now = self._clock()
            self._faults = [f for f in self._faults if f.matches(f.method or method, now)]
            for fault in self._faults:
                if fault.matches(method, now):
                    if fault.times is not None:
                        fault.times -= 1
                    return fault
            return None

    def clear(self) -> None:
        """Drop every pending fault."""
        with self._lock:
            self._faults.clear()
