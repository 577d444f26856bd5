"""The audit chain catches every kind of tampering and names it, on SQLite and PostgreSQL."""

import hashlib
import hmac
import sqlite3
import subprocess
import sys
import textwrap
import time
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from tests.conftest import HERE, TEST_AUDIT_KEY, build_services
from workflow.db.audit import GENESIS, AuditChain, PublishedHead, content_of, key_id
from workflow.db.migrate import upgrade
from workflow.db.models import AuditHeadRow, AuditRow
from workflow.db.repository import add_audit
from workflow.db.session import make_engine, make_session_factory
from workflow.service.keyrotation import record_rotation
from workflow.service.uow import run_in_transaction

ROOT = Path(__file__).parent.parent


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def chain_db(request, sops, roster, clock):
    """A database whose chain holds the roster import (11 rows) and a few case actions."""
    if request.param == "sqlite":
        url = request.getfixturevalue("db_url")
        cases, sessions, engine = build_services(url, sops, roster, clock)
    else:
        url = request.getfixturevalue("postgres_url")
        cases, sessions, engine = build_services(url, sops, roster, clock, migrate=True)
    from tests.conftest import letter

    for n in range(3):
        cases.open_case(letter(number=f"470/{n}"), "tu1")
    yield sessions
    engine.dispose()


NEW_KEY = b"the-key-after-rotation-0123456789abcdef"


def verify(sessions, from_head=None, published=None, key=TEST_AUDIT_KEY, previous=()):
    with sessions() as s:
        return AuditChain(key, previous).verify(s, from_head, published)


def probe(sessions, n=1) -> None:
    """Append ``n`` rows with the sessions' own chain, as any action would."""
    at = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)
    for i in range(n):
        run_in_transaction(
            sessions,
            lambda s, i=i: add_audit(s, at=at, actor="probe", action="probe", result="ok", detail={"n": i}),
        )


def rewind_head(sessions, seq) -> None:
    """What an insider with a head record saved earlier (or none, at row 0) can put back."""
    if seq == 0:
        execute(sessions, "UPDATE audit_head SET seq = 0, mac = :mac, head_mac = NULL", mac=GENESIS)
        return
    mac = mac_of(sessions, seq)
    saved = hmac.new(TEST_AUDIT_KEY, f"head\n{seq}\n{mac}".encode(), hashlib.sha256).hexdigest()
    execute(
        sessions, "UPDATE audit_head SET seq = :seq, mac = :mac, head_mac = :hm", seq=seq, mac=mac, hm=saved
    )


def execute(sessions, sql, **params):
    with sessions.begin() as s:
        s.execute(text(sql), params)


def mac_of(sessions, seq) -> str:
    with sessions() as s:
        return s.scalar(select(AuditRow.mac).where(AuditRow.seq == seq))


def last_seq(sessions) -> int:
    with sessions() as s:
        return s.scalar(select(func.max(AuditRow.seq)))


def test_an_untouched_chain_verifies(chain_db):
    result = verify(chain_db)

    assert result.ok
    assert result.rows == last_seq(chain_db) == 14


def test_an_edited_field_is_named(chain_db):
    execute(chain_db, "UPDATE audit SET actor = 'someone_else' WHERE seq = 5")

    first = verify(chain_db).problems[0]

    assert (first.seq, first.kind) == (5, "edited")
    assert first.message == "row 5 was edited: its content does not match its MAC"


def test_a_deleted_middle_row_is_named(chain_db):
    execute(chain_db, "DELETE FROM audit WHERE seq = 7")

    first = verify(chain_db).problems[0]

    assert (first.seq, first.kind, first.message) == (7, "deleted", "row 7 is missing: deleted")


def test_an_inserted_row_is_named(chain_db):
    execute(chain_db, "UPDATE audit SET seq = seq + 1000 WHERE seq >= 5")
    execute(chain_db, "UPDATE audit SET seq = seq - 999 WHERE seq >= 1000")
    execute(
        chain_db,
        "INSERT INTO audit (seq, prev_mac, mac, at, actor, action, result, message, detail) "
        "VALUES (5, :prev, :mac, '2026-11-24 02:00:00', 'intruder', 'sign', 'ok', '', '{}')",
        prev=mac_of(chain_db, 4),
        mac="f" * 64,
    )

    first = verify(chain_db).problems[0]

    assert (first.seq, first.kind) == (5, "inserted")
    assert "row 5 was inserted" in first.message


def test_an_appended_row_is_named_against_the_head(chain_db):
    top = last_seq(chain_db)
    execute(
        chain_db,
        "INSERT INTO audit (seq, prev_mac, mac, at, actor, action, result, message, detail) "
        "VALUES (:seq, :prev, :mac, '2026-11-24 02:00:00', 'intruder', 'sign', 'ok', '', '{}')",
        seq=top + 1,
        prev=mac_of(chain_db, top),
        mac="e" * 64,
    )

    first = verify(chain_db).problems[0]

    assert (first.seq, first.kind) == (top + 1, "inserted")


def test_a_truncated_tail_is_caught(chain_db):
    top = last_seq(chain_db)
    execute(chain_db, "DELETE FROM audit WHERE seq > :keep", keep=top - 2)

    first = verify(chain_db).problems[0]

    assert (first.seq, first.kind) == (top - 1, "truncated")
    assert first.message == f"rows {top - 1}–{top} are missing at the end: deleted"


def test_a_truncated_tail_with_an_old_head_restored_is_caught_only_by_the_published_head(chain_db):
    top = last_seq(chain_db)
    with chain_db() as s:
        published = s.get(AuditHeadRow, 1).mac
    with chain_db() as s:  # what an insider saved when the chain had two rows fewer
        old = s.scalars(select(AuditRow).where(AuditRow.seq == top - 2)).one()
        old_head = (
            old.seq,
            old.mac,
            hmac.new(TEST_AUDIT_KEY, f"head\n{old.seq}\n{old.mac}".encode(), hashlib.sha256).hexdigest(),
        )
    execute(chain_db, "DELETE FROM audit WHERE seq > :keep", keep=top - 2)
    execute(
        chain_db,
        "UPDATE audit_head SET seq = :seq, mac = :mac, head_mac = :hm",
        seq=old_head[0],
        mac=old_head[1],
        hm=old_head[2],
    )

    without = verify(chain_db)
    against_published = verify(chain_db, from_head=published)

    assert without.ok  # the stated limit: the database alone cannot tell
    assert [p.kind for p in against_published.problems] == ["truncated"]
    assert "is not in the chain" in against_published.problems[0].message


def test_swapped_rows_are_named(chain_db):
    execute(chain_db, "UPDATE audit SET seq = 1000 WHERE seq = 4")
    execute(chain_db, "UPDATE audit SET seq = 4 WHERE seq = 5")
    execute(chain_db, "UPDATE audit SET seq = 5 WHERE seq = 1000")

    first = verify(chain_db).problems[0]

    assert (first.seq, first.kind) == (4, "reordered")
    assert first.message == "row 4 is out of order: it belongs after row 5 (rows were swapped or moved)"


def test_a_mac_recomputed_without_the_key_is_caught(chain_db):
    with chain_db() as s:
        row = s.scalars(select(AuditRow).where(AuditRow.seq == 6)).one()
        row.actor = "forger"
        forged = hmac.new(
            b"a guessed key, not the real one", f"{row.prev_mac}\n{content_of(row)}".encode(), hashlib.sha256
        ).hexdigest()
    execute(chain_db, "UPDATE audit SET actor = 'forger', mac = :mac WHERE seq = 6", mac=forged)

    first = verify(chain_db).problems[0]

    assert (first.seq, first.kind) == (6, "edited")


def test_an_altered_head_record_is_named(chain_db):
    execute(chain_db, "UPDATE audit_head SET seq = seq + 5")

    problems = verify(chain_db).problems

    assert [p.kind for p in problems] == ["head"]


def test_the_wrong_key_is_named_as_such(chain_db):
    with chain_db() as s:
        result = AuditChain(b"not the key this chain was written with").verify(s)

    assert result.problems[0].kind == "key"


def test_a_head_that_is_not_shaped_like_a_head_is_refused_as_input_not_reported_as_tampering(chain_db):
    with pytest.raises(ValueError, match="64 lowercase hex digits"):
        verify(chain_db, from_head="not-a-head")


# -- the first row and the genesis head -----------------------------------------------------------


def test_an_edited_first_row_is_named(chain_db):
    execute(chain_db, "UPDATE audit SET actor = 'someone_else' WHERE seq = 1")

    first = verify(chain_db).problems[0]

    assert (first.seq, first.kind) == (1, "edited")


def test_a_deleted_first_row_with_the_rest_renumbered_is_caught(chain_db):
    top = last_seq(chain_db)
    execute(chain_db, "DELETE FROM audit WHERE seq = 1")
    execute(chain_db, "UPDATE audit SET seq = seq + 1000")
    execute(chain_db, "UPDATE audit SET seq = seq - 1001")
    execute(chain_db, "UPDATE audit_head SET seq = :seq", seq=top - 1)

    first = verify(chain_db).problems[0]

    assert (first.seq, first.kind) == (1, "deleted")
    assert first.message == "the row before row 1 was deleted"


def test_every_row_deleted_and_the_head_rewound_to_row_0_is_reported(chain_db):
    execute(chain_db, "DELETE FROM audit")
    rewind_head(chain_db, 0)

    result = verify(chain_db)

    assert [(p.seq, p.kind) for p in result.problems] == [(0, "genesis")]
    assert result.problems[0].message == (
        "the chain head is row 0 without a MAC: nothing was ever recorded, "
        "or every row was deleted and the head reset"
    )


def test_the_first_row_deleted_and_the_head_rewound_to_row_0_is_reported(chain_db):
    execute(chain_db, "DELETE FROM audit WHERE seq = 1")
    rewind_head(chain_db, 0)

    problems = verify(chain_db).problems

    assert (problems[0].seq, problems[0].kind) == (1, "deleted")
    assert "genesis" in [p.kind for p in problems]
    assert "inserted" not in [p.kind for p in problems]  # the rows are not blamed for the head's reset


def test_a_database_where_nothing_was_recorded_does_not_verify(db_url):
    engine = make_engine(db_url)

    with make_session_factory(engine, TEST_AUDIT_KEY)() as s:
        result = AuditChain(TEST_AUDIT_KEY).verify(s)
    engine.dispose()

    assert [p.kind for p in result.problems] == ["genesis"]


# -- a head published outside the database --------------------------------------------------------

PUBLISHED_AT = datetime(2026, 11, 24, 2, 30, tzinfo=UTC)


def published_now(sessions) -> PublishedHead:
    with sessions() as s:
        seq, mac = AuditChain(TEST_AUDIT_KEY).head(s)
    return PublishedHead(PUBLISHED_AT, seq, mac)


def test_a_published_head_still_in_the_chain_verifies(chain_db):
    published = published_now(chain_db)
    probe(chain_db, 2)

    assert verify(chain_db, published=published).ok


def test_a_chain_cut_short_since_the_head_was_published_is_named(chain_db):
    published = published_now(chain_db)
    execute(chain_db, "DELETE FROM audit WHERE seq > :keep", keep=published.seq - 2)
    rewind_head(chain_db, published.seq - 2)

    problems = verify(chain_db, published=published).problems

    assert verify(chain_db).ok  # the database alone cannot tell
    assert [(p.seq, p.kind) for p in problems] == [(published.seq, "truncated")]
    assert problems[0].message == (
        "the chain was cut short or rewritten since the head published at 2026-11-24 02:30:00 UTC "
        f"(row {published.seq})"
    )


def test_a_chain_cut_short_and_grown_again_past_the_published_row_is_named(chain_db):
    published = published_now(chain_db)
    execute(chain_db, "DELETE FROM audit WHERE seq > :keep", keep=published.seq - 2)
    rewind_head(chain_db, published.seq - 2)
    probe(chain_db, 5)  # the application goes on writing: the row number is reached again

    problems = verify(chain_db, published=published).problems

    assert [(p.seq, p.kind) for p in problems] == [(published.seq, "truncated")]


# -- keys: each row names the key that made it ------------------------------------------------------


def test_each_new_row_names_the_key_that_made_it_without_revealing_it(chain_db):
    with chain_db() as s:
        ids = set(s.scalars(select(AuditRow.key_id)))

    assert ids == {key_id(TEST_AUDIT_KEY)}
    assert len(key_id(TEST_AUDIT_KEY)) == 16
    assert key_id(TEST_AUDIT_KEY) not in TEST_AUDIT_KEY.hex() + TEST_AUDIT_KEY.decode()


@pytest.mark.parametrize("forged", [None, "0123456789abcdef"])
def test_the_key_id_is_covered_by_the_mac(chain_db, forged):
    execute(chain_db, "UPDATE audit SET key_id = :kid WHERE seq = 5", kid=forged)

    problems = verify(chain_db).problems

    assert (problems[0].seq, problems[0].kind) == (5, "edited" if forged is None else "key")


def rotate(sessions) -> tuple:
    """Rotate from the test key to NEW_KEY; the sessions that the restarted bot would open."""
    ids = record_rotation(sessions, NEW_KEY, "cli:test", datetime(2026, 11, 24, 3, 0, tzinfo=UTC))
    return ids, make_session_factory(sessions.kw["bind"], NEW_KEY, [TEST_AUDIT_KEY])


def test_verification_holds_across_a_key_rotation(chain_db):
    top = last_seq(chain_db)

    (old_id, new_id), after = rotate(chain_db)
    right_after = verify(after, key=NEW_KEY, previous=[TEST_AUDIT_KEY])  # the head is the old key's
    probe(after, 3)

    with after() as s:
        rows = s.execute(select(AuditRow.action, AuditRow.key_id, AuditRow.detail).where(AuditRow.seq > top))
        rows = rows.all()
    assert right_after.ok, right_after.problems
    assert verify(after, key=NEW_KEY, previous=[TEST_AUDIT_KEY]).ok
    assert rows[0] == ("audit_key_rotated", old_id, {"from_key": old_id, "to_key": new_id})
    assert [kid for _, kid, _ in rows[1:]] == [new_id] * 3


def test_a_dropped_previous_key_is_named_at_its_first_row_not_taken_for_an_edit(chain_db):
    (old_id, _), after = rotate(chain_db)
    probe(after, 3)

    problems = verify(after, key=NEW_KEY).problems

    assert [(p.seq, p.kind) for p in problems] == [(1, "key")]
    assert problems[0].message.startswith(f"row 1 was made with the audit key {old_id}, which is neither")
    assert problems[0].message.endswith("add that key to AUDIT_PREVIOUS_KEYS")


def test_an_edit_among_the_old_keys_rows_is_still_caught_after_a_rotation(chain_db):
    _, after = rotate(chain_db)
    probe(after)
    execute(after, "UPDATE audit SET actor = 'someone_else' WHERE seq = 4")

    first = verify(after, key=NEW_KEY, previous=[TEST_AUDIT_KEY]).problems[0]

    assert (first.seq, first.kind) == (4, "edited")


@pytest.fixture
def legacy_db(tmp_path):
    """A database written before rows named their key (main at schema 0003), upgraded."""
    path = tmp_path / "legacy.db"
    with sqlite3.connect(path) as connection:
        connection.executescript((HERE / "data" / "main-0003.sql").read_text())
    connection.close()
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    yield make_session_factory(engine, TEST_AUDIT_KEY)
    engine.dispose()


def test_rows_written_before_key_ids_verify_with_the_key_in_use_then(legacy_db):
    before = last_seq(legacy_db)
    probe(legacy_db, 2)

    with legacy_db() as s:
        kids = s.scalars(select(AuditRow.key_id).order_by(AuditRow.seq)).all()
    assert before > 50
    assert kids == [None] * before + [key_id(TEST_AUDIT_KEY)] * 2
    assert verify(legacy_db).ok


def test_rows_without_a_key_id_verify_under_a_previous_key_after_a_rotation(legacy_db):
    _, after = rotate(legacy_db)
    probe(after)

    kept = verify(after, key=NEW_KEY, previous=[TEST_AUDIT_KEY])
    dropped = verify(after, key=NEW_KEY)

    assert kept.ok, kept.problems
    assert [(p.seq, p.kind) for p in dropped.problems] == [(1, "key")]
    assert f"the audit key {key_id(TEST_AUDIT_KEY)}" in dropped.problems[0].message


def test_a_key_changed_by_hand_at_the_upgrade_is_named_not_taken_for_edits(legacy_db):
    by_hand = make_session_factory(legacy_db.kw["bind"], NEW_KEY)  # AUDIT_KEY replaced, no rotation
    probe(by_hand)

    problems = verify(by_hand, key=NEW_KEY).problems

    assert [(p.seq, p.kind) for p in problems] == [(1, "key")]
    assert problems[0].message.startswith("none of the ")
    assert "add the key in use before the upgrade to AUDIT_PREVIOUS_KEYS" in problems[0].message


def test_an_edited_row_without_a_key_id_is_named(legacy_db):
    probe(legacy_db)
    execute(legacy_db, "UPDATE audit SET actor = 'someone_else' WHERE seq = 3")

    first = verify(legacy_db).problems[0]

    assert (first.seq, first.kind) == (3, "edited")


# -- concurrency ----------------------------------------------------------------------------------

APPENDER = textwrap.dedent("""
    import os
    import sys
    import time
    from datetime import UTC, datetime
    sys.path.insert(0, {root!r})
    from workflow.db.models import AuditRow
    from workflow.db.session import make_engine, make_session_factory
    from workflow.db.repository import add_audit
    from workflow.service.uow import run_in_transaction

    engine = make_engine(sys.argv[1])
    sessions = make_session_factory(engine, {key!r})
    open(sys.argv[4], "w").close()  # ready; start together, so that the two really interleave
    while not os.path.exists(sys.argv[5]):
        time.sleep(0.01)
    for n in range(int(sys.argv[2])):
        run_in_transaction(sessions, lambda s: add_audit(
            s, at=datetime.now(UTC), actor=sys.argv[3], action="probe", result="ok", detail={{"n": n}}))
""")


@pytest.mark.postgres
def test_two_processes_appending_at_once_leave_one_unforked_chain(
    postgres_url, sops, roster, clock, tmp_path
):
    _, sessions, engine = build_services(postgres_url, sops, roster, clock, migrate=True)
    script = APPENDER.format(root=str(ROOT), key=TEST_AUDIT_KEY)
    before = last_seq(sessions)
    ready, go = [tmp_path / "ready1", tmp_path / "ready2"], tmp_path / "go"

    procs = [
        subprocess.Popen(
            [sys.executable, "-c", script, postgres_url, "300", f"writer{i}", str(ready[i - 1]), str(go)]
        )
        for i in (1, 2)
    ]
    deadline = time.monotonic() + 60
    while not all(r.exists() for r in ready) and time.monotonic() < deadline:
        time.sleep(0.01)
    go.touch()
    codes = [p.wait(timeout=120) for p in procs]

    result = verify(sessions)
    with sessions() as s:
        seqs = s.scalars(select(AuditRow.seq).order_by(AuditRow.seq)).all()
        writers = s.scalars(
            select(AuditRow.actor).where(AuditRow.action == "probe").order_by(AuditRow.seq)
        ).all()
    engine.dispose()
    assert codes == [0, 0]
    assert result.ok, result.problems[:3]
    assert seqs == list(range(1, before + 601))
    assert set(writers) == {"writer1", "writer2"}
    assert sum(a != b for a, b in pairwise(writers)) > 1  # they really interleaved


def test_rows_appended_after_a_rollback_and_by_another_process_still_chain(chain_db, tmp_path):
    """The head each process keeps (``AuditChain``) is only what its commits left: a rolled back
    append is forgotten, and another process's appends are found and chained after."""
    at = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)

    class Boom(Exception):
        pass

    def append_then_fail(session):
        add_audit(session, at=at, actor="probe", action="probe", result="ok")
        raise Boom

    probe(chain_db)  # this process's chain now knows the head
    with pytest.raises(Boom):
        run_in_transaction(chain_db, append_then_fail)
    probe(chain_db)
    other = make_session_factory(chain_db.kw["bind"], TEST_AUDIT_KEY)  # another process's chain
    run_in_transaction(other, lambda s: add_audit(s, at=at, actor="other", action="probe", result="ok"))
    probe(chain_db, 2)

    result = verify(chain_db)
    assert result.problems == [] and result.head_seq == last_seq(chain_db)
