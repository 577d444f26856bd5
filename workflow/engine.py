"""The engine: who may act on a case, and what each action does. Pure.

``decide`` takes a case snapshot, the actor, a command and a ``Context`` (the SOP,
the roster, the calendar and ``now``) and returns a ``Decision``: the new
snapshot, the notices to send and the audit detail. It raises a ``DomainError``
and changes nothing when the action is refused. The service persists the result.
"""

from dataclasses import replace

from workflow import revocation, transitions
from workflow.case import Case, StepRecord
from workflow.commands import (
    Acknowledge,
    Cancel,
    Command,
    ConfirmRevoked,
    Reassign,
    Reject,
    Return,
    TickItem,
    action_name,
)
from workflow.decision import Context, Decision, Notice
from workflow.directory import Directory
from workflow.duties import other_roles, require_apart
from workflow.errors import (
    ActionNotAllowed,
    CaseClosed,
    NotAuthorised,
    StaleAction,
    StepAlreadyHandled,
    UnknownOfficial,
)
from workflow.moves import step_updated
from workflow.roster import oversees_cases
from workflow.routing import superiors
from workflow.sop import Sop, StepKind
from workflow.states import CaseState, check_transition, is_terminal
from workflow.stepkinds import STEP_KINDS

__all__ = [
    "allowed_actions",
    "authority",
    "check",
    "check_allowed",
    "decide",
    "main_action",
    "start",
    "step_updated",
]

_COMMON = (Acknowledge, Reassign)


def start(case: Case, ctx: Context, assignee: str | None = None) -> Decision:
    """Open the first step of a new case (``case`` has no steps yet, version 0)."""
    return _bumped(case, transitions.open_first(case, ctx, assignee))


def decide(case: Case, actor: str, command: Command, ctx: Context) -> Decision:
    """Apply ``command`` by ``actor`` to ``case``.

    Raises:
        DomainError: the action is refused; the case is unchanged.
    """
    if not ctx.directory.is_active(actor):
        raise UnknownOfficial(f"{actor!r} is not an active official on the roster")
    if isinstance(command, ConfirmRevoked):  # the one action on a closed case; it stays closed
        decision = revocation.confirm(case, actor, ctx)
        check_transition(case.state, decision.case.state, record_on_closed=True)
        return _bumped(case, _told(decision, case, actor, command))
    if is_terminal(case.state):
        raise CaseClosed(
            f"case {case.number} is {case.state}; nothing more can be done on it", state=str(case.state)
        )
    if isinstance(command, Cancel):
        decision = transitions.cancel(case, actor, command, ctx)
    else:
        step = case.current
        _check_aim(case, step, command.step_id, ctx.directory)
        acting_for = check(case, actor, type(command), ctx)
        decision = transitions.HANDLERS[type(command)](case, step, actor, acting_for, command, ctx)
        decision = replace(
            decision, detail={**decision.detail, **_record(case, step, actor, acting_for, command, ctx)}
        )
    check_transition(case.state, decision.case.state)
    return _bumped(case, _told(decision, case, actor, command))


def check(case: Case, actor: str, kind: type, ctx: Context) -> str | None:
    """Whether ``actor`` may take an action of type ``kind`` on the open step now: who holds it,
    what the step allows, and the SOP's rules on duties kept apart. Returns whom they act for.

    Raises:
        NotAuthorised, ActionNotAllowed, DutiesApart: naming why not.
    """
    step = case.current
    if step is None:
        raise CaseClosed(f"case {case.number} has no open step", code="no_open_step")
    acting_for = authority(case, step, actor, kind, ctx)
    check_allowed(case, step, kind, ctx.sop)
    if kind is main_action(ctx.sop.step(step.step_no).kind):
        require_apart(case, ctx.sop, step.step_no, {actor, acting_for})
    return acting_for


def main_action(kind: StepKind) -> type:
    """The action that completes a step of this kind (the one the rules on duties govern)."""
    return STEP_KINDS[kind].actions[0]


def _record(case: Case, step: StepRecord, actor: str, acting_for: str | None, command, ctx: Context) -> dict:
    """What the audit row adds about the person: the stand-in order they acted under, and the other
    roles they completed steps in on this case (allowed unless the SOP says one role per official)."""
    extra = {}
    if acting_for is not None:
        order = ctx.directory.standing_in_for(actor, acting_for, ctx.now)
        if order is not None:
            set_at = order.set_at.isoformat() if order.set_at else None
            extra["stand_in"] = {"sp_number": order.sp_number, "set_by": order.set_by, "set_at": set_at}
    spec = ctx.sop.step(step.step_no)
    if type(command) is main_action(spec.kind):
        others = other_roles(case, ctx.sop, {actor, acting_for}, spec.role)
        if others:
            extra["also_acted_as"] = others
    return extra


def _told(decision: Decision, case: Case, actor: str, command) -> Decision:
    """The official who acted gets a fresh message saying what happened and who holds the case
    now (``acted``), whichever path the action took (a button, an answer, the command line)."""
    step = case.current or (case.steps[-1] if case.steps else None)
    payload = {"action": action_name(command)}
    if isinstance(command, TickItem):
        payload["item"] = command.item
    told = Notice(actor, "acted", step.step_no if step else None, payload)
    return replace(decision, notices=(*decision.notices, told))


def _bumped(old: Case, decision: Decision) -> Decision:
    """Every accepted action is one new version of the case."""
    return replace(decision, case=decision.case.evolve(version=old.version + 1))


def allowed_actions(case: Case, actor: str, ctx: Context) -> list[type]:
    """The command types ``actor`` may use on the case now (for building buttons)."""
    if case.state is CaseState.CLOSED:
        may = ctx.directory.is_active(actor) and revocation.may_confirm(case, actor, ctx)
        return [ConfirmRevoked] if may else []
    step = case.current
    if step is None or not ctx.directory.is_active(actor):
        return []
    allowed = []
    for kind in (*STEP_KINDS[ctx.sop.step(step.step_no).kind].actions, *_COMMON):
        try:
            authority(case, step, actor, kind, ctx)
            check_allowed(case, step, kind, ctx.sop)
        except (NotAuthorised, ActionNotAllowed):
            continue
        allowed.append(kind)
    return allowed


def authority(case: Case, step: StepRecord, actor: str, kind: type, ctx: Context) -> str | None:
    """Check that ``actor`` may act on ``step``; return whom they act for (a stand-in's principal).

    Raises:
        NotAuthorised: not the holder, nor their stand-in, nor (to reassign) their superior.
    """
    d, now = ctx.directory, ctx.now
    role = ctx.sop.step(step.step_no).role
    if step.assignee is None:
        if kind is Reassign and _may_assign_unheld(actor, role, ctx):
            return None
        raise NotAuthorised(
            f"step {step.step_no} of {case.number} waits for a superior to assign it", code="step_unassigned"
        )
    if actor == step.assignee:
        return None
    if d.standing_in_for(actor, step.assignee, now):
        return step.assignee
    if kind is Reassign:
        for boss in superiors(step.assignee, role, ctx):
            if actor == boss:
                return None
            if d.standing_in_for(actor, boss, now):
                return boss
    raise NotAuthorised(
        f"{d.name(actor)} does not hold step {step.step_no} of {case.number} "
        f"(held by {d.name(step.assignee)})",
        code="not_holder",
        holder=d.name(step.assignee),
        step_no=step.step_no,
    )


def check_allowed(case: Case, step: StepRecord, kind: type, sop: Sop) -> None:
    """Check the action against the step's kind and the case's progress.

    Raises:
        ActionNotAllowed: this step does not allow the action now.
    """
    spec = sop.step(step.step_no)
    if kind not in (*STEP_KINDS[spec.kind].actions, *_COMMON):
        raise ActionNotAllowed(
            f"step {spec.no} ({spec.kind}) does not allow {kind.__name__.lower()}", code="action_not_allowed"
        )
    if kind is Return and not spec.returns_to and spec.no == 1:
        raise ActionNotAllowed("step 1 has no previous step to return to", code="first_step_no_return")
    if kind is Return and not spec.returns_to:
        raise ActionNotAllowed(f"the SOP allows no return from step {spec.no}", code="return_not_offered")
    if kind is Reject and not sop.role(spec.role).may_reject:
        raise ActionNotAllowed(
            f"a {sop.role(spec.role).name} cannot reject a request",
            code="reject_not_allowed",
            role=sop.role(spec.role).name,
        )
    if kind is Return and any(i.releases and i.key in case.checklist for i in spec.checklist):
        raise ActionNotAllowed("the data was sent already; it can no longer be returned", code="already_sent")
    if kind is Acknowledge and step.acknowledged_at is not None:
        raise ActionNotAllowed(f"step {spec.no} was acknowledged already", code="already_acknowledged")
    if step.assignee is None and kind is not Reassign:
        raise ActionNotAllowed(
            f"step {spec.no} has nobody assigned; a superior must assign it first", code="step_unassigned"
        )


def _may_assign_unheld(actor: str, role: str, ctx: Context) -> bool:
    d = ctx.directory
    me = d.get(actor)
    if oversees_cases(me.role):
        return True
    superior_role = ctx.sop.role(role).superior
    bosses = d.holders(superior_role) if superior_role else []
    return actor in bosses or any(d.standing_in_for(actor, b, ctx.now) for b in bosses)


def _check_aim(case: Case, step: StepRecord | None, step_id: int | None, d: Directory) -> None:
    if step_id is None or (step is not None and step.id == step_id):
        return
    target = case.step_by_id(step_id)
    if target is None:
        raise StaleAction(f"step #{step_id} does not belong to case {case.number}", code="wrong_case_step")
    if target.finished_at is not None:
        who = d.name(target.actor)
        raise StepAlreadyHandled(who, target.finished_at)
    raise StaleAction(f"step #{step_id} is no longer the current step of {case.number}", code="stale")
