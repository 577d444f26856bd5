"""Two officials at once: races on one step, a locked SQLite file, registrations racing for a number.

The service is shared between threads, as the bot shares it between updates: it
keeps no state of its own between calls, and every call opens its own session.
"""

import sqlite3
import threading
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from tests.conftest import TEST_AUDIT_KEY, WIB, Clock, build_services, letter
from workflow.case import Case
from workflow.commands import Forward
from workflow.db.models import AuditRow, CaseRow, StepRow
from workflow.db.session import make_engine, make_session_factory
from workflow.errors import DuplicateLetter, StepAlreadyHandled
from workflow.service.cases import CaseService
from workflow.service.roster import RosterService

WAIT = 20  # seconds a thread may wait for the other before the test gives up


def outcome(call):
    """What ``call`` returned, or the exception it raised."""
    try:
        return call()
    except Exception as exc:  # the test looks at what was raised
        return exc


def run_together(*calls):
    """Start every call in its own thread at the same instant; return what each returned or raised."""
    start = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, call):
        start.wait(WAIT)
        results[i] = outcome(call)

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(WAIT)
    assert not any(t.is_alive() for t in threads), "a thread is stuck"
    return results


class RendezvousClock(Clock):
    """A clock whose next ``n`` readings wait for each other.

    ``CaseService.act`` reads the clock after loading the case and before writing
    it, so two racing actions armed this way have both read the same version of
    the case before either writes: the worst interleaving, every time.
    """

    def __init__(self, start) -> None:
        super().__init__(start)
        self._barrier: threading.Barrier | None = None
        self._left = 0
        self._lock = threading.Lock()

    def arm(self, n: int) -> None:
        self._barrier, self._left = threading.Barrier(n), n

    def __call__(self):
        with self._lock:
            barrier = self._barrier if self._left > 0 else None
            self._left -= 1
        if barrier is not None:
            barrier.wait(WAIT)
        return self.now


@pytest.fixture
def pg_services(postgres_url, sops, roster):
    """Services on a fresh PostgreSQL database, with a clock that can make two actions meet."""
    clock = RendezvousClock(datetime(2026, 11, 24, 2, 0, tzinfo=UTC))  # 09:00 WIB
    cases, sessions, engine = build_services(postgres_url, sops, roster, clock, migrate=True)
    yield cases, sessions, clock
    engine.dispose()


@pytest.fixture
def impatient_services(db_url, sops, roster, clock):
    """Services whose SQLite connections give up waiting for a lock after one millisecond."""
    engine = make_engine(db_url, busy_timeout_ms=1)
    sessions = make_session_factory(engine, TEST_AUDIT_KEY)
    RosterService(sessions, clock).import_roster(roster, "cli:test")
    yield CaseService(sessions, sops, tz=WIB, default_sop="ldk", clock=clock), sessions
    engine.dispose()


def forward_from_director(cases: CaseService, number: str, step_id: int):
    return lambda: cases.act(number, "dir", Forward(step_id=step_id, instruction="Untuk diproses", to="ksd1"))


def count(sessions, model, *where) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def audit_results(sessions, case_id: int, action: str) -> Counter:
    with sessions() as session:
        rows = session.scalars(
            select(AuditRow.result).where(AuditRow.case_id == case_id, AuditRow.action == action)
        )
        return Counter(rows)


def split(results):
    done = [r for r in results if isinstance(r, Case)]
    refused = [r for r in results if isinstance(r, StepAlreadyHandled)]
    assert len(done) + len(refused) == len(results), f"unexpected outcome: {results!r}"
    return done, refused


# -- the same action twice at once -----------------------------------------------------------------


def test_double_forward_on_sqlite_moves_the_case_once_and_tells_the_loser_who_won(services, clock):
    cases, sessions = services
    case = cases.open_case(letter(), "tu1")
    step_id = case.current.id
    clock.advance(minutes=2)

    results = run_together(
        forward_from_director(cases, case.number, step_id),
        forward_from_director(cases, case.number, step_id),
    )

    done, refused = split(results)
    assert len(done) == 1 and len(refused) == 1
    assert str(refused[0]) == "already handled by Dr. Andi Direktur at 2026-11-24T02:02:00+00:00"
    assert count(sessions, StepRow, StepRow.case_id == case.id, StepRow.step_no == 2) == 1
    assert audit_results(sessions, case.id, "forward") == {"ok": 1, "refused": 1}
    assert cases.view(case.number).case.version == case.version + 1


@pytest.mark.postgres
def test_double_forward_on_postgres_moves_each_case_once_even_when_both_read_first(pg_services):
    cases, sessions, clock = pg_services
    for round_no in range(5):
        case = cases.open_case(letter(number=f"470/{round_no}/DUKCAPIL"), "tu1")
        clock.arm(2)  # both load the case before either writes; the loser's write finds it changed

        results = run_together(
            forward_from_director(cases, case.number, case.current.id),
            forward_from_director(cases, case.number, case.current.id),
        )

        done, refused = split(results)
        assert len(done) == 1 and len(refused) == 1, f"round {round_no}"
        assert refused[0].params["by"] == "Dr. Andi Direktur"
        assert count(sessions, StepRow, StepRow.case_id == case.id, StepRow.step_no == 2) == 1
        assert audit_results(sessions, case.id, "forward") == {"ok": 1, "refused": 1}
        assert cases.view(case.number).case.version == case.version + 1


# -- a writer holding SQLite's lock ----------------------------------------------------------------


def test_action_waits_out_a_locked_sqlite_file_and_changes_the_case_once(impatient_services, db_url):
    cases, sessions = impatient_services
    case = cases.open_case(letter(), "tu1")
    blocker = sqlite3.connect(Path(make_url(db_url).database), isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # another writer holds the lock
    forward = forward_from_director(cases, case.number, case.current.id)
    results: list = []
    action = threading.Thread(target=lambda: results.append(outcome(forward)))

    action.start()
    action.join(0.3)
    still_waiting = action.is_alive()
    blocker.execute("COMMIT")
    blocker.close()
    action.join(WAIT)

    assert still_waiting, f"the action did not wait for the lock: {results!r}"
    assert len(results) == 1 and isinstance(results[0], Case), results
    assert results[0].current.step_no == 2
    assert count(sessions, StepRow, StepRow.case_id == case.id, StepRow.step_no == 2) == 1
    assert audit_results(sessions, case.id, "forward") == {"ok": 1}
    assert cases.view(case.number).case.version == case.version + 1


# -- registrations racing for a sequence number ----------------------------------------------------


@pytest.mark.postgres
def test_letters_registered_at_once_on_postgres_get_distinct_numbers(pg_services):
    cases, sessions, _ = pg_services
    registrations = [lambda i=i: cases.open_case(letter(number=f"470/{i}/DUKCAPIL"), "tu1") for i in range(6)]

    results = run_together(*registrations)

    assert all(isinstance(r, Case) for r in results), results
    assert sorted(r.number for r in results) == [f"LDK-2026-{i:04d}" for i in range(1, 7)]
    assert count(sessions, CaseRow) == 6
    assert count(sessions, StepRow) == 6


@pytest.mark.postgres
def test_the_same_letter_registered_at_once_on_postgres_makes_one_case(pg_services):
    cases, sessions, _ = pg_services
    cases.open_case(letter(number="1/WARM-UP"), "tu1")  # the SOP row exists: nothing else serialises them
    registrations = [lambda: cases.open_case(letter(), "tu1") for _ in range(4)]

    results = run_together(*registrations)

    assert sum(isinstance(r, Case) for r in results) == 1
    assert sum(isinstance(r, DuplicateLetter) for r in results) == 3, results
    assert count(sessions, CaseRow) == 2
