"""What each button does. Checked against the database first (``bot.handlers.pressguard``: the
case still as the button saw it, the presser allowed to see it; then the action allowed to them);
refusals are audited and raised."""

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.approval import scan_offered
from bot.callbacks import Press, encode, key_tag
from bot.handlers.manifest import first_manifest_question
from bot.handlers.pressguard import fresh, refuse, visible
from bot.handlers.replies import Ask, Outcome, done_text
from bot.handlers.revocation import access_revoked
from bot.messages import (
    history_text,
    instruction_keyboard,
    people_keyboard,
    return_keyboard,
    step_keyboard,
    step_text,
)
from bot.runtime import Runtime
from bot.templating import labels, render_html, render_plain
from workflow.commands import (
    AcceptManifest,
    Acknowledge,
    Command,
    Forward,
    Reassign,
    SubmitManifest,
    TickItem,
)
from workflow.errors import (
    ActionNotAllowed,
    InvalidInput,
    NotAuthorised,
    StaleAction,
)
from workflow.manifest import Manifest
from workflow.roster import Official
from workflow.service.pins import PinLocked, PinNotSet
from workflow.sop import Needs
from workflow.transitions import return_target

__all__ = ["NEEDS", "handle"]

#: The engine action a press needs (None: only a fresh, visible case).
NEEDS = {
    "ak": "acknowledge",
    "pi": "forward",
    "nt": "forward",
    "fw": "forward",
    "am": "accept_manifest",
    "rt": "return",
    "rj": "reject",
    "ra": "reassign",
    "mf": "submit_manifest",
    "sg": "sign",
    "tk": "tick_item",
    "mn": None,
}


def handle(rt: Runtime, official: Official, press: Press, lang: str) -> Outcome:
    """The synchronous part: check the press against the database, then act or ask."""
    view = visible(rt, official.key, press)
    if press.action == "hi":
        return Outcome(reply=history_text(view, lang, rt.settings.tz))
    if press.action == "hs":  # the full values behind the shortened ones, as an alert
        manifest = view.case.manifest
        return Outcome(alert=render_plain("hashes", lang, rt.settings.tz, manifest=manifest))
    if press.action == "sc":
        if not scan_offered(view, rt.settings.allow_scan_uploads):
            refuse(
                rt,
                official.key,
                press,
                ActionNotAllowed("the permit scan is not kept in Telegram", code="scan_not_kept"),
            )
        return Outcome(document=view.case.letter.scan_file_id)
    if press.action == "ar":  # on a closed case, so no step to be fresh against: the engine decides
        return access_revoked(rt, official, press, view, lang)
    fresh(rt, official.key, press, view)
    allowed = rt.cases.allowed(press.case_id, official.key)
    need = NEEDS[press.action]
    if need is not None and need not in allowed:
        # The holder (or their stand-in) always has a step action; a superior may only reassign.
        holds = bool(set(allowed) - {"reassign"})
        why = f"{need} is not open to {official.name} now"
        if holds:
            refusal = ActionNotAllowed(why, code="action_not_allowed")
        else:
            step = view.case.current
            holder = view.directory.name(step.assignee) if step and step.assignee else None
            refusal = NotAuthorised(why, code="not_holder", holder=holder, step_no=step and step.step_no)
        refuse(rt, official.key, press, refusal)
    return _PRESSES[press.action](rt, official, press, view, allowed, lang)


def _menu(rt, official, press, view, allowed, lang) -> Outcome:
    return Outcome(keyboard=step_keyboard(view, allowed, lang, uploads=rt.settings.allow_scan_uploads))


def _pick_instruction(rt, official, press, view, allowed, lang) -> Outcome:
    pending = rt.pending.get(_telegram_id(official))
    noted = pending is not None and pending.kind == "note" and pending.step_id == press.step_id
    return Outcome(keyboard=instruction_keyboard(view, lang, with_note=noted))


def _ask_note(rt, official, press, view, allowed, lang) -> Outcome:
    return Outcome(ask=Ask("note", render_html("ask_note", lang, rt.settings.tz, case=view.case)))


def _ask_reason(rt, official, press, view, allowed, lang) -> Outcome:
    if press.action == "rj":
        return Outcome(ask=Ask("reject", render_html("ask_reject", lang, rt.settings.tz, case=view.case)))
    return _ask_return(rt, official, press, view, lang)


def _ask_return(rt, official, press, view, lang) -> Outcome:
    """*Kembalikan*: the step to return to, chosen when the SOP allows several (the engine's rule,
    so a forged step is refused here as it would be there), then the reason."""
    targets = view.sop.step(view.case.current.step_no).returns_to
    if not press.args and len(targets) > 1:
        return Outcome(keyboard=return_keyboard(view, lang, rt.settings.tz))
    chosen = int(press.args[0]) if press.args and press.args[0].isdigit() else None
    if press.args and chosen is None:
        refuse(rt, official.key, press, InvalidInput("unknown step in the button", code="bad_payload"))
    try:
        to_step = return_target(view.sop, view.case.current.step_no, chosen)
    except (ActionNotAllowed, InvalidInput) as refusal:
        refuse(rt, official.key, press, refusal)
    target = view.sop.step(to_step)
    prompt = render_html("ask_return", lang, rt.settings.tz, case=view.case, target=target)
    return Outcome(ask=Ask("return", prompt, {"to_step": to_step}))


def _ask_pin(rt, official, press, view, allowed, lang) -> Outcome:
    """*Tandatangani*: whether this official may sign here (the SOP's rules on duties included),
    who dispatches when there is a choice, then the PIN, which the service checks with the action."""
    rt.cases.check(press.case_id, official.key, "sign")  # refused and audited in the service
    to, choose = _next_holder(rt, official, press, press.args)
    if choose:
        return Outcome(keyboard=people_keyboard(view, choose, lang, action="sg"))
    status = rt.pins.status(official.key)
    if status.locked:
        refuse(rt, official.key, press, PinLocked("signing is locked; the admin must reset the PIN"))
    if not status.has_pin:
        refuse(rt, official.key, press, PinNotSet("no signing PIN yet: ask the admin for a one-time code"))
    checksum = view.case.manifest.checksum() if view.case.manifest else None
    return Outcome(
        ask=Ask(
            "sign",
            render_html("ask_pin", lang, rt.settings.tz, case=view.case, hash=checksum),
            {"manifest_hash": checksum, "to": to},
        )
    )


def _next_holder(rt, official, press, args: tuple[str, ...]) -> tuple[str | None, list[str]]:
    """Who takes the next step: ``(the official tagged in args, [])`` (refused if no longer a
    candidate); ``(None, [])`` to let the engine route; or ``(None, candidates)`` when the official
    must choose among several (the earlier holder has left and several hold the role)."""
    candidates, default = rt.cases.candidates(press.case_id, official.key)
    if args:
        chosen = next((k for k in candidates if key_tag(k) == args[0]), None)
        if chosen is None:
            refuse(
                rt,
                official.key,
                press,
                StaleAction("that official can no longer take the next step", code="not_a_candidate"),
            )
        return chosen, []
    if default is None and len(candidates) > 1:
        return None, candidates
    return None, []


def _manifest(rt, official, press, view, allowed, lang) -> Outcome:
    if not press.args:
        words = labels(lang)
        rows = [
            [
                InlineKeyboardButton(
                    words[f"form_{form}"],
                    callback_data=encode(
                        Press("mf", press.case_id, press.step_id, press.version, (form[0],))
                    ),
                )
            ]
            for form in ("file", "hardcopy")
        ]
        return Outcome(keyboard=InlineKeyboardMarkup(rows))
    if press.args[0] == "p":  # the checker picked after the last answer of the guided manifest
        return _submit_picked(rt, official, press, view, lang)
    form = {"f": "file", "h": "hardcopy"}.get(press.args[0])
    if form is None:
        refuse(
            rt, official.key, press, InvalidInput("unknown manifest form in the button", code="bad_payload")
        )
    return Outcome(ask=first_manifest_question(form, lang, rt.settings.tz, view.case))


def _submit_picked(rt, official, press, view, lang) -> Outcome:
    pending = rt.pending.get(_telegram_id(official))
    if pending is None or pending.kind != "manifest" or pending.step_id != press.step_id:
        refuse(
            rt,
            official.key,
            press,
            StaleAction("the manifest answers are gone; report the data again", code="manifest_answers_gone"),
        )
    to, choose = _next_holder(rt, official, press, press.args[1:])
    if choose:  # a forged press without the tag
        refuse(rt, official.key, press, InvalidInput("choose who checks the data", code="choice_required"))
    manifest = Manifest(form=pending.data["form"], **pending.data["values"])
    outcome = _act(
        rt,
        official,
        press,
        view,
        SubmitManifest(manifest, step_id=press.step_id, to=to),
        "submit_manifest",
        lang,
    )
    rt.pending.clear(_telegram_id(official))
    return outcome


def _reassign(rt, official, press, view, allowed, lang) -> Outcome:
    holders = rt.cases.reassign_candidates(press.case_id)
    if not press.args:
        return Outcome(keyboard=people_keyboard(view, holders, lang, action="ra"))
    to = next((k for k in holders if key_tag(k) == press.args[0]), None)
    if to is None:
        refuse(
            rt,
            official.key,
            press,
            StaleAction("that official can no longer take this step", code="not_a_candidate"),
        )
    return _act(rt, official, press, view, Reassign(to=to, step_id=press.step_id), "reassign", lang)


def _tick(rt, official, press, view, allowed, lang) -> Outcome:
    current = view.case.current
    items = view.sop.step(current.step_no).checklist if current is not None else ()
    if not press.args or not press.args[0].isdigit() or int(press.args[0]) >= len(items):
        refuse(
            rt, official.key, press, InvalidInput("unknown checklist item in the button", code="bad_payload")
        )
    item = items[int(press.args[0])]
    if item.needs is Needs.NOTHING:
        command = TickItem(item.key, step_id=press.step_id)
        case = rt.cases.act(press.case_id, official.key, command, seen_version=press.version)
        after = rt.cases.view(case.number)
        if after.case.current is None:  # the last item closed the case
            return Outcome(
                done_text(rt, view, case.id, press.step_id, "tick_item", lang), moved=True, acted=True
            )
        allowed_now = rt.cases.allowed(case.number, official.key)
        return Outcome(
            step_text(after, lang, rt.settings.tz, uploads=rt.settings.allow_scan_uploads),
            step_keyboard(after, allowed_now, lang, uploads=rt.settings.allow_scan_uploads),
            acted=True,
        )
    receipt = item.needs is Needs.RECEIPT
    question = render_html(
        "ask_receipt" if receipt else "ask_tick", lang, rt.settings.tz, case=view.case, item=item
    )
    return Outcome(ask=Ask("tick_receipt" if receipt else "tick", question, {"item": item.key}))


def _simple(rt, official, press, view, allowed, lang) -> Outcome:
    if press.action == "ak":
        case = rt.cases.act(
            press.case_id, official.key, Acknowledge(step_id=press.step_id), seen_version=press.version
        )
        after = rt.cases.view(case.number)
        return Outcome(
            step_text(after, lang, rt.settings.tz, uploads=rt.settings.allow_scan_uploads),
            step_keyboard(
                after,
                rt.cases.allowed(case.number, official.key),
                lang,
                uploads=rt.settings.allow_scan_uploads,
            ),
            acted=True,
        )
    checksum = view.case.manifest.checksum() if view.case.manifest else ""
    if not press.args or not checksum.startswith(press.args[0]):
        refuse(
            rt,
            official.key,
            press,
            StaleAction("the manifest changed since this button was made", code="manifest_changed"),
        )
    to, choose = _next_holder(rt, official, press, press.args[1:])
    if choose:
        return Outcome(keyboard=people_keyboard(view, choose, lang, action="am", first=press.args[:1]))
    command = AcceptManifest(step_id=press.step_id, manifest_hash=checksum, to=to)
    return _act(rt, official, press, view, command, "accept_manifest", lang)


def _forward(rt, official, press, view, allowed, lang) -> Outcome:
    arg = press.args[0] if press.args else ""
    offered = view.sop.instructions  # the case's SOP's, by their index
    if arg != "x" and (not arg.isdigit() or int(arg) >= len(offered)):
        refuse(rt, official.key, press, InvalidInput("unknown instruction in the button", code="bad_payload"))
    instruction = None if arg == "x" else offered[int(arg)].label
    candidates, default = rt.cases.candidates(press.case_id, official.key)
    to = default
    if len(press.args) > 1:
        to = next((k for k in candidates if key_tag(k) == press.args[1]), None)
        if to is None:
            refuse(
                rt,
                official.key,
                press,
                StaleAction("that official can no longer take the next step", code="not_a_candidate"),
            )
    elif default is None and len(candidates) > 1:
        return Outcome(keyboard=people_keyboard(view, candidates, lang, first=(arg,)))
    pending = rt.pending.get(_telegram_id(official))
    note = (
        pending.data.get("note", "")
        if pending and pending.kind == "note" and pending.step_id == press.step_id
        else ""
    )
    command = Forward(step_id=press.step_id, instruction=instruction, note=note, to=to)
    outcome = _act(rt, official, press, view, command, "forward", lang)
    if note:
        rt.pending.clear(_telegram_id(official))
    return outcome


def _act(rt, official, press, view, command: Command, action: str, lang: str) -> Outcome:
    case = rt.cases.act(press.case_id, official.key, command, seen_version=press.version)
    return Outcome(done_text(rt, view, case.id, press.step_id, action, lang), moved=True, acted=True)


_PRESSES = {
    "mn": _menu,
    "pi": _pick_instruction,
    "nt": _ask_note,
    "rt": _ask_reason,
    "rj": _ask_reason,
    "sg": _ask_pin,
    "mf": _manifest,
    "ra": _reassign,
    "tk": _tick,
    "ak": _simple,
    "am": _simple,
    "fw": _forward,
}


def _telegram_id(official: Official) -> int:
    return official.telegram_id
