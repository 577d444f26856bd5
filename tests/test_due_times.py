"""With the office calendar, a step's due time counts office minutes (the runtime's default)."""

from dataclasses import replace
from datetime import UTC, date, datetime

from bot.runtime import office_calendar
from bot.settings import Settings
from tests.conftest import WIB, Clock, build_services, letter
from workflow.commands import Forward
from workflow.service.cases import CaseService
from workflow.workcalendar import Continuous


def test_a_letter_reaching_the_direktur_late_on_friday_is_due_after_the_long_weekend(db_url, sops, roster):
    clock = Clock(datetime(2026, 8, 14, 16, 28, tzinfo=WIB).astimezone(UTC))  # before 17 August
    _, sessions, engine = build_services(db_url, sops, roster, clock)
    calendar = office_calendar(Settings(_env_file=None))
    cases = CaseService(sessions, sops, tz=WIB, default_sop="ldk", clock=clock, calendar=calendar)

    case = cases.open_case(replace(letter(), date=date(2026, 8, 10)), "tu1")
    clock.advance(days=4)  # Tuesday 18 August, 16:28 WIB
    timeline = cases.view(case.number).timeline
    engine.dispose()

    assert case.current.due_at.astimezone(WIB) == datetime(2026, 8, 18, 7, 33, tzinfo=WIB)
    assert timeline[0].working.total_seconds() == 2 * 60 + (16 * 60 - 7 * 60 - 30) * 60  # Fri 2 min + Tue
    assert timeline[0].wall.days == 4


def test_24_7_counts_every_minute():
    assert isinstance(office_calendar(Settings(_env_file=None, office_calendar="24/7")), Continuous)


def test_a_finished_step_stores_its_working_time_on_the_office_calendar(db_url, sops, roster):
    clock = Clock(datetime(2026, 8, 14, 16, 28, tzinfo=WIB).astimezone(UTC))  # Friday before 17 August
    _, sessions, engine = build_services(db_url, sops, roster, clock)
    calendar = office_calendar(Settings(_env_file=None))
    cases = CaseService(sessions, sops, tz=WIB, default_sop="ldk", clock=clock, calendar=calendar)
    case = cases.open_case(replace(letter(), date=date(2026, 8, 10)), "tu1")
    clock.advance(days=4, minutes=-18)  # Tuesday 18 August, 16:10 WIB

    cases.act(case.number, case.current.assignee, Forward(instruction="Untuk diproses", to="ksd1"))
    first = cases.view(case.number).case.steps[0]
    engine.dispose()

    office_tuesday = (16 * 60 - (7 * 60 + 30)) * 60  # closes 16:00, so 16:10 adds nothing
    assert first.working_seconds == 2 * 60 + office_tuesday  # Friday 16:28-16:30 plus Tuesday
