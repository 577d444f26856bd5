"""Delivering the outbox: render each row, send it in order per chat, within Telegram's rates.

Each pass claims whole chats' queues for this replica (``OutboxService.claim``), so several
replicas on one database send each row once. A row is marked sent only after Telegram accepted
it, so a crash between the two repeats at most that one message (once the claim's lease expires)
and never loses it. Each pass first takes the buttons off the messages whose case moved on
(``bot.keyboards``). A 429 waits its ``retry_after``; a network error backs off; a 403 marks the
official unreachable and tells their superior and the TU. Each chat's rows go out strictly in
order: a row that must wait holds back the later rows of the same chat.
"""

import asyncio
import logging
import os
import secrets
import socket
import time
from collections import deque
from datetime import UTC, datetime, timedelta

from jinja2 import TemplateError
from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.keyboards import clear_outdated, made_for
from bot.messages import Rendered
from bot.notices import Notices, Obsolete
from bot.runtime import Runtime
from workflow.errors import DomainError
from workflow.service.outbox import LEASE, OutboxItem

__all__ = ["Delivery"]

log = logging.getLogger(__name__)

#: Rows one delivery pass claims at most.
BATCH = 100


class Delivery:
    """One delivery loop per process; ``run_once`` is called by a repeating job and after actions."""

    def __init__(
        self,
        runtime: Runtime,
        *,
        per_chat_interval: float = 1.0,
        global_rate: int = 25,
        replica: str | None = None,
        lease: timedelta = LEASE,
    ) -> None:
        self._runtime = runtime
        self._outbox = runtime.outbox
        self._notices = Notices(runtime)
        self.replica = replica or replica_id()
        self._lease = lease
        self._per_chat = per_chat_interval
        self._global_rate = global_rate
        self._last_sent: dict[int, float] = {}
        self._recent: deque[float] = deque()
        self._lock = asyncio.Lock()

    async def run_once(self, bot: Bot) -> int:
        """Send what is due now; returns how many messages were sent.

        A pass that claimed a full batch and sent something is followed at once by another, so a
        backlog goes out at the full rate rather than one batch per tick of the delivery job.
        """
        async with self._lock:
            await clear_outdated(bot, self._runtime, self._global_slot)
            total = 0
            while True:
                claimed, sent = await self._pass(bot)
                total += sent
                if claimed < BATCH or sent == 0:
                    return total

    async def _pass(self, bot: Bot) -> tuple[int, int]:
        """Claim a batch, send what may go now, release the rest; (rows claimed, messages sent)."""
        started = time.monotonic()
        items = await asyncio.to_thread(self._outbox.claim, self.replica, BATCH, self._lease)
        held: set[str] = set()  # recipients whose earlier row must go first
        sent = 0
        try:
            for item in items:
                if time.monotonic() - started > self._lease.total_seconds() / 2:
                    break  # the rest next pass: never send on a claim about to expire
                if item.recipient in held:
                    continue
                if item.chat_id is not None and not self._chat_ready(item.chat_id):
                    held.add(item.recipient)
                    continue
                if not await self._deliver(bot, item):
                    held.add(item.recipient)
                else:
                    sent += 1
        finally:
            if items:  # what was held back is free for any replica's next pass
                await asyncio.to_thread(self._outbox.release, self.replica, items)
        return len(items), sent

    async def _deliver(self, bot: Bot, item: OutboxItem) -> bool:
        if item.chat_id is None:
            await asyncio.to_thread(self._outbox.skip, item, "no Telegram account linked")
            return True
        try:
            rendered = await asyncio.to_thread(self._notices.render, item)
        except Obsolete as exc:  # a reminder for a step that was handled meanwhile
            await asyncio.to_thread(self._outbox.skip, item, str(exc))
            return True
        except (
            ValueError,
            TemplateError,
            DomainError,
        ) as exc:  # retrying cannot help; don't hold back the rest
            log.exception("outbox row %s cannot be rendered", item.id)
            await asyncio.to_thread(self._outbox.fail, item, f"cannot be rendered: {exc}")
            return True
        await self._global_slot()
        try:
            message_id = await _send(bot, item.chat_id, rendered)
        except RetryAfter as exc:
            wait = exc.retry_after
            seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
            await asyncio.to_thread(self._outbox.retry, item, _now() + timedelta(seconds=seconds), "429")
            return False
        except Forbidden as exc:
            log.warning("official %s is unreachable: %s", item.recipient, exc.message)
            superiors = await asyncio.to_thread(self._superiors, item.recipient)
            await asyncio.to_thread(self._outbox.unreachable, item, exc.message, superiors)
            return True
        except BadRequest as exc:
            log.error("outbox row %s refused by Telegram: %s", item.id, exc.message)
            await asyncio.to_thread(self._outbox.fail, item, exc.message)
            return True
        except NetworkError as exc:
            backoff = min(300, 2 ** min(item.attempts, 8))
            await asyncio.to_thread(self._outbox.retry, item, _now() + timedelta(seconds=backoff), str(exc))
            return False
        self._last_sent[item.chat_id] = time.monotonic()
        buttons = made_for(rendered.keyboard)
        await asyncio.to_thread(self._outbox.sent, item, item.chat_id, message_id, buttons)
        for chat_id, message_id in rendered.replaces:  # best effort: their buttons are stale anyway
            try:
                await bot.edit_message_text(rendered.replaced, chat_id=chat_id, message_id=message_id)
            except TelegramError as exc:
                log.warning("message %s (outbox row %s) not marked replaced: %s", message_id, item.id, exc)
                continue  # its buttons are taken off with the others of older versions
            await asyncio.to_thread(self._runtime.buttons.shown, chat_id, message_id, None)
        for name, pdf in rendered.documents:  # best effort: `disposisi case print` writes them too
            await self._global_slot()
            try:
                await bot.send_document(item.chat_id, document=pdf, filename=name)
            except TelegramError as exc:
                log.warning("document %s for outbox row %s not sent: %s", name, item.id, exc)
        for photo in rendered.photos:  # best effort as well: the figures are in the text
            await self._global_slot()
            try:
                await bot.send_photo(item.chat_id, photo=photo)
            except TelegramError as exc:
                log.warning("photo for outbox row %s not sent: %s", item.id, exc)
        return True

    def _superiors(self, key: str) -> list[str]:
        directory = self._runtime.roster.directory()
        official = directory.get(key)
        if official is not None and directory.is_active(official.reports_to):
            return [official.reports_to]
        return []

    def _chat_ready(self, chat_id: int) -> bool:
        last = self._last_sent.get(chat_id)
        return last is None or time.monotonic() - last >= self._per_chat

    async def _global_slot(self) -> None:
        while True:
            now = time.monotonic()
            while self._recent and now - self._recent[0] >= 1.0:
                self._recent.popleft()
            if len(self._recent) < self._global_rate:
                self._recent.append(now)
                return
            await asyncio.sleep(1.0 - (now - self._recent[0]))


async def _send(bot: Bot, chat_id: int, rendered: Rendered) -> int:
    """Send ``rendered``, or put it in place of the message it edits while Telegram still allows
    that (else it comes as a new message); the Telegram message id."""
    if rendered.edit is not None:
        try:
            await bot.edit_message_text(
                rendered.text, chat_id=chat_id, message_id=rendered.edit, reply_markup=rendered.keyboard
            )
            return rendered.edit
        except BadRequest as exc:
            if "not modified" in exc.message.lower():  # it was shown after all
                return rendered.edit
            log.info("message %s cannot be edited (%s): sent as a new one", rendered.edit, exc.message)
    message = await bot.send_message(chat_id, rendered.text, reply_markup=rendered.keyboard)
    return message.message_id


def _now() -> datetime:
    return datetime.now(UTC)


def replica_id() -> str:
    """This process among the bot's replicas: host, process id and a random part (64 characters at most)."""
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{secrets.token_hex(4)}"
