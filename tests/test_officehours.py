"""The office calendar: working minutes across hours, weekends, holidays, overrides and its file."""

import time as clock
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workflow.calendar_config import SHIPPED_CALENDAR, CalendarError, calendar_from_text, load_calendar
from workflow.officehours import OfficeCalendar, calendar_is_open, calendar_next_open
from workflow.workcalendar import Continuous

JAKARTA = ZoneInfo("Asia/Jakarta")
OFFICE = {0: [(time(7, 30), time(16))], 1: [(time(7, 30), time(16))], 2: [(time(7, 30), time(16))]}
OFFICE |= {3: [(time(7, 30), time(16))], 4: [(time(7, 30), time(16, 30))]}
LUNCH = {wd: [(time(7, 30), time(12)), (time(13), time(16))] for wd in range(5)}


def wib(*args: int) -> datetime:
    return datetime(*args, tzinfo=JAKARTA)


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)


def indonesia(*years: int, categories: tuple[str, ...] = ("public", "government")) -> set[date]:
    return set(holidays.country_holidays("ID", years=years, categories=categories))


# -- the example from the issue ---------------------------------------------------------------


def test_five_minutes_from_friday_1628_before_independence_day_fall_due_tuesday_0733():
    assert date(2026, 8, 14).weekday() == 4
    assert holidays.country_holidays("ID", years=2026).get(date(2026, 8, 17)) == "Independence Day"
    calendar = OfficeCalendar(JAKARTA, OFFICE, closed_days=indonesia(2026))

    due = calendar.add(wib(2026, 8, 14, 16, 28), minutes(5))

    assert due == wib(2026, 8, 18, 7, 33)
    assert due.tzinfo is UTC


def test_the_shipped_calendar_gives_the_same_answer():
    calendar = load_calendar(SHIPPED_CALENDAR, JAKARTA, [2026])

    assert calendar.add(wib(2026, 8, 14, 16, 28), minutes(5)) == wib(2026, 8, 18, 7, 33)


# -- hours, breaks, weekends, holidays ------------------------------------------------------


def test_a_step_spanning_lunch_resumes_after_the_break():
    calendar = OfficeCalendar(JAKARTA, LUNCH)

    assert calendar.add(wib(2026, 9, 1, 11, 50), minutes(30)) == wib(2026, 9, 1, 13, 20)
    assert calendar.working_time(wib(2026, 9, 1, 11, 50), wib(2026, 9, 1, 13, 20)) == minutes(30)


def test_a_step_across_a_weekend_continues_on_monday():
    calendar = OfficeCalendar(JAKARTA, OFFICE, closed_days=indonesia(2026))

    assert calendar.add(wib(2026, 9, 4, 16), minutes(60)) == wib(2026, 9, 7, 8)


def test_time_running_out_at_closing_is_due_at_closing():
    calendar = OfficeCalendar(JAKARTA, OFFICE)

    assert calendar.add(wib(2026, 9, 4, 16, 25), minutes(5)) == wib(2026, 9, 4, 16, 30)


def test_a_national_holiday_midweek_is_skipped():
    assert holidays.country_holidays("ID", years=2026).get(date(2026, 6, 16)) == "Islamic New Year"
    calendar = OfficeCalendar(JAKARTA, OFFICE, closed_days=indonesia(2026))

    assert calendar.add(wib(2026, 6, 15, 15, 50), minutes(20)) == wib(2026, 6, 17, 7, 40)


def test_cuti_bersama_comes_from_the_government_category():
    ascension_bridge = date(2026, 5, 15)
    with_cuti = OfficeCalendar(JAKARTA, OFFICE, closed_days=indonesia(2026))
    without = OfficeCalendar(JAKARTA, OFFICE, closed_days=indonesia(2026, categories=("public",)))

    assert ascension_bridge in indonesia(2026, categories=("government",))
    assert ascension_bridge not in indonesia(2026, categories=("public",))
    assert with_cuti.add(wib(2026, 5, 13, 15, 55), minutes(10)) == wib(2026, 5, 18, 7, 35)
    assert without.add(wib(2026, 5, 13, 15, 55), minutes(10)) == wib(2026, 5, 15, 7, 35)


def test_ramadan_hours_override_the_week():
    calendar = load_calendar(SHIPPED_CALENDAR, JAKARTA, [2027])

    assert calendar.hours_on(date(2027, 2, 15)) == [(time(8), time(15))]
    assert calendar.hours_on(date(2027, 2, 19)) == [(time(8), time(15, 30))]
    assert calendar.add(wib(2027, 2, 15, 14, 55), minutes(10)) == wib(2027, 2, 16, 8, 5)
    assert calendar.add(wib(2027, 3, 22, 15, 55), minutes(10)) == wib(2027, 3, 23, 7, 35)


def test_an_opened_saturday_works_mondays_hours():
    saturday = date(2026, 9, 5)
    calendar = OfficeCalendar(JAKARTA, OFFICE, open_days={saturday})

    assert calendar.hours_on(saturday) == [(time(7, 30), time(16))]
    assert calendar.add(wib(2026, 9, 4, 16, 25), minutes(10)) == wib(2026, 9, 5, 7, 35)


def test_an_opened_cuti_bersama_day_wins_over_the_holiday():
    calendar = OfficeCalendar(JAKARTA, OFFICE, closed_days=indonesia(2026), open_days={date(2026, 5, 15)})

    assert calendar.add(wib(2026, 5, 13, 15, 55), minutes(10)) == wib(2026, 5, 15, 7, 35)


def test_opened_days_may_have_their_own_hours():
    calendar = OfficeCalendar(JAKARTA, OFFICE, open_days={date(2026, 9, 5)}, open_hours=[(time(8), time(12))])

    assert calendar.working_time(wib(2026, 9, 5), wib(2026, 9, 6)) == timedelta(hours=4)


# -- zero, open, next opening -----------------------------------------------------------------


def test_adding_nothing_is_the_start_itself_even_outside_hours():
    calendar = OfficeCalendar(JAKARTA, OFFICE)

    assert calendar.add(wib(2026, 9, 5, 10), timedelta()) == wib(2026, 9, 5, 10)


def test_negative_durations_and_naive_instants_are_refused():
    calendar = OfficeCalendar(JAKARTA, OFFICE)

    with pytest.raises(ValueError, match="negative"):
        calendar.add(wib(2026, 9, 1, 9), minutes(-1))
    with pytest.raises(ValueError, match="naive"):
        calendar.working_time(datetime(2026, 9, 1, 9), wib(2026, 9, 1, 10))


def test_open_means_inside_an_interval_including_its_start():
    calendar = OfficeCalendar(JAKARTA, LUNCH, closed_days=indonesia(2026))

    assert calendar.is_open(wib(2026, 9, 1, 7, 30))
    assert not calendar.is_open(wib(2026, 9, 1, 12))
    assert not calendar.is_open(wib(2026, 8, 17, 9))


def test_next_open_is_now_when_open_else_the_next_opening():
    calendar = OfficeCalendar(JAKARTA, LUNCH, closed_days=indonesia(2026))

    assert calendar.next_open(wib(2026, 9, 1, 9)) == wib(2026, 9, 1, 9)
    assert calendar.next_open(wib(2026, 9, 1, 12, 30)) == wib(2026, 9, 1, 13)
    assert calendar.next_open(wib(2026, 8, 14, 16, 30)) == wib(2026, 8, 18, 7, 30)


def test_the_helpers_treat_any_other_calendar_as_always_open():
    office = OfficeCalendar(JAKARTA, OFFICE)

    assert calendar_is_open(Continuous(), wib(2026, 9, 6, 3))
    assert calendar_next_open(Continuous(), wib(2026, 9, 6, 3)) == wib(2026, 9, 6, 3)
    assert not calendar_is_open(office, wib(2026, 9, 6, 3))
    assert calendar_next_open(office, wib(2026, 9, 6, 3)) == wib(2026, 9, 7, 7, 30)


def test_a_calendar_that_never_opens_says_so():
    calendar = OfficeCalendar(JAKARTA, {})

    with pytest.raises(ValueError, match="no working time"):
        calendar.add(wib(2026, 9, 1, 9), minutes(5))


def test_bad_intervals_and_overlapping_overrides_are_refused():
    with pytest.raises(ValueError, match="overlaps"):
        OfficeCalendar(JAKARTA, {0: [(time(8), time(12)), (time(11), time(13))]})
    with pytest.raises(ValueError, match="does not end after"):
        OfficeCalendar(JAKARTA, {0: [(time(12), time(8))]})
    with pytest.raises(ValueError, match="overlaps"):
        OfficeCalendar(
            JAKARTA,
            OFFICE,
            [(date(2027, 1, 1), date(2027, 1, 9), {}), (date(2027, 1, 9), date(2027, 2, 1), {})],
        )


# -- 24/7 ---------------------------------------------------------------------------------------


def test_24_7_mode_is_the_continuous_calendar():
    calendar = calendar_from_text('mode = "24/7"\n', JAKARTA, [2026])
    start = wib(2026, 8, 16, 3, 0)

    assert isinstance(calendar, Continuous)
    assert calendar.add(start, minutes(5)) == Continuous().add(start, minutes(5))
    assert calendar.working_time(start, wib(2026, 8, 17)) == timedelta(hours=21)


# -- properties and speed -----------------------------------------------------------------------

RICH = OfficeCalendar(
    JAKARTA,
    LUNCH | {4: [(time(7, 30), time(11, 30)), (time(13, 30), time(16, 30))]},
    [(date(2027, 2, 8), date(2027, 3, 9), {wd: [(time(8), time(15))] for wd in range(5)})],
    closed_days=indonesia(2026, 2027),
    open_days={date(2026, 9, 5), date(2026, 5, 15)},
)
starts = st.integers(0, 2 * 365 * 86400).map(lambda s: wib(2026, 1, 1) + timedelta(seconds=s))


@settings(max_examples=300)
@given(start=starts, seconds=st.integers(0, 600 * 3600))
def test_working_time_measures_what_add_added(start, seconds):
    duration = timedelta(seconds=seconds)

    due = RICH.add(start, duration)

    assert due >= start
    assert RICH.working_time(start, due) == duration
    if duration:
        assert RICH.working_time(start, due - timedelta(seconds=1)) < duration


def reference_working_time(calendar: OfficeCalendar, start: datetime, end: datetime) -> timedelta:
    """Day by day, interval by interval: slow and obviously right."""
    total, day = timedelta(), start.astimezone(JAKARTA).date()
    while day <= end.astimezone(JAKARTA).date():
        for lo, hi in calendar.hours_on(day):
            a, b = datetime.combine(day, lo, JAKARTA), datetime.combine(day, hi, JAKARTA)
            total += max(min(b, end) - max(a, start), timedelta())
        day += timedelta(days=1)
    return total


@settings(max_examples=200)
@given(start=starts, seconds=st.integers(0, 90 * 86400))
def test_working_time_matches_a_day_by_day_count(start, seconds):
    end = start + timedelta(seconds=seconds)

    assert RICH.working_time(start, end) == reference_working_time(RICH, start, end)


def test_a_year_of_working_time_is_measured_in_well_under_50_ms():
    calendar = load_calendar(SHIPPED_CALENDAR, JAKARTA, [2026, 2027])
    start, end = wib(2026, 1, 1), wib(2027, 1, 1)

    best = min(_timed(lambda: calendar.working_time(start, end)) for _ in range(5))
    total = calendar.working_time(start, end)

    assert best < 0.005
    assert _timed(lambda: calendar.add(start, total)) < 0.05
    assert calendar.add(start, total) == wib(2026, 12, 31, 16)


def _timed(action) -> float:
    begin = clock.perf_counter()
    action()
    return clock.perf_counter() - begin


# -- the configuration file ---------------------------------------------------------------------

HOURS = '[hours]\nmon = ["07:30-16:00"]\nfri = ["07:30-16:30"]\n'
RAMADAN = '[[override]]\nfrom = 2027-02-08\nuntil = 2027-03-09\n[override.hours]\nmon = ["08:00-15:00"]\n'


def test_the_shipped_file_loads_an_office_calendar():
    calendar = load_calendar(SHIPPED_CALENDAR, JAKARTA, [2026, 2027])

    assert isinstance(calendar, OfficeCalendar)
    assert calendar.hours_on(date(2026, 9, 3)) == [(time(7, 30), time(16))]
    assert calendar.hours_on(date(2026, 9, 4)) == [(time(7, 30), time(16, 30))]
    assert calendar.hours_on(date(2026, 12, 24)) == []


def test_dates_may_be_toml_dates_or_strings():
    text = 'closed = [2026-09-01, "2026-09-02"]\nopen = ["2026-09-05"]\n' + HOURS

    calendar = calendar_from_text(text, JAKARTA, [])

    assert calendar.hours_on(date(2026, 9, 2)) == []
    assert calendar.hours_on(date(2026, 9, 5)) == [(time(7, 30), time(16))]


BAD = [
    (HOURS.replace("16:30", "1630"), "line 3: hours for 'fri': '07:30-1630' is not HH:MM-HH:MM"),
    ('[hours]\nmon = ["16:00-07:30"]\n', "line 2: hours for 'mon': '16:00-07:30' ends before it starts"),
    ('[hours]\nmon = ["25:00-26:00"]\n', "line 2: hours for 'mon': '25:00-26:00' is not a time of day"),
    (
        '[hours]\nmon = [\n  "07:30-12:00",\n  "11:00-16:00",\n]\n',
        "line 4: hours for 'mon': '11:00-16:00' overlaps",
    ),
    ('[hours]\nmon = "07:30-16:00"\n', "line 2: hours for 'mon' must be a list"),
    ('[hours]\nmon = ["07:30-16:00"]\nmonday = ["07:30-16:00"]\n', "line 3: unknown key 'monday' in hours"),
    (
        'mode = "office"\nholiday = { country = "ID" }\n' + HOURS,
        "line 2: unknown key 'holiday' in the calendar",
    ),
    ('mode = "always"\n' + HOURS, "line 1: mode 'always' is neither"),
    (
        'closed = [\n  "2026-09-01",\n  "2026-09-31",\n]\n' + HOURS,
        "line 3: closed: '2026-09-31' is not a date",
    ),
    ('open = ["5 Sept"]\n' + HOURS, "line 1: open: '5 Sept' is not a date"),
    ("closed = [\n  2026-02-30,\n]\n" + HOURS, "line 2: not valid TOML: Invalid date"),
    (
        'closed = ["2026-09-01"]\nopen = ["2026-09-01"]\n' + HOURS,
        "line 2: 2026-09-01 is both closed and open",
    ),
    (
        HOURS + RAMADAN.replace("until = 2027-03-09", "until = 2027-01-09"),
        "line 6: override 1: 'until' 2027-01-09",
    ),
    (
        HOURS + RAMADAN + RAMADAN.replace("2027-02-08", "2027-03-01"),
        "line 10: override 2: 2027-03-01..2027-03-09 overlaps",
    ),
    (HOURS + RAMADAN.replace("until", "till"), "line 6: unknown key 'till' in override 1"),
    (HOURS + RAMADAN.replace("until = 2027-03-09\n", ""), "line 4: override 1: 'until' is missing"),
    (
        HOURS + RAMADAN.replace('mon = ["08:00-15:00"]', 'fri = ["8-15"]'),
        "line 8: override 1 hours for 'fri': '8-15'",
    ),
    (
        HOURS + RAMADAN.replace("from = 2027-02-08", 'from = "2027-02-8"'),
        "line 5: override 1 'from': '2027-02-8'",
    ),
    ('holidays = { country = "XX" }\n' + HOURS, "line 1: holidays: no country 'XX'"),
    (
        'holidays = { country = "ID", categories = ["cuti"] }\n' + HOURS,
        "line 1: holidays: Category is not supported",
    ),
    ("[holidays]\ncountry = 'ID'\nregion = 'JK'\n" + HOURS, "line 3: unknown key 'region' in holidays"),
    ('mode = "office"\n', "line 1: [hours] is missing"),
    ('mode = "office"\n[hours]\nsat = []\n', "line 2: [hours] gives no working hours"),
]


@pytest.mark.parametrize(("text", "message"), BAD, ids=[m.split(": ", 1)[1][:40] for _, m in BAD])
def test_a_bad_entry_is_refused_naming_the_file_and_line(text, message):
    with pytest.raises(CalendarError) as refused:
        calendar_from_text(text, JAKARTA, [2026], source="id-office.toml")

    assert str(refused.value).startswith(f"id-office.toml {message}")


def test_a_24_7_file_is_still_checked():
    with pytest.raises(CalendarError, match="line 2: unknown key 'colsed'"):
        calendar_from_text('mode = "24/7"\ncolsed = []\n', JAKARTA, [2026])


def test_a_missing_file_is_named():
    missing = SHIPPED_CALENDAR.with_name("missing.toml")

    with pytest.raises(CalendarError, match=r"missing\.toml: cannot read"):
        load_calendar(missing, JAKARTA, [2026])
