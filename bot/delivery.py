"""Delivering the outbox: render each row, send it in order per chat, within Telegram's rates.

Each pass claims whole chats' queues for this replica (``OutboxService.claim``), so several
replicas on one database send each row once. A row is marked sent only after Telegram accepted
it, so a crash between the two repeats at most that one message (once the claim's lease expires)
and never loses it. A 429 waits its ``retry_after``; a network error backs off; a 403 marks the
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
from datetime import UTC, date, datetime, timedelta

from jinja2 import TemplateError
from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError

from bot.approval import approval
from bot.digest import digest_chart, digest_text
from bot.documents import dispatch_documents
from bot.messages import Rendered, revoke_keyboard, revoke_operators, step_keyboard, step_text
from bot.runtime import Runtime
from bot.templating import render_html
from workflow.errors import DomainError
from workflow.service.outbox import LEASE, OutboxItem, OutboxService
from workflow.sop import StepKind
from workflow.timeline import display_name

__all__ = ["Delivery"]

log = logging.getLogger(__name__)

_STEP_KINDS = ("step_assigned", "step_returned")
_BY_ACTOR = ("case_moved", "case_closed", "case_rejected", "case_cancelled", "step_reassigned")
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
    ) -> None:
        self._runtime = runtime
        self._outbox = OutboxService(runtime.sessions)
        self.replica = replica or replica_id()
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
            total = 0
            while True:
                claimed, sent = await self._pass(bot)
                total += sent
                if claimed < BATCH or sent == 0:
                    return total

    async def _pass(self, bot: Bot) -> tuple[int, int]:
        """Claim a batch, send what may go now, release the rest; (rows claimed, messages sent)."""
        started = time.monotonic()
        items = await asyncio.to_thread(self._outbox.claim, self.replica, BATCH, LEASE)
        held: set[str] = set()  # recipients whose earlier row must go first
        sent = 0
        try:
            for item in items:
                if time.monotonic() - started > LEASE.total_seconds() / 2:
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
            rendered = await asyncio.to_thread(self._render, item)
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
            message = await bot.send_message(item.chat_id, rendered.text, reply_markup=rendered.keyboard)
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
        await asyncio.to_thread(self._outbox.sent, item, item.chat_id, message.message_id)
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

    def _render(self, item: OutboxItem) -> Rendered:
        rt, tz = self._runtime, self._runtime.settings.tz
        lang = item.language
        if item.kind in ("official_unreachable", "pin_locked", "pin_reset"):
            key = item.payload.get("official", item.recipient)
            name = rt.roster.directory().name(key)
            by = rt.roster.directory().name(item.payload.get("by")) if item.payload.get("by") else None
            return Rendered(
                render_html(
                    item.kind, lang, tz, name=name, key=key, case_number=item.case_number or "-", by=by
                )
            )
        if item.kind == "digest":
            return self._digest(item, lang)
        view = rt.cases.view(item.case_number)
        uploads = rt.settings.allow_scan_uploads
        if item.kind in ("reminder", "escalation"):
            return self._sla_notice(item, view, lang)
        if item.kind in _STEP_KINDS:
            current = view.case.current
            if current is None or current.step_no != item.step_no:
                # moved on meanwhile: the step it was about, without buttons
                return Rendered(step_text(view, lang, tz, item.kind, step_no=item.step_no, uploads=uploads))
            allowed = rt.cases.allowed(view.case.number, item.recipient)
            acting_for, sp_number = None, None
            if current.assignee != item.recipient:
                acting_for = view.directory.name(current.assignee)
                order = view.directory.standing_in_for(item.recipient, current.assignee, _now())
                sp_number = order.sp_number if order else None
            text = step_text(
                view, lang, tz, item.kind, acting_for=acting_for, sp_number=sp_number, uploads=uploads
            )
            documents = ()
            if view.sop.step(current.step_no).kind is StepKind.DISPATCH:  # the JFU's checklist and receipt
                documents = tuple(dispatch_documents(view, tz))
            return Rendered(text, step_keyboard(view, allowed, lang, uploads=uploads), documents)
        step = next((s for s in reversed(view.case.steps) if s.step_no == item.step_no), view.case.steps[-1])
        values = {"case": view.case, "step": view.sop.step(step.step_no), "reason": step.note}
        if item.kind == "case_waiting":  # the SOP's rule on duties that left nobody to take it, if any
            values["rule"] = item.payload.get("rule")
        if item.kind in _BY_ACTOR:
            values["by"] = display_name(view.directory, step.actor, step.acting_for)
        keyboard = None
        if item.kind == "case_waiting" and view.case.current is not None:  # the superior assigns it here
            keyboard = step_keyboard(
                view, rt.cases.allowed(view.case.number, item.recipient), lang, uploads=uploads
            )
        if item.kind == "case_closed":  # who granted the operator access is asked to confirm it was revoked
            keyboard = revoke_keyboard(view, rt.cases.allowed(view.case.number, item.recipient), lang)
            values["to"] = revoke_operators(view) if keyboard else None
        return Rendered(render_html(item.kind, lang, tz, **values), keyboard)

    def _sla_notice(self, item: OutboxItem, view, lang: str) -> Rendered:
        """A reminder (with the step's buttons) or an escalation (with *Alihkan* for the superior)."""
        current = view.case.current
        if current is None or current.step_no != item.step_no:
            raise Obsolete(f"{view.case.number} moved on from step {item.step_no}")
        allowed = self._runtime.cases.allowed(view.case.number, item.recipient)
        uploads = self._runtime.settings.allow_scan_uploads
        text = render_html(
            item.kind,
            lang,
            self._runtime.settings.tz,
            case=view.case,
            ap=approval(view, current, uploads=uploads),
            acting_for=None,
            sp_number=None,
            step=view.sop.step(current.step_no),
            due=current.due_at,
            n=item.payload.get("n", 1),
            late=timedelta(seconds=item.payload.get("lateness_seconds", 0)),
            holder=view.directory.name(current.assignee) if current.assignee else "-",
            # the holder the bot cannot reach, when this reminder came to their superior instead
            name=view.directory.name(current.assignee) if item.payload.get("holder_unreachable") else None,
        )
        return Rendered(text, step_keyboard(view, allowed, lang, uploads=uploads) if allowed else None)

    def _digest(self, item: OutboxItem, lang: str) -> Rendered:
        """The day's stored digest (the same figures for every recipient), then its chart."""
        digest = self._runtime.digests.stored(date.fromisoformat(item.payload["day"]))
        if digest is None:
            raise Obsolete(f"no digest stored for {item.payload['day']}")
        try:
            photos = (digest_chart(digest, lang),)
        except Exception:  # the figures are in the text: a chart that cannot be drawn holds nothing back
            log.exception("the chart of the digest of %s cannot be drawn", digest.day)
            photos = ()
        return Rendered(digest_text(digest, lang, self._runtime.settings.tz), photos=photos)

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


class Obsolete(Exception):
    """The notice no longer applies (the step it is about was handled)."""


def _now() -> datetime:
    return datetime.now(UTC)


def replica_id() -> str:
    """This process among the bot's replicas: host, process id and a random part (64 characters at most)."""
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{secrets.token_hex(4)}"
