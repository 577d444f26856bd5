"""The daily SLA digest's figures against a hand-computed fixture, on SQLite and PostgreSQL.

The fixture is inserted row by row (no engine), so every number below can be checked by hand.
The digest is the one of Monday 30 November 2026, generated at 10:00 WIB: the previous working
day runs from Friday 27 to Sunday 29 November, the month from 1 to 29 November. WIB is UTC+7.
"""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import func, insert, select

from tests.conftest import WIB, Clock, build_services
from workflow.db.models import AuditRow, CaseRow, StepRow
from workflow.digest import Counts, Digest, Overdue, Section, Unrevoked
from workflow.officehours import OfficeCalendar, calendar_previous_working_day, calendar_works_on
from workflow.service.digest import DigestService, periods
from workflow.sop import DailyDigest
from workflow.states import CaseState, StepOutcome
from workflow.workcalendar import Continuous

CASES = CaseRow.__table__
STEPS = StepRow.__table__
DAY = date(2026, 11, 30)  # a Monday
OFFICE_HOURS = {wd: [(time(7, 30), time(16))] for wd in range(4)} | {4: [(time(7, 30), time(16, 30))]}
OFFICE = OfficeCalendar(WIB, OFFICE_HOURS)
NOW = datetime(2026, 11, 30, 10, 0, tzinfo=WIB)

COMPLETED, RETURNED, REJECTED = StepOutcome.COMPLETED, StepOutcome.RETURNED, StepOutcome.REJECTED
REASSIGNED, CANCELLED = StepOutcome.REASSIGNED, StepOutcome.CANCELLED


def wib(month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=WIB)


class Seeder:
    """Inserts cases and steps as plain rows."""

    def __init__(self, connection) -> None:
        self.connection = connection
        self.seq = 0

    def case(self, state, created, closed=None, *, sop_id="ldk", revoked=None) -> int:
        self.seq += 1
        number = f"T/{self.seq}"
        values = dict(
            number=number,
            prefix="T",
            year=2026,
            seq=self.seq,
            sop_id=sop_id,
            sop_version=1,
            state=state,
            version=1,
            letter_number=f"470/{self.seq}",
            letter_number_key=f"470/{self.seq}",
            letter_date=date(2026, 10, 1),
            institution="BPJS Kesehatan",
            institution_key="bpjs kesehatan",
            purpose="Verifikasi",
            checklist={},
            created_by="tu1",
            created_at=created,
            updated_at=closed or created,
            closed_at=closed,
            access_revoked_at=revoked,
            access_revoked_by="kasi1" if revoked else None,
        )
        return self.connection.execute(insert(CASES).values(values).returning(CASES.c.id)).scalar_one()

    def done(self, case_id, step_no, finished, seconds, outcome=COMPLETED, **extra) -> None:
        """A finished step instance that took ``seconds`` of working time."""
        started = finished - timedelta(seconds=seconds or 0)
        self.step(
            case_id, step_no, started, started + timedelta(minutes=5), finished, seconds, outcome, **extra
        )

    def step(self, case_id, step_no, started, due, finished=None, seconds=None, outcome=None, **extra):
        values = dict(
            case_id=case_id,
            step_no=step_no,
            assignee=extra.pop("assignee", "kasi1"),
            started_at=started,
            due_at=due,
            finished_at=finished,
            outcome=outcome,
            working_seconds=seconds,
            note="",
            payload=extra.pop("payload", {}),
            actor=extra.pop("actor", "kasi1" if finished else None),
            acting_for=extra.pop("acting_for", None),
        )
        self.connection.execute(insert(STEPS).values(values))


def seed(sessions) -> None:
    """The hand-computed fixture. Cases (c = created, x = ended), counted per period below:

    ====  =========  ==============  ====================  =========================================
    no    state      created         ended                 previous (27-29 Nov) / month (1-29 Nov)
    ====  =========  ==============  ====================  =========================================
    T/1   closed     28 Oct          3 Nov 11:00           closed in month
    T/2   closed     5 Nov           Fri 27 Nov 14:00      received in month; closed in both
    T/3   rejected   10 Nov          Sat 28 Nov 09:00      received in month; rejected in both
    T/4   open       Fri 27 Nov      -                     received in both; open
    T/5   waiting    Sun 29 Nov 20h  -                     received in both; open
    T/6   open       Mon 30 Nov      -                     after both: not counted, not open
    T/7   closed     2 Nov           Mon 30 Nov 08:30      received in month; open at the end
    T/8   cancelled  20 Oct          12 Nov                nothing (cancelled is neither)
    T/9   closed     1 Nov 00:30     Fri 27 Nov 23:30      received in month (31 Oct in UTC);
                                                           closed in both
    T/10  open       15 Oct          -                     open
    T/11  open       Fri 27 Nov      -                     another SOP ("mini"): left out everywhere
    T/12  open       Mon 30 Nov      -                     after both
    ====  =========  ==============  ====================  =========================================

    previous: received 2 (T/4, T/5), closed 2 (T/2, T/9), rejected 1 (T/3), open 4 (T/4, T/5,
    T/7, T/10). month: received 6 (T/2, T/3, T/4, T/5, T/7, T/9), closed 3 (T/1, T/2, T/9),
    rejected 1, open 4.
    """
    with sessions() as session, session.begin():
        s = Seeder(session.connection())
        closed, rejected = CaseState.CLOSED, CaseState.REJECTED
        t1 = s.case(closed, wib(10, 28), wib(11, 3, 11))
        t2 = s.case(closed, wib(11, 5), wib(11, 27, 14))
        t3 = s.case(rejected, wib(11, 10), wib(11, 28, 9))
        t4 = s.case(CaseState.OPEN, wib(11, 27))
        t5 = s.case(CaseState.WAITING, wib(11, 29, 20))
        t6 = s.case(CaseState.OPEN, wib(11, 30, 8))
        t7 = s.case(closed, wib(11, 2, 8), wib(11, 30, 8, 30), revoked=wib(11, 30, 9))
        s.case(CaseState.CANCELLED, wib(10, 20), wib(11, 12, 10))
        t9 = s.case(closed, wib(11, 1, 0, 30), wib(11, 27, 23, 30))
        t10 = s.case(CaseState.OPEN, wib(10, 15))
        t11 = s.case(CaseState.OPEN, wib(11, 27), sop_id="mini")
        t12 = s.case(CaseState.OPEN, wib(11, 30, 9))

        # Step 1 (SOP time 5 min = 300 s). Month: 60, 120, 240, 300, 600, 900 -> n 6, median at
        # rank ceil(3) = 3: 240, p90 at rank ceil(5.4) = 6: 900, within 4/6. Previous (Fri 900,
        # Sat 60): n 2, median rank 1: 60, p90 rank ceil(1.8) = 2: 900, within 1/2.
        s.done(t10, 1, wib(11, 1, 0, 10), 120)  # 31 Oct 17:10 UTC: still November in WIB
        s.done(t10, 1, wib(11, 5), 240)
        s.done(t10, 1, wib(11, 10), 300)  # exactly the SOP time: within
        s.done(t10, 1, wib(11, 20), 600, RETURNED)
        s.done(t10, 1, wib(11, 27, 10), 900)
        s.done(t10, 1, wib(11, 28, 10), 60, REJECTED)
        s.done(t10, 1, wib(10, 31, 23, 50), 5000)  # October in WIB: left out
        s.done(t10, 1, wib(11, 30, 8, 10), 7000)  # the digest's own day: left out
        s.done(t10, 1, wib(11, 12), 50, REASSIGNED)  # handed on, not finished: left out
        s.done(t10, 1, wib(11, 12), 70, CANCELLED)  # withdrawn: left out
        s.done(t11, 1, wib(11, 27, 10), 99999)  # another SOP: left out

        # Step 3 (grant access, 10 min = 600 s), month only. Sorted: 300, 400, 500, 550, 610, 650,
        # 700, 800, 1200, 1500, 3000 -> n 11, median rank ceil(5.5) = 6: 650, p90 rank ceil(9.9)
        # = 10: 1500, within (<= 600) 4/11. Median / SOP time = 650 / 600 = 1.083.
        s.done(t1, 3, wib(10, 29), 100, payload={"access_granted_to": "op1"})  # October: left out
        s.done(t2, 3, wib(11, 18), 400, payload={"access_granted_to": "op2"})
        s.done(t9, 3, wib(11, 19), 650, payload={"access_granted_to": "op1"})
        s.done(t9, 4, wib(11, 20), None, RETURNED, assignee="op1", actor="op1")  # no duration: left out
        s.done(
            t9, 3, wib(11, 24), 550, payload={"access_granted_to": "op3"}, actor="kasi2", acting_for="kasi1"
        )
        s.done(t7, 3, wib(11, 23), 800, payload={"access_granted_to": "op2"})
        s.done(t3, 3, wib(11, 25), 3000, payload={"access_granted_to": "op2"})
        for day, seconds in ((4, 300), (6, 500), (9, 700), (11, 1200), (16, 1500), (26, 610)):
            s.done(t10, 3, wib(11, day), seconds)

        # Step 4 (report data, 30 min = 1800 s). Month: 1000, 2000, 4000 -> median rank 2: 2000,
        # p90 rank ceil(2.7) = 3: 4000, within 1/3; median / SOP time = 1.111, the slowest.
        # Previous: Sun 29 Nov 23:00 WIB (16:00 UTC) 2000 -> n 1, within 0.
        s.done(t10, 4, wib(11, 29, 23), 2000)
        s.done(t10, 4, wib(11, 2), 1000)
        s.done(t10, 4, wib(11, 16), 4000, RETURNED)

        # Open steps at Monday 10:00 WIB; office hours Mon-Thu 07:30-16:00, Fri 07:30-16:30.
        # T/4 due Fri 16:00: Fri 16:00-16:30 + Mon 07:30-10:00 = 180 min late.
        s.step(t4, 2, wib(11, 27, 15, 55), wib(11, 27, 16), assignee="ksd1")
        # T/5 waiting for an assignee, due Sun 20:05: Mon 07:30-10:00 = 150 min.
        s.step(t5, 1, wib(11, 29, 20), wib(11, 29, 20, 5), assignee=None)
        # T/6 due Mon 08:05: 115 min.
        s.step(t6, 1, wib(11, 30, 8), wib(11, 30, 8, 5), assignee="dir")
        # T/12 due exactly now: 0 min late, listed.
        s.step(t12, 1, wib(11, 30, 9, 55), wib(11, 30, 10), assignee="dir")
        # T/10 due at 10:30: not yet overdue. T/11 is overdue but on another SOP.
        s.step(t10, 5, wib(11, 30, 10, 15), wib(11, 30, 10, 30))
        s.step(t11, 2, wib(11, 27, 10), wib(11, 27, 10, 5), assignee="ksd1")


@pytest.fixture
def seeded(services, sops):
    _, sessions = services
    seed(sessions)
    return sessions


def build(sessions, sops, calendar=OFFICE) -> Digest:
    return DigestService(sessions, calendar, WIB, sops, Clock(NOW.astimezone(UTC))).build(DAY)


def section(digest: Digest, sop_id: str = "ldk") -> Section:
    """The section of one SOP."""
    return next(s for s in digest.sections if s.sop_id == sop_id)


def audit_head(sessions) -> tuple[int, str]:
    """The newest audit row, read straight from the table."""
    with sessions() as session:
        row = session.execute(select(AuditRow.seq, AuditRow.mac).order_by(AuditRow.seq.desc()).limit(1)).one()
        count = session.scalar(select(func.count()).select_from(AuditRow))
    assert row.seq == count
    return row.seq, row.mac


def stats(period) -> dict[int, tuple]:
    """Step number -> (count, median, p90, within share rounded), for the steps that finished."""
    return {
        s.step_no: (s.count, s.median_seconds, s.p90_seconds, round(s.within_share, 4))
        for s in period.steps
        if s.count
    }


def assert_hand_computed(whole: Digest, sessions) -> None:
    digest = section(whole)
    assert (digest.previous.start, digest.previous.end) == (date(2026, 11, 27), date(2026, 11, 29))
    assert (digest.month.start, digest.month.end) == (date(2026, 11, 1), date(2026, 11, 29))
    assert digest.previous.counts == Counts(received=2, closed=2, rejected=1, open=4)
    assert digest.month.counts == Counts(received=6, closed=3, rejected=1, open=4)
    assert stats(digest.previous) == {1: (2, 60.0, 900.0, 0.5), 4: (1, 2000.0, 2000.0, 0.0)}
    assert stats(digest.month) == {
        1: (6, 240.0, 900.0, round(4 / 6, 4)),
        3: (11, 650.0, 1500.0, round(4 / 11, 4)),
        4: (3, 2000.0, 4000.0, round(1 / 3, 4)),
    }
    assert digest.slowest_step == 4
    assert digest.overdue == (
        Overdue("T/4", 2, "ksd1", "Budi Kasubdit", 180 * 60),
        Overdue("T/5", 1, None, "", 150 * 60),
        Overdue("T/6", 1, "dir", "Dr. Andi Direktur", 115 * 60),
        Overdue("T/12", 1, "dir", "Dr. Andi Direktur", 0),
    )
    assert digest.unrevoked == (
        Unrevoked("T/1", wib(11, 3, 11), "op1", "kasi1", "Fajar Operator", "Dewi Kasi"),
        Unrevoked("T/2", wib(11, 27, 14), "op2", "kasi1", "Gita Operator", "Dewi Kasi"),
        # T/9's access was granted again by kasi2 standing in for kasi1: the last grant counts
        Unrevoked("T/9", wib(11, 27, 23, 30), "op3", "kasi1", "Hadi Operator", "Dewi Kasi"),
    )
    assert (whole.audit_seq, whole.audit_head) == audit_head(sessions)
    assert whole.generated_at == NOW


def test_the_monday_digest_matches_the_hand_computed_figures(seeded, sops):
    digest = build(seeded, sops)

    assert_hand_computed(digest, seeded)


def test_every_step_of_the_sop_is_listed_with_its_name_and_sop_time(seeded, sops):
    digest = section(build(seeded, sops))

    steps = digest.month.steps
    assert [(s.step_no, s.name, s.sla_seconds) for s in steps][:4] == [
        (1, "Direktur", 300),
        (2, "Kasubdit", 300),
        (3, "Kasi", 600),
        (4, "JFU", 1800),
    ]
    assert len(steps) == len(sops["ldk"].steps)
    assert steps[1].count == 0 and steps[1].median_seconds is None and steps[1].within_share is None


def test_on_a_24_7_calendar_sunday_is_the_previous_day_and_lateness_is_wall_time(seeded, sops):
    digest = section(build(seeded, sops, Continuous()))

    assert (digest.previous.start, digest.previous.end) == (date(2026, 11, 29), date(2026, 11, 29))
    assert digest.previous.counts == Counts(received=1, closed=0, rejected=0, open=4)  # T/5 only
    assert stats(digest.previous) == {4: (1, 2000.0, 2000.0, 0.0)}
    assert digest.month.counts == Counts(received=6, closed=3, rejected=1, open=4)
    # T/4 due Friday 16:00, now Monday 10:00: 66 hours; T/5 due Sunday 20:05: 13 h 55 min.
    assert [(o.case_number, o.late_seconds) for o in digest.overdue] == [
        ("T/4", 66 * 3600),
        ("T/5", 13 * 3600 + 55 * 60),
        ("T/6", 115 * 60),
        ("T/12", 0),
    ]


def test_a_built_digest_survives_the_json_round_trip(seeded, sops):
    digest = build(seeded, sops)

    assert Digest.from_json(digest.to_json()) == digest


def test_an_empty_database_gives_zeros_and_no_slowest_step(services, sops):
    _, sessions = services

    digest = section(build(sessions, sops))

    assert digest.month.counts == Counts(0, 0, 0, 0)
    assert all(s.count == 0 for s in digest.month.steps)
    assert digest.slowest_step is None
    assert digest.overdue == () and digest.unrevoked == ()


# -- a section per SOP ---------------------------------------------------------------------------


def test_each_sop_that_sends_a_digest_has_its_own_section_in_sop_id_order(seeded, sops):
    digest = build(seeded, sops)

    assert [s.sop_id for s in digest.sections] == sorted(sops)
    mini = section(digest, "mini")
    assert (mini.number, mini.title) == ("T.1", "Uji singkat")
    assert [(s.step_no, s.name, s.sla_seconds) for s in mini.month.steps] == [
        (1, "Direktur", 2),
        (2, "Kasubdit", 2),
    ]
    # T/11 is mini's only case: received Friday, its step 1 done in 99999 s, its step 2 overdue
    assert mini.previous.counts == Counts(received=1, closed=0, rejected=0, open=1)
    assert mini.month.counts == Counts(received=1, closed=0, rejected=0, open=1)
    assert stats(mini.month) == {1: (1, 99999.0, 99999.0, 0.0)} and mini.slowest_step == 1
    # Fri 10:05-16:30 and Mon 07:30-10:00: 535 working minutes
    assert mini.overdue == (Overdue("T/11", 2, "ksd1", "Budi Kasubdit", 535 * 60),)
    assert mini.unrevoked == ()
    assert section(digest, "release4").month.counts == Counts(0, 0, 0, 0)


def test_an_sop_whose_file_says_send_false_has_no_section(seeded, sops):
    quiet = sops["mini"].model_copy(update={"daily_digest": DailyDigest(send=False)})

    digest = build(seeded, {**sops, "mini": quiet})

    assert "mini" not in [s.sop_id for s in digest.sections]
    assert_hand_computed(digest, seeded)  # the other sections are unchanged


def test_a_section_carries_the_roles_its_sop_sends_it_to(seeded, sops):
    to_kasi = sops["mini"].model_copy(update={"daily_digest": DailyDigest(send=True, to=("kasi",))})

    digest = build(seeded, {"ldk": sops["ldk"], "mini": to_kasi})

    assert [(s.sop_id, s.to) for s in digest.sections] == [("ldk", ()), ("mini", ("kasi",))]
    assert digest.for_role("kasi") == ("ldk", "mini") and digest.for_role("direktur") == ("ldk",)


def test_no_sop_sending_gives_a_digest_without_sections(seeded, sops):
    quiet = {k: s.model_copy(update={"daily_digest": DailyDigest(send=False)}) for k, s in sops.items()}

    digest = build(seeded, quiet)

    assert digest.sections == () and digest.audit_seq == audit_head(seeded)[0]


@pytest.mark.postgres
def test_postgresql_gives_the_same_figures(postgres_url, sops, roster):
    _, sessions, engine = build_services(postgres_url, sops, roster, Clock(NOW), migrate=True)
    try:
        seed(sessions)

        digest = build(sessions, sops)

        assert_hand_computed(digest, sessions)
    finally:
        engine.dispose()


# -- the periods --------------------------------------------------------------------------------


def test_a_monday_digest_covers_friday_to_sunday():
    assert periods(OFFICE, date(2026, 11, 30)) == (
        (date(2026, 11, 27), date(2026, 11, 29)),
        (date(2026, 11, 1), date(2026, 11, 29)),
    )


def test_a_tuesday_digest_after_a_holiday_monday_covers_friday_to_monday():
    calendar = OfficeCalendar(WIB, OFFICE_HOURS, closed_days=[date(2026, 8, 17)])  # Independence Day

    assert periods(calendar, date(2026, 8, 18)) == (
        (date(2026, 8, 14), date(2026, 8, 17)),
        (date(2026, 8, 1), date(2026, 8, 17)),
    )


def test_a_digest_on_the_first_of_the_month_covers_the_whole_previous_month():
    assert periods(OFFICE, date(2026, 12, 1)) == (
        (date(2026, 11, 30), date(2026, 11, 30)),
        (date(2026, 11, 1), date(2026, 11, 30)),
    )


def test_on_a_24_7_calendar_every_day_is_a_working_day():
    assert calendar_works_on(Continuous(), date(2026, 11, 29))
    assert calendar_previous_working_day(Continuous(), date(2026, 11, 30)) == date(2026, 11, 29)
    assert periods(Continuous(), date(2026, 11, 30))[0] == (date(2026, 11, 29), date(2026, 11, 29))


def test_working_days_follow_the_office_hours():
    assert calendar_works_on(OFFICE, date(2026, 11, 27))
    assert not calendar_works_on(OFFICE, date(2026, 11, 28))
    assert calendar_previous_working_day(OFFICE, date(2026, 11, 28)) == date(2026, 11, 27)
