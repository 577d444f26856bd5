"""Everything the server knows: users, their chats and messages, updates, callbacks, files, log.

One re-entrant lock guards it all; the HTTP side (on the server's event loop) and the test driver
(on any thread) each take it for short, non-blocking steps. ``notify()`` wakes whoever waits for a
change: threads through a condition variable, coroutines on any event loop through an event.
"""

import asyncio
import contextlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import count
from typing import Any, TypeVar

from botapi.files import FileStore
from botapi.limits import Clock, RateLimiter
from botapi.records import CallbackRecord, LoggedRequest, MessageRecord, UserRecord, Webhook

__all__ = ["DEFAULT_EXCLUDED", "DEFAULT_UPDATES", "Store"]

T = TypeVar("T")

#: What Telegram sends when allowed_updates was never set: all but these three.
DEFAULT_EXCLUDED = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
DEFAULT_UPDATES = None  # None: every kind except DEFAULT_EXCLUDED


@dataclass
class Store:
    """The server's whole state; take ``lock`` around every read or change."""

    bot: dict[str, Any]
    limiter: RateLimiter
    callback_timeout: float | None = 15.0
    clock: Clock = time.monotonic
    wall: Clock = time.time
    lock: threading.RLock = field(default_factory=threading.RLock)
    users: dict[int, UserRecord] = field(default_factory=dict)
    chats: dict[int, dict[int, MessageRecord]] = field(default_factory=dict)
    updates: list[dict[str, Any]] = field(default_factory=list)
    allowed_updates: frozenset[str] | None = DEFAULT_UPDATES
    callbacks: dict[str, CallbackRecord] = field(default_factory=dict)
    answers: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    files: FileStore = field(default_factory=FileStore)
    commands: dict[tuple[str, str], list[dict[str, Any]]] = field(default_factory=dict)
    menu_buttons: dict[int | None, dict[str, Any]] = field(default_factory=dict)
    webhook: Webhook = field(default_factory=Webhook)
    log: list[LoggedRequest] = field(default_factory=list)
    poll_generation: int = 0
    closed: bool = False

    def __post_init__(self) -> None:
        self.changed = threading.Condition(self.lock)
        self._update_ids = count(1)
        self._callback_ids = count(1)
        self._message_ids: dict[int, count[int]] = {}
        self._waiters: set[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = set()

    def now(self) -> int:
        """Unix time in whole seconds, for ``date`` fields."""
        return int(self.wall())

    # Users and messages ---------------------------------------------------------------------

    def add_user(self, data: dict[str, Any], started: bool = False) -> UserRecord:
        """Create the user and their private chat (or return the existing one)."""
        with self.lock:
            record = self.users.get(data["id"])
            if record is None:
                record = self.users[data["id"]] = UserRecord(data, started)
                self.chats[data["id"]] = {}
                self._message_ids[data["id"]] = count(1)
            record.started = record.started or started
            return record

    def add_message(
        self,
        chat_id: int,
        from_bot: bool,
        fields: dict[str, Any],
        markup: dict[str, Any] | None = None,
        source: str | None = None,
    ) -> MessageRecord:
        """Append a message to the chat with the next message_id."""
        with self.lock:
            user = self.users[chat_id]
            data = {
                "message_id": next(self._message_ids[chat_id]),
                "from": self.bot if from_bot else user.data,
                "chat": user.chat,
                "date": self.now(),
                **fields,
            }
            record = MessageRecord(data, from_bot, markup, source)
            self.chats[chat_id][data["message_id"]] = record
            return record

    def message(self, chat_id: int, message_id: int) -> MessageRecord | None:
        """A message that exists and was not deleted."""
        with self.lock:
            record = self.chats.get(chat_id, {}).get(message_id)
            return None if record is None or record.deleted else record

    # Updates ----------------------------------------------------------------------------------

    def push_update(self, kind: str, payload: dict[str, Any]) -> dict[str, Any] | None:
        """Queue an update unless allowed_updates filters its kind out."""
        with self.lock:
            allowed = self.allowed_updates
            if (allowed is None and kind in DEFAULT_EXCLUDED) or (
                allowed is not None and kind not in allowed
            ):
                return None
            update = {"update_id": next(self._update_ids), kind: payload}
            self.updates.append(update)
            self.notify()
            return update

    def set_allowed_updates(self, kinds: list[str] | None) -> None:
        """Remember allowed_updates; an empty list restores the default, None keeps the last."""
        if kinds is not None:
            self.allowed_updates = frozenset(kinds) or DEFAULT_UPDATES

    def confirm(self, offset: int) -> None:
        """Forget updates below ``offset``; a negative offset keeps only the last ``-offset``."""
        with self.lock:
            if offset < 0:
                self.updates = self.updates[offset:]
            elif offset:
                self.updates = [u for u in self.updates if u["update_id"] >= offset]

    def add_callback(self, user_id: int, message_id: int, data: str) -> CallbackRecord:
        """A new callback query id for a button press."""
        with self.lock:
            query_id = str(4_000_000_000_000_000_000 + next(self._callback_ids) * 7919 + user_id % 7919)
            record = CallbackRecord(query_id, user_id, message_id, data, self.clock())
            self.callbacks[query_id] = record
            return record

    def record(self, entry: LoggedRequest) -> None:
        """Append to the request log."""
        with self.lock:
            self.log.append(entry)
            self.notify()

    # Waiting ------------------------------------------------------------------------------------

    def notify(self) -> None:
        """Wake every waiter; call with ``lock`` held after a change."""
        with self.lock:
            self.changed.notify_all()
            for loop, event in list(self._waiters):
                try:
                    loop.call_soon_threadsafe(event.set)
                except RuntimeError:  # that loop is closed; its waiter is gone
                    self._waiters.discard((loop, event))

    def close(self) -> None:
        """Mark the server as stopping, releasing long polls and hung requests."""
        with self.lock:
            self.closed = True
            self.notify()

    def wait(self, predicate: Callable[[], T], timeout: float) -> T:
        """Block the calling thread until ``predicate()`` (run under the lock) is truthy.

        Raises:
            TimeoutError: after ``timeout`` seconds.
        """
        with self.changed:
            result = self.changed.wait_for(predicate, timeout)
        if not result:
            raise TimeoutError(f"nothing matched within {timeout} s")
        return result

    async def wait_async(self, predicate: Callable[[], T], timeout: float) -> T:
        """``wait`` for a coroutine: suspends, never blocks the running event loop."""
        loop = asyncio.get_running_loop()
        event = asyncio.Event()
        key = (loop, event)
        deadline = loop.time() + timeout
        with self.lock:
            self._waiters.add(key)
        try:
            while True:
                event.clear()
                with self.lock:
                    result = predicate()
                if result:
                    return result
                remaining = deadline - loop.time()
                if remaining <= 0:
                    raise TimeoutError(f"nothing matched within {timeout} s")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(event.wait(), remaining)
        finally:
            with self.lock:
                self._waiters.discard(key)
