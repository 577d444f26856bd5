"""One INFO line per case event, written once the transaction that made it has committed.

Every case event (registered, acted on, reminded, escalated, closed) writes exactly one audit row
with its case, in the transaction of the event. ``note`` (called by ``repository.add_audit``)
remembers it; just before the commit the case number, the step and the state the case is left in
are looked up (``written`` tells them for a case this transaction wrote, so nothing is read for it),
and after the commit each event becomes one line on the ``workflow.cases`` logger, with
the case number also as the record's ``case`` attribute (the JSON log format shows it). A rolled
back transaction logs nothing: what is logged happened.
"""

import logging

from sqlalchemy import event, select
from sqlalchemy.orm import Session, sessionmaker

from workflow.db.models import CaseRow, StepRow
from workflow.sla import ESCALATION, REMINDER
from workflow.states import CaseState

__all__ = ["install", "note", "written", "wrote"]

log = logging.getLogger("workflow.cases")

_EVENTS = "case_events"  # session.info: (action, actor, acting_for, case_id, step_id) of this transaction
_LINES = "case_lines"  # session.info: the lines to log after the commit
_WRITTEN = "case_written"  # session.info: case id -> (number, state, {step id: step no}) as written
_WORDS = {"open_case": "registered", REMINDER: "reminded", ESCALATION: "escalated"}
_ENDED = {CaseState.CLOSED: "closed", CaseState.REJECTED: "rejected", CaseState.CANCELLED: "cancelled"}


def note(
    session: Session, action: str, actor: str, acting_for: str | None, case_id: int, step_id: int | None
) -> None:
    """Remember a case event of this transaction, to be logged when it commits."""
    session.info.setdefault(_EVENTS, []).append((action, actor, acting_for, case_id, step_id))


def written(session: Session, case_id: int, number: str, state: str, steps: dict[int, int]) -> None:
    """This transaction wrote the case as it now stands: its events need not read it."""
    session.info.setdefault(_WRITTEN, {})[case_id] = (number, state, steps)


def wrote(session: Session) -> bool:
    """Whether this transaction has written a case (``written``)."""
    return bool(session.info.get(_WRITTEN))


def install(sessions: sessionmaker[Session]) -> None:
    """Log the case events of every session ``sessions`` makes, once each commits."""
    event.listen(sessions, "before_commit", _resolve)
    event.listen(sessions, "after_commit", _emit)
    event.listen(sessions, "after_rollback", _forget)


def _resolve(session: Session) -> None:
    events = session.info.pop(_EVENTS, [])
    written = session.info.pop(_WRITTEN, {})
    if not events:
        return
    cases = {case_id: (number, state) for case_id, (number, state, _) in written.items()}
    steps = {k: v for _, _, known in written.values() for k, v in known.items()}
    case_ids = {e[3] for e in events} - cases.keys()
    step_ids = {e[4] for e in events if e[4] is not None} - steps.keys()
    if case_ids:
        query = select(CaseRow.id, CaseRow.number, CaseRow.state).where(CaseRow.id.in_(case_ids))
        cases.update((row.id, (row.number, row.state)) for row in session.execute(query))
    if step_ids:
        steps.update(
            session.execute(select(StepRow.id, StepRow.step_no).where(StepRow.id.in_(step_ids))).all()
        )
    lines = session.info.setdefault(_LINES, [])
    for action, actor, acting_for, case_id, step_id in events:
        number, state = cases.get(case_id, (f"case id {case_id}", None))
        word = _WORDS.get(action, f"acted on ({action})")
        who = f"{actor} for {acting_for}" if acting_for else actor
        step = f" at step {steps[step_id]}" if step_id in steps else ""
        text = f"{number} {word} by {who}{step}"
        if state in _ENDED and action not in _WORDS:
            text += f"; the case is {_ENDED[state]}"
        lines.append((number, text))


def _emit(session: Session) -> None:
    for number, text in session.info.pop(_LINES, []):
        log.info("%s", text, extra={"case": number})


def _forget(session: Session) -> None:
    session.info.pop(_EVENTS, None)
    session.info.pop(_WRITTEN, None)
    session.info.pop(_LINES, None)
