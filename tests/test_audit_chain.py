"""The audit chain catches every kind of tampering and names it, on SQLite and PostgreSQL."""

import hashlib
import hmac
import subprocess
import sys
import textwrap
import time
from itertools import pairwise
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from tests.conftest import TEST_AUDIT_KEY, build_services
from workflow.db.audit import AuditChain, content_of
from workflow.db.models import AuditHeadRow, AuditRow

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


def verify(sessions, from_head=None):
    with sessions() as s:
        return AuditChain(TEST_AUDIT_KEY).verify(s, from_head)


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
