"""The daily digest's generation: due only on working mornings, stored and queued exactly once
(SQLite, and two replicas on one PostgreSQL), and made on a bot's return after downtime."""

import json
import threading
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select, update

from tests.conftest import TEST_AUDIT_KEY, WIB, Clock, build_services
from tests.driving import audit_rows
from workflow.calendar_config import SHIPPED_CALENDAR, calendar_from_text
from workflow.db.audit import AuditChain
from workflow.db.models import DigestRow, OfficialRow, OutboxRow
from workflow.db.session import make_engine, make_session_factory
from workflow.digest import Counts, Digest, Period, Section
from workflow.service.dailydigest import DailyDigests
from workflow.workcalendar import Continuous

#: A digest as stored before it had a section per SOP: ``Digest.to_json()`` of one SOP's figures.
OLD_DIGEST = Path(__file__).parent / "data" / "digest-single-sop.json"
OFFICE = calendar_from_text(SHIPPED_CALENDAR.read_text(), WIB, [2026])
TUESDAY = date(2026, 11, 24)


def wib(day: date, hh: int, mm: int = 0) -> datetime:
    return datetime.combine(day, time(hh, mm), tzinfo=WIB).astimezone(UTC)


class Figures:
    """A fake ``DigestService``: empty figures, numbered by call so that each build is told apart;
    one section per (SOP id, roles it goes to) of ``sops``."""

    def __init__(self, clock, barrier: threading.Barrier | None = None, sops=(("ldk", ()),)) -> None:
        self.clock, self.barrier, self.builds, self.sops = clock, barrier, 0, sops

    def build(self, day: date) -> Digest:
        self.builds += 1
        if self.barrier is not None:  # every replica has built before any of them stores
            self.barrier.wait(10)
        empty = Period(day, day, Counts(0, 0, 0, 0), ())
        sections = tuple(
            Section(sop_id, "T", sop_id, "", to, empty, empty, (), None, ()) for sop_id, to in self.sops
        )
        return Digest(day, self.clock(), sections, self.builds, None)


def digests_for(sessions, clock, calendar=OFFICE, at=time(7, 30), figures=None) -> DailyDigests:
    return DailyDigests(sessions, figures or Figures(clock), calendar, WIB, at, clock)


def stored(sessions) -> tuple[int, list[str], int]:
    """Digest rows, the recipients of queued digests, and audit rows of generated digests."""
    with sessions() as session:
        days = session.scalar(select(func.count()).select_from(DigestRow))
        queued = sorted(session.scalars(select(OutboxRow.recipient).where(OutboxRow.kind == "digest")))
    return days, queued, len(audit_rows(sessions, action="digest"))


def receive_digests(sessions, *keys: str, inactive: tuple[str, ...] = ()) -> None:
    with sessions() as session, session.begin():
        session.execute(update(OfficialRow).where(OfficialRow.key.in_(keys)).values(receives_digest=True))
        session.execute(update(OfficialRow).where(OfficialRow.key.in_(inactive)).values(active=False))


# -- exactly once --------------------------------------------------------------------------------


def test_generating_a_day_twice_stores_it_audits_it_and_queues_each_recipient_once(services, clock):
    _, sessions = services
    receive_digests(sessions, "ksd1", "kasi1", inactive=("kasi1",))  # the roster gives it to "dir"
    digests = digests_for(sessions, clock)

    first, created = digests.generate(TUESDAY, "bot")
    again, created_again = digests.generate(TUESDAY, "cli:admin")

    assert (created, created_again) == (True, False)
    assert again == first and first.day == TUESDAY
    assert stored(sessions) == (1, ["dir", "ksd1"], 1)
    assert digests.recipients(TUESDAY) == ["dir", "ksd1"]


def test_the_audit_row_names_the_day_and_the_audit_head_the_digest_witnessed(services, clock):
    _, sessions = services
    digests = digests_for(sessions, clock)

    digest, _ = digests.generate(TUESDAY, "bot")

    row = audit_rows(sessions, action="digest")[0]
    assert (row.actor, row.result) == ("sla", "ok")
    assert row.detail["day"] == "2026-11-24" and row.detail["audit_seq"] == digest.audit_seq
    with sessions() as session:
        outbox = session.scalars(select(OutboxRow).where(OutboxRow.kind == "digest")).one()
    assert outbox.payload == {"day": "2026-11-24", "sops": ["ldk"]}
    assert outbox.dedupe_key == "digest:2026-11-24:dir"


def test_a_stored_digest_is_returned_as_stored_without_building_it_again(services, clock):
    _, sessions = services
    figures = Figures(clock)
    digests = digests_for(sessions, clock, figures=figures)
    first, _ = digests.generate(TUESDAY, "bot")
    clock.advance(hours=3)

    later, created = digests.generate(TUESDAY, "bot")

    assert not created and later == first and figures.builds == 1
    assert digests.stored(TUESDAY) == first
    assert digests.stored(date(2026, 11, 25)) is None


def test_each_recipient_is_queued_the_sections_their_role_gets_and_one_with_none_nothing(services, clock):
    _, sessions = services
    receive_digests(sessions, "kasi1", "ksd1", "op1")  # and "dir", from the roster
    sections = (("ldk", ("direktur", "kasi")), ("pickup", ("kasi", "jfu")), ("release4", ("jfu",)))
    digests = digests_for(sessions, clock, figures=Figures(clock, sops=sections))

    digests.generate(TUESDAY, "bot")

    with sessions() as session:
        queued = {o.recipient: o.payload["sops"] for o in session.scalars(select(OutboxRow))}
    assert queued == {"dir": ["ldk"], "kasi1": ["ldk", "pickup"], "op1": ["pickup", "release4"]}
    assert audit_rows(sessions, action="digest")[0].detail["recipients"] == ["dir", "kasi1", "op1"]
    assert stored(sessions) == (1, ["dir", "kasi1", "op1"], 1)  # ksd1 (kasubdit) gets no section


def test_a_digest_without_sections_is_stored_and_queued_to_nobody(services, clock):
    _, sessions = services
    digests = digests_for(sessions, clock, figures=Figures(clock, sops=()))

    digest, created = digests.generate(TUESDAY, "bot")

    assert created and digest.sections == ()
    assert stored(sessions) == (1, [], 1)
    assert digests.due(wib(TUESDAY, 8)) is None  # made: not due again


def test_a_digest_stored_before_sections_were_per_sop_still_loads(services, clock):
    _, sessions = services
    old = json.loads(OLD_DIGEST.read_text())
    with sessions() as session, session.begin():
        values = {"day": date(2026, 11, 30), "generated_at": clock(), "generated_by": "bot", "data": old}
        session.execute(insert(DigestRow).values(values))

    digest = digests_for(sessions, clock).stored(date(2026, 11, 30))

    assert digest.day == date(2026, 11, 30) and digest.audit_seq == 4711
    (only,) = digest.sections
    assert (only.sop_id, only.title, only.to) == ("", "", ())
    assert only.month.counts == Counts(received=6, closed=3, rejected=1, open=4)
    assert [s.name for s in only.month.steps] == ["Direktur", "Kasubdit", "Kasi", "JFU"]
    assert only.slowest_step == 4 and len(only.overdue) == 2 and len(only.unrevoked) == 1
    assert digest.only(None) == digest and digest.for_role("kasi") == ("",)


@pytest.mark.postgres
def test_two_replicas_generating_at_once_on_postgres_store_audit_and_queue_once(postgres_url, sops, roster):
    clock = Clock(wib(TUESDAY, 7, 30))
    _, sessions, engine = build_services(postgres_url, sops, roster, clock, migrate=True)
    other_engine = make_engine(postgres_url)
    other_sessions = make_session_factory(other_engine, TEST_AUDIT_KEY)
    receive_digests(sessions, "adm")
    barrier = threading.Barrier(2)
    figures = Figures(clock, barrier)  # both replicas build, then both try to store
    replicas = [digests_for(s, clock, figures=figures) for s in (sessions, other_sessions)]
    results: list = []

    def generate(replica: DailyDigests) -> None:
        try:
            results.append(replica.generate(TUESDAY, "bot"))
        except Exception as exc:  # reported by the assertion below
            results.append(exc)

    try:
        threads = [threading.Thread(target=generate, args=(r,)) for r in replicas]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)

        assert sorted(created for _, created in results) == [False, True], results
        assert results[0][0] == results[1][0]  # both answer with the one stored digest
        assert figures.builds == 2
        assert stored(sessions) == (1, ["adm", "dir"], 1)
        with sessions() as session:
            assert AuditChain(TEST_AUDIT_KEY).verify(session).problems == []
    finally:
        other_engine.dispose()
        engine.dispose()


# -- when it is due ------------------------------------------------------------------------------


def test_due_on_a_working_morning_from_the_digest_time_until_it_is_stored(services, clock):
    _, sessions = services
    digests = digests_for(sessions, clock)

    before = digests.due(wib(TUESDAY, 7, 29))
    on_time = digests.due(wib(TUESDAY, 7, 30))
    digests.generate(TUESDAY, "bot")
    after = digests.due(wib(TUESDAY, 7, 31))

    assert (before, on_time, after) == (None, TUESDAY, None)


@pytest.mark.parametrize(
    ("when", "why"),
    [
        (wib(date(2026, 11, 28), 7, 30), "Saturday"),
        (wib(date(2026, 12, 25), 7, 30), "Christmas, a national holiday"),
        (wib(date(2026, 12, 24), 9, 0), "cuti bersama"),
        (wib(TUESDAY, 16, 0), "the office closed at 16:00"),
        (wib(TUESDAY, 6, 0), "before the digest time"),
    ],
)
def test_no_digest_is_due_outside_office_hours(services, clock, when, why):
    _, sessions = services
    digests = digests_for(sessions, clock)

    assert digests.due(when) is None, why


def test_a_digest_time_before_the_office_opens_waits_for_the_opening(services, clock):
    _, sessions = services
    digests = digests_for(sessions, clock, at=time(6, 0))

    assert digests.due(wib(TUESDAY, 7, 0)) is None
    assert digests.due(wib(TUESDAY, 7, 30)) == TUESDAY


def test_in_24_7_mode_every_day_has_its_digest_from_the_digest_time(services, clock):
    _, sessions = services
    digests = digests_for(sessions, clock, calendar=Continuous())
    saturday = date(2026, 11, 28)

    assert digests.due(wib(saturday, 7, 29)) is None
    assert digests.due(wib(saturday, 7, 30)) == saturday
    assert digests.due(wib(saturday, 23, 59)) == saturday


# -- catching up ---------------------------------------------------------------------------------


def test_a_bot_back_from_downtime_makes_the_days_digest_once_during_office_hours(services, clock):
    _, sessions = services
    digests = digests_for(sessions, clock)
    clock.now = wib(date(2026, 11, 23), 17, 0)  # down from Monday evening …

    closed = digests.catch_up()
    clock.now = wib(TUESDAY, 10, 15)  # … back on Tuesday at 10:15
    made = digests.catch_up()
    again = digests.catch_up()

    assert closed is None
    assert made is not None and made.day == TUESDAY
    assert again is None
    assert stored(sessions) == (1, ["dir"], 1)
