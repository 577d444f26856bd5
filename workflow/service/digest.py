"""The daily SLA digest's figures: a section per loaded SOP whose file says to send one
(``daily_digest.send``), in SOP id order, each with its own figures (``workflow.service.sopfigures``,
in SQL), and the audit chain's head once.
"""

from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from workflow.digest import Digest, Period, Section
from workflow.directory import Directory
from workflow.officehours import calendar_previous_working_day
from workflow.service import sopfigures as figures
from workflow.service.rostercache import cached_directory
from workflow.service.uow import run_in_transaction
from workflow.sop import Sop
from workflow.workcalendar import WorkCalendar

__all__ = ["DigestService", "periods"]


def periods(calendar: WorkCalendar, day: date) -> tuple[tuple[date, date], tuple[date, date]]:
    """The office dates the digest of ``day`` covers: the previous working day and the month to date.

    The first runs from the last working day before ``day`` through the day before ``day`` (a
    Monday's covers Friday to Sunday; a Tuesday's after a holiday Monday, Friday to Monday). The
    second runs from the 1st of that period's last month through the same last day.
    """
    end = day - timedelta(days=1)
    return (calendar_previous_working_day(calendar, day), end), (end.replace(day=1), end)


class DigestService:
    """Computes the digest's figures, a section per SOP that sends one; writes nothing."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        calendar: WorkCalendar,
        tz: ZoneInfo,
        sops: Mapping[str, Sop],
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._sessions = sessions
        self._calendar = calendar
        self._tz = tz
        self._sops = [sops[key] for key in sorted(sops) if sops[key].daily_digest.send]
        self._clock = clock

    def build(self, day: date) -> Digest:
        """The figures of the digest sent on office date ``day``, as of the clock's time.

        Raises:
            RuntimeError: the sessions carry no audit chain (no ``AUDIT_KEY``) to read the head from.
        """
        now = self._clock()
        previous, month = periods(self._calendar, day)

        def work(session: Session) -> Digest:
            chain = session.info.get("audit_chain")
            if chain is None:
                raise RuntimeError("no audit key: set AUDIT_KEY to read the audit chain's head")
            directory = cached_directory(session)
            sections = tuple(
                self._section(session, directory, sop, now, previous, month) for sop in self._sops
            )
            seq, mac = chain.head(session)
            return Digest(day, now, sections, audit_seq=seq, audit_head=mac if seq else None)

        return run_in_transaction(self._sessions, work)

    def _section(
        self,
        session: Session,
        directory: Directory,
        sop: Sop,
        now: datetime,
        previous: tuple[date, date],
        month: tuple[date, date],
    ) -> Section:
        """One SOP's figures, with its own words and the roles it goes to."""
        this_month = self._period(session, sop, *month)
        return Section(
            sop_id=sop.id,
            number=sop.number,
            title=sop.title,
            title_en=sop.title_en,
            to=sop.daily_digest.to,
            previous=self._period(session, sop, *previous),
            month=this_month,
            overdue=figures.overdue(session, directory, self._calendar, sop, now),
            slowest_step=figures.slowest(this_month.steps),
            unrevoked=figures.unrevoked(session, directory, sop),
        )

    def _bounds(self, start: date, end: date) -> tuple[datetime, datetime]:
        """UTC instants from the start of ``start`` to the start of the day after ``end``."""
        lo = datetime.combine(start, time(), tzinfo=self._tz).astimezone(UTC)
        hi = datetime.combine(end + timedelta(days=1), time(), tzinfo=self._tz).astimezone(UTC)
        return lo, hi

    def _period(self, session: Session, sop: Sop, start: date, end: date) -> Period:
        lo, hi = self._bounds(start, end)
        return Period(
            start, end, figures.counts(session, sop, lo, hi), figures.step_stats(session, sop, lo, hi)
        )
