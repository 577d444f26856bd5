"""What each accepted action does to a case. Pure; called by ``workflow.engine``,
which has already checked who may act and whether the step allows the action."""

from dataclasses import replace
from types import MappingProxyType

from workflow.case import Case, Signature, StepRecord, Tick
from workflow.commands import (
    NOTE_LIMIT,
    AcceptManifest,
    Acknowledge,
    Cancel,
    Forward,
    Reassign,
    Reject,
    Return,
    Sign,
    SubmitManifest,
    TickItem,
)
from workflow.decision import Context, Decision, Notice
from workflow.duties import conflict, rule_text
from workflow.errors import (
    ActionNotAllowed,
    InvalidInput,
    NotAuthorised,
    NoteTooLong,
    ReasonMissing,
    ReleaseNotAuthorised,
    StaleAction,
)
from workflow.manifest import is_sha256
from workflow.release import require_release
from workflow.routing import completed_by, next_candidates, pick, reassign_candidates, return_holder
from workflow.signature import binding
from workflow.sop import StepKind
from workflow.states import CHECKLIST, CaseState, ChecklistItem, StepOutcome

__all__ = ["HANDLERS", "cancel", "open_first", "step_updated", "text"]

_VALUE_LIMIT = 200


def text(value: str, what: str, *, required: bool = False) -> str:
    """A note or reason, stripped and checked against the limit."""
    value = (value or "").strip()
    if required and not value:
        raise ReasonMissing(f"a {what} is required")
    if len(value) > NOTE_LIMIT:
        raise NoteTooLong(f"the {what} has {len(value)} characters; at most {NOTE_LIMIT} are allowed")
    return value


def open_first(case: Case, ctx: Context, assignee: str | None) -> Decision:
    """Open step 1 for ``assignee`` (or the only holder of its role)."""
    holders = ctx.directory.holders(ctx.sop.step(1).role)
    chosen = pick(holders, None, assignee, "step 1")
    new_case, notices = _open(case, 1, chosen, ctx)
    return Decision(new_case, notices, {"step_no": 1, "to": chosen})


def cancel(case: Case, actor: str, command: Cancel, ctx: Context) -> Decision:
    """Withdraw a case while only disposition steps have been opened."""
    if ctx.directory.get(actor).role not in ("tu", "admin"):
        raise NotAuthorised("only the TU or the admin may cancel a case")
    if any(ctx.sop.step(s.step_no).kind is not StepKind.DISPOSITION for s in case.steps):
        raise ActionNotAllowed(f"case {case.number} can no longer be cancelled: access was granted already")
    reason = text(command.reason, "reason", required=True)
    new_case = _end(case, StepOutcome.CANCELLED, actor, None, reason, CaseState.CANCELLED, ctx)
    notices = _to_all(new_case, ctx, "case_cancelled", extra=ctx.directory.holders("tu"))
    return Decision(new_case, notices, {"reason": reason})


def _acknowledge(case, step, actor, acting_for, command: Acknowledge, ctx):
    new_case = _replace_current(case, replace(step, acknowledged_at=ctx.now))
    return Decision(new_case, (), {"step_no": step.step_no}, acting_for)


def _forward(case, step, actor, acting_for, command: Forward, ctx):
    note = text(command.note, "note")
    if not note and command.instruction is None:
        raise ReasonMissing("forwarding needs an instruction or a note")
    return _advance(case, step, actor, acting_for, ctx, command.to, note, command.instruction, {})


def _submit_manifest(case, step, actor, acting_for, command: SubmitManifest, ctx):
    note = text(command.note, "note")
    manifest = command.manifest
    payload = {"manifest": manifest.to_dict(), "manifest_hash": manifest.digest()}
    changed = case.evolve(manifest=manifest, accepted_hash=None, signature=None)
    return _advance(changed, step, actor, acting_for, ctx, command.to, note, None, payload)


def _accept_manifest(case, step, actor, acting_for, command: AcceptManifest, ctx):
    if case.manifest is None:
        raise ActionNotAllowed("there is no manifest to accept; return the case to the operator")
    digest = case.manifest.digest()
    if command.manifest_hash is not None and command.manifest_hash != digest:
        raise StaleAction("the manifest changed since it was shown to you; look at it again")
    note = text(command.note, "note")
    changed = case.evolve(accepted_hash=digest)
    return _advance(changed, step, actor, acting_for, ctx, command.to, note, None, {"manifest_hash": digest})


def _sign(case, step, actor, acting_for, command: Sign, ctx):
    if not case.letter.scan_sha256:
        raise ReleaseNotAuthorised(
            f"the permit letter's scan of {case.number} is not on record; attach it before signing"
        )
    digest = case.manifest.digest() if case.manifest is not None else None
    if digest is None or case.accepted_hash != digest:
        raise ReleaseNotAuthorised("there is no checked and accepted manifest to sign")
    if command.manifest_hash is not None and command.manifest_hash != digest:
        raise StaleAction("the manifest changed since it was shown to you; look at it again")
    role = ctx.sop.step(step.step_no).role
    if ctx.directory.get(acting_for or actor).role != role:
        raise NotAuthorised(f"only the {ctx.sop.role(role).name} or their stand-in may sign")
    seal = ctx.seal
    if seal is None or not seal.key_id:
        raise ReleaseNotAuthorised("no signing key is configured (SIGNING_KEY_FILE); the admin must set one")
    note = text(command.note, "note")
    order = ctx.directory.standing_in_for(actor, acting_for, ctx.now) if acting_for else None
    bound = binding(
        case,
        ctx.sop,
        signer=actor,
        acting_for=acting_for,
        role=role,
        order=order,
        signed_at=ctx.now,
        key_id=seal.key_id,
    )
    value = seal.sign(bound.encode())
    signed = case.evolve(
        signature=Signature(actor, acting_for, role, digest, ctx.now, bound, value, seal.key_id)
    )
    payload = {
        "manifest_hash": digest,
        "signature": {"binding": bound, "value": value, "key_id": seal.key_id},
    }
    return _advance(signed, step, actor, acting_for, ctx, command.to, note, None, payload)


def _tick(case, step, actor, acting_for, command: TickItem, ctx):
    require_release(case, ctx.sop, ctx.seal)
    item = ChecklistItem(command.item)
    done = case.checklist.get(item)
    if done is not None:
        raise ActionNotAllowed(f"'{item}' was ticked already by {ctx.directory.name(done.by)}")
    value = text(command.value, "value")
    if len(value) > _VALUE_LIMIT:
        raise InvalidInput(f"the value of '{item}' is longer than {_VALUE_LIMIT} characters")
    if item is ChecklistItem.ARCHIVED and not value:
        raise InvalidInput("ticking 'archived' needs the archive number")
    if item is ChecklistItem.SENT and not value:
        raise InvalidInput("ticking 'sent' needs the channel it was sent by")
    if item is ChecklistItem.RECEIPT:
        if ChecklistItem.SENT not in case.checklist:
            raise ActionNotAllowed("tick 'sent' before the receipt")
        if command.receipt_sha256 is not None and not is_sha256(command.receipt_sha256):
            raise InvalidInput("the receipt's SHA-256 must be 64 lowercase hex digits")
        if not value and command.receipt_sha256 is None:
            raise InvalidInput("ticking 'receipt' needs the receipt number or the receipt scan's SHA-256")
    receipt = item is ChecklistItem.RECEIPT
    tick = Tick(
        actor,
        ctx.now,
        value,
        command.receipt_sha256 if receipt else None,
        command.receipt_file if receipt else None,
    )
    checklist = MappingProxyType({**case.checklist, item.value: tick})
    detail = {"step_no": step.step_no, "item": item.value, "value": value}
    ticked = case.evolve(checklist=checklist)
    if any(i.value not in checklist for i in CHECKLIST):
        return Decision(ticked, (), detail, acting_for)
    closed = _end(ticked, StepOutcome.COMPLETED, actor, acting_for, "", CaseState.CLOSED, ctx)
    return Decision(closed, _to_all(closed, ctx, "case_closed"), {**detail, "closed": True}, acting_for)


def _return(case, step, actor, acting_for, command: Return, ctx):
    reason = text(command.reason, "reason", required=True)
    target = step.step_no - 1
    to = return_holder(case, ctx.sop, ctx.directory, target, acting_for or actor)
    finished = _finish(step, StepOutcome.RETURNED, actor, acting_for, ctx, reason)
    done = _replace_current(case, finished)
    barred = _barred(done, target, ctx) if to is None else None
    new_case, notices = _open(
        done, target, to, ctx, by=acting_for or actor, kind="step_returned", barred=barred
    )
    detail = {"step_no": step.step_no, "to_step": target, "to": to, "reason": reason}
    if barred is not None:
        detail["waiting_because"] = rule_text(barred, ctx.sop)
    return Decision(new_case, notices + _moved(step, actor, acting_for), detail, acting_for)


def _reject(case, step, actor, acting_for, command: Reject, ctx):
    reason = text(command.reason, "reason", required=True)
    new_case = _end(case, StepOutcome.REJECTED, actor, acting_for, reason, CaseState.REJECTED, ctx)
    notices = _to_all(new_case, ctx, "case_rejected", extra=ctx.directory.holders("tu"))
    return Decision(new_case, notices, {"step_no": step.step_no, "reason": reason}, acting_for)


def _reassign(case, step, actor, acting_for, command: Reassign, ctx):
    holders = reassign_candidates(case, ctx.sop, ctx.directory)
    to = pick(holders, None, command.to, f"step {step.step_no}", (case, ctx.sop, step.step_no))
    note = text(command.note, "note")
    finished = _finish(step, StepOutcome.REASSIGNED, actor, acting_for, ctx, note, payload={"to": to})
    new_case, notices = _open(_replace_current(case, finished), step.step_no, to, ctx, fresh=False)
    if step.assignee is not None and step.assignee != actor:
        notices += (Notice(step.assignee, "step_reassigned", step.step_no),)
    detail = {"step_no": step.step_no, "from": step.assignee, "to": to, "note": note}
    return Decision(new_case, notices, detail, acting_for)


HANDLERS = {
    Acknowledge: _acknowledge,
    Forward: _forward,
    SubmitManifest: _submit_manifest,
    AcceptManifest: _accept_manifest,
    Sign: _sign,
    TickItem: _tick,
    Return: _return,
    Reject: _reject,
    Reassign: _reassign,
}


def _advance(case, step, actor, acting_for, ctx, chosen, note, instruction, payload):
    """Complete the current step and open the next one, or close the case after the last."""
    detail = {"step_no": step.step_no, "note": note}
    if instruction is not None:
        detail["instruction"] = instruction.value
    if step.step_no == len(ctx.sop.steps):
        closed = _end(
            case, StepOutcome.COMPLETED, actor, acting_for, note, CaseState.CLOSED, ctx, instruction, payload
        )
        return Decision(closed, _to_all(closed, ctx, "case_closed"), {**detail, "closed": True}, acting_for)
    target = step.step_no + 1
    candidates, default = next_candidates(case, ctx.sop, ctx.directory, actor, acting_for)
    barring = (completed_by(case, actor, acting_for), ctx.sop, target)
    to = pick(candidates, default, chosen, f"step {target}", barring)
    if ctx.sop.step(step.step_no).kind is StepKind.GRANT_ACCESS:
        payload = {**payload, "access_granted_to": to}
    finished = _finish(step, StepOutcome.COMPLETED, actor, acting_for, ctx, note, instruction, payload)
    done = _replace_current(case, finished)
    barred = _barred(done, target, ctx) if to is None else None
    new_case, notices = _open(done, target, to, ctx, by=acting_for or actor, barred=barred)
    detail = {**detail, **_public(payload), "to": to}
    if barred is not None:
        detail["waiting_because"] = rule_text(barred, ctx.sop)
    return Decision(new_case, notices + _moved(step, actor, acting_for), detail, acting_for)


def _barred(case, step_no, ctx):
    """The rule on duties that bars a holder of the step's role, when nobody could be routed it."""
    holders = ctx.directory.holders(ctx.sop.step(step_no).role)
    return next((c for k in holders if (c := conflict(case, ctx.sop, step_no, {k})) is not None), None)


def _open(case, step_no, assignee, ctx, *, by=None, kind="step_assigned", fresh=True, barred=None):
    """Open an instance of ``step_no`` (moved there by ``by``); a fresh opening voids what that
    step and later ones produced. ``barred``: the rule that left nobody to take it."""
    spec = ctx.sop.step(step_no)
    if fresh:
        case = _void_from(case, step_no, ctx)
    if spec.kind is StepKind.DISPATCH:
        require_release(case, ctx.sop, ctx.seal)
    record = StepRecord(None, step_no, assignee, ctx.now, ctx.calendar.add(ctx.now, spec.sla))
    state = CaseState.OPEN if assignee is not None else CaseState.WAITING
    new_case = case.evolve(steps=(*case.steps, record), state=state)
    if assignee is None:
        superior_role = ctx.sop.role(spec.role).superior
        mover = ctx.directory.get(by)
        if mover is not None and mover.role == superior_role:
            bosses = [by]  # the superior who moved the case is the one to find someone
        else:
            bosses = ctx.directory.holders(superior_role) if superior_role else []
        people = [*bosses, *ctx.directory.holders("tu")]
        payload = {}
        if barred is not None:  # the admin too: the roster or the stand-in orders may need changing
            people += ctx.directory.holders("admin")
            payload = {"rule": {"kind": barred.kind.value, "by": barred.by.value if barred.by else None}}
        return new_case, tuple(Notice(k, "case_waiting", step_no, payload) for k in dict.fromkeys(people))
    return new_case, tuple(Notice(k, kind, step_no) for k in _holders(assignee, ctx))


def step_updated(case: Case, ctx: Context, change: str, by: str) -> tuple[Notice, ...]:
    """After a change to the case made outside an action (``change``, e.g. ``permit_scan``, by
    ``by``), whoever may act on the open step (its holder and their stand-ins) is sent the step
    again: their buttons were made for the case before it."""
    step = case.current
    if step is None or step.assignee is None:
        return ()
    payload = MappingProxyType({"change": change, "by": by})
    return tuple(Notice(k, "step_updated", step.step_no, payload) for k in _holders(step.assignee, ctx))


def _holders(assignee: str, ctx: Context) -> list[str]:
    """The holder of a step and whoever stands in for them now."""
    return [assignee, *ctx.directory.stand_ins_for(assignee, ctx.now)]


def _public(payload):
    """What of a step's record goes into its audit row: the manifest, its hash, the access grant,
    the signature with what it binds (so that a release can be verified from the audit export)."""
    kept = ("manifest", "manifest_hash", "access_granted_to", "signature")
    return {k: v for k, v in payload.items() if k in kept}


def _void_from(case, step_no, ctx):
    first = ctx.sop.first_of
    changes = {}
    for kind, field, empty in (
        (StepKind.REPORT_DATA, "manifest", None),
        (StepKind.CHECK_DATA, "accepted_hash", None),
        (StepKind.SIGN, "signature", None),
        (StepKind.DISPATCH, "checklist", MappingProxyType({})),
    ):
        spec = first(kind)
        if spec is not None and step_no <= spec.no:
            changes[field] = empty
    return case.evolve(**changes)


def _finish(step, outcome, actor, acting_for, ctx, note="", instruction=None, payload=None):
    return replace(
        step,
        finished_at=ctx.now,
        working_seconds=int(ctx.calendar.working_time(step.started_at, ctx.now).total_seconds()),
        outcome=outcome,
        actor=actor,
        acting_for=acting_for,
        note=note,
        instruction=instruction,
        payload=MappingProxyType(dict(payload or {})),
    )


def _end(case, outcome, actor, acting_for, note, state, ctx, instruction=None, payload=None):
    steps = case.steps
    if case.current is not None:
        steps = (
            *steps[:-1],
            _finish(case.current, outcome, actor, acting_for, ctx, note, instruction, payload),
        )
    return case.evolve(steps=steps, state=state, closed_at=ctx.now)


def _replace_current(case, record):
    return case.evolve(steps=(*case.steps[:-1], record))


def _moved(step, actor, acting_for):
    """The holder learns the case moved on when someone else (a stand-in) acted for them."""
    if step.assignee is not None and step.assignee != actor:
        return (Notice(step.assignee, "case_moved", step.step_no),)
    return ()


def _to_all(case, ctx, kind, extra=()):
    people = [s.assignee for s in case.steps if s.assignee is not None] + list(extra)
    return tuple(
        Notice(k, kind, case.steps[-1].step_no if case.steps else None) for k in dict.fromkeys(people)
    )
