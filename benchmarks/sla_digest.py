"""The daily digest over a month of 1,000,000 finished steps: wall time and peak memory.

    python -m benchmarks.sla digest [--postgres] [--steps 1000000] [--runs 3] [--data DIR]

The data set: 125,000 closed cases of the shipped SOP, each through its 8 steps (so 1,000,000
finished steps with ``working_seconds``), opened between 1 and 27 November 2026 (WIB); about one
in 2,000 without its data access confirmed revoked; 2,000 open cases, 50 of their steps past due.
Bulk inserts into a migrated SQLite file kept in ``--data`` (built once, migrated to head again
before every run) or, with --postgres, a throwaway PostgreSQL (built each time, then ANALYZEd).

Each run is a fresh process that opens the database and calls
``DigestService(sessions, calendar, tz, sops, clock).build(30 November 2026)``, a Monday at 07:30
WIB: the previous working day is Friday to Sunday and the month to date holds every row. It prints
the wall time of ``build`` (and the CPU time of the process meanwhile: all of it on SQLite, the
client's share on PostgreSQL), the process's peak RSS before and after it, and the slowest of the
statements ``build`` executed (time to execute, rows fetched after).
"""

import json
import resource
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import text

from benchmarks.sla_data import (
    KEY,
    WIB,
    add_closed_cases,
    add_open_cases,
    officials,
    prepare,
    utc,
)
from workflow.calendar_config import SHIPPED_CALENDAR, load_calendar
from workflow.db.migrate import upgrade
from workflow.db.session import make_engine, make_session_factory
from workflow.sopfile import load_sops

__all__ = ["digest"]

DAY = date(2026, 11, 30)
NOW = utc(2026, 11, 30, 0, 30)  # 07:30 WIB
FIRST, LAST = utc(2026, 10, 31, 17, 0), utc(2026, 11, 27, 5, 0)  # 1 Nov 00:00 to 27 Nov 12:00 WIB


def populate(url: str, steps: int) -> None:
    """Write the data set into the empty database at ``url``."""
    sop = load_sops()["ldk"]
    holders = officials(200)
    engine = make_engine(url)
    upgrade(engine)
    t0 = time.perf_counter()
    prepare(make_session_factory(engine, KEY), sop, len(holders), FIRST)
    written = add_closed_cases(engine, sop, holders, steps // len(sop.steps), FIRST, LAST)
    add_open_cases(engine, sop, holders, 2_000, 50, NOW)
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execute(text("ANALYZE"))
            connection.commit()
    print(f"{written:,} finished steps written in {time.perf_counter() - t0:.0f} s")
    engine.dispose()


def peak_rss_mib() -> float:
    """This process image's peak RSS: ``VmHWM``, which exec resets. (``getrusage``'s ``ru_maxrss``
    survives exec on Linux, so a child started by a large parent would report the parent's size.)"""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(url: str) -> dict:
    """In this (fresh) process: open the database, build the digest once, report time and memory."""
    from sqlalchemy import event

    from workflow.service.digest import DigestService

    engine = make_engine(url)
    sessions = make_session_factory(engine, KEY)
    calendar = load_calendar(SHIPPED_CALENDAR, WIB, years=(2026,))
    service = DigestService(sessions, calendar, WIB, load_sops(), lambda: NOW)  # the shipped SOP
    statements: list[list] = []  # [seconds to execute, statement]; rows are fetched after

    @event.listens_for(engine, "before_cursor_execute")
    def started(_conn, _cursor, statement, *_):
        statements.append([time.perf_counter(), statement])

    @event.listens_for(engine, "after_cursor_execute")
    def finished(*_):
        statements[-1][0] = time.perf_counter() - statements[-1][0]

    before = peak_rss_mib()
    t0, c0 = time.perf_counter(), time.process_time()
    digest = service.build(DAY).sections[0]
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    after = peak_rss_mib()
    engine.dispose()
    slowest = sorted(statements, key=lambda s: -s[0])[:3]
    return {
        "wall": wall,
        "cpu": cpu,
        "rss_before_mib": before,
        "rss_peak_mib": after,
        "statements": len(statements),
        "slowest": [(seconds, " ".join(sql.split())[:160]) for seconds, sql in slowest],
        "month_steps": sum(s.count for s in digest.month.steps),
        "previous_steps": sum(s.count for s in digest.previous.steps),
        "overdue": len(digest.overdue),
        "unrevoked": len(digest.unrevoked),
        "closed": digest.month.counts.closed,
    }


def _runs(url: str, runs: int) -> None:
    results = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-m", "benchmarks.sla_digest", url],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        result = json.loads(out.stdout.strip().splitlines()[-1])
        results.append(result)
        print(
            f"build: {result['wall']:.2f} s ({result['cpu']:.2f} s CPU in this process); "
            f"peak RSS {result['rss_peak_mib']:.0f} MiB ({result['rss_before_mib']:.0f} MiB before build); "
            f"month {result['month_steps']:,} steps, "
            f"previous day {result['previous_steps']:,}, closed {result['closed']:,}, "
            f"overdue {result['overdue']}, unrevoked {result['unrevoked']}"
        )
        for seconds, sql in result["slowest"]:
            print(f"    {seconds:6.2f} s  {sql}")
    walls = sorted(r["wall"] for r in results)
    peak = max(r["rss_peak_mib"] for r in results)
    print(
        f"{len(results)} fresh processes: build median {walls[len(walls) // 2]:.2f} s, "
        f"max peak RSS {peak:.0f} MiB"
    )


def digest(args) -> None:
    if args.postgres:
        from tests.pg_server import PostgresServer

        with PostgresServer() as server:
            url = server.create_database("sla_digest")
            populate(url, args.steps)
            _runs(url, args.runs)
        return
    args.data.mkdir(parents=True, exist_ok=True)
    path = args.data / f"digest-{args.steps}.db"
    if not path.exists():
        building = path.with_suffix(".building")
        for leftover in args.data.glob(f"{building.name}*"):
            leftover.unlink()
        populate(f"sqlite:///{building}", args.steps)
        building.rename(path)
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    upgrade(engine)  # the data set may predate a migration
    engine.dispose()
    print(f"SQLite file {path} ({path.stat().st_size / 2**20:.0f} MiB)")
    _runs(url, args.runs)


if __name__ == "__main__":
    print(json.dumps(measure(sys.argv[1])))
