"""Counting what the process sends to the database: the instrument of the statement budget.

``StatementCounter`` listens on SQLAlchemy's engine events (every engine in the process by default,
or one engine) and records, in order:

- ``begin``: a transaction started (the ``begin`` connection event). On PostgreSQL psycopg sends
  the ``BEGIN`` itself and on SQLite pysqlite's implicit ``BEGIN`` is no cursor execute either, so
  transactions are counted here and never from the SQL text. The project's own ``BEGIN IMMEDIATE``
  on SQLite (``workflow.db.session``) is a cursor execute issued from this event: it is not counted
  again as a statement.
- ``commit`` / ``rollback``: the connection events of the same names.
- ``statement``: every other ``before_cursor_execute`` (an ``executemany`` counts once: one call).
- ``ping``: the pool's pre-ping on checkout (``pool_pre_ping``, on for PostgreSQL), a round trip
  that fires no cursor event: counted by wrapping the dialect's ``_do_ping_w_event``.

``Counts.sent`` is what the budget counts: statements, plus one BEGIN per transaction, plus COMMIT
and ROLLBACK, plus pings. It lives in ``tests/`` so that the benchmark (``benchmarks/statements.py``,
which runs from the repository root) and a future budget test import the same instrument, and
``tests/test_statement_counter.py`` checks it against statements it knows.
"""

import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import Engine, event
from sqlalchemy.engine.default import DefaultDialect

__all__ = ["Counts", "StatementCounter", "table_of"]

_BEGIN = re.compile(r"\s*BEGIN\b", re.IGNORECASE)
_SUBQUERY = re.compile(r"\((?:[^()])*\)")  # an innermost parenthesised group
_TABLE = re.compile(r"\b(?:FROM|INTO|UPDATE|JOIN)\s+\"?(\w+)\"?", re.IGNORECASE)


def table_of(sql: str) -> str:
    """``VERB table`` for a statement (its first table outside subqueries), e.g. ``SELECT cases``."""
    verb = sql.split(None, 1)[0].upper() if sql.strip() else "?"
    outer = sql
    while (inner := _SUBQUERY.sub("", outer)) != outer:
        outer = inner
    found = _TABLE.search(outer)
    return f"{verb} {found.group(1)}" if found else verb


@dataclass(frozen=True)
class Counts:
    """What was sent in a window: the recorded events, oldest first, as ``(kind, sql, thread)``."""

    events: tuple[tuple[str, str, int], ...] = field(default_factory=tuple)

    def _count(self, kind: str) -> int:
        return sum(1 for k, _, _ in self.events if k == kind)

    @property
    def transactions(self) -> int:
        return self._count("begin")

    @property
    def commits(self) -> int:
        return self._count("commit")

    @property
    def rollbacks(self) -> int:
        return self._count("rollback")

    @property
    def statements(self) -> int:
        """SQL statements sent by cursor (BEGIN, COMMIT, ROLLBACK and pings not included)."""
        return self._count("statement")

    @property
    def pings(self) -> int:
        return self._count("ping")

    @property
    def sent(self) -> int:
        """Everything sent: statements, BEGIN, COMMIT, ROLLBACK and pings."""
        return len(self.events)

    def by_table(self) -> Counter[str]:
        """Statements grouped as ``VERB table``; BEGIN, COMMIT, ROLLBACK and pings under their name."""
        return Counter(table_of(sql) if kind == "statement" else kind.upper() for kind, sql, _ in self.events)

    def in_transactions(self) -> list[list[str]]:
        """Each transaction's statements (``VERB table``), in the order the transactions began; the
        events of each thread are followed apart, so transactions run side by side do not mix.
        A ping goes with the transaction its thread begins next; a statement outside a transaction
        (and a ping followed by none) is a list of its own."""
        done: list[list[str]] = []
        open_: dict[int, list[str]] = {}
        pinged: dict[int, list[str]] = {}  # a ping comes at checkout, before its transaction begins
        for kind, sql, thread in self.events:
            if kind == "ping":
                pinged.setdefault(thread, []).append("PING")
            elif kind == "begin":
                open_[thread] = pinged.pop(thread, [])
                done.append(open_[thread])
            elif kind in ("commit", "rollback"):
                open_.pop(thread, [kind]).append(kind.upper())
            elif thread in open_:
                open_[thread].append(table_of(sql))
            else:
                done.append([table_of(sql)])
        return done + [pings for pings in pinged.values() if pings]


class StatementCounter:
    """A context manager recording what is sent to the database while it is open (thread-safe: the
    bot runs its service calls in worker threads)."""

    def __init__(self, target: Engine | type[Engine] = Engine) -> None:
        self._target = target
        self._lock = threading.Lock()
        self._events: list[tuple[str, str]] = []
        self._last = time.monotonic()
        self._in_begin = threading.local()
        self._original_ping = None

    # Recording ---------------------------------------------------------------------------------

    def _add(self, kind: str, sql: str = "") -> None:
        with self._lock:
            self._events.append((kind, sql, threading.get_ident()))
            self._last = time.monotonic()

    def _on_begin(self, conn) -> None:
        self._add("begin")

    def _on_commit(self, conn) -> None:
        self._add("commit")

    def _on_rollback(self, conn) -> None:
        self._add("rollback")

    def _on_execute(self, conn, cursor, statement, parameters, context, executemany) -> None:
        if _BEGIN.match(statement):  # SQLite's BEGIN IMMEDIATE: already counted by the begin event
            return
        self._add("statement", " ".join(statement.split()))

    _LISTENERS = (
        ("begin", "_on_begin"),
        ("commit", "_on_commit"),
        ("rollback", "_on_rollback"),
        ("before_cursor_execute", "_on_execute"),
    )

    def __enter__(self) -> "StatementCounter":
        for name, method in self._LISTENERS:
            event.listen(self._target, name, getattr(self, method))
        # Every dialect pings through this one method (psycopg's overrides only ``do_ping`` below it).
        original = self._original_ping = DefaultDialect._do_ping_w_event
        counter = self

        def ping(dialect, dbapi_connection):
            counter._add("ping", "SELECT 1 (pre-ping)")
            return original(dialect, dbapi_connection)

        DefaultDialect._do_ping_w_event = ping
        return self

    def __exit__(self, *exc: object) -> None:
        for name, method in self._LISTENERS:
            event.remove(self._target, name, getattr(self, method))
        DefaultDialect._do_ping_w_event = self._original_ping

    # Reading -----------------------------------------------------------------------------------

    def position(self) -> int:
        """How many events so far: a mark to count from (``since``)."""
        with self._lock:
            return len(self._events)

    def since(self, start: int, end: int | None = None) -> Counts:
        """The events between two marks (to now when ``end`` is None)."""
        with self._lock:
            return Counts(tuple(self._events[start:end]))

    def idle_for(self) -> float:
        """Seconds since the last event."""
        with self._lock:
            return time.monotonic() - self._last
