"""A holder who blocked the bot never sees a reminder: it goes to their superior instead, saying
so, stored once like every SLA notice."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from tests.driving import audit_rows, drive_to, open_ldk
from tests.test_sla import OFFICIALS, T0, notices_at, step, summary
from workflow.db.models import OfficialRow, OutboxRow
from workflow.directory import Directory
from workflow.roster import StandIn
from workflow.service.sweep import SlaSweep
from workflow.workcalendar import Continuous

KASI1_BLOCKED = Directory.of(OFFICIALS, unreachable=["kasi1"])


# -- due_notices (pure) ----------------------------------------------------------------------------


def test_an_unreachable_holder_s_reminder_goes_to_their_superior_marked_so():
    (notice,) = notices_at(T0 + timedelta(minutes=10), directory=KASI1_BLOCKED)

    assert summary([notice]) == [("reminder", 1, "ksd1")]  # kasi1 reports to ksd1
    assert notice.holder_unreachable
    assert notice.dedupe_key == "sla:42:reminder:1:ksd1"


def test_reachable_holders_keep_their_reminders_unmarked():
    (notice,) = notices_at(T0 + timedelta(minutes=10))

    assert summary([notice]) == [("reminder", 1, "kasi1")]
    assert not notice.holder_unreachable


def test_the_redirected_reminders_repeat_and_escalation_climbs_as_before():
    notices = notices_at(T0 + timedelta(minutes=30), directory=KASI1_BLOCKED)

    assert summary(notices) == [
        ("reminder", 1, "ksd1"),
        ("reminder", 2, "ksd1"),
        ("reminder", 3, "ksd1"),
        ("escalation", 1, "ksd1"),
        ("escalation", 2, "dir"),
    ]
    assert [n.holder_unreachable for n in notices] == [True, True, True, False, False]
    assert len({n.dedupe_key for n in notices}) == len(notices)


def test_a_stand_in_of_the_unreachable_holder_still_gets_their_own_reminder():
    order = StandIn("kasi2", "kasi1", T0 - timedelta(days=1), T0 + timedelta(days=1), "SP-1")
    directory = Directory.of(OFFICIALS, [order], unreachable=["kasi1"])

    notices = notices_at(T0 + timedelta(minutes=10), directory=directory)

    assert [(n.recipient, n.holder_unreachable) for n in notices] == [("ksd1", True), ("kasi2", False)]


def test_an_unreachable_direktur_s_reminder_goes_to_the_tu():
    record = step(step_no=1, assignee="dir")
    directory = Directory.of(OFFICIALS, unreachable=["dir"])

    notices = notices_at(record.due_at, record=record, directory=directory)

    assert [(n.kind, n.recipient, n.holder_unreachable) for n in notices] == [("reminder", "tu1", True)]


# -- the sweep, against a real database ------------------------------------------------------------


@pytest.fixture
def kasi_blocked(services, clock):
    """Step 3 of an ldk case held by kasi1, whom Telegram refused (403) earlier."""
    cases, sessions = services
    number = open_ldk(cases)
    drive_to(cases, number, 3)
    with sessions() as session, session.begin():
        session.execute(update(OfficialRow).where(OfficialRow.key == "kasi1").values(unreachable_at=clock()))
    return cases, sessions, number


def test_the_sweep_sends_the_blocked_holder_s_reminder_to_the_superior_once(kasi_blocked, clock):
    cases, sessions, number = kasi_blocked
    step_id = cases.view(number).case.current.id
    sweep = SlaSweep(sessions, clock, Continuous())
    clock.advance(minutes=10)

    assert sweep.run() == 1
    assert SlaSweep(sessions, clock, Continuous()).run() == 0  # a restart stores it no second time

    with sessions() as session:
        [row] = session.scalars(select(OutboxRow).where(OutboxRow.kind == "reminder"))
    assert (row.recipient, row.dedupe_key) == ("ksd1", f"sla:{step_id}:reminder:1:ksd1")
    assert row.payload == {"case_number": number, "n": 1, "lateness_seconds": 0, "holder_unreachable": True}
    [audit] = audit_rows(sessions, actor="sla")
    assert audit.detail == {"recipient": "ksd1", "n": 1, "lateness_seconds": 0, "holder_unreachable": True}
