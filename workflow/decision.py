"""The values that pass between the engine and the service."""

from dataclasses import dataclass, field
from datetime import datetime

from workflow.calendar import WorkCalendar
from workflow.case import Case
from workflow.directory import Directory
from workflow.sop import Sop

__all__ = ["Context", "Decision", "Notice"]


@dataclass(frozen=True, slots=True)
class Context:
    """Everything besides the case that a decision depends on."""

    sop: Sop
    directory: Directory
    calendar: WorkCalendar
    now: datetime


@dataclass(frozen=True, slots=True)
class Notice:
    """A message to send because of a transition; rendered and sent by the front end."""

    recipient: str
    kind: str
    step_no: int | None = None


@dataclass(frozen=True, slots=True)
class Decision:
    """The outcome of an accepted action."""

    case: Case
    notices: tuple[Notice, ...] = ()
    detail: dict = field(default_factory=dict)
    acting_for: str | None = None
