"""What each outbox row says: rendered when it is sent, from the case as it stands then, so a
notice about a step that moved on meanwhile says so (or is dropped, for reminders)."""

import logging
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from functools import partial

from telegram import InlineKeyboardMarkup

from bot.approval import approval
from bot.digest import digest_chart, digest_text
from bot.documents import dispatch_documents
from bot.messages import Rendered, checklist, revoke_keyboard, revoke_operators, step_keyboard, step_text
from bot.runtime import Runtime
from bot.templating import labels, render_html
from workflow.service.outbox import OutboxItem
from workflow.sop import StepKind
from workflow.timeline import display_name

__all__ = ["Notices", "Obsolete"]

log = logging.getLogger(__name__)

_STEP_KINDS = ("step_assigned", "step_returned", "step_updated")
_BY_ACTOR = ("case_moved", "case_closed", "case_rejected", "case_cancelled", "step_reassigned")


class Obsolete(Exception):
    """The notice no longer applies (the step it is about was handled)."""


class Notices:
    """Renders outbox rows for Telegram."""

    def __init__(self, runtime: Runtime) -> None:
        self._runtime = runtime
        self._outbox = runtime.outbox

    def render(self, item: OutboxItem) -> Rendered:
        """The message ``item`` stands for, from the case as it is now.

        Raises:
            Obsolete: the notice no longer applies (its step was handled, its digest is gone).
        """
        rt, tz = self._runtime, self._runtime.settings.tz
        lang = item.language
        if item.kind in ("official_unreachable", "pin_locked", "pin_reset"):
            key = item.payload.get("official", item.recipient)
            directory = rt.roster.directory()
            name = directory.name(key)
            by = directory.name(item.payload.get("by")) if item.payload.get("by") else None
            return Rendered(
                render_html(
                    item.kind, lang, tz, name=name, key=key, case_number=item.case_number or "-", by=by
                )
            )
        if item.kind == "digest":
            return self._digest(item, lang)
        if item.kind == "press_outcome":  # rendered when the action was taken; Telegram failed then
            keyboard = item.payload.get("keyboard")
            markup = InlineKeyboardMarkup.de_json(keyboard, None) if keyboard else None
            return Rendered(item.payload["text"], markup, edit=item.payload.get("message_id"))
        view = rt.cases.view(item.case_number, viewer=item.recipient)  # with what they may do: one read
        uploads = rt.settings.allow_scan_uploads
        if item.kind in ("reminder", "escalation"):
            return self._sla_notice(item, view, lang)
        if item.kind == "acted":
            return Rendered(self._acted(item, view, lang))
        if item.kind in _STEP_KINDS:
            current = view.case.current
            extra = self._change(item, view)
            if current is None or current.step_no != item.step_no:
                # moved on meanwhile: the step it was about, without buttons
                text = step_text(view, lang, tz, item.kind, step_no=item.step_no, uploads=uploads, **extra)
                return Rendered(text)
            allowed = list(view.allowed)
            acting_for, sp_number = None, None
            if current.assignee != item.recipient:
                acting_for = view.directory.name(current.assignee)
                order = view.directory.standing_in_for(item.recipient, current.assignee, _now())
                sp_number = order.sp_number if order else None
            text = step_text(
                view,
                lang,
                tz,
                item.kind,
                acting_for=acting_for,
                sp_number=sp_number,
                uploads=uploads,
                **extra,
            )
            later = None
            if view.sop.step(current.step_no).kind is StepKind.DISPATCH and not extra:  # checklist, receipt
                later = partial(dispatch_documents, view, tz)  # drawn once the step's message is sent
            rendered = Rendered(text, step_keyboard(view, allowed, lang, uploads=uploads), later=later)
            return self._replacing(item, view, rendered, lang, extra) if extra else rendered
        step = next((s for s in reversed(view.case.steps) if s.step_no == item.step_no), view.case.steps[-1])
        values = {"case": view.case, "step": view.sop.step(step.step_no), "reason": step.note}
        if item.kind == "case_waiting":  # the SOP's rule on duties that left nobody to take it, if any
            values["rule"] = item.payload.get("rule")
        if item.kind in _BY_ACTOR:
            values["by"] = display_name(view.directory, step.actor, step.acting_for)
        keyboard = None
        if item.kind == "case_waiting" and view.case.current is not None:  # the superior assigns it here
            keyboard = step_keyboard(view, list(view.allowed), lang, uploads=uploads)
        if item.kind == "case_closed":  # who granted the operator access is asked to confirm it was revoked
            keyboard = revoke_keyboard(view, list(view.allowed), lang)
            values["to"] = revoke_operators(view) if keyboard else None
        return Rendered(render_html(item.kind, lang, tz, **values), keyboard)

    def _change(self, item: OutboxItem, view) -> dict:
        """For a fresh step message (``step_updated``): what changed and who changed it."""
        if item.kind != "step_updated":
            return {}
        return {"change": item.payload.get("change"), "by": view.directory.name(item.payload.get("by"))}

    def _replacing(self, item: OutboxItem, view, rendered: Rendered, lang: str, extra: dict) -> Rendered:
        """A fresh step message, with the older step messages it replaces and what they become."""
        old = self._outbox.replaced_by(item, view.case.current.started_at)
        step = view.sop.step(item.step_no)
        said = render_html(
            "step_replaced", lang, self._runtime.settings.tz, case=view.case, step=step, **extra
        )
        return replace(rendered, replaces=tuple(old), replaced=said)

    def _sla_notice(self, item: OutboxItem, view, lang: str) -> Rendered:
        """A reminder (with the step's buttons) or an escalation (with *Alihkan* for the superior)."""
        current = view.case.current
        if current is None or current.step_no != item.step_no:
            raise Obsolete(f"{view.case.number} moved on from step {item.step_no}")
        allowed = list(view.allowed)
        uploads = self._runtime.settings.allow_scan_uploads
        text = render_html(
            item.kind,
            lang,
            self._runtime.settings.tz,
            case=view.case,
            ap=approval(view, current, uploads=uploads),
            ticks=checklist(view, current.step_no),
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

    def _acted(self, item: OutboxItem, view, lang: str) -> str:
        """What the recipient just did, and who holds the case now (from the case as it is now)."""
        case, current, step = view.case, view.case.current, view.sop.step(item.step_no)
        holder = current.assignee if current else None
        return render_html(
            "acted",
            lang,
            self._runtime.settings.tz,
            case=case,
            step=step,
            outcome=labels(lang)[f"done_{item.payload['action']}"],
            item=step.item(item.payload["item"]) if item.payload.get("item") else None,
            current=view.sop.step(current.step_no) if current else None,
            holder=view.directory.name(holder) if holder and holder != item.recipient else None,
            yours=holder == item.recipient,
            state=str(case.state),
        )

    def _digest(self, item: OutboxItem, lang: str) -> Rendered:
        """The day's stored digest (the same figures for every recipient), its sections queued to the
        recipient (every section for a row queued before sections were per SOP), then its chart."""
        stored = self._runtime.digests.stored(date.fromisoformat(item.payload["day"]))
        if stored is None:
            raise Obsolete(f"no digest stored for {item.payload['day']}")
        digest = stored.only(item.payload.get("sops"))
        try:
            photos = (digest_chart(digest, lang),) if digest.sections else ()
        except Exception:  # the figures are in the text: a chart that cannot be drawn holds nothing back
            log.exception("the chart of the digest of %s cannot be drawn", digest.day)
            photos = ()
        return Rendered(digest_text(digest, lang, self._runtime.settings.tz), photos=photos)


def _now() -> datetime:
    return datetime.now(UTC)
