"""A case's history as rows a person reads: who held each step, for how long, against the SOP time."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from workflow.case import Case, StepRecord
from workflow.directory import Directory
from workflow.sop import Sop
from workflow.states import StepOutcome
from workflow.workcalendar import WorkCalendar

__all__ = ["TimelineRow", "display_name", "timeline"]


@dataclass(frozen=True, slots=True)
class TimelineRow:
    """One step instance of a case, ready to show."""

    step_no: int
    action: str
    holder: str | None  # None while the step waits for a superior to assign it
    actor: str | None
    started_at: datetime
    due_at: datetime
    finished_at: datetime | None
    outcome: str
    sla: timedelta
    working: timedelta
    wall: timedelta
    late: bool
    instruction: str | None  # as recorded: the Indonesian label of one of the SOP's instructions
    instruction_en: str | None  # its English label, or as recorded when the SOP no longer offers it
    note: str
    returned_to: int | None = None  # the step a return sent the case back to


def display_name(directory: Directory, actor: str | None, acting_for: str | None) -> str:
    """The actor's name, with "Plh." and the principal when a stand-in acted."""
    if actor is None:
        return "-"
    if acting_for is None:
        return directory.name(actor)
    return f"{directory.name(actor)} (Plh. {directory.name(acting_for)})"


def timeline(
    case: Case, sop: Sop, directory: Directory, calendar: WorkCalendar, now: datetime
) -> list[TimelineRow]:
    """Every step instance, oldest first; open ones are measured up to ``now``."""
    rows = []
    for record in case.steps:
        spec = sop.step(record.step_no)
        end = record.finished_at or now
        offered = sop.instruction(record.instruction) if record.instruction else None
        working = calendar.working_time(record.started_at, end)
        rows.append(
            TimelineRow(
                step_no=record.step_no,
                action=spec.action,
                holder=directory.name(record.assignee) if record.assignee else None,
                actor=display_name(directory, record.actor, record.acting_for) if record.actor else None,
                started_at=record.started_at,
                due_at=record.due_at,
                finished_at=record.finished_at,
                outcome=record.outcome.value if record.outcome else "open",
                sla=spec.sla,
                working=working,
                wall=max(end - record.started_at, timedelta()),
                late=end > record.due_at,
                instruction=record.instruction,
                instruction_en=offered.label_en if offered else record.instruction,
                note=record.note,
                returned_to=_returned_to(record),
            )
        )
    return rows


def _returned_to(record: StepRecord) -> int | None:
    """Where a returned step sent the case: its record says so (a return recorded before returns
    could go further back went to the step before)."""
    if record.outcome is not StepOutcome.RETURNED:
        return None
    return int(record.payload.get("to_step", record.step_no - 1))
