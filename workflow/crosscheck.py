"""Whether a case's rows say what its audit rows say. Pure: a case and its audit rows in, problems out.

The audit chain proves its own rows were not changed; the case and step rows beside it have no MAC.
A database writer who edits a step's actor, opens a step by hand, swaps the manifest or marks a case
closed leaves rows the audit does not back: ``disposisi audit verify --state`` names each one.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from workflow.case import Case, StepRecord
from workflow.letters import letter_facts
from workflow.states import CaseState, StepOutcome

__all__ = ["AuditFact", "case_problems"]

#: The actions that can finish a step with each outcome.
_FINISHED_BY = {
    StepOutcome.COMPLETED: {"forward", "submit_manifest", "accept_manifest", "sign", "tick_item"},
    StepOutcome.RETURNED: {"return"},
    StepOutcome.REJECTED: {"reject"},
    StepOutcome.REASSIGNED: {"reassign"},
    StepOutcome.CANCELLED: {"cancel"},
}
_STEP_ACTIONS = set().union(*_FINISHED_BY.values()) | {"acknowledge"}


@dataclass(frozen=True, slots=True)
class AuditFact:
    """One accepted action of a case, as its audit row records it."""

    seq: int
    action: str
    actor: str
    acting_for: str | None
    step_id: int | None
    at: datetime
    detail: Mapping = field(default_factory=dict)


def case_problems(case: Case, facts: Iterable[AuditFact]) -> list[str]:
    """What ``case`` says that its audit rows (result ``ok``) do not; empty when they agree."""
    facts = sorted(facts, key=lambda f: f.seq)
    problems = _registration(case, facts)
    problems += _steps(case, facts)
    problems += _products(case, facts)
    problems += _state(case, facts)
    return problems


def _registration(case: Case, facts: list[AuditFact]) -> list[str]:
    opened = next((f for f in facts if f.action == "open_case"), None)
    if opened is None:
        return ["no audit row records the registration of the case"]
    recorded = dict(opened.detail.get("letter") or {})
    for fact in facts:
        if fact.action == "attach_scan":
            recorded["scan_sha256"] = fact.detail.get("sha256")
    now = letter_facts(case.letter)
    return [
        f"the letter's {name.replace('_', ' ')} is {now[name]!r}; the audit recorded {value!r}"
        for name, value in recorded.items()
        if name in now and now[name] != value
    ]


def _steps(case: Case, facts: list[AuditFact]) -> list[str]:
    problems = []
    by_step: dict[int | None, list[AuditFact]] = {}
    for fact in facts:
        by_step.setdefault(fact.step_id, []).append(fact)
    ids = {s.id for s in case.steps}
    opener = next((f for f in facts if f.action == "open_case"), None)
    for record in case.steps:
        if opener is not None and opener.detail.get("to", record.assignee) != record.assignee:
            problems.append(
                f"step {record.step_no} (#{record.id}) is held by {record.assignee}; "
                f"the audit row that opened it names {opener.detail.get('to')}"
            )
        mine = by_step.get(record.id, [])
        if record.acknowledged_at is not None and not any(f.action == "acknowledge" for f in mine):
            problems.append(f"step {record.step_no} (#{record.id}) is acknowledged; no audit row records it")
        opener = None
        if record.finished_at is None:
            continue
        finished = _finishing(record, mine)
        if finished is None:
            problems.append(
                f"step {record.step_no} (#{record.id}) says {record.outcome} by {record.actor}; "
                "no audit row records it"
            )
        opener = finished
    for fact in facts:
        if fact.action in _STEP_ACTIONS and fact.step_id is not None and fact.step_id not in ids:
            problems.append(
                f"the audit records {fact.action} on step #{fact.step_id}, which the case no longer has"
            )
    return problems


def _finishing(record: StepRecord, facts: list[AuditFact]) -> AuditFact | None:
    actions = _FINISHED_BY.get(record.outcome, set())
    for fact in reversed(facts):
        if fact.action not in actions or (fact.actor, fact.acting_for) != (record.actor, record.acting_for):
            continue
        if fact.action == "tick_item" and not fact.detail.get("closed"):
            continue
        return fact
    return None


def _products(case: Case, facts: list[AuditFact]) -> list[str]:
    problems = []

    def last(action: str) -> AuditFact | None:
        return next((f for f in reversed(facts) if f.action == action), None)

    if case.manifest is not None:
        report = last("submit_manifest")
        if report is None or report.detail.get("manifest") != case.manifest.to_dict():
            problems.append("the manifest is not the one the audit recorded as reported")
    if case.accepted_hash is not None:
        accept = last("accept_manifest")
        if accept is None or accept.detail.get("manifest_hash") != case.accepted_hash:
            problems.append("the accepted manifest hash is not the one the audit recorded as accepted")
    sig = case.signature
    if sig is not None:
        sign = last("sign")
        sealed = (sign.detail.get("signature") or {}) if sign is not None else {}
        if (
            sign is None
            or (sign.actor, sign.acting_for) != (sig.signer, sig.acting_for)
            or sign.detail.get("manifest_hash") != sig.manifest_hash
            or (not sig.legacy and (sealed.get("binding"), sealed.get("value")) != (sig.binding, sig.value))
        ):
            problems.append("the signature is not the one the audit recorded")
    ticks = [f for f in facts if f.action == "tick_item"]
    for item, tick in case.checklist.items():
        if not any(
            (f.detail.get("item"), f.detail.get("value"), f.actor) == (item, tick.value, tick.by)
            for f in ticks
        ):
            problems.append(f"the checklist item {item!r} is ticked; no audit row records that tick")
    if case.access_revoked_at is not None and last("access_revoked") is None:
        problems.append("the operator's access is marked revoked; no audit row records it")
    return problems


def _state(case: Case, facts: list[AuditFact]) -> list[str]:
    ended = {
        CaseState.CLOSED: any(f.detail.get("closed") for f in facts),
        CaseState.REJECTED: any(f.action == "reject" for f in facts),
        CaseState.CANCELLED: any(f.action == "cancel" for f in facts),
    }
    if case.state in ended and not ended[case.state]:
        return [f"the case is {case.state}; no audit row records how it ended"]
    recorded = [state for state, happened in ended.items() if happened]
    if recorded and case.state not in recorded:
        return [f"the audit records the case {recorded[0]}; the case row says {case.state}"]
    return []
