"""Duties kept apart (four-eyes): the SOP's rules on who may not complete a step because of what
they did earlier in the same case. Pure.

A rule binds stand-ins: the people on each side are the official who acted and the one they
stood in for, so an operator cannot check their own data as Plh. Kasi, and a checker cannot sign
it as Plh. Direktur.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from workflow.case import Case, StepRecord
from workflow.errors import DutiesApart
from workflow.sop import Sop, StepKind
from workflow.states import StepOutcome

__all__ = ["Conflict", "conflict", "other_roles", "require_apart", "rule_text"]

#: What each step kind does, in the words of a refusal ("may not <do>", "who <done>").
_DO = {
    StepKind.DISPOSITION: ("give a disposition on it", "gave a disposition on it"),
    StepKind.GRANT_ACCESS: ("grant access for it", "granted access for it"),
    StepKind.REPORT_DATA: ("report the data", "reported the data"),
    StepKind.CHECK_DATA: ("check the data", "checked the data"),
    StepKind.SIGN: ("sign the data", "signed the data"),
    StepKind.DISPATCH: ("dispatch the data", "dispatched the data"),
}


@dataclass(frozen=True, slots=True)
class Conflict:
    """Why ``person`` may not complete a step of ``kind``: they acted at step ``step_no`` as ``by``
    (a step kind), or in another role (``by`` is ``None``, ``role`` names it)."""

    kind: StepKind
    by: StepKind | None
    step_no: int
    person: str
    role: str | None = None


def conflict(case: Case, sop: Sop, step_no: int, people: Iterable[str | None]) -> Conflict | None:
    """The rule that bars ``people`` (an official and whom they act for) from completing step
    ``step_no`` of ``case``, if any."""
    people = {p for p in people if p is not None}
    kind = sop.step(step_no).kind
    for rule in sop.apart:
        if rule.kind is not kind:
            continue
        for earlier in rule.not_by:
            record = _last_completed(case, sop, earlier)
            both = people & _persons(record) if record is not None else set()
            if both:
                return Conflict(kind, earlier, record.step_no, min(both))
    if sop.one_role_per_official:
        role = sop.step(step_no).role
        for record in _completed(case):
            both = people & _persons(record)
            if both and sop.step(record.step_no).role != role:
                return Conflict(kind, None, record.step_no, min(both), sop.step(record.step_no).role)
    return None


def require_apart(case: Case, sop: Sop, step_no: int, people: Iterable[str | None]) -> None:
    """Raise ``DutiesApart`` naming the rule, if one bars ``people`` from step ``step_no``."""
    found = conflict(case, sop, step_no, people)
    if found is not None:
        raise DutiesApart(
            rule_text(found, sop),
            kind=found.kind.value,
            by=found.by.value if found.by else None,
            step_no=found.step_no,
            person=found.person,
            role=found.role,
        )


def rule_text(found: Conflict, sop: Sop) -> str:
    """The rule in English, for the audit row, the log and the command line."""
    do = _DO[found.kind][0]
    if found.by is None:
        return (
            f"{found.person} acted as {sop.role(found.role).name} at step {found.step_no} and may not "
            f"{do} in another role: the SOP allows one role per official in a case"
        )
    return (
        f"the official who {_DO[found.by][1]} (step {found.step_no}) may not {do}, "
        f"nor may whoever stands in for them: the SOP keeps these duties apart"
    )


def other_roles(case: Case, sop: Sop, people: Iterable[str | None], role: str) -> list[str]:
    """The other roles in which ``people`` completed steps of ``case`` (for the record)."""
    people = {p for p in people if p is not None}
    roles = {sop.step(r.step_no).role for r in _completed(case) if people & _persons(r)}
    return sorted(roles - {role})


def _completed(case: Case) -> list[StepRecord]:
    return [r for r in case.steps if r.outcome is StepOutcome.COMPLETED and r.actor is not None]


def _last_completed(case: Case, sop: Sop, kind: StepKind) -> StepRecord | None:
    return next((r for r in reversed(_completed(case)) if sop.step(r.step_no).kind is kind), None)


def _persons(record: StepRecord) -> set[str]:
    return {p for p in (record.actor, record.acting_for) if p is not None}
