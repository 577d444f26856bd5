"""The values that pass between the engine and the service."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType

from workflow.case import Case
from workflow.directory import Directory
from workflow.signature import Seal
from workflow.sop import Sop
from workflow.workcalendar import WorkCalendar

__all__ = ["Context", "Decision", "Notice"]


@dataclass(frozen=True, slots=True)
class Context:
    """Everything besides the case that a decision depends on."""

    sop: Sop
    directory: Directory
    calendar: WorkCalendar
    now: datetime
    seal: Seal | None = None  # signs and verifies signatures (workflow.keys); None: signing refused


@dataclass(frozen=True, slots=True)
class Notice:
    """A message to send because of a transition; rendered and sent by the front end."""

    recipient: str
    kind: str
    step_no: int | None = None
    payload: Mapping = field(default_factory=lambda: MappingProxyType({}))  # what the message needs


@dataclass(frozen=True, slots=True)
class Decision:
    """The outcome of an accepted action."""

    case: Case
    notices: tuple[Notice, ...] = ()
    detail: dict = field(default_factory=dict)
    acting_for: str | None = None
