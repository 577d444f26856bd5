"""Engine speed: N cases through all 8 steps with persistence, against SpiffWorkflow.

Run by hand (not a test), from the repository root:

    python benchmarks/engine.py [--cases 300] [--pg]

Prints transitions per second and p50/p99 of one transition on a SQLite file
(WAL, synchronous NORMAL and FULL) and, with --pg, on a throwaway PostgreSQL
(tests/pg_server.py); then the same 8-user-task chain in SpiffWorkflow, its state
serialised to JSON and written to SQLite after each step. Pinned to one core.
"""

import argparse
import itertools
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from workflow.case import Letter
from workflow.commands import AcceptManifest, Forward, Sign, SubmitManifest, TickItem
from workflow.db.migrate import upgrade
from workflow.db.models import OfficialRow
from workflow.db.session import make_engine, make_session_factory
from workflow.keys import SigningKeys, generate_key
from workflow.manifest import Manifest
from workflow.roster import load_roster
from workflow.service.cases import CaseService
from workflow.service.pins import hash_pin
from workflow.service.roster import RosterService
from workflow.sopfile import load_sops
from workflow.states import CHECKLIST

WIB = ZoneInfo("Asia/Jakarta")
KEY = b"benchmark-audit-key-0123456789abcdef"
MANIFEST = Manifest(form="file", description="NIK", records=10, sha256="b" * 64, location="/srv/x.csv")
TICKS = {"duplicated": "", "archived": "ARS-1", "sent": "email", "receipt": "TT-1"}
PIN = "246810"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def report(label: str, durations: list[float], wall: float) -> None:
    print(
        f"{label:<34} {len(durations) / wall:>9.0f} transitions/s"
        f"   p50 {statistics.median(durations) * 1e3:6.2f} ms"
        f"   p99 {percentile(durations, 0.99) * 1e3:6.2f} ms   ({len(durations)} transitions)"
    )


def run_engine(url: str, cases_n: int, synchronous: str = "NORMAL") -> tuple[list[float], float, list[float]]:
    engine = make_engine(url, synchronous=synchronous)
    upgrade(engine)
    sessions = make_session_factory(engine, KEY)
    now = [datetime(2026, 11, 24, 2, 0, tzinfo=UTC)]

    def clock():
        now[0] += timedelta(seconds=1)
        return now[0]

    sops = load_sops()
    roster = load_roster(ROOT / "tests" / "data" / "roster.toml", {r.key for r in sops["ldk"].roles}, WIB)
    RosterService(sessions, clock).import_roster(roster, "cli:bench")
    with sessions.begin() as session:  # the Direktur signs with a PIN (scrypt, by design ~50 ms a check)
        session.get(OfficialRow, "dir").pin_hash = hash_pin(PIN)
    key = Path(tempfile.mkdtemp()) / "signing.pem"
    generate_key(key)
    service = CaseService(sessions, sops, tz=WIB, clock=clock, seal=SigningKeys.load(key))
    numbers = [
        service.open_case(
            Letter(f"470/{n}", date(2026, 11, 20), "BPS", "Statistik", scan_sha256="a" * 64), "tu1"
        ).number
        for n in range(cases_n)
    ]
    script = [
        ("dir", Forward(instruction="Untuk diproses", to="ksd1")),
        ("ksd1", Forward(instruction="Untuk diproses")),
        ("kasi1", Forward(instruction="Segera", to="op1")),
        ("op1", SubmitManifest(MANIFEST)),
        ("kasi1", AcceptManifest()),
        ("ksd1", Forward(instruction="Untuk diperhatikan")),
        ("dir", Sign(pin=PIN)),
        *[("op1", TickItem(item, TICKS[item])) for item in CHECKLIST],
    ]
    durations, signing = [], []
    started = time.perf_counter()
    for number in numbers:
        for actor, command in script:
            t0 = time.perf_counter()
            service.act(number, actor, command)
            durations.append(time.perf_counter() - t0)
            if isinstance(command, Sign):
                signing.append(durations[-1])
    wall = time.perf_counter() - started
    engine.dispose()
    return durations, wall, signing


def report_signing(signing: list[float]) -> None:
    """The signature's own cost: the PIN's scrypt check (about 50 ms by design) and the Ed25519 seal."""
    print(f"  of which the {len(signing)} signatures: p50 {statistics.median(signing) * 1e3:.1f} ms each")


SPIFF_XML = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="x">
<bpmn:process id="chain" isExecutable="true"><bpmn:startEvent id="start"/>{tasks}<bpmn:endEvent id="end"/>
{flows}</bpmn:process></bpmn:definitions>"""


def run_spiff(path: str, cases_n: int) -> tuple[list[float], float]:
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
    started = time.perf_counter()
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
    wall = time.perf_counter() - started
    db.close()
    return durations, wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--pg", action="store_true", help="also run on a throwaway PostgreSQL")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    print(
        f"{args.cases} cases x 11 transitions (7 step actions + 4 checklist ticks); one core; "
        f"Python {sys.version.split()[0]}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        results = {}
        for sync in ("NORMAL", "FULL"):
            durations, wall, signing = run_engine(f"sqlite:///{tmp}/engine-{sync}.db", args.cases, sync)
            results[sync] = len(durations) / wall
            report(f"disposisi, SQLite WAL {sync}", durations, wall)
            report_signing(signing)
        if args.pg:
            from tests.pg_server import PostgresServer

            with PostgresServer() as server:
                durations, wall, signing = run_engine(server.create_database("bench"), args.cases)
                report("disposisi, PostgreSQL", durations, wall)
                report_signing(signing)
        durations, wall = run_spiff(f"{tmp}/spiff.db", args.cases)
        spiff = len(durations) / wall
        report("SpiffWorkflow, SQLite WAL NORMAL", durations, wall)
    print(f"disposisi / SpiffWorkflow (SQLite WAL NORMAL): {results['NORMAL'] / spiff:.2f}x")


if __name__ == "__main__":
    main()
