"""Engines and sessions. Nothing is opened at import; callers build an engine from a URL."""

from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from workflow.db import caselog, rosterstamp
from workflow.db.audit import AuditChain

__all__ = ["make_engine", "make_session_factory"]


def make_engine(url: str, *, busy_timeout_ms: int = 5000, synchronous: str = "NORMAL") -> Engine:
    """An engine for SQLite (WAL, busy timeout, immediate write locks) or PostgreSQL.

    SQLite transactions begin with ``BEGIN IMMEDIATE``: a transaction that reads
    and then writes would otherwise fail with "database is locked" instead of
    waiting, when two writers meet.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": busy_timeout_ms / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def make_session_factory(
    engine: Engine, audit_key: bytes | None = None, previous_keys: Iterable[bytes] = ()
) -> sessionmaker[Session]:
    """Sessions that keep loaded values after commit (the services return them).

    ``audit_key`` signs the audit chain; every session carries the chain in
    ``session.info`` so that each audit append is chained. Without a key the
    sessions can read, but any action that writes an audit row fails.
    ``previous_keys`` are keys rotated out: they only verify the rows they made.
    Every roster write moves the roster's change stamp (``rosterstamp``).
    """
    info = {"audit_chain": AuditChain(audit_key, previous_keys)} if audit_key is not None else {}
    sessions = sessionmaker(engine, expire_on_commit=False, info=info)
    caselog.install(sessions)
    rosterstamp.install(sessions)
    if audit_key is not None:
        chain = info["audit_chain"]
        event.listen(sessions, "after_commit", chain.committed)
        event.listen(sessions, "after_transaction_end", chain.ended)
    return sessions
