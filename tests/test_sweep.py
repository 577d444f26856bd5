"""The SLA sweep against a real database: each reminder and escalation stored once, with its audit row."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from tests.conftest import TEST_AUDIT_KEY, WIB, Clock, build_services
from tests.driving import audit_rows, drive_to, open_ldk
from workflow.calendar_config import SHIPPED_CALENDAR, calendar_from_text
from workflow.db.audit import AuditChain
from workflow.db.models import CaseRow, OutboxRow, StepRow
from workflow.service.sweep import SlaSweep
from workflow.sla import SlaPolicy
from workflow.workcalendar import Continuous

SLA_KINDS = ("reminder", "escalation")


def sla_outbox(sessions) -> list[tuple[str, int, str]]:
    """Stored SLA notices as (kind, n, recipient), oldest first."""
    with sessions() as session:
        rows = session.scalars(select(OutboxRow).where(OutboxRow.kind.in_(SLA_KINDS)).order_by(OutboxRow.id))
        return [(r.kind, r.payload["n"], r.recipient) for r in rows]


def sla_audit(sessions) -> list[tuple[str, int, str]]:
    rows = audit_rows(sessions, actor="sla")
    return [(r.action, r.detail["n"], r.detail["recipient"]) for r in rows]


@pytest.fixture
def at_kasi(services, clock):
    """An ldk case whose step 3 (Kasi, 10 minutes) opened at the clock's time, held by kasi1."""
    cases, sessions = services
    number = open_ldk(cases)
    case = drive_to(cases, number, 3)
    assert case.current.assignee == "kasi1" and case.current.started_at == clock()
    return cases, sessions, number


def test_a_step_left_alone_is_reminded_then_escalated_each_once(at_kasi, clock):
    _, sessions, _ = at_kasi
    sweep = SlaSweep(sessions, clock, Continuous())

    assert sweep.run() == 0
    clock.advance(minutes=10)  # due
    assert sweep.run() == 1
    assert sweep.run() == 0
    assert sla_outbox(sessions) == [("reminder", 1, "kasi1")]

    clock.advance(minutes=10)  # 2× the SOP time
    assert SlaSweep(sessions, clock, Continuous()).run() == 2  # a restarted sweep
    clock.advance(minutes=10)
    assert sweep.run() == 2
    clock.advance(minutes=10)
    assert sweep.run() == 1
    clock.advance(hours=3)
    assert sweep.run() == 0
    assert SlaSweep(sessions, clock, Continuous()).run() == 0

    expected = [
        ("reminder", 1, "kasi1"),
        ("reminder", 2, "kasi1"),
        ("escalation", 1, "ksd1"),
        ("reminder", 3, "kasi1"),
        ("escalation", 2, "dir"),
        ("escalation", 3, "tu1"),
    ]
    assert sla_outbox(sessions) == expected
    assert sla_audit(sessions) == expected


def test_outbox_and_audit_rows_say_which_case_and_how_late(at_kasi, clock):
    cases, sessions, number = at_kasi
    case = cases.view(number).case
    step = case.current
    clock.advance(minutes=13)

    assert SlaSweep(sessions, clock, Continuous()).run() == 1

    with sessions() as session:
        row = session.scalar(select(OutboxRow).where(OutboxRow.kind == "reminder"))
        assert row.dedupe_key == f"sla:{step.id}:reminder:1:kasi1"
        assert row.payload == {"case_number": number, "n": 1, "lateness_seconds": 180}
        assert (row.step_no, row.status, row.case_id) == (3, "pending", case.id)
    (audit,) = audit_rows(sessions, actor="sla")
    assert (audit.action, audit.result, audit.step_id) == ("reminder", "ok", step.id)
    assert audit.detail == {"recipient": "kasi1", "n": 1, "lateness_seconds": 180}
    with sessions() as session:
        assert AuditChain(TEST_AUDIT_KEY).verify(session).problems == []


def test_a_sweep_that_was_down_stores_everything_that_fell_due_on_its_return(at_kasi, clock):
    _, sessions, _ = at_kasi
    clock.advance(hours=2)

    assert SlaSweep(sessions, clock, Continuous()).run() == 6
    assert SlaSweep(sessions, clock, Continuous()).run() == 0
    assert len(sla_audit(sessions)) == 6


def test_a_handled_step_owes_nothing_more_and_the_next_step_starts_afresh(at_kasi, clock):
    cases, sessions, number = at_kasi
    sweep = SlaSweep(sessions, clock, Continuous(), SlaPolicy(reminder_cap=1))
    clock.advance(minutes=10)
    assert sweep.run() == 1

    drive_to(cases, number, 4)  # the Kasi grants access; step 4 (JFU, 30 minutes) opens now
    clock.advance(minutes=29)
    assert sweep.run() == 0
    clock.advance(minutes=1)
    assert sweep.run() == 1
    assert sla_outbox(sessions) == [("reminder", 1, "kasi1"), ("reminder", 1, "op2")]


def test_nothing_is_stored_outside_office_hours(services, clock):
    cases, sessions = services
    office = calendar_from_text(SHIPPED_CALENDAR.read_text(), WIB, [2026])
    clock.now = datetime(2026, 11, 24, 8, 50, tzinfo=UTC)  # Tuesday 15:50 WIB
    open_ldk(cases)  # step 1, Direktur, 5 minutes: due 15:55 WIB
    sweep = SlaSweep(sessions, clock, office)

    clock.now = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)  # 16:30 WIB, closed
    assert sweep.run() == 0
    clock.now = datetime(2026, 11, 25, 0, 30, tzinfo=UTC)  # Wednesday 07:30 WIB
    # what fell due by the 16:00 closing (reminder 2 and 2× the SOP time) waited for the morning
    assert sweep.run() == 3
    assert sla_outbox(sessions) == [("reminder", 1, "dir"), ("reminder", 2, "dir"), ("escalation", 1, "tu1")]
    assert sweep.run() == 0


@pytest.mark.postgres
def test_two_sweeps_at_once_on_postgres_store_each_notice_once(postgres_url, sops, roster):
    clock = Clock(datetime(2026, 11, 24, 2, 0, tzinfo=UTC))
    cases, sessions, engine = build_services(postgres_url, sops, roster, clock, migrate=True)
    try:
        numbers = [open_ldk(cases, number=f"470/{i}/DUKCAPIL") for i in range(3)]
        for number in numbers:
            drive_to(cases, number, 3)
        clock.advance(hours=2)  # per case: 3 reminders and 3 escalation levels
        barrier = threading.Barrier(2)
        results: list = []

        def sweep() -> None:
            barrier.wait(10)
            try:
                results.append(SlaSweep(sessions, clock, Continuous()).run())
            except Exception as exc:  # reported by the assertion below
                results.append(exc)

        threads = [threading.Thread(target=sweep) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)

        assert sorted(results, key=str) == [0, 18], results
        assert len(sla_outbox(sessions)) == 18
        assert len(sla_audit(sessions)) == 18
        with sessions() as session:
            assert AuditChain(TEST_AUDIT_KEY).verify(session).problems == []
    finally:
        engine.dispose()


def planned(sessions, number) -> list:
    """Each step instance's planned SLA visit (steps.next_sla_at), in order."""
    with sessions() as session:
        query = (
            select(StepRow.next_sla_at)
            .join(CaseRow, CaseRow.id == StepRow.case_id)
            .where(CaseRow.number == number)
            .order_by(StepRow.id)
        )
        return list(session.scalars(query))


def test_each_step_carries_its_next_visit_so_a_sweep_reads_only_what_may_be_due(at_kasi, clock):
    cases, sessions, number = at_kasi
    opened = clock()
    sweep = SlaSweep(sessions, clock, Continuous())
    assert planned(sessions, number)[-1] == opened + timedelta(minutes=10)  # from its due time

    clock.advance(minutes=10)
    sweep.run()
    after_first = planned(sessions, number)[-1]
    clock.advance(minutes=5)
    quiet = sweep.run()
    drive_to(cases, number, 4)

    assert after_first == opened + timedelta(minutes=20)  # reminder 2 and escalation 1
    assert quiet == 0 and sla_outbox(sessions) == [("reminder", 1, "kasi1")]
    assert planned(sessions, number)[:3] == [None, None, None]  # finished: never looked at again
    assert planned(sessions, number)[3] is not None  # step 4, just opened
