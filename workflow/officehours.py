"""Office hours: working-time arithmetic over weekly hours, date-ranged overrides and closed days.

All instants are timezone-aware and come back in UTC; the hours are wall-clock times in the
office's time zone, counted on the wall clock (Asia/Jakarta keeps no daylight saving time). The
class is pure: holidays arrive as plain dates (``workflow.calendar_config`` looks them up), and
nothing here reads a clock.

``add(start, d)`` is the *earliest* instant by which ``d`` of working time after ``start`` has
passed, so ``working_time(start, add(start, d)) == d`` always holds:

* a step reaching an official outside hours with 5 minutes to go is due 5 working minutes after
  the next opening (Friday 16:28 + 5 min = next working day 07:33 with Friday closing at 16:30);
* when the time runs out exactly at a closing time the answer is that closing time, not the next
  opening (Friday 16:25 + 5 min = Friday 16:30);
* ``add(start, timedelta(0))`` is ``start`` itself, even outside hours: no working time has to
  pass. Use ``next_open`` to hold something until the office opens.

Long spans cost O(log days): whole days are summed by weekday counts, corrected by prefix sums
over the override ranges and the special (closed or opened) dates, never walked one by one.
"""

from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from itertools import accumulate, pairwise

__all__ = [
    "Hours",
    "OfficeCalendar",
    "Override",
    "Weekly",
    "calendar_is_open",
    "calendar_next_open",
    "calendar_previous_working_day",
    "calendar_works_on",
]

#: Working intervals of one day, e.g. ``[(time(7, 30), time(12)), (time(13), time(16))]``.
Hours = Sequence[tuple[time, time]]
#: Weekday (0 = Monday … 6 = Sunday) → working intervals; a weekday left out is closed.
Weekly = Mapping[int, Hours]
#: ``(first_day, last_day, weekly)``: both days included; the weekly hours replace the regular ones.
Override = tuple[date, date, Weekly]

_Spans = tuple[tuple[timedelta, timedelta], ...]
_DAY = timedelta(days=1)
_ZERO = timedelta()
_HORIZON_DAYS = 366 * 20  # no working time within 20 years is a broken calendar, not a long wait


def _spans(hours: Hours, what: str) -> _Spans:
    """Check one day's intervals (sorted, start < end, no overlap) and turn them into offsets."""
    out: list[tuple[timedelta, timedelta]] = []
    for begin, end in sorted(hours):
        if not begin < end:
            raise ValueError(f"{what}: {begin:%H:%M}-{end:%H:%M} does not end after it starts")
        lo = timedelta(hours=begin.hour, minutes=begin.minute, seconds=begin.second)
        hi = timedelta(hours=end.hour, minutes=end.minute, seconds=end.second)
        if out and lo < out[-1][1]:
            raise ValueError(f"{what}: {begin:%H:%M}-{end:%H:%M} overlaps the interval before it")
        out.append((lo, hi))
    return tuple(out)


def _week(weekly: Weekly, what: str) -> tuple[_Spans, ...]:
    if set(weekly) - set(range(7)):
        raise ValueError(f"{what}: weekdays are 0 (Monday) to 6 (Sunday), not {sorted(weekly)}")
    return tuple(_spans(weekly.get(wd, ()), f"{what}, weekday {wd}") for wd in range(7))


def _total(spans: _Spans) -> timedelta:
    return sum((hi - lo for lo, hi in spans), _ZERO)


def _clock(offset: timedelta) -> time:
    minutes, second = divmod(int(offset.total_seconds()), 60)
    return time(*divmod(minutes, 60), second)


def _weekday_count(first: date, stop: date, weekday: int) -> int:
    """How many days in ``[first, stop)`` fall on ``weekday``."""
    weeks, rest = divmod(max((stop - first).days, 0), 7)
    return weeks + ((weekday - first.weekday()) % 7 < rest)


class OfficeCalendar:
    """A ``WorkCalendar`` over office hours in one time zone.

    Args:
        tz: the office's time zone (e.g. ``ZoneInfo("Asia/Jakarta")``).
        weekly: the regular hours per weekday; a lunch break is two intervals.
        overrides: date ranges with their own weekly hours (Ramadan); they may not overlap.
        closed_days: days without work (national holidays, cuti bersama, added closures).
        open_days: days worked although otherwise closed; they win over ``closed_days`` and use
            the day's regular (or overriding) hours, or ``open_hours`` when that weekday has none.
        open_hours: hours of an opened day whose weekday has none; Monday's hours by default.

    Raises:
        ValueError: intervals that end before they start or overlap, overlapping overrides.
    """

    def __init__(
        self,
        tz: tzinfo,
        weekly: Weekly,
        overrides: Iterable[Override] = (),
        closed_days: Iterable[date] = (),
        open_days: Iterable[date] = (),
        open_hours: Hours | None = None,
    ) -> None:
        self.tz = tz
        self._weekly = _week(weekly, "hours")
        self._overrides = sorted((a, b, _week(w, f"override {a}..{b}")) for a, b, w in overrides)
        for (a1, b1, _), (a2, b2, _) in pairwise(self._overrides):
            if a2 <= b1:
                raise ValueError(f"override {a1}..{b1} overlaps {a2}..{b2}")
        if any(a > b for a, b, _ in self._overrides):
            raise ValueError("an override ends before it starts")
        self._open_hours = _spans(open_hours, "open hours") if open_hours is not None else self._weekly[0]
        self._closed = frozenset(closed_days)
        self._opened = frozenset(open_days)
        self._special = sorted(self._closed | self._opened)
        deltas = (_total(self._spans_on(d)) - _total(self._scheduled(d)) for d in self._special)
        self._prefix = [_ZERO, *accumulate(deltas)]

    def _scheduled(self, day: date) -> _Spans:
        """The hours of ``day`` before closed and opened days are applied."""
        for first, last, week in self._overrides:
            if first <= day <= last:
                return week[day.weekday()]
        return self._weekly[day.weekday()]

    def _spans_on(self, day: date) -> _Spans:
        if day in self._opened:
            return self._scheduled(day) or self._open_hours
        return () if day in self._closed else self._scheduled(day)

    def hours_on(self, day: date) -> list[tuple[time, time]]:
        """The working intervals of a local calendar day (empty when closed)."""
        return [(_clock(lo), _clock(hi)) for lo, hi in self._spans_on(day)]

    def _days_total(self, first: date, stop: date) -> timedelta:
        """The working time of the whole days in ``[first, stop)``."""
        if stop <= first:
            return _ZERO
        total = sum((_total(s) * _weekday_count(first, stop, wd) for wd, s in enumerate(self._weekly)), _ZERO)
        for a, b, week in self._overrides:
            lo, hi = max(first, a), min(stop, b + _DAY)
            for wd, s in enumerate(week):
                total += (_total(s) - _total(self._weekly[wd])) * _weekday_count(lo, hi, wd)
        i, j = bisect_left(self._special, first), bisect_left(self._special, stop)
        return total + self._prefix[j] - self._prefix[i]

    def _local(self, at: datetime) -> tuple[date, timedelta]:
        if at.tzinfo is None:
            raise ValueError(f"naive datetime {at!r}: pass a timezone-aware instant")
        local = at.astimezone(self.tz)
        offset = timedelta(
            hours=local.hour, minutes=local.minute, seconds=local.second, microseconds=local.microsecond
        )
        return local.date(), offset

    def _instant(self, day: date, offset: timedelta) -> datetime:
        return (datetime.combine(day, time(), tzinfo=self.tz) + offset).astimezone(UTC)

    def _worked(self, day: date, begin: timedelta, end: timedelta) -> timedelta:
        spans = self._spans_on(day)
        return sum((max(min(hi, end) - max(lo, begin), _ZERO) for lo, hi in spans), _ZERO)

    def _first_day_reaching(self, first: date, amount: timedelta) -> date:
        """The day on which the whole days from ``first`` on add up to ``amount`` (> 0)."""
        hi = 1
        while self._days_total(first, first + hi * _DAY) < amount:
            if hi > _HORIZON_DAYS:
                raise ValueError(f"no working time within {_HORIZON_DAYS} days after {first}")
            hi *= 2
        lo = 0  # invariant: lo days fall short, hi days suffice
        while hi - lo > 1:
            mid = (lo + hi) // 2
            lo, hi = (lo, mid) if self._days_total(first, first + mid * _DAY) >= amount else (mid, hi)
        return first + lo * _DAY

    def _walk(self, day: date, begin: timedelta, amount: timedelta) -> datetime:
        """The instant ``amount`` of work after ``begin`` on ``day``; the day must hold that much."""
        for lo, hi in self._spans_on(day):
            lo = max(lo, begin)
            if lo < hi:
                if amount <= hi - lo:
                    return self._instant(day, lo + amount)
                amount -= hi - lo
        raise AssertionError("the day was chosen to hold enough working time")  # pragma: no cover

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The earliest instant by which ``duration`` of working time after ``start`` has passed.

        Raises:
            ValueError: a negative duration, a naive ``start``, or no working time for 20 years.
        """
        if duration < _ZERO:
            raise ValueError(f"negative duration {duration}")
        if not duration:
            self._local(start)
            return start.astimezone(UTC)
        day, offset = self._local(start)
        today = self._worked(day, offset, _DAY)
        if duration <= today:
            return self._walk(day, offset, duration)
        rest = duration - today
        last = self._first_day_reaching(day + _DAY, rest)
        return self._walk(last, _ZERO, rest - self._days_total(day + _DAY, last))

    def working_time(self, start: datetime, end: datetime) -> timedelta:
        """The working time between two instants (zero when ``end`` is not after ``start``)."""
        (d1, o1), (d2, o2) = self._local(start), self._local(end)
        if end <= start:
            return _ZERO
        if d1 == d2:
            return self._worked(d1, o1, o2)
        return self._worked(d1, o1, _DAY) + self._days_total(d1 + _DAY, d2) + self._worked(d2, _ZERO, o2)

    def is_open(self, at: datetime) -> bool:
        """Whether ``at`` falls inside working hours (an interval includes its start, not its end)."""
        day, offset = self._local(at)
        return any(lo <= offset < hi for lo, hi in self._spans_on(day))

    def next_open(self, at: datetime) -> datetime:
        """``at`` itself when the office is open then, else the next opening, in UTC.

        Raises:
            ValueError: a naive ``at``, or the office does not open within 20 years.
        """
        day, offset = self._local(at)
        for lo, hi in self._spans_on(day):
            if offset < hi:
                return at.astimezone(UTC) if lo <= offset else self._instant(day, lo)
        first = self._first_day_reaching(day + _DAY, timedelta(microseconds=1))
        return self._instant(first, self._spans_on(first)[0][0])


def calendar_is_open(calendar: object, at: datetime) -> bool:
    """``calendar.is_open(at)`` for an office calendar; always true for any other (24/7)."""
    return calendar.is_open(at) if isinstance(calendar, OfficeCalendar) else True


def calendar_next_open(calendar: object, at: datetime) -> datetime:
    """``calendar.next_open(at)`` for an office calendar; ``at`` in UTC for any other (24/7)."""
    return calendar.next_open(at) if isinstance(calendar, OfficeCalendar) else at.astimezone(UTC)


def calendar_works_on(calendar: object, day: date) -> bool:
    """Whether the office date ``day`` has working hours; every day does on any other calendar (24/7)."""
    return bool(calendar.hours_on(day)) if isinstance(calendar, OfficeCalendar) else True


def calendar_previous_working_day(calendar: object, day: date) -> date:
    """The last working day before ``day`` (Friday for a Monday; before a long weekend, earlier).

    Raises:
        ValueError: no working day within the 366 days before ``day``.
    """
    for back in range(1, 367):
        earlier = day - back * _DAY
        if calendar_works_on(calendar, earlier):
            return earlier
    raise ValueError(f"no working day within 366 days before {day}")
