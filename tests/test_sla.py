"""SLA reminders and escalation as pure values: who is told what, and when."""

from datetime import UTC, date, datetime, timedelta

import pytest

from tests.conftest import WIB
from workflow.calendar_config import SHIPPED_CALENDAR, calendar_from_text
from workflow.case import Case, Letter, StepRecord
from workflow.directory import Directory
from workflow.roster import Official, StandIn
from workflow.sla import SlaPolicy, due_notices, escalation_chain, next_due
from workflow.sopfile import load_sops
from workflow.states import CaseState
from workflow.workcalendar import Continuous

T0 = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)  # Tuesday 09:00 WIB
SOP = load_sops()["ldk"]
OFFICIALS = [
    Official("dir", "Direktur", "direktur"),
    Official("ksd1", "Kasubdit 1", "kasubdit", reports_to="dir"),
    Official("ksd2", "Kasubdit 2", "kasubdit", reports_to="dir"),
    Official("kasi1", "Kasi 1", "kasi", reports_to="ksd1"),
    Official("kasi2", "Kasi 2", "kasi", reports_to="ksd2"),
    Official("op1", "Operator", "jfu", reports_to="kasi1"),
    Official("tu1", "TU", "tu"),
    Official("adm", "Admin", "admin"),
]
DIRECTORY = Directory.of(OFFICIALS)


def step(step_no=3, assignee="kasi1", started=T0, finished=None) -> StepRecord:
    sla = SOP.step(step_no).sla
    return StepRecord(
        id=42,
        step_no=step_no,
        assignee=assignee,
        started_at=started,
        due_at=started + sla,
        finished_at=finished,
    )


def case_with(record: StepRecord, state=CaseState.OPEN) -> Case:
    return Case(
        id=7,
        number="LDK-2026-0001",
        sop_id="ldk",
        sop_version=1,
        state=state,
        version=3,
        letter=Letter("470/1", date(2026, 11, 20), "BPJS", "Verifikasi"),
        created_by="tu1",
        created_at=T0,
        steps=(record,),
    )


def notices_at(now, record=None, directory=DIRECTORY, calendar=None, policy=None, state=CaseState.OPEN):
    record = record or step()
    policy = policy or SlaPolicy()
    return due_notices(
        record,
        SOP.step(record.step_no),
        case_with(record, state),
        directory,
        calendar or Continuous(),
        now,
        policy,
        sop=SOP,
    )


def summary(notices) -> list[tuple[str, int, str]]:
    return [(n.kind, n.n, n.recipient) for n in notices]


# -- reminders -------------------------------------------------------------------------------------


def test_nothing_is_due_before_the_due_minute():
    assert notices_at(T0 + timedelta(minutes=9, seconds=59)) == []


def test_the_first_reminder_falls_due_at_the_due_minute_with_no_lateness():
    (notice,) = notices_at(T0 + timedelta(minutes=10))  # step 3 (Kasi) has 10 minutes

    assert summary([notice]) == [("reminder", 1, "kasi1")]
    assert notice.lateness == timedelta(0)
    assert notice.falls_due_at == T0 + timedelta(minutes=10)
    assert notice.dedupe_key == "sla:42:reminder:1:kasi1"
    assert notice.step_no == 3


def test_reminders_repeat_every_sop_time_by_default():
    assert summary(notices_at(T0 + timedelta(minutes=19))) == [("reminder", 1, "kasi1")]
    later = notices_at(T0 + timedelta(minutes=20) - timedelta(seconds=1))
    assert [n.lateness for n in later] == [timedelta(minutes=10) - timedelta(seconds=1)]


def test_reminders_repeat_at_the_configured_interval():
    policy = SlaPolicy(reminder_interval=timedelta(minutes=5))

    assert summary(notices_at(T0 + timedelta(minutes=15), policy=policy)) == [
        ("reminder", 1, "kasi1"),
        ("reminder", 2, "kasi1"),
    ]


def test_the_interval_is_never_shorter_than_five_minutes():
    policy = SlaPolicy(reminder_interval=timedelta(minutes=1))

    assert len(notices_at(T0 + timedelta(minutes=14), policy=policy)) == 1
    assert len(notices_at(T0 + timedelta(minutes=15), policy=policy)) == 2


def test_reminders_stop_at_the_cap():
    policy = SlaPolicy(reminder_interval=timedelta(minutes=5), reminder_cap=2, escalation_multiples=())

    assert summary(notices_at(T0 + timedelta(hours=5), policy=policy)) == [
        ("reminder", 1, "kasi1"),
        ("reminder", 2, "kasi1"),
    ]


def test_an_active_stand_in_is_reminded_too():
    order = StandIn("kasi2", "kasi1", T0 - timedelta(days=1), T0 + timedelta(days=1), "SP-1")
    expired = StandIn("op1", "kasi1", T0 - timedelta(days=3), T0 - timedelta(days=2), "SP-0")
    directory = Directory.of(OFFICIALS, [order, expired])

    assert summary(notices_at(T0 + timedelta(minutes=10), directory=directory)) == [
        ("reminder", 1, "kasi1"),
        ("reminder", 1, "kasi2"),
    ]


def test_a_waiting_step_gets_no_reminder():
    assert notices_at(T0 + timedelta(minutes=19), record=step(assignee=None)) == []


def test_a_finished_step_or_an_ended_case_owes_nothing():
    done = step(finished=T0 + timedelta(minutes=5))
    assert notices_at(T0 + timedelta(hours=2), record=done) == []
    assert notices_at(T0 + timedelta(hours=2), state=CaseState.CLOSED) == []


# -- escalation ------------------------------------------------------------------------------------


def escalations(notices):
    return [(n.n, n.recipient) for n in notices if n.kind == "escalation"]


def test_escalation_climbs_one_level_at_each_multiple_of_the_sop_time():
    assert escalations(notices_at(T0 + timedelta(minutes=19))) == []
    assert escalations(notices_at(T0 + timedelta(minutes=20))) == [(1, "ksd1")]
    assert escalations(notices_at(T0 + timedelta(minutes=30))) == [(1, "ksd1"), (2, "dir")]


def test_past_the_top_the_tu_is_told_once():
    assert escalations(notices_at(T0 + timedelta(minutes=40))) == [(1, "ksd1"), (2, "dir"), (3, "tu1")]
    assert escalations(notices_at(T0 + timedelta(days=3))) == [(1, "ksd1"), (2, "dir"), (3, "tu1")]


def test_an_escalation_key_names_its_level_and_recipient():
    keys = [n.dedupe_key for n in notices_at(T0 + timedelta(minutes=20)) if n.kind == "escalation"]
    assert keys == ["sla:42:escalation:1:ksd1"]


def test_the_director_s_own_step_escalates_straight_to_the_tu():
    record = step(step_no=1, assignee="dir")  # 5 minutes
    assert escalations(notices_at(T0 + timedelta(minutes=10), record=record)) == [(1, "tu1")]


def test_an_inactive_superior_is_passed_over_for_the_superior_role_s_holders():
    officials = [
        o if o.key != "ksd1" else Official("ksd1", "Gone", "kasubdit", active=False) for o in OFFICIALS
    ]
    directory = Directory.of(officials)

    assert escalation_chain("kasi1", "kasi", directory, SOP) == [("ksd2",), ("dir",), ("tu1",)]


def test_a_waiting_step_escalates_from_the_role_s_superior_role():
    record = step(assignee=None)
    assert escalations(notices_at(T0 + timedelta(minutes=40), record=record)) == [
        (1, "ksd1"),
        (1, "ksd2"),
        (2, "dir"),
        (3, "tu1"),
    ]


def test_custom_multiples_set_the_levels():
    policy = SlaPolicy(escalation_multiples=(3, 5))

    assert escalations(notices_at(T0 + timedelta(minutes=29), policy=policy)) == []
    assert escalations(notices_at(T0 + timedelta(minutes=30), policy=policy)) == [(1, "ksd1")]
    assert escalations(notices_at(T0 + timedelta(hours=9), policy=policy)) == [(1, "ksd1"), (2, "dir")]


def test_a_bad_policy_is_refused():
    with pytest.raises(ValueError):
        SlaPolicy(escalation_multiples=(1,))
    with pytest.raises(ValueError):
        SlaPolicy(reminder_cap=-1)


# -- office hours ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def office():
    return calendar_from_text(SHIPPED_CALENDAR.read_text(), WIB, [2026, 2027])


def test_nothing_is_sent_outside_office_hours_and_it_waits_for_the_next_working_minute(office):
    started = datetime(2026, 11, 24, 8, 45, tzinfo=UTC)  # Tuesday 15:45 WIB; due 15:55
    record = step(started=started)

    at_five = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)  # 16:30 WIB, closed
    assert notices_at(at_five, record=record, calendar=office) == []
    opening = datetime(2026, 11, 25, 0, 30, tzinfo=UTC)  # Wednesday 07:30 WIB
    (notice,) = notices_at(opening, record=record, calendar=office)
    assert summary([notice]) == [("reminder", 1, "kasi1")]
    assert notice.lateness == timedelta(minutes=5)  # 15:55 to 16:00; the night does not count


def test_reminders_and_escalation_count_working_time_only(office):
    started = datetime(2026, 11, 24, 8, 45, tzinfo=UTC)  # 15:45 WIB; 2×SLA at 07:35 next day
    record = step(started=started)

    before = datetime(2026, 11, 25, 0, 34, tzinfo=UTC)  # 07:34 WIB
    assert escalations(notices_at(before, record=record, calendar=office)) == []
    at = datetime(2026, 11, 25, 0, 35, tzinfo=UTC)  # 07:35 WIB
    assert summary(notices_at(at, record=record, calendar=office)) == [
        ("reminder", 1, "kasi1"),
        ("reminder", 2, "kasi1"),
        ("escalation", 1, "ksd1"),
    ]


def test_a_weekend_holds_everything(office):
    saturday = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)
    assert notices_at(saturday, record=step(), calendar=office) == []


def next_at(now, record=None, policy=None, state=CaseState.OPEN):
    record = record or step()
    args = (record, SOP.step(record.step_no), case_with(record, state), DIRECTORY, Continuous())
    return next_due(*args, now, policy or SlaPolicy(), sop=SOP)


def test_the_next_notice_is_the_next_reminder_then_the_next_escalation_then_none():
    ten = timedelta(minutes=10)  # step 3's SOP time; reminders every 10 minutes, escalations at 2×, 3×, …

    assert next_at(T0) == T0 + ten  # reminder 1 at the due minute
    assert next_at(T0 + ten) == T0 + 2 * ten  # reminder 2 and escalation 1 together
    assert next_at(T0 + 3 * ten) == T0 + 4 * ten  # past the third reminder: escalation 3 (the TU)
    assert next_at(T0 + 4 * ten) is None  # the TU was the top: nothing more is ever owed


def test_a_finished_step_or_an_ended_case_plans_nothing():
    assert next_at(T0, record=step(finished=T0 + timedelta(minutes=1))) is None
    assert next_at(T0, state=CaseState.REJECTED) is None
