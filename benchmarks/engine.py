"""Engine speed: N cases through all 8 steps with persistence, against SpiffWorkflow.

Run by hand (not a test), from the repository root, with SpiffWorkflow installed beside the
project (``pip install -e '.[bench]'``):

    python benchmarks/engine.py [--cases 300] [--rounds 5]

In one process pinned to one core, alternating: disposisi on a fresh SQLite file (WAL,
synchronous NORMAL) takes N cases of SOP 7.4.4.1 through their 11 transitions (7 step actions and
4 checklist ticks) by the service layer, then SpiffWorkflow takes N instances of an 8-user-task
chain through, its state serialised to JSON and written to SQLite after each step; five rounds of
each. Prints each round, then the medians as rows of the table in docs/benchmarks.md: the
transition rate with every transition and without the signature's time (its scrypt PIN check
costs about 40 ms by design), the ratio of the medians, and the p99 of one transition.
PostgreSQL with several workers: ``benchmarks/engine_pg.py``.
"""

import argparse
import contextlib
import itertools
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.machine import load, machine, stamp
from workflow.case import Case, Letter
from workflow.commands import AcceptManifest, Command, Forward, Sign, SubmitManifest, TickItem
from workflow.db.migrate import upgrade
from workflow.db.models import OfficialRow
from workflow.db.session import make_engine, make_session_factory
from workflow.keys import SigningKeys, generate_key
from workflow.manifest import Manifest
from workflow.roster import load_roster
from workflow.service.cases import CaseService
from workflow.service.roster import RosterService
from workflow.signingpin import hash_pin
from workflow.sopfile import load_sops

WIB = ZoneInfo("Asia/Jakarta")
KEY = b"benchmark-audit-key-0123456789abcdef"
MANIFEST = Manifest(form="file", description="NIK", records=10, sha256="b" * 64, location="/srv/x.csv")
TICKS = {"duplicated": "", "archived": "ARS-1", "sent": "email", "receipt": "TT-1"}
PIN = "246810"
#: The action on each of steps 1-7 of SOP 7.4.4.1 (step 8 is ticked item by item).
STEP_ACTIONS: dict[int, tuple[str, Command]] = {
    1: ("dir", Forward(instruction="Untuk diproses", to="ksd1")),
    2: ("ksd1", Forward(instruction="Untuk diproses")),
    3: ("kasi1", Forward(instruction="Segera", to="op1")),
    4: ("op1", SubmitManifest(MANIFEST)),
    5: ("kasi1", AcceptManifest()),
    6: ("ksd1", Forward(instruction="Untuk diperhatikan")),
    7: ("dir", Sign(pin=PIN)),
}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def next_action(case: Case, checklist: list[str]) -> tuple[str, Command] | None:
    """The scripted action the case waits for (None: it is closed)."""
    step = case.current
    if step is None:
        return None
    if step.step_no in STEP_ACTIONS:
        return STEP_ACTIONS[step.step_no]
    item = next(key for key in checklist if key not in case.checklist)
    return "op1", TickItem(item, TICKS[item])


@dataclass
class Setup:
    """A migrated database with the test roster, the Direktur's PIN and N open cases."""

    engine: object
    service: CaseService
    numbers: list[str]
    checklist: list[str]


def set_up(url: str, cases_n: int, clock: Callable[[], datetime], synchronous: str = "NORMAL") -> Setup:
    engine = make_engine(url, synchronous=synchronous)
    upgrade(engine)
    sessions = make_session_factory(engine, KEY)
    sops = load_sops()
    roster = load_roster(ROOT / "tests" / "data" / "roster.toml", {r.key for r in sops["ldk"].roles}, WIB)
    RosterService(sessions, clock).import_roster(roster, "cli:bench")
    with sessions.begin() as session:  # the Direktur signs with a PIN (scrypt, by design ~40 ms a check)
        session.get(OfficialRow, "dir").pin_hash = hash_pin(PIN)
    service = make_service(sessions, clock, key_dir(url))
    numbers = [
        service.open_case(
            Letter(f"470/{n}", date(2026, 11, 20), "BPS", "Statistik", scan_sha256="a" * 64), "tu1"
        ).number
        for n in range(cases_n)
    ]
    return Setup(engine, service, numbers, [item.key for item in sops["ldk"].steps[-1].checklist])


_KEYS: dict[str, Path] = {}


def key_dir(url: str) -> Path:
    """One signing key per database (the workers of ``engine_pg.py`` load the same file)."""
    if url not in _KEYS:
        _KEYS[url] = Path(tempfile.mkdtemp()) / "signing.pem"
        generate_key(_KEYS[url])
    return _KEYS[url]


def make_service(sessions, clock, key: Path) -> CaseService:
    return CaseService(
        sessions, load_sops(), tz=WIB, clock=clock, seal=SigningKeys.load(key), default_sop="ldk"
    )


@dataclass
class Run:
    """One round: every transition's duration, whether it was the signature, the wall time and
    the process's CPU time (on a shared machine the CPU time says what the wall time cannot)."""

    durations: list[float]
    signing: list[bool]
    wall: float
    cpu: float

    def rate(self) -> float:
        return len(self.durations) / self.wall

    def rate_without_signing(self) -> float:
        """Transitions per second of the others, the signatures' time taken out of the wall time."""
        signed = sum(d for d, s in zip(self.durations, self.signing, strict=True) if s)
        return self.signing.count(False) / (self.wall - signed)

    def cpu_rate(self) -> float:
        """Transitions per second of this process's CPU time."""
        return len(self.durations) / self.cpu

    def p99(self, *, signing: bool = True) -> float:
        kept = [d for d, s in zip(self.durations, self.signing, strict=True) if signing or not s]
        return percentile(kept, 0.99)


def run_disposisi(path: str, cases_n: int, synchronous: str = "NORMAL", watch=contextlib.nullcontext) -> Run:
    """N cases through their 11 transitions; ``watch()`` is entered around the transitions only."""
    now = [datetime(2026, 11, 24, 2, 0, tzinfo=UTC)]

    def clock():
        now[0] += timedelta(seconds=1)
        return now[0]

    setup = set_up(f"sqlite:///{path}", cases_n, clock, synchronous)
    durations, signing = [], []
    with watch():
        started, cpu = time.perf_counter(), time.process_time()
        run_cases(setup, durations, signing)
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    setup.engine.dispose()
    assert len(durations) == 11 * cases_n, len(durations)
    return Run(durations, signing, wall, cpu)


def run_cases(setup: Setup, durations: list[float], signing: list[bool]) -> None:
    for number in setup.numbers:
        for step_no in range(1, 8):
            actor, command = STEP_ACTIONS[step_no]
            t0 = time.perf_counter()
            case = setup.service.act(number, actor, command)
            durations.append(time.perf_counter() - t0)
            signing.append(isinstance(command, Sign))
        while (action := next_action(case, setup.checklist)) is not None:
            t0 = time.perf_counter()
            case = setup.service.act(number, *action)
            durations.append(time.perf_counter() - t0)
            signing.append(False)


def profile(cases_n: int) -> None:
    """One round under cProfile and the statement counter: where a transition's time goes."""
    import cProfile
    import pstats

    from tests.statements import StatementCounter

    profiler = cProfile.Profile()
    with tempfile.TemporaryDirectory() as tmp, StatementCounter() as counter:
        window = []

        @contextlib.contextmanager
        def watch():
            window.append(counter.position())
            profiler.enable()
            yield
            profiler.disable()
            window.append(counter.position())

        run = run_disposisi(f"{tmp}/profile.db", cases_n, watch=watch)
        counts = counter.since(*window)
    n = len(run.durations)
    print(f"{n} transitions: {counts.transactions / n:.2f} transactions and {counts.sent / n:.1f} sent each")
    for what, count in counts.by_table().most_common():
        print(f"  {count / n:5.2f}  {what}")
    stats = pstats.Stats(profiler)
    stats.sort_stats("tottime").print_stats(25)
    stats.sort_stats("cumulative").print_stats(r"workflow|sqlalchemy/orm/session|caselog|engine/base", 40)


SPIFF_XML = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="x">
<bpmn:process id="chain" isExecutable="true"><bpmn:startEvent id="start"/>{tasks}<bpmn:endEvent id="end"/>
{flows}</bpmn:process></bpmn:definitions>"""


def run_spiff(path: str, cases_n: int) -> Run:
    import sqlite3

    from SpiffWorkflow.bpmn import BpmnWorkflow
    from SpiffWorkflow.bpmn.parser import BpmnParser
    from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
    from SpiffWorkflow.util.task import TaskState

    ids = ["start", *[f"step{i}" for i in range(1, 9)], "end"]
    tasks = "".join(f'<bpmn:userTask id="step{i}" name="Step {i}"/>' for i in range(1, 9))
    flows = "".join(
        f'<bpmn:sequenceFlow id="f{i}" sourceRef="{a}" targetRef="{b}"/>'
        for i, (a, b) in enumerate(itertools.pairwise(ids))
    )
    parser = BpmnParser()
    parser.add_bpmn_str(SPIFF_XML.format(tasks=tasks, flows=flows).encode())
    spec = parser.get_spec("chain")
    serializer = BpmnWorkflowSerializer()
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("CREATE TABLE wf (id INTEGER PRIMARY KEY, state TEXT NOT NULL)")
    for n in range(cases_n):
        workflow = BpmnWorkflow(spec)
        workflow.do_engine_steps()
        db.execute("INSERT INTO wf (id, state) VALUES (?, ?)", (n, serializer.serialize_json(workflow)))
    durations = []
    started, cpu = time.perf_counter(), time.process_time()
    for n in range(cases_n):
        for _ in range(8):
            t0 = time.perf_counter()
            db.execute("BEGIN IMMEDIATE")
            (state,) = db.execute("SELECT state FROM wf WHERE id = ?", (n,)).fetchone()
            workflow = serializer.deserialize_json(state)
            workflow.get_tasks(state=TaskState.READY, manual=True)[0].run()
            workflow.do_engine_steps()
            db.execute("UPDATE wf SET state = ? WHERE id = ?", (serializer.serialize_json(workflow), n))
            db.execute("COMMIT")
            durations.append(time.perf_counter() - t0)
        assert workflow.is_completed()
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    db.close()
    return Run(durations, [False] * len(durations), wall, cpu)


def ms(seconds: float) -> str:
    return f"{seconds * 1e3:.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="one round under cProfile, statements counted")
    args = parser.parse_args()
    if args.profile:
        return profile(args.cases)
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    print(f"{machine()}; pinned to one core")
    print(f"start {stamp()}; {args.cases} cases x 11 transitions, SpiffWorkflow {args.cases} x 8")
    ours, theirs = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(1, args.rounds + 1):
            before = load()
            ours.append(run_disposisi(f"{tmp}/engine-{r}.db", args.cases))
            theirs.append(run_spiff(f"{tmp}/spiff-{r}.db", args.cases))
            o, t = ours[-1], theirs[-1]
            print(
                f"round {r} (load {before}): disposisi {o.rate():.0f}/s, {o.rate_without_signing():.0f}/s "
                f"without the signature, {o.cpu_rate():.0f}/s of CPU, p99 {ms(o.p99())} "
                f"({ms(o.p99(signing=False))}); SpiffWorkflow {t.rate():.0f}/s, {t.cpu_rate():.0f}/s of CPU, "
                f"p99 {ms(t.p99())}"
            )
    rate = statistics.median(o.rate() for o in ours)
    bare = statistics.median(o.rate_without_signing() for o in ours)
    spiff = statistics.median(t.rate() for t in theirs)
    p99 = statistics.median(o.p99() for o in ours)
    p99_bare = statistics.median(o.p99(signing=False) for o in ours)
    spiff_p99 = statistics.median(t.p99() for t in theirs)
    cpu = statistics.median(o.cpu_rate() for o in ours) / statistics.median(t.cpu_rate() for t in theirs)
    done = f"{stamp()} (at the end)"
    print(f"\nmedians of {args.rounds} alternating rounds, {done}; per CPU second {cpu:.2f}x:")
    print(
        f"| engine transitions/s, SQLite WAL NORMAL, one core | >= 1,000/s and >= 1.5x SpiffWorkflow "
        f"| 507/s, 0.76x | {rate:.0f}/s, {rate / spiff:.2f}x with the signature; "
        f"{bare:.0f}/s, {bare / spiff:.2f}x without its time (SpiffWorkflow {spiff:.0f}/s) | "
        f"{'met' if bare >= 1000 and bare >= 1.5 * spiff else 'missed'} without, "
        f"{'met' if rate >= 1000 and rate >= 1.5 * spiff else 'missed'} with |"
    )
    print(
        f"| one transition p99, SQLite WAL NORMAL | <= 10 ms | 14 ms | {ms(p99)} with the signature, "
        f"{ms(p99_bare)} without (SpiffWorkflow {ms(spiff_p99)}) | "
        f"{'met' if p99_bare <= 0.010 else 'missed'} without, {'met' if p99 <= 0.010 else 'missed'} with |"
    )


if __name__ == "__main__":
    main()
