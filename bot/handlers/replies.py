"""What a press or an answer leads to, and the texts shared by the handlers that reply."""

import asyncio
from collections import defaultdict
from dataclasses import dataclass, field

from telegram import InlineKeyboardMarkup

from bot.context import BotContext
from bot.messages import step_text
from bot.runtime import Runtime
from bot.settings import Settings
from bot.templating import labels, render_html, render_plain
from workflow.errors import DomainError
from workflow.service.turn import Result
from workflow.timeline import display_name

__all__ = [
    "Ask",
    "Outcome",
    "deliver_now",
    "done_text",
    "refusal_alert",
    "refusal_text",
    "refuse_command",
    "show_later",
    "why",
]


@dataclass(frozen=True, slots=True)
class Ask:
    """A question to ask with ForceReply; its answer is routed by ``kind``."""

    kind: str
    prompt: str
    data: dict = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the pressed message becomes, what is asked or sent next."""

    text: str | None = None
    keyboard: InlineKeyboardMarkup | None = None
    reply: str | None = None
    ask: Ask | None = None
    moved: bool = False  # the case moved to someone else: their notification goes out at once
    acted: bool = False  # an action was committed: its outcome must reach the presser, come what may
    alert: str | None = None  # plain text shown as the press's alert
    document: str | None = None  # a Telegram file id to send to the presser (the permit scan)


def deliver_now(context: BotContext) -> None:
    """Send the notifications an action caused at once, not at the next tick."""
    if context.bot_data.delivery is not None and context.application.running:  # not while shutting down
        context.application.create_task(context.bot_data.delivery.run_once(context.bot))


async def show_later(
    context: BotContext,
    official_key: str,
    case_id: int,
    key: str,
    text: str,
    keyboard: InlineKeyboardMarkup | None,
    message_id: int | None,
) -> None:
    """Telegram failed to show the outcome of a committed action: queue it (an outbox row, once per
    ``key``) to be put in place of ``message_id``, or sent anew, once Telegram answers again."""
    payload = {"text": text, "keyboard": keyboard.to_dict() if keyboard else None, "message_id": message_id}
    await asyncio.to_thread(context.runtime.outbox.later, official_key, case_id, key, payload)
    deliver_now(context)


async def refuse_command(rt: Runtime, official_key: str, command: str, refusal: DomainError) -> None:
    """Audit a command refused for what it carried or who sent it (action ``command:/<name>``);
    nothing else changes. The refusal names what was wrong, never the text that was sent."""
    await asyncio.to_thread(rt.cases.refuse, None, official_key, f"command:/{command}", refusal)


def refusal_text(refusal: DomainError, lang: str, rt: Runtime) -> str:
    """Why an action was refused, as a message (Telegram HTML)."""
    return render_html("refused", lang, rt.settings.tz, **why(refusal))


def refusal_alert(refusal: DomainError, lang: str, rt: Runtime) -> str:
    """Why a press was refused, as its alert: plain text, names and details as they were written."""
    return render_plain("refused", lang, rt.settings.tz, **why(refusal))


def why(refusal: DomainError) -> dict:
    """What the ``refused`` template needs to say why ``refusal`` happened."""
    params = defaultdict(lambda: None, refusal.params)  # a sentence may name what its refusal did not carry
    return {
        "code": refusal.code,
        "p": params,
        "rule": {"kind": params["kind"], "by": params["by"]},
    }


def done_text(result: Result, settings: Settings) -> str:
    """The step message as it was, with what was done, by whom, when and to whom."""
    after, lang = result.after, result.lang
    done = next(s for s in reversed(after.case.steps) if s.id == result.step_id)
    current = after.case.current
    to = (
        after.directory.name(current.assignee)
        if current and current.assignee and current.id != result.step_id
        else None
    )
    return step_text(
        result.view,
        lang,
        settings.tz,
        "done",
        uploads=settings.allow_scan_uploads,
        outcome=labels(lang)[f"done_{result.action}"],
        by=display_name(after.directory, done.actor or done.assignee, done.acting_for),
        at=done.finished_at or done.acknowledged_at,
        to=to,
    )
