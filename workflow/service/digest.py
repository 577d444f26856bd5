"""The daily SLA digest's figures, aggregated in SQL (SQLite and PostgreSQL alike).

Every figure covers the cases of one SOP (``sop.id``, any version) and uses that SOP's step names
and SOP times. Percentiles use the *nearest rank*: with a step's ``n`` working durations of a
period in ascending order, the p-th percentile is the value at rank ``ceil(p·n)`` (1-based), so
the median of 4 values is the 2nd and the p90 of 10 values is the 9th; equivalently, the smallest
value that at least ``ceil(p·n)`` of the values do not exceed. SQLite has no percentile function:
the stored ``steps.working_seconds`` are counted per (step, seconds), running totals come from
``sum() over (partition by step order by seconds)`` window functions, and each percentile is the
first value whose running total reaches its rank. Only one row per step leaves the database.
"""

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import BigInteger, and_, case, cast, func, or_, select
from sqlalchemy.orm import Session, sessionmaker

from workflow.calendar import WorkCalendar
from workflow.db import reference
from workflow.db.models import CaseRow, StepRow
from workflow.digest import Counts, Digest, Overdue, Period, StepStats, Unrevoked
from workflow.directory import Directory
from workflow.officehours import calendar_previous_working_day
from workflow.service.uow import run_in_transaction
from workflow.sop import Sop, StepKind
from workflow.states import CaseState, StepOutcome

__all__ = ["FINISHED", "DigestService", "periods"]

CASES = CaseRow.__table__
STEPS = StepRow.__table__
#: Outcomes that count as a step instance finished by its holder. A reassigned instance was
#: handed on and a cancelled one was withdrawn: neither measures how long the step takes.
FINISHED = (StepOutcome.COMPLETED, StepOutcome.RETURNED, StepOutcome.REJECTED)
_LIVE = (CaseState.OPEN, CaseState.WAITING)


def periods(calendar: WorkCalendar, day: date) -> tuple[tuple[date, date], tuple[date, date]]:
    """The office dates the digest of ``day`` covers: the previous working day and the month to date.

    The first runs from the last working day before ``day`` through the day before ``day`` (a
    Monday's covers Friday to Sunday; a Tuesday's after a holiday Monday, Friday to Monday). The
    second runs from the 1st of that period's last month through the same last day.
    """
    end = day - timedelta(days=1)
    return (calendar_previous_working_day(calendar, day), end), (end.replace(day=1), end)


class DigestService:
    """Computes the digest's figures; writes nothing."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        calendar: WorkCalendar,
        tz: ZoneInfo,
        sop: Sop,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._sessions = sessions
        self._calendar = calendar
        self._tz = tz
        self._sop = sop
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
            directory = reference.load_directory(session)
            this_month = self._period(session, *month)
            seq, mac = chain.head(session)
            return Digest(
                day=day,
                generated_at=now,
                previous=self._period(session, *previous),
                month=this_month,
                overdue=self._overdue(session, directory, now),
                slowest_step=_slowest(this_month.steps),
                unrevoked=self._unrevoked(session, directory),
                audit_seq=seq,
                audit_head=mac if seq else None,
            )

        return run_in_transaction(self._sessions, work)

    def _bounds(self, start: date, end: date) -> tuple[datetime, datetime]:
        """UTC instants from the start of ``start`` to the start of the day after ``end``."""
        lo = datetime.combine(start, time(), tzinfo=self._tz).astimezone(UTC)
        hi = datetime.combine(end + timedelta(days=1), time(), tzinfo=self._tz).astimezone(UTC)
        return lo, hi

    def _period(self, session: Session, start: date, end: date) -> Period:
        lo, hi = self._bounds(start, end)
        return Period(start, end, self._counts(session, lo, hi), self._steps(session, lo, hi))

    def _counts(self, session: Session, lo: datetime, hi: datetime) -> Counts:
        """Received, closed and rejected within ``[lo, hi)``; open (created, not ended) at ``hi``."""
        ended_in = and_(CASES.c.closed_at >= lo, CASES.c.closed_at < hi)
        open_at_end = and_(CASES.c.created_at < hi, or_(CASES.c.closed_at.is_(None), CASES.c.closed_at >= hi))
        query = select(
            func.count(case((and_(CASES.c.created_at >= lo, CASES.c.created_at < hi), 1))),
            func.count(case((and_(CASES.c.state == CaseState.CLOSED, ended_in), 1))),
            func.count(case((and_(CASES.c.state == CaseState.REJECTED, ended_in), 1))),
            func.count(case((open_at_end, 1))),
        ).where(CASES.c.sop_id == self._sop.id)
        return Counts(*session.connection().execute(query).one())

    def _steps(self, session: Session, lo: datetime, hi: datetime) -> tuple[StepStats, ...]:
        """Per SOP step (named by its role): the instances finished in ``[lo, hi)`` with one of the
        ``FINISHED`` outcomes, their median and p90 working seconds (nearest rank) and the share
        within the SOP time."""
        sla = {s.no: int(s.sla.total_seconds()) for s in self._sop.steps}
        # Grouping equal durations first sorts far fewer rows for the windows than ranking each
        # instance would (about half the time over a million steps on SQLite).
        histogram = (
            select(
                STEPS.c.step_no,
                STEPS.c.working_seconds.label("seconds"),
                func.count().label("times"),
            )
            .where(
                STEPS.c.finished_at >= lo,
                STEPS.c.finished_at < hi,
                STEPS.c.outcome.in_(FINISHED),
                STEPS.c.working_seconds.is_not(None),
                STEPS.c.case_id.in_(select(CASES.c.id).where(CASES.c.sop_id == self._sop.id)),
            )
            .group_by(STEPS.c.step_no, STEPS.c.working_seconds)
            .subquery()
        )
        # PostgreSQL's sum() of counts is numeric: cast back so that the rank arithmetic stays integer.
        running = select(
            histogram.c.step_no,
            histogram.c.seconds,
            histogram.c.times,
            _int(
                func.sum(histogram.c.times).over(
                    partition_by=histogram.c.step_no, order_by=histogram.c.seconds, rows=(None, 0)
                )
            ).label("upto"),
            _int(func.sum(histogram.c.times).over(partition_by=histogram.c.step_no)).label("n"),
        ).subquery()

        def at_rank(percent: int):
            # ceil(percent/100 · n) in integer arithmetic, the same on SQLite and PostgreSQL
            rank = (percent * running.c.n + 99) // 100
            return func.min(case((running.c.upto >= rank, running.c.seconds)))

        within = running.c.seconds <= case(sla, value=running.c.step_no)
        query = select(
            running.c.step_no,
            func.max(running.c.n),
            at_rank(50),
            at_rank(90),
            _int(func.sum(case((within, running.c.times), else_=0))),
        ).group_by(running.c.step_no)
        found = {row[0]: row[1:] for row in session.connection().execute(query)}
        return tuple(
            _stats(step.no, self._sop.role(step.role).name, sla[step.no], found.get(step.no))
            for step in self._sop.steps
        )

    def _overdue(self, session: Session, directory: Directory, now: datetime) -> tuple[Overdue, ...]:
        """Open steps of open or waiting cases past their due time, the latest (in working time) first."""
        query = (
            select(CASES.c.number, STEPS.c.step_no, STEPS.c.assignee, STEPS.c.due_at)
            .join(CASES, CASES.c.id == STEPS.c.case_id)
            .where(
                STEPS.c.finished_at.is_(None),
                STEPS.c.due_at <= now,
                CASES.c.state.in_(_LIVE),
                CASES.c.sop_id == self._sop.id,
            )
            .order_by(STEPS.c.due_at, CASES.c.number)
        )
        found = [
            Overdue(
                case_number=number,
                step_no=step_no,
                holder=holder,
                holder_name=directory.name(holder) if holder else "",
                late_seconds=int(self._calendar.working_time(due_at, now).total_seconds()),
            )
            for number, step_no, holder, due_at in session.connection().execute(query)
        ]
        return tuple(sorted(found, key=lambda o: -o.late_seconds))  # stable: ties stay earliest due first

    def _unrevoked(self, session: Session, directory: Directory) -> tuple[Unrevoked, ...]:
        """Closed cases whose last completed grant step gave someone access nobody confirmed revoked."""
        grants = [s.no for s in self._sop.steps if s.kind is StepKind.GRANT_ACCESS]
        if not grants:
            return ()
        # Driven from the (few) closed, unconfirmed cases to each one's last grant by the case index,
        # rather than grouping every step of every case.
        grant = STEPS.alias("grant")
        last_grant = (
            select(func.max(grant.c.id))
            .where(
                grant.c.case_id == CASES.c.id,
                grant.c.step_no.in_(grants),
                grant.c.outcome == StepOutcome.COMPLETED,
            )
            .scalar_subquery()
        )
        query = (
            select(CASES.c.number, CASES.c.closed_at, STEPS.c.payload, STEPS.c.actor, STEPS.c.acting_for)
            .select_from(CASES)
            .join(STEPS, STEPS.c.id == last_grant)
            .where(
                CASES.c.state == CaseState.CLOSED,
                CASES.c.access_revoked_at.is_(None),
                CASES.c.sop_id == self._sop.id,
            )
            .order_by(CASES.c.closed_at, CASES.c.number)
        )
        found = []
        for number, closed_at, payload, actor, acting_for in session.connection().execute(query):
            operator = (payload or {}).get("access_granted_to")
            granted_by = acting_for or actor
            found.append(
                Unrevoked(
                    case_number=number,
                    closed_at=closed_at,
                    operator=operator,
                    granted_by=granted_by,
                    operator_name=directory.name(operator),
                    granted_by_name=directory.name(granted_by),
                )
            )
        return tuple(found)


def _int(expression):
    return cast(expression, BigInteger)


def _stats(step_no: int, name: str, sla: int, row: Sequence | None) -> StepStats:
    if row is None:
        return StepStats(step_no, name, sla, 0, None, None, None)
    count, median, p90, within = row
    return StepStats(step_no, name, sla, count, float(median), float(p90), within / count)


def _slowest(steps: Sequence[StepStats]) -> int | None:
    """The step whose median is furthest over (or least under) its SOP time; the first on a tie."""
    timed = [s for s in steps if s.median_seconds is not None]
    return max(timed, key=lambda s: s.median_seconds / s.sla_seconds).step_no if timed else None
