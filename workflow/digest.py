"""The daily SLA digest as plain values: what it covers and the figures it reports. Pure.

``workflow.service.digest`` computes the figures in SQL; ``bot`` renders them (text and chart).
A digest is stored as JSON (``to_json``) in its day's row, so every recipient and every replica
sees the same figures, and ``disposisi digest`` can print what was sent. A digest has one
section per SOP; digests stored before that (one SOP's figures) still load, as one section.
"""

from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime

from workflow.roster import ADMIN_ROLE, Official

__all__ = ["Counts", "Digest", "Overdue", "Period", "Section", "StepStats", "Unrevoked"]


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
class Section:
    """One SOP's figures in the digest (its cases of any version), and who reads them.

    ``number``, ``title`` and ``title_en`` are the SOP's own words, kept so that a stored digest
    reads as it was sent after the SOP file changes. ``to`` is the SOP's ``daily_digest.to``: the
    roles that get the section; empty, every official who receives the digest.
    """

    sop_id: str
    number: str
    title: str
    title_en: str
    to: tuple[str, ...]
    previous: Period  # the previous working day (a Monday's covers Friday to Sunday)
    month: Period  # the month to date, to the end of ``previous``
    overdue: tuple[Overdue, ...]
    slowest_step: int | None  # the step furthest over its SOP time this month (median / SOP time)
    unrevoked: tuple[Unrevoked, ...]

    def reaches(self, role: str) -> bool:
        """Whether an official of ``role`` who receives the digest gets this section."""
        return not self.to or role in self.to

    @classmethod
    def from_json(cls, data: dict) -> "Section":
        """The inverse of ``to_json`` of a section; a digest stored before sections were per SOP
        (one SOP's figures, no SOP named) gives a section without id or title, for every role."""
        return cls(
            sop_id=data.get("sop_id", ""),
            number=data.get("number", ""),
            title=data.get("title", ""),
            title_en=data.get("title_en", ""),
            to=tuple(data.get("to", ())),
            previous=_period(data["previous"]),
            month=_period(data["month"]),
            overdue=tuple(Overdue(**o) for o in data["overdue"]),
            slowest_step=data["slowest_step"],
            unrevoked=tuple(
                Unrevoked(**{**u, "closed_at": datetime.fromisoformat(u["closed_at"])})
                for u in data["unrevoked"]
            ),
        )


@dataclass(frozen=True, slots=True)
class Digest:
    """The digest sent on the morning of ``day``: a section per SOP whose file says to send one
    (``daily_digest.send``), in SOP id order."""

    day: date
    generated_at: datetime
    sections: tuple[Section, ...]
    audit_seq: int  # the audit chain's head when generated, witnessed outside the database
    audit_head: str | None

    def for_role(self, role: str) -> tuple[str, ...]:
        """The SOP ids of the sections an official of ``role`` who receives the digest gets."""
        return tuple(s.sop_id for s in self.sections if s.reaches(role))

    def read_by(self, official: Official) -> "Digest | None":
        """What ``official`` may read of the digest on demand (``/digest``): the admin every section;
        an official whose roster entry receives the digest the sections that reach their role;
        None for anyone else, or when no section reaches them."""
        if official.role == ADMIN_ROLE:
            return self
        if not official.receives_digest:
            return None
        mine = self.only(self.for_role(official.role))
        return mine if mine.sections else None

    def only(self, sop_ids: Iterable[str] | None) -> "Digest":
        """The same digest with only the sections of ``sop_ids`` (None: all of them)."""
        if sop_ids is None:
            return self
        wanted = set(sop_ids)
        return replace(self, sections=tuple(s for s in self.sections if s.sop_id in wanted))

    def to_json(self) -> dict:
        """A JSON-able dict (dates and instants as ISO strings)."""
        return _jsonable(asdict(self))

    @classmethod
    def from_json(cls, data: dict) -> "Digest":
        """The inverse of ``to_json``; also reads a digest stored before sections were per SOP,
        whose one SOP's figures stood at the top level, as its only section."""
        sections = data.get("sections", [data])
        return cls(
            day=date.fromisoformat(data["day"]),
            generated_at=datetime.fromisoformat(data["generated_at"]),
            sections=tuple(Section.from_json(s) for s in sections),
            audit_seq=data["audit_seq"],
            audit_head=data["audit_head"],
        )


def _period(p: dict) -> Period:
    return Period(
        date.fromisoformat(p["start"]),
        date.fromisoformat(p["end"]),
        Counts(**p["counts"]),
        tuple(StepStats(**s) for s in p["steps"]),
    )


def _jsonable(value):
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value
