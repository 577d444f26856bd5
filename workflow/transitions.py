"""What each accepted action does to a case. Pure; called by ``workflow.engine``,
which has already checked who may act and whether the step allows the action."""

from dataclasses import replace
from types import MappingProxyType

from workflow.case import Case, Signature, Tick
from workflow.commands import (
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
from workflow.duties import rule_text
from workflow.errors import (
    ActionNotAllowed,
    InvalidInput,
    NotAuthorised,
    ReasonMissing,
    ReleaseNotAuthorised,
    StaleAction,
)
from workflow.limits import VALUE_LIMIT, written
from workflow.manifest import is_sha256
from workflow.moves import (
    advance,
    barring_rule,
    closing,
    end,
    finish,
    moved,
    open_step,
    replace_current,
    to_all,
)
from workflow.release import require_release
from workflow.roster import TU_ROLE, oversees_cases
from workflow.routing import pick, reassign_candidates, return_holder
from workflow.signature import binding
from workflow.sop import Needs, Sop, StepKind
from workflow.states import CaseState, StepOutcome

__all__ = ["HANDLERS", "cancel", "open_first", "return_target"]


def open_first(case: Case, ctx: Context, assignee: str | None) -> Decision:
    """Open step 1 for ``assignee`` (or the only holder of its role)."""
    holders = ctx.directory.holders(ctx.sop.step(1).role)
    chosen = pick(holders, None, assignee, "step 1")
    new_case, notices = open_step(case, 1, chosen, ctx)
    return Decision(new_case, notices, {"step_no": 1, "to": chosen})


def cancel(case: Case, actor: str, command: Cancel, ctx: Context) -> Decision:
    """Withdraw a case while only disposition steps have been opened."""
    if not oversees_cases(ctx.directory.get(actor).role):
        raise NotAuthorised("only the TU or the admin may cancel a case", code="cancel_not_allowed")
    if any(ctx.sop.step(s.step_no).kind is not StepKind.DISPOSITION for s in case.steps):
        raise ActionNotAllowed(
            f"case {case.number} can no longer be cancelled: access was granted already",
            code="cancel_too_late",
        )
    reason = written(command.reason, "reason", required=True)
    new_case = end(case, StepOutcome.CANCELLED, actor, None, reason, CaseState.CANCELLED, ctx)
    notices = to_all(new_case, ctx, "case_cancelled", extra=ctx.directory.holders(TU_ROLE))
    return Decision(new_case, notices, {"reason": reason})


def _acknowledge(case, step, actor, acting_for, command: Acknowledge, ctx):
    new_case = replace_current(case, replace(step, acknowledged_at=ctx.now))
    return Decision(new_case, (), {"step_no": step.step_no}, acting_for)


def _forward(case, step, actor, acting_for, command: Forward, ctx):
    note = written(command.note, "note")
    if not note and command.instruction is None:
        raise ReasonMissing("forwarding needs an instruction or a note", code="instruction_missing")
    if command.instruction is not None and ctx.sop.instruction(command.instruction) is None:
        offered = [i.label for i in ctx.sop.instructions]
        raise InvalidInput(
            f"{command.instruction!r} is not an instruction of SOP {ctx.sop.id} v{ctx.sop.version} "
            f"(it offers: {', '.join(offered)})",
            code="instruction_not_offered",
            instruction=command.instruction,
            offered=offered,
        )
    return advance(case, step, actor, acting_for, ctx, command.to, note, command.instruction, {})


def _submit_manifest(case, step, actor, acting_for, command: SubmitManifest, ctx):
    note = written(command.note, "note")
    manifest = command.manifest
    payload = {"manifest": manifest.to_dict(), "manifest_hash": manifest.checksum()}
    changed = case.evolve(manifest=manifest, accepted_hash=None, signature=None)
    return advance(changed, step, actor, acting_for, ctx, command.to, note, None, payload)


def _accept_manifest(case, step, actor, acting_for, command: AcceptManifest, ctx):
    if case.manifest is None:
        raise ActionNotAllowed(
            "there is no manifest to accept; return the case to the operator", code="no_manifest"
        )
    checksum = case.manifest.checksum()
    if command.manifest_hash is not None and command.manifest_hash != checksum:
        raise StaleAction(
            "the manifest changed since it was shown to you; look at it again", code="manifest_changed"
        )
    note = written(command.note, "note")
    changed = case.evolve(accepted_hash=checksum)
    return advance(changed, step, actor, acting_for, ctx, command.to, note, None, {"manifest_hash": checksum})


def _sign(case, step, actor, acting_for, command: Sign, ctx):
    if not case.letter.scan_sha256:
        raise ReleaseNotAuthorised(
            f"the permit letter's scan of {case.number} is not on record; attach it before signing",
            code="permit_not_on_record",
        )
    checksum = case.manifest.checksum() if case.manifest is not None else None
    if checksum is None or case.accepted_hash != checksum:
        raise ReleaseNotAuthorised(
            "there is no checked and accepted manifest to sign", code="nothing_to_sign"
        )
    if command.manifest_hash is not None and command.manifest_hash != checksum:
        raise StaleAction(
            "the manifest changed since it was shown to you; look at it again", code="manifest_changed"
        )
    role = ctx.sop.step(step.step_no).role
    if ctx.directory.get(acting_for or actor).role != role:
        raise NotAuthorised(
            f"only the {ctx.sop.role(role).name} or their stand-in may sign",
            code="not_signer",
            role=ctx.sop.role(role).name,
        )
    seal = ctx.seal
    if seal is None or not seal.key_id:
        raise ReleaseNotAuthorised(
            "no signing key is configured (SIGNING_KEY_FILE); the admin must set one", code="no_signing_key"
        )
    note = written(command.note, "note")
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
        signature=Signature(actor, acting_for, role, checksum, ctx.now, bound, value, seal.key_id)
    )
    payload = {
        "manifest_hash": checksum,
        "signature": {"binding": bound, "value": value, "key_id": seal.key_id},
    }
    return advance(signed, step, actor, acting_for, ctx, command.to, note, None, payload)


def _tick(case, step, actor, acting_for, command: TickItem, ctx):
    require_release(case, ctx.sop, ctx.seal)
    spec = ctx.sop.step(step.step_no)
    item = spec.item(command.item)
    if item is None:
        raise InvalidInput(
            f"step {step.step_no} of SOP {case.sop_id} v{case.sop_version} has no checklist item "
            f"{command.item!r}",
            code="unknown_item",
            item=command.item,
        )
    done = case.checklist.get(item.key)
    if done is not None:
        raise ActionNotAllowed(
            f"'{item.key}' was ticked already by {ctx.directory.name(done.by)}",
            code="already_ticked",
            item=item.key,
            by=ctx.directory.name(done.by),
            at=done.at,
        )
    value = written(command.value, "value")
    if len(value) > VALUE_LIMIT:
        raise InvalidInput(
            f"the value of '{item.key}' is longer than {VALUE_LIMIT} characters",
            code="value_too_long",
            limit=VALUE_LIMIT,
        )
    if item.after is not None and item.after not in case.checklist:
        raise ActionNotAllowed(
            f"tick '{item.after}' before '{item.key}'",
            code="tick_order",
            **_named(item),
            **_named(spec.item(item.after), "first"),
        )
    if item.needs is Needs.TEXT and not value:
        raise InvalidInput(f"ticking '{item.key}' needs a value", code="value_missing", **_named(item))
    receipt = item.needs is Needs.RECEIPT
    if receipt:
        if command.receipt_sha256 is not None and not is_sha256(command.receipt_sha256):
            raise InvalidInput(
                "the receipt's SHA-256 must be 64 lowercase hex digits", code="receipt_sha_invalid"
            )
        if not value and command.receipt_sha256 is None:
            raise InvalidInput(
                f"ticking '{item.key}' needs the receipt number or the receipt scan's SHA-256",
                code="receipt_missing",
                **_named(item),
            )
    tick = Tick(
        actor,
        ctx.now,
        value,
        command.receipt_sha256 if receipt else None,
        command.receipt_file if receipt else None,
    )
    checklist = MappingProxyType({**case.checklist, item.key: tick})
    detail = {"step_no": step.step_no, "item": item.key, "value": value}
    ticked = case.evolve(checklist=checklist)
    if any(i.key not in checklist for i in spec.checklist):
        return Decision(ticked, (), detail, acting_for)
    closed = end(ticked, StepOutcome.COMPLETED, actor, acting_for, "", CaseState.CLOSED, ctx)
    return Decision(closed, closing(closed, ctx), {**detail, "closed": True}, acting_for)


def return_target(sop: Sop, step_no: int, to_step: int | None) -> int:
    """The step a return from ``step_no`` goes to: ``to_step`` if the SOP allows it from there
    (``returns_to``), or the only step it allows when ``to_step`` is left out.

    Raises:
        ActionNotAllowed: the SOP does not allow a return from ``step_no`` to ``to_step``.
        InvalidInput: ``to_step`` left out where the SOP allows several.
    """
    allowed = sop.step(step_no).returns_to
    if to_step is None and len(allowed) > 1:
        raise InvalidInput(
            f"step {step_no} may return to step {' or '.join(map(str, allowed))}: choose one",
            code="return_target_required",
            step_no=step_no,
            allowed=list(allowed),
        )
    if to_step is None:
        to_step = allowed[0] if allowed else step_no - 1
    if to_step not in allowed:
        raise ActionNotAllowed(
            f"the SOP does not allow a return from step {step_no} to step {to_step} "
            f"(allowed: {', '.join(map(str, allowed)) or 'none'})",
            code="return_target_not_allowed",
            step_no=step_no,
            to_step=to_step,
            allowed=list(allowed),
        )
    return to_step


def _named(item, prefix: str = "") -> dict:
    """A checklist item as a refusal's params: its key and its SOP labels, so that the official
    reads the label in their language and the audit row records both."""
    name = f"{prefix}_" if prefix else ""
    return {prefix or "item": item.key, f"{name}label": item.label, f"{name}label_en": item.label_en}


def _return(case, step, actor, acting_for, command: Return, ctx):
    reason = written(command.reason, "reason", required=True)
    target = return_target(ctx.sop, step.step_no, command.to_step)
    to = return_holder(case, ctx.sop, ctx.directory, target, acting_for or actor)
    finished = finish(step, StepOutcome.RETURNED, actor, acting_for, ctx, reason, payload={"to_step": target})
    done = replace_current(case, finished)
    barred = barring_rule(done, target, ctx) if to is None else None
    new_case, notices = open_step(
        done, target, to, ctx, by=acting_for or actor, kind="step_returned", barred=barred
    )
    detail = {"step_no": step.step_no, "to_step": target, "to": to, "reason": reason}
    if barred is not None:
        detail["waiting_because"] = rule_text(barred, ctx.sop)
    return Decision(new_case, notices + moved(step, actor, acting_for), detail, acting_for)


def _reject(case, step, actor, acting_for, command: Reject, ctx):
    reason = written(command.reason, "reason", required=True)
    new_case = end(case, StepOutcome.REJECTED, actor, acting_for, reason, CaseState.REJECTED, ctx)
    notices = to_all(new_case, ctx, "case_rejected", extra=ctx.directory.holders(TU_ROLE))
    return Decision(new_case, notices, {"step_no": step.step_no, "reason": reason}, acting_for)


def _reassign(case, step, actor, acting_for, command: Reassign, ctx):
    holders = reassign_candidates(case, ctx.sop, ctx.directory)
    to = pick(holders, None, command.to, f"step {step.step_no}", (case, ctx.sop, step.step_no))
    note = written(command.note, "note")
    finished = finish(step, StepOutcome.REASSIGNED, actor, acting_for, ctx, note, payload={"to": to})
    new_case, notices = open_step(replace_current(case, finished), step.step_no, to, ctx, fresh=False)
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
