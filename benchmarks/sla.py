"""SLA clock: the sweep's claim of overdue steps, sending reminders, the daily digest.

Run by hand (not a test), from the repository root:

    python -m benchmarks.sla claim [--postgres] [--open 100000] [--due 1000] [--runs 50]
    python -m benchmarks.sla send [--rate 25] [--reminders 1000] [--chats 200] [--sweep-once]
    python -m benchmarks.sla digest [--postgres] [--steps 1000000] [--runs 3]

claim: 100,000 open steps of which 1,000 are past due (plus 200,000 finished steps of 25,000
closed cases), written with bulk inserts into a migrated SQLite file or, with --postgres, a
throwaway PostgreSQL (tests/pg_server.py). ``SlaSweep.run`` runs once with the driver's
statements recorded; the one that selects the steps to visit (steps joined to cases) is then
executed again ``--runs`` times, with every open step's planned visit set back to its due time
(as before that first run), and timed with its rows fetched (p50, p95). The whole
``SlaSweep.run`` is reported beside it: the first run (1,000 reminders stored, each with its
audit row) and the runs after it (the same 1,000 steps still overdue, nothing new). If
``OutboxService.claim`` exists, it is timed over 100,000 sent and 1,000 pending outbox rows.

send: see benchmarks/sla_send.py. digest: see benchmarks/sla_digest.py.
"""

import argparse
import contextlib
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import Engine, event, text, update

from benchmarks.sla_data import (
    KEY,
    WIB,
    add_closed_cases,
    add_open_cases,
    add_outbox,
    officials,
    prepare,
    utc,
)
from workflow.calendar_config import SHIPPED_CALENDAR, load_calendar
from workflow.db.migrate import upgrade
from workflow.db.models import OfficialRow, OutboxRow, StepRow
from workflow.db.session import make_engine, make_session_factory
from workflow.service.outbox import OutboxService
from workflow.service.sweep import SlaSweep
from workflow.sopfile import load_sops

#: Tuesday 24 November 2026, 10:00 WIB: an ordinary working morning.
NOW = utc(2026, 11, 24, 3, 0)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def summary(values: list[float]) -> str:
    return (
        f"p50 {statistics.median(values) * 1e3:8.2f} ms   p95 {percentile(values, 0.95) * 1e3:8.2f} ms"
        f"   max {max(values) * 1e3:8.2f} ms   ({len(values)} runs)"
    )


@contextlib.contextmanager
def database(postgres: bool, name: str) -> Iterator[str]:
    """A URL of an empty database: a SQLite file in a temporary folder, or a throwaway PostgreSQL."""
    if postgres:
        from tests.pg_server import PostgresServer

        with PostgresServer() as server:
            yield server.create_database(name)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{tmp}/{name}.db"


@contextlib.contextmanager
def recorded(engine: Engine) -> Iterator[list[tuple[str, object]]]:
    """Every statement the engine's driver executes meanwhile, with its parameters."""
    statements: list[tuple[str, object]] = []

    def record(_conn, _cursor, statement, parameters, _context, _executemany):
        statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def time_statement(engine: Engine, statement: str, parameters, runs: int) -> tuple[list[float], int]:
    """Execute one driver statement ``runs`` times, rows fetched, each in a rolled-back transaction."""
    durations, rows = [], 0
    with engine.connect() as connection:
        for _ in range(runs + 3):  # three warm-up runs
            transaction = connection.begin()
            t0 = time.perf_counter()
            result = connection.exec_driver_sql(statement, parameters)
            rows = len(result.fetchall()) if result.returns_rows else result.rowcount
            durations.append(time.perf_counter() - t0)
            transaction.rollback()
    return durations[3:], rows


def replan(engine: Engine) -> None:
    """Every open step to be visited from its due time again, as the repository plans it."""
    with engine.begin() as connection:
        connection.execute(
            update(StepRow).where(StepRow.finished_at.is_(None)).values(next_sla_at=StepRow.due_at)
        )


def plan(engine: Engine, statement: str, parameters) -> str:
    explain = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN ANALYZE "
    with engine.connect() as connection:
        lines = connection.exec_driver_sql(explain + statement, parameters).fetchall()
        connection.rollback()
    return "\n".join("    " + " | ".join(str(c) for c in line) for line in lines)


def claim(args) -> None:
    sop = load_sops()["ldk"]
    holders = officials(200)
    calendar = load_calendar(SHIPPED_CALENDAR, WIB, years=(2026,))
    with database(args.postgres, "sla_claim") as url:
        engine = make_engine(url)
        upgrade(engine)
        sessions = make_session_factory(engine, KEY)
        t0 = time.perf_counter()
        prepare(sessions, sop, len(holders), NOW)
        add_open_cases(engine, sop, holders, args.open, args.due, NOW)
        add_closed_cases(engine, sop, holders, args.closed, NOW - timedelta(days=30), NOW - timedelta(days=1))
        if engine.dialect.name == "postgresql":
            with engine.connect() as connection:
                connection.execute(text("ANALYZE"))
                connection.commit()
        print(
            f"{engine.dialect.name}: {args.open:,} open steps ({args.due:,} past due), "
            f"{args.closed * len(sop.steps):,} finished steps; written in {time.perf_counter() - t0:.1f} s"
        )
        sweep = SlaSweep(sessions, lambda: NOW, calendar)
        with recorded(engine) as statements:
            t0 = time.perf_counter()
            created = sweep.run()
            first = time.perf_counter() - t0
        selected = [
            (s, p) for s, p in statements if s.lstrip().upper().startswith("SELECT") and "JOIN cases" in s
        ]
        if not selected:
            raise SystemExit("no statement joining steps and cases was run by SlaSweep.run")
        statement, parameters = selected[0]
        replan(engine)  # as before the first run: 1,000 steps to visit
        durations, rows = time_statement(engine, statement, parameters, args.runs)
        sweep.run()  # plans each step's next notice again (nothing new is stored)
        print("the claim (SlaSweep._sweep's select of planned steps):\n    " + " ".join(statement.split()))
        print(plan(engine, statement, parameters))
        print(f"claim query, {rows:,} rows:        {summary(durations)}")
        print(f"SlaSweep.run, first:           {first * 1e3:8.0f} ms   ({created:,} notices stored)")
        again = []
        for _ in range(5):
            t0 = time.perf_counter()
            created = sweep.run()
            again.append(time.perf_counter() - t0)
        print(f"SlaSweep.run, again ({created} new): {summary(again)}")
        if hasattr(OutboxService, "claim"):
            outbox_claim(engine, sessions, holders, args.runs)
        engine.dispose()


def outbox_claim(engine: Engine, sessions, holders: list[str], runs: int) -> None:
    """Time ``OutboxService.claim`` over 100,000 sent and 1,000 pending rows in 200 chats."""
    add_outbox(engine, holders, 100_000, 1_000, NOW)
    with engine.begin() as connection:
        for i, key in enumerate(holders):
            connection.execute(
                update(OfficialRow).where(OfficialRow.key == key).values(telegram_id=10_000 + i)
            )
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execute(text("ANALYZE"))
            connection.commit()
    service = OutboxService(sessions, lambda: NOW)
    durations, claimed = [], 0
    for _ in range(runs + 3):
        t0 = time.perf_counter()
        claimed = len(service.claim("bench", 100, timedelta(seconds=30)))
        durations.append(time.perf_counter() - t0)
        with engine.begin() as connection:  # release the lease for the next run
            connection.execute(update(OutboxRow).values(claimed_by=None, claimed_until=None))
    print(f"OutboxService.claim, {claimed} rows: {summary(durations[3:])}")
    with recorded(engine) as statements:  # where one claim spends its time, statement by statement
        service.claim("bench", 100, timedelta(seconds=30))
    with engine.begin() as connection:
        connection.execute(update(OutboxRow).values(claimed_by=None, claimed_until=None))
    for statement, parameters in statements:
        if statement.lstrip().upper().startswith(("SELECT", "UPDATE")):
            timed, _ = time_statement(engine, statement, parameters, 5)
            print(f"    {statistics.median(timed) * 1e3:8.2f} ms  {' '.join(statement.split())[:150]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    c = commands.add_parser("claim", help="the sweep's overdue select over 100,000 open steps")
    c.add_argument("--postgres", action="store_true", help="a throwaway PostgreSQL instead of SQLite")
    c.add_argument("--open", type=int, default=100_000, help="open steps")
    c.add_argument("--due", type=int, default=1_000, help="of which past due")
    c.add_argument("--closed", type=int, default=25_000, help="closed cases (8 finished steps each)")
    c.add_argument("--runs", type=int, default=50)
    s = commands.add_parser("send", help="reminders through the real bot to the Bot API server")
    s.add_argument("--rate", type=int, default=None, help="the bot's global send rate (default: its own)")
    s.add_argument("--reminders", type=int, default=1_000)
    s.add_argument("--chats", type=int, default=200)
    s.add_argument("--sweep-once", action="store_true", help="diagnostic: skip the sweeps after the first")
    d = commands.add_parser("digest", help="DigestService.build over 1,000,000 finished steps")
    d.add_argument("--postgres", action="store_true", help="a throwaway PostgreSQL instead of SQLite")
    d.add_argument("--steps", type=int, default=1_000_000, help="finished steps (8 per case)")
    d.add_argument("--data", type=Path, default=Path(tempfile.gettempdir()) / "disposisi-sla-bench")
    d.add_argument("--runs", type=int, default=3, help="fresh processes, one build each")
    args = parser.parse_args()
    print(f"Python {sys.version.split()[0]}")
    if args.command == "claim":
        claim(args)
    elif args.command == "send":
        from benchmarks.sla_send import send

        send(args)
    else:
        from benchmarks.sla_digest import digest

        digest(args)


if __name__ == "__main__":
    main()
