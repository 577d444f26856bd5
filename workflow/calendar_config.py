"""The office calendar's TOML file: office hours, overrides, holidays and added days.

The format is documented in the shipped example ``workflow/calendars/id-office.toml``. Loading
checks every entry and raises ``CalendarError`` naming the file and the line of the bad entry,
so a bad file stops the service at start, before any deadline is computed.
"""

import re
import tomllib
from collections.abc import Iterable
from datetime import date, datetime, time, tzinfo
from itertools import pairwise
from pathlib import Path
from typing import Any

import holidays

from workflow.officehours import OfficeCalendar, Override
from workflow.workcalendar import Continuous, WorkCalendar

__all__ = ["SHIPPED_CALENDAR", "CalendarError", "calendar_from_text", "load_calendar"]

SHIPPED_CALENDAR = Path(__file__).parent / "calendars" / "id-office.toml"

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_TOP_KEYS = ("mode", "holidays", "closed", "open", "open_hours", "hours", "override")
_OVERRIDE_KEYS = ("name", "from", "until", "hours")
_HOLIDAY_KEYS = ("country", "categories")
_INTERVAL = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_HEADER = re.compile(r"^\s*\[(\[?)\s*([A-Za-z0-9_.\-]+)\s*\]")
_Table = tuple[str | int, ...]


class CalendarError(ValueError):
    """A calendar file that cannot be used; the message names the file and the line."""


class _Source:
    """The raw text of the file, to find the line of an entry (tomllib keeps no positions)."""

    def __init__(self, text: str, name: str) -> None:
        self.name = name
        self.lines = text.splitlines()
        headers: list[tuple[_Table, int]] = [((), -1)]
        arrays: dict[str, int] = {}
        for i, line in enumerate(self.lines):
            if match := _HEADER.match(line):
                first, *rest = match.group(2).split(".")
                if match.group(1):
                    arrays[first] = arrays.get(first, -1) + 1
                table: _Table = (first, arrays[first], *rest) if first in arrays else (first, *rest)
                headers.append((table, i))
        ends = [i for _, i in headers[1:]] + [len(self.lines)]
        self.tables = {table: (i + 1, end) for (table, i), end in zip(headers, ends, strict=True)}

    def _key(self, table: _Table, key: str) -> int | None:
        if table not in self.tables:  # an inline table: look for its key one level up
            parent = table[-1] if table else None
            return self._key(table[:-1], parent) if isinstance(parent, str) else None
        start, end = self.tables[table]
        pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=")
        return next((i for i in range(start, end) if pattern.match(self.lines[i])), None)

    def error(self, table: _Table, key: str | None, message: str, value: object = None) -> CalendarError:
        """An error at the line of ``key`` in ``table`` (or of ``value`` in its array)."""
        index = self._key(table, key) if key is not None else None
        if index is None:
            index = self.tables.get(table, (1, 0))[0] - 1
        if value is not None:
            needle, stop = str(value), self.tables.get(table, (0, len(self.lines)))[1]
            index = next((i for i in range(index, stop) if needle in self.lines[i]), index)
        return CalendarError(f"{self.name} line {max(index, 0) + 1}: {message}")


def _check_keys(
    src: _Source, table: _Table, value: Any, allowed: tuple[str, ...], what: str
) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise src.error(table[:-1], str(table[-1]) if table else None, f"{what} must be a table")
    for key in value:
        if key not in allowed:
            raise src.error(table, key, f"unknown key {key!r} in {what}: use {', '.join(allowed)}")
    return value


def _intervals(src: _Source, table: _Table, key: str, value: Any, what: str) -> list[tuple[time, time]]:
    if not isinstance(value, list):
        raise src.error(table, key, f'{what} must be a list like ["07:30-16:00"]')
    out: list[tuple[time, time]] = []
    for text in value:
        match = _INTERVAL.match(text) if isinstance(text, str) else None
        if not match:
            raise src.error(table, key, f"{what}: {text!r} is not HH:MM-HH:MM", text)
        h1, m1, h2, m2 = map(int, match.groups())
        if max(h1, h2) > 23 or max(m1, m2) > 59:
            raise src.error(table, key, f"{what}: {text!r} is not a time of day (00:00 to 23:59)", text)
        if (h2, m2) <= (h1, m1):
            raise src.error(table, key, f"{what}: {text!r} ends before it starts", text)
        out.append((time(h1, m1), time(h2, m2)))
    ordered = sorted(zip(out, value, strict=True))
    for (earlier, first), (later, second) in pairwise(ordered):
        if later[0] < earlier[1]:
            raise src.error(table, key, f"{what}: {second!r} overlaps {first!r}", second)
    return out


def _weekly(src: _Source, table: _Table, value: Any, what: str) -> dict[int, list[tuple[time, time]]]:
    days = _check_keys(src, table, value, WEEKDAYS, what)
    return {
        WEEKDAYS.index(day): _intervals(src, table, day, hours, f"{what} for {day!r}")
        for day, hours in days.items()
    }


def _date(src: _Source, table: _Table, key: str, value: Any, what: str) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _DATE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise src.error(table, key, f"{what}: {value!r} is not a date (YYYY-MM-DD)", value)


def _dates(src: _Source, key: str, value: Any) -> set[date]:
    if not isinstance(value, list):
        raise src.error((), key, f"{key!r} must be a list of dates like [2027-01-04]")
    return {_date(src, (), key, item, key) for item in value}


def _overrides(src: _Source, value: Any) -> list[Override]:
    if not isinstance(value, list):
        raise src.error((), "override", "override must be [[override]] tables")
    out: list[Override] = []
    for n, entry in enumerate(value):
        table: _Table = ("override", n)
        what = f"override {n + 1}"
        entry = _check_keys(src, table, entry, _OVERRIDE_KEYS, what)
        for key in ("from", "until", "hours"):
            if key not in entry:
                raise src.error(table, None, f"{what}: {key!r} is missing")
        first = _date(src, table, "from", entry["from"], f"{what} 'from'")
        last = _date(src, table, "until", entry["until"], f"{what} 'until'")
        if first > last:
            raise src.error(table, "until", f"{what}: 'until' {last} is before 'from' {first}")
        for other_first, other_last, _ in out:
            if first <= other_last and other_first <= last:
                raise src.error(
                    table, "from", f"{what}: {first}..{last} overlaps {other_first}..{other_last}"
                )
        out.append((first, last, _weekly(src, (*table, "hours"), entry["hours"], f"{what} hours")))
    return out


def _holidays(src: _Source, value: Any, years: Iterable[int]) -> set[date]:
    spec = _check_keys(src, ("holidays",), value, _HOLIDAY_KEYS, "holidays")
    country, categories = spec.get("country"), spec.get("categories", ["public"])
    if not isinstance(country, str):
        raise src.error(("holidays",), "country", "holidays: 'country' must be a code like \"ID\"")
    if not isinstance(categories, list) or not all(isinstance(c, str) for c in categories):
        raise src.error(("holidays",), "categories", "holidays: 'categories' must be a list of names")
    try:
        found = holidays.country_holidays(country, years=list(years), categories=tuple(categories))
    except NotImplementedError:
        raise src.error(("holidays",), "country", f"holidays: no country {country!r}", country) from None
    except ValueError as error:
        raise src.error(("holidays",), "categories", f"holidays: {error}") from None
    return set(found)


def calendar_from_text(text: str, tz: tzinfo, years: Iterable[int], source: str = "calendar") -> WorkCalendar:
    """Build the calendar a TOML text describes; ``source`` names it in errors.

    Args:
        text: the file's content.
        tz: the office's time zone, in which the hours are read.
        years: the years whose holidays are looked up (e.g. this year and the next).
        source: the file name used in error messages.

    Raises:
        CalendarError: the text is not valid TOML or an entry is wrong; the message names the line.
    """
    src = _Source(text, source)
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line = re.search(r"at line (\d+)", str(error))
        where = f" line {line.group(1)}" if line else ""
        raise CalendarError(f"{source}{where}: not valid TOML: {error}") from None
    _check_keys(src, (), doc, _TOP_KEYS, "the calendar")
    mode = doc.get("mode", "office")
    if mode not in ("office", "24/7"):
        raise src.error((), "mode", f'mode {mode!r} is neither "office" nor "24/7"')
    weekly = _weekly(src, ("hours",), doc.get("hours", {}), "hours")
    if mode == "office" and "hours" not in doc:
        raise src.error((), None, '[hours] is missing: name the office hours or use mode = "24/7"')
    if mode == "office" and not any(weekly.values()):
        raise src.error(("hours",), None, "[hours] gives no working hours on any weekday")
    overrides = _overrides(src, doc.get("override", []))
    closed, opened = _dates(src, "closed", doc.get("closed", [])), _dates(src, "open", doc.get("open", []))
    if both := sorted(closed & opened):
        raise src.error((), "open", f"{both[0]} is both closed and open", both[0])
    open_hours = None
    if "open_hours" in doc:
        open_hours = _intervals(src, (), "open_hours", doc["open_hours"], "open_hours")
    public = _holidays(src, doc["holidays"], years) if "holidays" in doc else set()
    if mode == "24/7":
        return Continuous()
    try:
        return OfficeCalendar(tz, weekly, overrides, public | closed, opened, open_hours)
    except ValueError as error:  # pragma: no cover - every rule is checked above with its line
        raise CalendarError(f"{source}: {error}") from None


def load_calendar(path: Path | str, tz: tzinfo, years: Iterable[int]) -> WorkCalendar:
    """Load a calendar file: ``Continuous()`` in 24/7 mode, else an ``OfficeCalendar``.

    Raises:
        CalendarError: the file cannot be read, is not valid TOML, or an entry is wrong; the
            message names the file and the line, e.g. ``id-office.toml line 7: hours for 'fri':
            '07:30-1630' is not HH:MM-HH:MM``.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CalendarError(f"{path}: cannot read the calendar: {error}") from None
    return calendar_from_text(text, tz, years, source=str(path))
