"""The daily SLA digest as plain values: what it covers and the figures it reports. Pure.

``workflow.service.digest`` computes the figures in SQL; ``bot`` renders them (text and chart).
A digest is stored as JSON (``to_json``) in its day's row, so every recipient and every replica
sees the same figures, and ``disposisi digest`` can print what was sent.
"""

from dataclasses import asdict, dataclass
from datetime import date, datetime

__all__ = ["Counts", "Digest", "Overdue", "Period", "StepStats", "Unrevoked"]


@dataclass(frozen=True, slots=True)
class Counts:
    """Cases received (opened), closed, rejected in a period, and open at its end."""

    received: int
    closed: int
    rejected: int
    open: int


@dataclass(frozen=True, slots=True)
class StepStats:
    """One SOP step's finished instances in a period, in working seconds against its SOP time."""

    step_no: int
    name: str
    sla_seconds: int
    count: int
    median_seconds: float | None  # None when no instance finished in the period
    p90_seconds: float | None
    within_share: float | None  # 0..1: the share that finished within the SOP time


@dataclass(frozen=True, slots=True)
class Period:
    """Office dates ``start``..``end`` inclusive (in the office time zone)."""

    start: date
    end: date
    counts: Counts
    steps: tuple[StepStats, ...]


@dataclass(frozen=True, slots=True)
class Overdue:
    """An open step past its due time at generation, who holds it and how late (working time)."""

    case_number: str
    step_no: int
    holder: str | None  # roster key; None while it waits for a superior to assign it
    holder_name: str
    late_seconds: int


@dataclass(frozen=True, slots=True)
class Unrevoked:
    """A closed case whose operator's data access nobody has confirmed revoked yet."""

    case_number: str
    closed_at: datetime
    operator: str | None  # who was granted access (roster key)
    granted_by: str | None  # the Kasi who granted it, who is asked to confirm
    operator_name: str = ""  # display names, so the text needs no roster
    granted_by_name: str = ""


@dataclass(frozen=True, slots=True)
class Digest:
    """The digest sent on the morning of ``day``."""

    day: date
    generated_at: datetime
    previous: Period  # the previous working day (a Monday's covers Friday to Sunday)
    month: Period  # the month to date, to the end of ``previous``
    overdue: tuple[Overdue, ...]
    slowest_step: int | None  # the step furthest over its SOP time this month (median / SOP time)
    unrevoked: tuple[Unrevoked, ...]
    audit_seq: int  # the audit chain's head when generated, witnessed outside the database
    audit_head: str | None

    def to_json(self) -> dict:
        """A JSON-able dict (dates and instants as ISO strings)."""
        return _jsonable(asdict(self))

    @classmethod
    def from_json(cls, data: dict) -> "Digest":
        """The inverse of ``to_json``."""

        def period(p: dict) -> Period:
            return Period(
                date.fromisoformat(p["start"]),
                date.fromisoformat(p["end"]),
                Counts(**p["counts"]),
                tuple(StepStats(**s) for s in p["steps"]),
            )

        return cls(
            day=date.fromisoformat(data["day"]),
            generated_at=datetime.fromisoformat(data["generated_at"]),
            previous=period(data["previous"]),
            month=period(data["month"]),
            overdue=tuple(Overdue(**o) for o in data["overdue"]),
            slowest_step=data["slowest_step"],
            unrevoked=tuple(
                Unrevoked(**{**u, "closed_at": datetime.fromisoformat(u["closed_at"])})
                for u in data["unrevoked"]
            ),
            audit_seq=data["audit_seq"],
            audit_head=data["audit_head"],
        )


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value
