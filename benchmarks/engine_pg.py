"""Engine speed on PostgreSQL: N cases through all 8 steps by 1, 2 and 4 worker processes.

Run by hand (not a test), from the repository root, with PostgreSQL's server binaries present (as
for ``./scripts/test``):

    python benchmarks/engine_pg.py [--cases 300] [--workers 1,2,4]

A throwaway PostgreSQL on loopback (``tests/pg_server.py``: ``fsync``, ``synchronous_commit`` and
``full_page_writes`` off; the values are read back from the server and printed). For each worker
count, a fresh database with N open cases of SOP 7.4.4.1 (opened beforehand, not timed); the workers
are processes (one CaseService and one engine each), started together, taking cases from one
queue and driving each through its 11 transitions (``benchmarks/engine.py``'s script, by the
service layer). Two ways of sharing the cases:

- *apart*: each case goes to one worker (officials pressing on different cases, the usual load);
  workers still meet on the audit chain's head, which every transaction locks;
- *together* (2 and more workers): each case goes to two workers at once, who race on every
  transition of it: the loser's attempt is refused (``StepAlreadyHandled`` and the like, after the
  service's own re-read on a version conflict) or fails on the database; it re-reads the case and
  goes on with what the case now waits for.

Conflicts are counted: version conflicts the service retried (``repository.Conflict``), refusals
the worker got for a transition another worker had made, and database errors (serialization,
deadlock) the worker retried. At the end every case must be closed, the audit chain must verify,
and it must hold exactly 11 successful transitions per case: none lost, none doubled. The rate
counts successful transitions over the wall time from the first worker's start to the last one's
end. Prints one line per run and the table row of docs/benchmarks.md.
"""

import argparse
import multiprocessing as mp
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from benchmarks.engine import KEY, WIB, key_dir, make_service, next_action, percentile, set_up
from benchmarks.machine import load, machine, stamp
from workflow.commands import Sign
from workflow.db import repository
from workflow.db.models import AuditRow, CaseRow
from workflow.db.session import make_engine, make_session_factory
from workflow.errors import DomainError
from workflow.service.records import Records
from workflow.states import CaseState

DONE = "done"


def clock() -> datetime:
    return datetime.now(UTC)  # one clock for every process: steps start after the step before ends


def worker(url: str, key: Path, checklist: list[str], queue, start, results) -> None:
    engine = make_engine(url)
    service = make_service(make_session_factory(engine, KEY), clock, key)
    conflicts = {"version": 0, "refused": 0, "database": 0}
    original = repository.save_case

    def save_case(*args, **kwargs):
        try:
            return original(*args, **kwargs)
        except repository.Conflict:
            conflicts["version"] += 1
            raise

    repository.save_case = save_case
    durations, signing = [], []
    service.view(1)  # connect and fill the roster cache before the clock starts
    start.wait()
    began = time.time()
    while (number := queue.get()) != DONE:
        case = service.view(number).case
        while (action := next_action(case, checklist)) is not None:
            t0 = time.perf_counter()
            try:
                case = service.act(number, *action)
            except DomainError:
                conflicts["refused"] += 1  # another worker made this transition first
                seen, case = case.version, service.view(number).case
                if case.version == seen:  # nobody else moved it: a real refusal, not a race
                    raise
                continue
            except DBAPIError:
                conflicts["database"] += 1
                case = service.view(number).case
                continue
            durations.append(time.perf_counter() - t0)
            signing.append(isinstance(action[1], Sign))
    results.put((began, time.time(), durations, signing, conflicts))
    engine.dispose()


def run(server, name: str, cases_n: int, workers: int, together: bool) -> dict:
    url = server.create_database(name)
    setup = set_up(url, cases_n, clock)
    with setup.engine.connect() as conn:
        settings = {k: conn.execute(text(f"SHOW {k}")).scalar() for k in ("synchronous_commit", "fsync")}
    ctx = mp.get_context("spawn")  # no engine or connection crosses into a worker
    queue, results, start = ctx.Queue(), ctx.Queue(), ctx.Event()
    for number in setup.numbers:
        for _ in range(2 if together else 1):
            queue.put(number)
    for _ in range(workers):
        queue.put(DONE)
    procs = [
        ctx.Process(target=worker, args=(url, key_dir(url), setup.checklist, queue, start, results))
        for _ in range(workers)
    ]
    for p in procs:
        p.start()
    time.sleep(2 + workers)  # let each import the project and connect
    before = load()
    start.set()
    outcome = [results.get(timeout=3600) for _ in procs]
    for p in procs:
        p.join()
    durations = [d for o in outcome for d in o[2]]
    signing = [s for o in outcome for s in o[3]]
    wall = max(o[1] for o in outcome) - min(o[0] for o in outcome)
    conflicts = {k: sum(o[4][k] for o in outcome) for k in outcome[0][4]}
    check(setup, cases_n)
    setup.engine.dispose()
    signed = sum(d for d, s in zip(durations, signing, strict=True) if s)
    return {
        "load": before,
        "settings": settings,
        "rate": len(durations) / wall,
        "bare": signing.count(False) / (wall - signed / workers),
        "p50": statistics.median(durations),
        "p99": percentile(durations, 0.99),
        "conflicts": conflicts,
    }


def check(setup, cases_n: int) -> None:
    """Every case closed, exactly 11 successful transitions each, and the audit chain intact."""
    sessions = make_session_factory(setup.engine, KEY)
    with sessions() as session:
        open_cases = session.scalar(select(func.count()).where(CaseRow.state != CaseState.CLOSED))
        made = session.scalar(
            select(func.count()).where(
                AuditRow.result == "ok", AuditRow.case_id.is_not(None), AuditRow.action != "open_case"
            )
        )
    assert open_cases == 0, f"{open_cases} cases not closed"
    assert made == 11 * cases_n, f"{made} successful transitions recorded, expected {11 * cases_n}"
    verdict = Records(sessions, setup.service, WIB).verify()
    assert verdict.ok, verdict.problems[:3]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--workers", default="1,2,4")
    args = parser.parse_args()
    from tests.pg_server import PostgresServer

    counts = [int(w) for w in args.workers.split(",")]
    print(machine(pg=True))
    print(f"start {stamp()}; {args.cases} cases x 11 transitions per run")
    rows = {}
    with PostgresServer() as server:
        for workers in counts:
            for together in (False, True) if workers > 1 else (False,):
                mode = "together" if together else "apart"
                r = run(server, f"bench_{workers}_{mode}", args.cases, workers, together)
                rows[workers, mode] = r
                print(
                    f"{workers} worker(s), {mode} (load {r['load']}; {r['settings']}): "
                    f"{r['rate']:.0f}/s, {r['bare']:.0f}/s without the signatures' time, "
                    f"p50 {r['p50'] * 1e3:.1f} ms, p99 {r['p99'] * 1e3:.1f} ms; conflicts {r['conflicts']}; "
                    f"every case closed, {11 * args.cases} transitions, chain verified"
                )
    one = rows[1, "apart"]
    settings = ", ".join(f"{k} {v}" for k, v in one["settings"].items())
    others = "; ".join(
        f"{w}: {r['rate']:.0f}/s ({r['bare']:.0f}), {sum(r['conflicts'].values())} conflicts"
        + (f" {r['conflicts']}" if sum(r["conflicts"].values()) else "")
        for (w, mode), r in rows.items()
        if w > 1 and mode == "apart"
    )
    racing = "; ".join(
        f"{w}: {r['rate']:.0f}/s, conflicts {r['conflicts']}"
        for (w, mode), r in rows.items()
        if mode == "together"
    )
    print(f"\n{stamp()} (at the end):")
    print(
        f"| engine transitions/s, PostgreSQL ({settings}), 1 / 2 / 4 workers | >= 600/s with one | "
        f"245/s (one) | one: {one['rate']:.0f}/s with the signatures, {one['bare']:.0f}/s without their "
        f"time; {others} (without the signatures' time in brackets); two workers per case, racing: "
        f"{racing}; none lost | {'met' if one['bare'] >= 600 else 'missed'} without, "
        f"{'met' if one['rate'] >= 600 else 'missed'} with |"
    )


if __name__ == "__main__":
    main()
