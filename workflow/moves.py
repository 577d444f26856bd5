"""Moving a case along: completing the open step and opening the next (routed, or waiting with
the rule that left nobody to take it), finishing and ending step instances, voiding what a
re-opened step produced, and whom each move tells. Pure; used by ``workflow.transitions``."""

from dataclasses import replace
from types import MappingProxyType

from workflow.case import Case, StepRecord
from workflow.decision import Context, Decision, Notice
from workflow.duties import conflict, rule_text
from workflow.release import require_release
from workflow.roster import ADMIN_ROLE, TU_ROLE
from workflow.routing import completed_by, next_candidates, pick
from workflow.sop import StepKind
from workflow.states import CaseState, StepOutcome
from workflow.stepkinds import STEP_KINDS

__all__ = [
    "advance",
    "barring_rule",
    "closing",
    "end",
    "finish",
    "moved",
    "open_step",
    "replace_current",
    "step_updated",
    "to_all",
]


def advance(case, step, actor, acting_for, ctx, chosen, note, instruction, payload):
    """Complete the current step and open the next one, or close the case after the last."""
    detail = {"step_no": step.step_no, "note": note}
    if instruction is not None:
        detail["instruction"] = instruction
    if step.step_no == len(ctx.sop.steps):
        closed = end(
            case, StepOutcome.COMPLETED, actor, acting_for, note, CaseState.CLOSED, ctx, instruction, payload
        )
        return Decision(closed, closing(closed, ctx), {**detail, "closed": True}, acting_for)
    target = step.step_no + 1
    candidates, default = next_candidates(case, ctx.sop, ctx.directory, actor, acting_for)
    barring = (completed_by(case, actor, acting_for), ctx.sop, target)
    to = pick(candidates, default, chosen, f"step {target}", barring)
    if ctx.sop.step(step.step_no).kind is StepKind.GRANT_ACCESS:
        payload = {**payload, "access_granted_to": to}
    finished = finish(step, StepOutcome.COMPLETED, actor, acting_for, ctx, note, instruction, payload)
    done = replace_current(case, finished)
    barred = barring_rule(done, target, ctx) if to is None else None
    new_case, notices = open_step(done, target, to, ctx, by=acting_for or actor, barred=barred)
    detail = {**detail, **public(payload), "to": to}
    if barred is not None:
        detail["waiting_because"] = rule_text(barred, ctx.sop)
    return Decision(new_case, notices + moved(step, actor, acting_for), detail, acting_for)


def barring_rule(case, step_no, ctx):
    """The rule on duties that bars a holder of the step's role, when nobody could be routed it."""
    holders = ctx.directory.holders(ctx.sop.step(step_no).role)
    return next((c for k in holders if (c := conflict(case, ctx.sop, step_no, {k})) is not None), None)


def open_step(case, step_no, assignee, ctx, *, by=None, kind="step_assigned", fresh=True, barred=None):
    """Open an instance of ``step_no`` (moved there by ``by``); a fresh opening voids what that
    step and later ones produced. ``barred``: the rule that left nobody to take it."""
    spec = ctx.sop.step(step_no)
    if fresh:
        case = void_from(case, step_no, ctx)
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
        people = [*bosses, *ctx.directory.holders(TU_ROLE)]
        payload = {}
        if barred is not None:  # the admin too: the roster or the stand-in orders may need changing
            people += ctx.directory.holders(ADMIN_ROLE)
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


def public(payload):
    """What of a step's record goes into its audit row: the manifest, its hash, the access grant,
    the signature with what it binds (so that a release can be verified from the audit export)."""
    kept = ("manifest", "manifest_hash", "access_granted_to", "signature")
    return {k: v for k, v in payload.items() if k in kept}


def void_from(case, step_no, ctx):
    """The case with what the steps from ``step_no`` on recorded voided (``STEP_KINDS``)."""
    changes = {}
    for kind, rules in STEP_KINDS.items():
        spec = ctx.sop.first_of(kind) if rules.records else None
        if spec is not None and step_no <= spec.no:
            changes[rules.records] = rules.empty
    return case.evolve(**changes)


def finish(step, outcome, actor, acting_for, ctx, note="", instruction=None, payload=None):
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


def end(case, outcome, actor, acting_for, note, state, ctx, instruction=None, payload=None):
    steps = case.steps
    if case.current is not None:
        steps = (
            *steps[:-1],
            finish(case.current, outcome, actor, acting_for, ctx, note, instruction, payload),
        )
    return case.evolve(steps=steps, state=state, closed_at=ctx.now)


def replace_current(case, record):
    return case.evolve(steps=(*case.steps[:-1], record))


def moved(step, actor, acting_for):
    """The holder learns the case moved on when someone else (a stand-in) acted for them."""
    if step.assignee is not None and step.assignee != actor:
        return (Notice(step.assignee, "case_moved", step.step_no),)
    return ()


def closing(case, ctx):
    """The closing notice: everyone who held a step, and whoever registered the letter."""
    return to_all(case, ctx, "case_closed", extra=(case.created_by,))


def to_all(case, ctx, kind, extra=()):
    people = [s.assignee for s in case.steps if s.assignee is not None] + list(extra)
    return tuple(
        Notice(k, kind, case.steps[-1].step_no if case.steps else None) for k in dict.fromkeys(people)
    )
