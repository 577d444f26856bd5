"""Claiming the outbox per chat with a lease, so that several replicas deliver each row once and
each chat's rows in order, on SQLite and PostgreSQL."""

import random
import threading
from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest
from sqlalchemy import select

from tests.conftest import TEST_AUDIT_KEY, Clock
from workflow.db.migrate import upgrade
from workflow.db.models import OfficialRow, OutboxRow
from workflow.db.session import make_engine, make_session_factory
from workflow.service.outbox import LEASE, OutboxService

START = datetime(2026, 11, 24, 2, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def sessions(request):
    """A migrated, empty database: no roster, so no recipient has a Telegram account (none is needed)."""
    if request.param == "sqlite":
        engine = make_engine(request.getfixturevalue("db_url"))
    else:
        engine = make_engine(request.getfixturevalue("postgres_url"))
        upgrade(engine)
    yield make_session_factory(engine, TEST_AUDIT_KEY)
    engine.dispose()


@pytest.fixture
def clock():
    return Clock(START)


def queue(sessions, *recipients: str, **values) -> list[int]:
    """One pending row per recipient named, in that order; their ids."""
    with sessions.begin() as session:
        rows = [
            OutboxRow(
                created_at=START,
                recipient=recipient,
                kind="case_moved",
                dedupe_key=f"test:{random.getrandbits(64)}",
                payload={"case_number": f"LDK-2026-{i:04}"},
                status="pending",
                attempts=0,
                **values,
            )
            for i, recipient in enumerate(recipients, 1)
        ]
        session.add_all(rows)
        session.flush()
        return [row.id for row in rows]


def claims(sessions) -> dict[int, tuple[str | None, datetime | None]]:
    with sessions() as session:
        rows = session.execute(select(OutboxRow.id, OutboxRow.claimed_by, OutboxRow.claimed_until))
        return {row_id: (by, until) for row_id, by, until in rows}


def test_a_claim_takes_whole_chats_and_another_replica_gets_only_the_other_chats(sessions, clock):
    ids = queue(sessions, "dir", "ksd1", "dir", "kasi1", "dir")
    outbox = OutboxService(sessions, clock)

    first = outbox.claim("a", limit=2)
    second = outbox.claim("b", limit=10)

    assert [(i.id, i.recipient) for i in first] == [(ids[0], "dir"), (ids[1], "ksd1")]
    assert [(i.id, i.recipient) for i in second] == [(ids[3], "kasi1")]  # dir's 3rd and 5th wait for a
    assert outbox.claim("c") == []
    assert claims(sessions)[ids[0]] == ("a", START + LEASE)
    assert claims(sessions)[ids[2]] == (None, None)


def test_a_chat_is_free_for_any_replica_once_its_claimed_rows_are_marked(sessions, clock):
    ids = queue(sessions, "dir", "dir", "dir")
    outbox = OutboxService(sessions, clock)
    (first,) = outbox.claim("a", limit=1)
    assert outbox.claim("b") == []  # dir's first row is a's: the rows behind it wait

    outbox.sent(first, 1001, 1)

    assert claims(sessions)[ids[0]] == (None, None)
    assert [i.id for i in outbox.claim("b")] == ids[1:]


def test_release_frees_what_a_pass_did_not_get_to_and_marking_ends_each_claim(sessions, clock):
    ids = queue(sessions, "dir", "dir", "ksd1")
    outbox = OutboxService(sessions, clock)
    claimed = outbox.claim("a")
    dir1, _, ksd1 = claimed
    outbox.retry(dir1, START + timedelta(seconds=30), "429")
    outbox.fail(ksd1, "bad request")

    outbox.release("a", claimed)

    assert set(claims(sessions).values()) == {(None, None)}
    assert outbox.claim("b") == []  # dir's first row waits for its retry and holds back the second
    clock.advance(seconds=30)
    assert [i.id for i in outbox.claim("b")] == ids[:2]


def test_a_row_waiting_for_its_retry_holds_back_the_later_rows_of_its_chat_only(sessions, clock):
    waiting = queue(sessions, "dir", next_attempt_at=START + timedelta(minutes=1))
    later = queue(sessions, "dir", "ksd1")
    outbox = OutboxService(sessions, clock)

    claimed = outbox.claim("a")
    assert [i.id for i in claimed] == [later[1]]
    outbox.release("a", claimed)
    clock.advance(minutes=1)
    assert [i.id for i in outbox.claim("a")] == [*waiting, *later]


def test_a_retry_due_again_mid_pass_goes_to_another_replica_before_the_rows_still_claimed(sessions, clock):
    ids = queue(sessions, "dir", "dir")
    outbox = OutboxService(sessions, clock)
    claimed = outbox.claim("a")
    first = claimed[0]
    outbox.retry(first, START + timedelta(seconds=1), "429")  # a holds dir back for the rest of its pass
    clock.advance(seconds=1)

    assert [i.id for i in outbox.claim("b")] == ids[:1]  # the second row is still a's: it waits
    outbox.release("a", claimed)
    assert outbox.claim("c") == []  # until b has sent the first
    assert claims(sessions)[ids[1]] == (None, None)


def test_a_chat_claimed_by_a_replica_that_crashed_is_taken_over_when_its_lease_expires(sessions, clock):
    ids = queue(sessions, "dir", "dir")
    outbox = OutboxService(sessions, clock)
    assert len(outbox.claim("crashed")) == 2  # and then it died: no mark, no release

    clock.advance(seconds=LEASE.total_seconds() - 1)
    assert outbox.claim("b") == []
    clock.advance(seconds=1)
    taken = outbox.claim("b")

    assert [i.id for i in taken] == ids
    assert {claims(sessions)[i] for i in ids} == {("b", clock() + LEASE)}


def test_a_slow_replica_releasing_late_leaves_the_claim_of_the_replica_that_took_over(sessions, clock):
    ids = queue(sessions, "dir")
    outbox = OutboxService(sessions, clock)
    slow = outbox.claim("slow")
    clock.advance(seconds=LEASE.total_seconds())
    outbox.claim("b")

    outbox.release("slow", slow)

    assert claims(sessions)[ids[0]] == ("b", clock() + LEASE)


def test_a_sent_row_is_never_claimed_again(sessions, clock):
    queue(sessions, "dir")
    outbox = OutboxService(sessions, clock)
    (item,) = outbox.claim("a")
    outbox.sent(item, 1001, 7)
    clock.advance(minutes=5)

    assert outbox.claim("a") == outbox.claim("b") == []


def test_replicas_claiming_at_once_deliver_every_row_once_and_each_chat_in_order(sessions):
    recipients = [f"official{n}" for n in range(12)]
    rng = random.Random(7)
    ids = queue(sessions, *(rng.choice(recipients) for _ in range(150)))
    delivered: list[tuple[str, str, int]] = []  # (replica, recipient, row id) in the order "sent"
    record = threading.Lock()
    barrier = threading.Barrier(3)
    errors: list[BaseException] = []

    def replica(name: str) -> None:
        outbox = OutboxService(sessions)
        passes = random.Random(name)
        try:
            barrier.wait(10)
            idle = 0
            while idle < 3:
                items = outbox.claim(name, limit=passes.randint(1, 8))
                idle = 0 if items else idle + 1
                # a pass may stop early (a chat not ready yet): the rest must wait for release
                for item in items[: passes.randint(1, len(items))] if items else []:
                    with record:
                        delivered.append((name, item.recipient, item.id))
                    outbox.sent(item, 1, item.id)
                outbox.release(name, items)
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=replica, args=(f"replica{n}",)) for n in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)

    assert errors == []
    assert sorted(row_id for _, _, row_id in delivered) == ids  # each row once, none lost
    for recipient in recipients:
        order = [row_id for _, who, row_id in delivered if who == recipient]
        assert all(a < b for a, b in pairwise(order)), recipient
    assert len({name for name, _, _ in delivered}) > 1  # the work was in fact shared
    with sessions() as session:
        pending = session.scalar(select(OutboxRow.id).where(OutboxRow.status == "pending"))
        claimed = session.scalar(select(OutboxRow.id).where(OutboxRow.claimed_by.is_not(None)))
    assert pending is None and claimed is None


def test_marking_an_official_unreachable_ends_the_claim_too(sessions, clock):
    ids = queue(sessions, "dir")
    with sessions.begin() as session:  # unreachable() marks the official's row
        session.add(OfficialRow(key="dir", name="Andi", role="direktur", created_at=START, updated_at=START))
    outbox = OutboxService(sessions, clock)
    (item,) = outbox.claim("a")

    outbox.unreachable(item, "Forbidden: bot was blocked by the user", superiors=[])

    assert claims(sessions)[ids[0]] == (None, None)
    with sessions() as session:
        assert session.scalar(select(OutboxRow.status).where(OutboxRow.id == ids[0])) == "failed"


def test_a_shorter_lease_is_taken_over_sooner(sessions, clock):
    ids = queue(sessions, "dir")
    outbox = OutboxService(sessions, clock)

    outbox.claim("a", lease=timedelta(seconds=5))
    clock.advance(seconds=5)

    assert [i.id for i in outbox.claim("b")] == ids
