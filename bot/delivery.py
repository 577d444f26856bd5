"""Delivering the outbox: claim rows, render each (``bot.notices``), send it (``bot.transport``),
record what became of it.

Each pass claims whole chats' queues for this replica (``OutboxService.claim``), so several
replicas on one database send each row once. A row is marked sent only after Telegram accepted
it, so a crash between the two repeats at most that one message (once the claim's lease expires)
and never loses it. Each pass first takes the buttons off the messages whose case moved on
(``bot.keyboards``). Each chat's rows go out strictly in order: a row that must wait (a 429, a
network error) is rescheduled and holds back the later rows of the same chat; a 403 marks the
official unreachable and tells their superior and the TU. How fast anything goes out is the
transport's limiter's business (``bot.ratelimit``), not this loop's.
"""

import asyncio
import logging
import os
import secrets
import socket
import time
from datetime import timedelta

from jinja2 import TemplateError
from telegram import Bot

from bot.keyboards import clear_outdated, made_for
from bot.notices import Notices, Obsolete
from bot.runtime import Runtime
from bot.transport import Delivered, Refused, Retry, Transport, Unreachable
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
        transport: Transport,
        *,
        replica: str | None = None,
        lease: timedelta = LEASE,
    ) -> None:
        self._runtime = runtime
        self._outbox = runtime.outbox
        self._notices = Notices(runtime)
        self._transport = transport
        self.replica = replica or replica_id()
        self._lease = lease
        self._lock = asyncio.Lock()

    async def run_once(self, bot: Bot) -> int:
        """Send what is due now; returns how many messages were sent.

        A pass that claimed a full batch and sent something is followed at once by another, so a
        backlog goes out at the full rate rather than one batch per tick of the delivery job.
        """
        async with self._lock:
            await clear_outdated(bot, self._runtime)
            total = 0
            while True:
                claimed, sent = await self._pass(bot)
                total += sent
                if claimed < BATCH or sent == 0:
                    return total

    async def _pass(self, bot: Bot) -> tuple[int, int]:
        """Claim a batch, send each chat's rows in order, release the rest; (rows claimed, sent)."""
        # never send on a claim about to expire: what is left goes in the next pass
        deadline = time.monotonic() + self._lease.total_seconds() / 2
        items = await asyncio.to_thread(self._outbox.claim, self.replica, BATCH, self._lease)
        queues: dict[str, list[OutboxItem]] = {}
        for item in items:
            queues.setdefault(item.recipient, []).append(item)
        sent = 0

        async def deliver(item: OutboxItem) -> bool:
            nonlocal sent
            done, message = await self._deliver(bot, item)
            sent += message
            return done

        try:
            await self._transport.drain([(q[0].chat_id, q) for q in queues.values()], deliver, deadline)
        finally:
            if items:  # what was held back is free for any replica's next pass
                await asyncio.to_thread(self._outbox.release, self.replica, items)
        return len(items), sent

    async def _deliver(self, bot: Bot, item: OutboxItem) -> tuple[bool, bool]:
        """Render, send and record ``item``: (done with it, a message went out)."""
        if item.chat_id is None:
            await asyncio.to_thread(self._outbox.skip, item, "no Telegram account linked")
            return True, False
        try:
            rendered = await asyncio.to_thread(self._notices.render, item)
        except Obsolete as exc:  # a reminder for a step that was handled meanwhile
            await asyncio.to_thread(self._outbox.skip, item, str(exc))
            return True, False
        except (
            ValueError,
            TemplateError,
            DomainError,
        ) as exc:  # retrying cannot help; don't hold back the rest
            log.exception("outbox row %s cannot be rendered", item.id)
            await asyncio.to_thread(self._outbox.fail, item, f"cannot be rendered: {exc}")
            return True, False
        outcome = await self._transport.send(bot, item.chat_id, rendered, item.attempts)
        match outcome:
            case Retry(at, reason):
                await asyncio.to_thread(self._outbox.retry, item, at, reason)
                return False, False
            case Unreachable(reason):
                log.warning("official %s is unreachable: %s", item.recipient, reason)
                superiors = await asyncio.to_thread(self._superiors, item.recipient)
                await asyncio.to_thread(self._outbox.unreachable, item, reason, superiors)
                return True, False
            case Refused(reason):
                log.error("outbox row %s refused by Telegram: %s", item.id, reason)
                await asyncio.to_thread(self._outbox.fail, item, reason)
                return True, False
            case Delivered(message_id):
                buttons = made_for(rendered.keyboard)
                await asyncio.to_thread(self._outbox.sent, item, item.chat_id, message_id, buttons)
        for chat_id, old in rendered.replaces:  # best effort: their buttons are stale anyway
            if await self._transport.edit(bot, chat_id, old, rendered.replaced):
                await asyncio.to_thread(self._runtime.buttons.shown, chat_id, old, None)
            # else its buttons are taken off with the others of older versions
        await self._transport.attachments(bot, item.chat_id, rendered)  # `disposisi case print` has them too
        return True, True

    def _superiors(self, key: str) -> list[str]:
        directory = self._runtime.roster.directory()
        official = directory.get(key)
        if official is not None and directory.is_active(official.reports_to):
            return [official.reports_to]
        return []


def replica_id() -> str:
    """This process among the bot's replicas: host, process id and a random part (64 characters at most)."""
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{secrets.token_hex(4)}"
