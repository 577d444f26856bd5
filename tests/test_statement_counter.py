"""The statement counter (``tests.statements``) counts what it is shown, no more and no less:
the instrument of the statement budget (``benchmarks/statements.py``)."""

from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import OperationalError

from tests.statements import StatementCounter, table_of
from workflow.db.models import OfficialRow
from workflow.db.session import make_engine, make_session_factory


def test_a_transaction_of_two_statements_counts_begin_two_statements_and_commit(db_url):
    engine = make_engine(db_url)  # SQLite: BEGIN IMMEDIATE, a cursor execute of our own
    with StatementCounter(engine) as counter:
        start = counter.position()

        with engine.begin() as conn:
            conn.execute(text("SELECT 1"))
            conn.execute(select(OfficialRow.key))
        counts = counter.since(start)

    assert (counts.transactions, counts.statements, counts.commits, counts.rollbacks) == (1, 2, 1, 0)
    assert counts.sent == 4
    assert counts.by_table() == {"BEGIN": 1, "SELECT": 1, "SELECT officials": 1, "COMMIT": 1}
    assert counts.in_transactions() == [["SELECT", "SELECT officials", "COMMIT"]]
    engine.dispose()


def test_pysqlite_implicit_begin_is_counted_as_a_transaction(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path}/plain.db")  # pysqlite's own BEGIN, no cursor execute
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (x INTEGER)"))
    with StatementCounter(engine) as counter:
        start = counter.position()

        with engine.begin() as conn:
            conn.execute(text("INSERT INTO t VALUES (:x)"), [{"x": 1}, {"x": 2}, {"x": 3}])  # executemany
        counts = counter.since(start)

    assert (counts.transactions, counts.statements, counts.commits) == (1, 1, 1)
    assert counts.by_table() == {"BEGIN": 1, "INSERT t": 1, "COMMIT": 1}
    engine.dispose()


def test_a_failed_session_transaction_counts_its_rollback_and_nothing_after_the_counter_closes(db_url):
    engine = make_engine(db_url)
    sessions = make_session_factory(engine)
    with StatementCounter(engine) as counter:
        start = counter.position()

        try:
            with sessions.begin() as session:
                session.execute(select(OfficialRow.key))
                session.execute(text("SELECT * FROM no_such_table"))  # fails: the session rolls back
        except OperationalError:
            pass
        counts = counter.since(start)
    with engine.begin() as conn:  # after the counter closed
        conn.execute(text("SELECT 1"))

    assert (counts.transactions, counts.statements, counts.commits, counts.rollbacks) == (1, 2, 0, 1)
    assert counter.position() == 4
    engine.dispose()


def test_on_postgresql_begin_commit_and_the_pre_ping_are_counted(postgres_url):
    engine = make_engine(postgres_url)  # pool_pre_ping: a SELECT 1 at each checkout, no cursor event
    engine.connect().close()  # a pooled connection: a fresh one is not pinged
    with StatementCounter(engine) as counter:
        start = counter.position()

        with engine.begin() as conn:
            conn.execute(text("SELECT 1"))
        with engine.begin() as conn:
            conn.execute(text("SELECT 2"))
        counts = counter.since(start)

    assert (counts.transactions, counts.statements, counts.commits) == (2, 2, 2)
    assert counts.pings == 2  # one at each checkout: a round trip that fires no cursor event
    assert counts.sent == 8
    engine.dispose()


def test_table_of_names_the_verb_and_the_first_table():
    assert table_of('SELECT cases.id FROM "cases" WHERE cases.id = ?') == "SELECT cases"
    assert table_of("INSERT INTO audit_log (a) VALUES (?)") == "INSERT audit_log"
    assert table_of("UPDATE outbox SET status = ?") == "UPDATE outbox"
