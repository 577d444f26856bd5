"""One SOP's figures in the daily SLA digest, aggregated in SQL (SQLite and PostgreSQL alike).

Every figure covers the cases of one SOP (``sop.id``, any version) and uses that SOP's step names
and SOP times. Percentiles use the *nearest rank*: with a step's ``n`` working durations of a
period in ascending order, the p-th percentile is the value at rank ``ceil(p·n)`` (1-based), so
the median of 4 values is the 2nd and the p90 of 10 values is the 9th; equivalently, the smallest
value that at least ``ceil(p·n)`` of the values do not exceed. SQLite has no percentile function:
the stored ``steps.working_seconds`` are counted per (step, seconds), running totals come from
``sum() over (partition by step order by seconds)`` window functions, and each percentile is the
first value whose running total reaches its rank. Only one row per step leaves the database.
"""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import BigInteger, and_, case, cast, func, or_, select
from sqlalchemy.orm import Session

from workflow.db.models import CaseRow, StepRow
from workflow.digest import Counts, Overdue, StepStats, Unrevoked
from workflow.directory import Directory
from workflow.sop import Sop, StepKind
from workflow.states import CaseState, StepOutcome
from workflow.workcalendar import WorkCalendar

__all__ = ["FINISHED", "counts", "overdue", "slowest", "step_stats", "unrevoked"]

CASES = CaseRow.__table__
STEPS = StepRow.__table__
#: Outcomes that count as a step instance finished by its holder. A reassigned instance was
#: handed on and a cancelled one was withdrawn: neither measures how long the step takes.
FINISHED = (StepOutcome.COMPLETED, StepOutcome.RETURNED, StepOutcome.REJECTED)
_LIVE = (CaseState.OPEN, CaseState.WAITING)


def counts(session: Session, sop: Sop, lo: datetime, hi: datetime) -> Counts:
    """Received, closed and rejected within ``[lo, hi)``; open (created, not ended) at ``hi``."""
    ended_in = and_(CASES.c.closed_at >= lo, CASES.c.closed_at < hi)
    open_at_end = and_(CASES.c.created_at < hi, or_(CASES.c.closed_at.is_(None), CASES.c.closed_at >= hi))
    query = select(
        func.count(case((and_(CASES.c.created_at >= lo, CASES.c.created_at < hi), 1))),
        func.count(case((and_(CASES.c.state == CaseState.CLOSED, ended_in), 1))),
        func.count(case((and_(CASES.c.state == CaseState.REJECTED, ended_in), 1))),
        func.count(case((open_at_end, 1))),
    ).where(CASES.c.sop_id == sop.id)
    return Counts(*session.connection().execute(query).one())


def step_stats(session: Session, sop: Sop, lo: datetime, hi: datetime) -> tuple[StepStats, ...]:
    """Per SOP step (named by its role): the instances finished in ``[lo, hi)`` with one of the
    ``FINISHED`` outcomes, their median and p90 working seconds (nearest rank) and the share
    within the SOP time."""
    sla = {s.no: int(s.sla.total_seconds()) for s in sop.steps}
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
            STEPS.c.case_id.in_(select(CASES.c.id).where(CASES.c.sop_id == sop.id)),
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
        _stats(step.no, sop.role(step.role).name, sla[step.no], found.get(step.no)) for step in sop.steps
    )


def overdue(
    session: Session, directory: Directory, calendar: WorkCalendar, sop: Sop, now: datetime
) -> tuple[Overdue, ...]:
    """Open steps of open or waiting cases past their due time, the latest (in working time) first."""
    query = (
        select(CASES.c.number, STEPS.c.step_no, STEPS.c.assignee, STEPS.c.due_at)
        .join(CASES, CASES.c.id == STEPS.c.case_id)
        .where(
            STEPS.c.finished_at.is_(None),
            STEPS.c.due_at <= now,
            CASES.c.state.in_(_LIVE),
            CASES.c.sop_id == sop.id,
        )
        .order_by(STEPS.c.due_at, CASES.c.number)
    )
    found = [
        Overdue(
            case_number=number,
            step_no=step_no,
            holder=holder,
            holder_name=directory.name(holder) if holder else "",
            late_seconds=int(calendar.working_time(due_at, now).total_seconds()),
        )
        for number, step_no, holder, due_at in session.connection().execute(query)
    ]
    return tuple(sorted(found, key=lambda o: -o.late_seconds))  # stable: ties stay earliest due first


def unrevoked(session: Session, directory: Directory, sop: Sop) -> tuple[Unrevoked, ...]:
    """Closed cases whose last completed grant step gave someone access nobody confirmed revoked."""
    grants = [s.no for s in sop.steps if s.kind is StepKind.GRANT_ACCESS]
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
            CASES.c.sop_id == sop.id,
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


def slowest(steps: Sequence[StepStats]) -> int | None:
    """The step whose median is furthest over (or least under) its SOP time; the first on a tie."""
    timed = [s for s in steps if s.median_seconds is not None]
    return max(timed, key=lambda s: s.median_seconds / s.sla_seconds).step_no if timed else None
