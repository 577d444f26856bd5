"""Button presses. Every press is checked against the database (presser, case version, step,
action); another user's press, a stale button or a forged payload changes nothing, gets a short
alert and is audited. The callback query is always answered."""

import asyncio
from dataclasses import dataclass

from telegram import InlineKeyboardMarkup, Update

from bot.callbacks import BadPayload, Press, decode, key_tag
from bot.context import BotContext
from bot.messages import (
    INSTRUCTIONS,
    history_text,
    instruction_keyboard,
    people_keyboard,
    step_keyboard,
    step_text,
)
from bot.runtime import Runtime
from bot.templating import labels, render_html
from workflow.commands import AcceptManifest, Acknowledge, Forward
from workflow.errors import DomainError, InvalidInput, NotAuthorised, StaleAction
from workflow.roster import Official
from workflow.timeline import display_name

__all__ = ["on_press"]


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the pressed message becomes, and whether a new message (history) is sent."""

    text: str | None = None
    keyboard: InlineKeyboardMarkup | None = None
    reply: str | None = None
    moved: bool = False


async def on_press(update: Update, context: BotContext) -> None:
    """Handle one press: decide in a worker thread, answer, then edit the message."""
    query, rt = update.callback_query, context.runtime
    tz = rt.settings.tz
    official = await asyncio.to_thread(rt.identity.who, query.from_user.id)
    if official is None:
        await query.answer(render_html("stranger", "id", tz), show_alert=True)
        await asyncio.to_thread(rt.identity.stranger, query.from_user.id)
        return
    lang = await asyncio.to_thread(rt.identity.language, official.key)
    try:
        press = decode(query.data)
        outcome = await asyncio.to_thread(_handle, rt, official, press, lang)
    except (BadPayload, DomainError) as refusal:
        if isinstance(refusal, BadPayload):
            refusal = InvalidInput(f"bad callback data: {refusal}")
            await asyncio.to_thread(rt.cases.refuse, None, official.key, "press", refusal)
            code = "bad_payload"
        else:
            code = refusal.code
        params = getattr(refusal, "params", {})
        alert = render_html("refused", lang, tz, code=code, by=params.get("by"), at=params.get("at"))
        await query.answer(alert, show_alert=True)
        return
    await query.answer()
    if outcome.text is not None:
        await query.edit_message_text(outcome.text, reply_markup=outcome.keyboard)
    elif outcome.keyboard is not None:
        await query.edit_message_reply_markup(outcome.keyboard)
    if outcome.reply is not None:
        await query.message.reply_text(outcome.reply)
    if outcome.moved and context.bot_data.delivery is not None:
        context.application.create_task(context.bot_data.delivery.run_once(context.bot))


def _handle(rt: Runtime, official: Official, press: Press, lang: str) -> Outcome:
    """The synchronous part: check the press against the database and act."""
    cases, tz, key = rt.cases, rt.settings.tz, official.key
    if press.action == "hi":
        return Outcome(reply=history_text(cases.view(press.case_id), lang, tz))
    if press.action in ("ak", "am", "fw"):
        return _act(rt, official, press, lang)
    view = _current_view(rt, key, press)
    allowed = cases.allowed(press.case_id, key)
    if press.action == "mn":
        return Outcome(keyboard=step_keyboard(view, allowed, lang))
    if "forward" not in allowed:  # "pi"
        _refuse(rt, key, press, NotAuthorised(f"{official.name} may not forward {view.case.number} now"))
    return Outcome(keyboard=instruction_keyboard(view, lang))


def _act(rt: Runtime, official: Official, press: Press, lang: str) -> Outcome:
    cases, tz, key = rt.cases, rt.settings.tz, official.key
    if press.action == "ak":
        case = cases.act(press.case_id, key, Acknowledge(step_id=press.step_id), seen_version=press.version)
        view = cases.view(case.number)
        return Outcome(step_text(view, lang, tz), step_keyboard(view, cases.allowed(case.number, key), lang))
    if press.action == "am":
        view = _current_view(rt, key, press)
        digest = view.case.manifest.digest() if view.case.manifest else ""
        if not press.args or not digest.startswith(press.args[0]):
            _refuse(rt, key, press, StaleAction("the manifest changed since this button was made"))
        command = AcceptManifest(step_id=press.step_id, manifest_hash=digest)
    else:
        view = _current_view(rt, key, press)
        command = _forward(rt, official, press, view, lang)
        if isinstance(command, Outcome):
            return command
    before = view
    case = cases.act(press.case_id, key, command, seen_version=press.version)
    after = cases.view(case.number)
    done = next(s for s in reversed(after.case.steps) if s.id == press.step_id)
    words = labels(lang)
    text = step_text(
        before,
        lang,
        tz,
        "done",
        outcome=words[f"done_{'accept_manifest' if press.action == 'am' else 'forward'}"],
        by=display_name(after.directory, done.actor, done.acting_for),
        at=done.finished_at,
        to=after.directory.name(case.current.assignee) if case.current and case.current.assignee else None,
    )
    return Outcome(text, None, moved=True)


def _forward(rt: Runtime, official: Official, press: Press, view, lang: str) -> Forward | Outcome:
    if not press.args or not press.args[0].isdigit() or int(press.args[0]) >= len(INSTRUCTIONS):
        _refuse(rt, official.key, press, InvalidInput("unknown instruction in the button"))
    index = int(press.args[0])
    candidates, default = rt.cases.candidates(press.case_id, official.key)
    to = default
    if len(press.args) > 1:
        to = next((k for k in candidates if key_tag(k) == press.args[1]), None)
        if to is None:
            _refuse(rt, official.key, press, StaleAction("that official can no longer take the next step"))
    elif default is None and len(candidates) > 1:
        return Outcome(keyboard=people_keyboard(view, index, candidates, lang))
    return Forward(step_id=press.step_id, instruction=INSTRUCTIONS[index], to=to)


def _current_view(rt: Runtime, key: str, press: Press):
    view = rt.cases.view(press.case_id)
    current = view.case.current
    if view.case.version != press.version or current is None or current.id != press.step_id:
        _refuse(rt, key, press, StaleAction(f"{view.case.number} changed since this button was made"))
    return view


def _refuse(rt: Runtime, key: str, press: Press, refusal: DomainError) -> None:
    rt.cases.refuse(press.case_id, key, f"press:{press.action}", refusal)
    raise refusal
