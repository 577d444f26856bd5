"""What each button press does, inside the desk's transaction (``workflow.service.desk``).

Every press is client input and is checked before anything: the case exists and the presser may
see it; unless the button only shows something, it is of the case's current version and open step;
the action it needs (``workflow.presses.PRESSES``) is open to the presser; its arguments name an
instruction, a person, a step or an item that the case offers now. Then it acts, or says what to
show or ask (``Result.show``). A refusal is raised; the desk audits it.
"""

from workflow import engine
from workflow.case import Case
from workflow.commands import (
    AcceptManifest,
    Acknowledge,
    ConfirmRevoked,
    Forward,
    Reassign,
    Sign,
    SubmitManifest,
    TickItem,
)
from workflow.errors import (
    ActionNotAllowed,
    DomainError,
    InvalidInput,
    NotAuthorised,
    StaleAction,
)
from workflow.freshness import check_fresh
from workflow.manifest import Manifest
from workflow.presses import PRESSES, Press, key_tag
from workflow.routing import reassign_candidates
from workflow.service.answering import MANIFEST_FIELDS
from workflow.service.turn import Acted, At, Result
from workflow.signingpin import unusable
from workflow.sop import Needs
from workflow.transitions import return_target
from workflow.visibility import may_see

__all__ = ["handle", "scan_offered"]

Message = tuple[int, int] | None


def scan_offered(case: Case, uploads: bool) -> bool:
    """Whether the permit scan can be sent to an official: it came through the bot, and uploads are on."""
    return uploads and bool(case.letter.scan_file_id)


def handle(at: At, press: Press, message: Message) -> Result:
    """Check ``press`` and act on it, or say what to show."""
    at.audit_as = f"press:{press.action}"
    _visible(at, press)
    kind = PRESSES[press.action]
    if not kind.fresh:  # it only shows something, or the engine decides (on a closed case)
        return _PRESSES[press.action](at, press, message)
    check_fresh(at.case, press.version, press.step_id, at.directory)
    need = kind.action
    if need is not None and need not in at.allowed:
        # The holder (or their stand-in) always has a step action; a superior may only reassign.
        why = f"{need} is not open to {at.official.name} now"
        if set(at.allowed) - {"reassign"}:
            raise ActionNotAllowed(why, code="action_not_allowed")
        step = at.case.current
        holder = at.directory.name(step.assignee) if step and step.assignee else None
        raise NotAuthorised(why, code="not_holder", holder=holder, step_no=step and step.step_no)
    return _PRESSES[press.action](at, press, message)


def _visible(at: At, press: Press) -> None:
    """The case exists and the presser may see it (callback data is client input)."""
    case = at.load(press.case_id)
    if not may_see(case, at.sop, at.directory, at.actor.key, at.now):
        raise NotAuthorised(f"{at.actor.key} may not see case {case.number}", code="not_your_case")


def _show(at: At, show: str, **more) -> Result:
    return Result(
        at.official, at.lang, show, view=at.view, step_id=at.case.current and at.case.current.id, **more
    )


def _done(at: At, press: Press, acted: Acted, show: str = "done") -> Result:
    return Result(
        at.official,
        at.lang,
        show,
        view=at.view,
        after=acted.after,
        allowed=acted.allowed,
        step_id=press.step_id,
        action=acted.action,
    )


def _bad(what: str) -> DomainError:
    return InvalidInput(f"unknown {what} in the button", code="bad_payload")


def _gone(what: str) -> DomainError:
    return StaleAction(f"that official can no longer take {what}", code="not_a_candidate")


# -- the presses ---------------------------------------------------------------------------------


def _history(at: At, press: Press, message: Message) -> Result:
    return _show(at, "history")


def _hashes(at: At, press: Press, message: Message) -> Result:
    return _show(at, "hashes")


def _scan(at: At, press: Press, message: Message) -> Result:
    if not scan_offered(at.case, at.uploads):
        raise ActionNotAllowed("the permit scan is not kept in Telegram", code="scan_not_kept")
    return _show(at, "scan")


def _menu(at: At, press: Press, message: Message) -> Result:
    return _show(at, "menu", allowed=at.allowed)


def _pick_instruction(at: At, press: Press, message: Message) -> Result:
    return _show(at, "instructions", data={"with_note": _note(at, press) is not None})


def _ask_note(at: At, press: Press, message: Message) -> Result:
    return _show(at, "ask", ask="note")


def _ask_reject(at: At, press: Press, message: Message) -> Result:
    return _show(at, "ask", ask="reject")


def _ask_return(at: At, press: Press, message: Message) -> Result:
    """*Kembalikan*: the step to return to, chosen when the SOP allows several (the engine's rule,
    so a forged step is refused here as it would be there), then the reason."""
    targets = at.sop.step(at.case.current.step_no).returns_to
    if not press.args and len(targets) > 1:
        return _show(at, "returns")
    chosen = int(press.args[0]) if press.args and press.args[0].isdigit() else None
    if press.args and chosen is None:
        raise _bad("step")
    to_step = return_target(at.sop, at.case.current.step_no, chosen)
    return _show(at, "ask", ask="return", data={"to_step": to_step})


def _ask_pin(at: At, press: Press, message: Message) -> Result:
    """*Tandatangani*: whether this official may sign here (the SOP's rules on duties included),
    who dispatches when there is a choice, then the PIN, which is checked with the action."""
    at.audit_as, at.where["step_id"] = "sign", at.case.current.id
    engine.check(at.case, at.actor.key, Sign, at.context)
    at.audit_as, at.where["step_id"] = f"press:{press.action}", None
    to, choose = _next_holder(at, press.args)
    if choose:
        return _show(at, "people", people=tuple(choose), code="sg")
    if refusal := unusable(at.actor.pin):
        raise refusal
    checksum = at.case.manifest.checksum() if at.case.manifest else None
    return _show(at, "ask", ask="sign", data={"manifest_hash": checksum, "to": to})


def _next_holder(at: At, args: tuple[str, ...]) -> tuple[str | None, list[str]]:
    """Who takes the next step: ``(the official tagged in args, [])`` (refused if no longer a
    candidate); ``(None, [])`` to let the engine route; or ``(None, candidates)`` when the official
    must choose among several (the earlier holder has left and several hold the role)."""
    candidates, default = at.candidates()
    if args:
        chosen = next((k for k in candidates if key_tag(k) == args[0]), None)
        if chosen is None:
            raise _gone("the next step")
        return chosen, []
    if default is None and len(candidates) > 1:
        return None, candidates
    return None, []


def _manifest(at: At, press: Press, message: Message) -> Result:
    if not press.args:
        return _show(at, "forms")
    if press.args[0] == "p":  # the checker picked after the last answer of the guided manifest
        return _submit_picked(at, press, message)
    form = {"f": "file", "h": "hardcopy"}.get(press.args[0])
    if form is None:
        raise _bad("manifest form")
    return _show(at, "ask", ask="manifest", data={"form": form, "values": {}})


def _submit_picked(at: At, press: Press, message: Message) -> Result:
    pending = at.actor.pending
    if (
        pending is None
        or pending.kind != "manifest"
        or pending.step_id != press.step_id
        or len(pending.data["values"]) < len(MANIFEST_FIELDS[pending.data["form"]])
    ):
        raise StaleAction(
            "the manifest answers are gone; report the data again", code="manifest_answers_gone"
        )
    to, choose = _next_holder(at, press.args[1:])
    if choose:  # a forged press without the tag
        raise InvalidInput("choose who checks the data", code="choice_required")
    manifest = Manifest(form=pending.data["form"], **pending.data["values"])
    command = SubmitManifest(manifest, step_id=press.step_id, to=to)
    acted = at.act(command, seen_version=press.version, message=message)
    at.close_question(pending)
    return _done(at, press, acted)


def _reassign(at: At, press: Press, message: Message) -> Result:
    holders = reassign_candidates(at.case, at.sop, at.directory) if at.case.current is not None else []
    if not press.args:
        return _show(at, "people", people=tuple(holders), code="ra")
    to = next((k for k in holders if key_tag(k) == press.args[0]), None)
    if to is None:
        raise _gone("this step")
    acted = at.act(Reassign(to=to, step_id=press.step_id), seen_version=press.version, message=message)
    return _done(at, press, acted)


def _tick(at: At, press: Press, message: Message) -> Result:
    items = at.sop.step(at.case.current.step_no).checklist
    if not press.args or not press.args[0].isdigit() or int(press.args[0]) >= len(items):
        raise _bad("checklist item")
    item = items[int(press.args[0])]
    if item.needs is Needs.NOTHING:
        command = TickItem(item.key, step_id=press.step_id)
        acted = at.act(command, seen_version=press.version, message=message)
        return _done(at, press, acted, "step" if acted.after.case.current is not None else "done")
    ask = "tick_receipt" if item.needs is Needs.RECEIPT else "tick"
    return _show(at, "ask", ask=ask, data={"item": item.key})


def _acknowledge(at: At, press: Press, message: Message) -> Result:
    acted = at.act(Acknowledge(step_id=press.step_id), seen_version=press.version, message=message)
    return _done(at, press, acted, "step")


def _accept(at: At, press: Press, message: Message) -> Result:
    checksum = at.case.manifest.checksum() if at.case.manifest else ""
    if not press.args or not checksum.startswith(press.args[0]):
        raise StaleAction("the manifest changed since this button was made", code="manifest_changed")
    to, choose = _next_holder(at, press.args[1:])
    if choose:
        return _show(at, "people", people=tuple(choose), code="am", args=press.args[:1])
    command = AcceptManifest(step_id=press.step_id, manifest_hash=checksum, to=to)
    return _done(at, press, at.act(command, seen_version=press.version, message=message))


def _forward(at: At, press: Press, message: Message) -> Result:
    arg = press.args[0] if press.args else ""
    offered = at.sop.instructions  # the case's SOP's, by their index
    if arg != "x" and (not arg.isdigit() or int(arg) >= len(offered)):
        raise _bad("instruction")
    instruction = None if arg == "x" else offered[int(arg)].label
    to, choose = _next_holder(at, press.args[1:])
    if choose:
        return _show(at, "people", people=tuple(choose), code="fw", args=(arg,))
    pending = _note(at, press)
    note = pending.data.get("note", "") if pending is not None else ""
    command = Forward(step_id=press.step_id, instruction=instruction, note=note, to=to)
    acted = at.act(command, seen_version=press.version, message=message)
    if pending is not None:
        at.close_question(pending)
    return _done(at, press, acted)


def _note(at: At, press: Press):
    """The note written for this step's forward, if one waits."""
    pending = at.actor.pending
    if pending is not None and pending.kind == "note" and pending.step_id == press.step_id:
        return pending
    return None


def _access_revoked(at: At, press: Press, message: Message) -> Result:
    """Confirm on a closed case. No version check: the confirmation is taken once, so a second
    press (or a stale button) is refused by the engine, which names who confirmed it and when."""
    if at.case.step_by_id(press.step_id) is None:  # callback data is client input
        raise StaleAction(f"step #{press.step_id} is not on {at.case.number}", code="wrong_case_step")
    acted = at.act(ConfirmRevoked(), seen_version=None, message=message)
    return _done(at, press, acted, "revoked")


_PRESSES = {
    "hi": _history,
    "hs": _hashes,
    "sc": _scan,
    "ar": _access_revoked,
    "mn": _menu,
    "pi": _pick_instruction,
    "nt": _ask_note,
    "rt": _ask_return,
    "rj": _ask_reject,
    "sg": _ask_pin,
    "mf": _manifest,
    "ra": _reassign,
    "tk": _tick,
    "ak": _acknowledge,
    "am": _accept,
    "fw": _forward,
}
