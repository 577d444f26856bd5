"""Data sets of the SLA benchmarks (benchmarks/sla.py), written with bulk Core inserts.

Rows are written straight into a migrated database, the way the services would have left them:
cases of the shipped SOP (``ldk``, its definition stored), one open step per open case, eight
finished steps per closed case with ``working_seconds`` set, and outbox rows. Nothing here goes
through the services: the benchmarks time what reads these rows, not what writes them.
"""

import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, func, insert, select
from sqlalchemy.orm import Session, sessionmaker

from workflow.db import reference
from workflow.db.models import CaseRow, OutboxRow, StepRow
from workflow.roster import parse_roster
from workflow.service.roster import RosterService
from workflow.sop import Sop
from workflow.states import CaseState, StepOutcome

__all__ = [
    "KEY",
    "WIB",
    "add_closed_cases",
    "add_open_cases",
    "add_outbox",
    "officials",
    "prepare",
    "utc",
]

KEY = b"benchmark-audit-key-0123456789abcdef"
WIB = ZoneInfo("Asia/Jakarta")
CASES = CaseRow.__table__
STEPS = StepRow.__table__
OUTBOX = OutboxRow.__table__
CHUNK = 20_000


def officials(n: int) -> list[str]:
    """The keys of ``n`` Direktur, who hold step 1 of the shipped SOP."""
    return [f"dir{i}" for i in range(n)]


def prepare(sessions: sessionmaker[Session], sop: Sop, holders: int, now: datetime) -> None:
    """Import a roster of ``holders`` Direktur (plus the TU) and store the SOP's definition."""
    data = {"officials": [{"key": "tu", "name": "TU", "role": "tu"}]}
    data["officials"] += [{"key": k, "name": f"Direktur {k}", "role": "direktur"} for k in officials(holders)]
    roles = {r.key for r in sop.roles}
    RosterService(sessions, lambda: now).import_roster(parse_roster(data, "bench", roles, WIB), "bench")
    with sessions.begin() as session:
        reference.stored_sop(session, sop, now)


def _next_seq(engine: Engine) -> int:
    with engine.connect() as connection:
        return (connection.scalar(select(func.max(CASES.c.seq))) or 0) + 1


def _case(seq: int, sop: Sop, state: CaseState, created: datetime, **extra) -> dict:
    return {
        "number": f"LDK-2026-{seq:07d}",
        "prefix": "LDK",
        "year": 2026,
        "seq": seq,
        "sop_id": sop.id,
        "sop_version": sop.version,
        "state": state,
        "version": 1,
        "letter_number": f"470/{seq}/BENCH",
        "letter_number_key": f"470/{seq}/bench",
        "letter_date": date(2026, 11, 2),
        "institution": "Badan Pusat Statistik",
        "institution_key": "badan pusat statistik",
        "purpose": "Statistik kependudukan",
        "scan_sha256": "a" * 64,
        "checklist": {},
        "created_by": "tu",
        "created_at": created,
        "updated_at": created,
        "closed_at": None,
        "access_revoked_at": None,
        "access_revoked_by": None,
        **extra,
    }


def _chunks(rows: Iterator[dict]) -> Iterator[list[dict]]:
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


def _write(engine: Engine, cases: list[dict], steps_of) -> None:
    """Insert ``cases``, then the steps ``steps_of(case_id, case)`` gives for each."""
    with engine.begin() as connection:
        connection.execute(insert(CASES), [{k: v for k, v in c.items() if k[0] != "_"} for c in cases])
        ids = dict(
            connection.execute(
                select(CASES.c.number, CASES.c.id).where(
                    CASES.c.seq.between(cases[0]["seq"], cases[-1]["seq"])
                )
            ).all()
        )
        steps = [step for case in cases for step in steps_of(ids[case["number"]], case)]
        for start in range(0, len(steps), CHUNK):
            connection.execute(insert(STEPS), steps[start : start + CHUNK])


def add_open_cases(
    engine: Engine,
    sop: Sop,
    holders: list[str],
    n: int,
    due: int,
    now: datetime,
    late: timedelta = timedelta(minutes=4),
    seed: int = 1,
) -> None:
    """``n`` open cases, each with one open step 1; ``due`` of them just past due, the rest later.

    The due steps fell due within ``late`` before ``now`` (at most four minutes), so each owes
    exactly one notice (the first reminder; the second falls due 5 minutes after the first, the
    escalation after twice the SOP time). The others fall due over the next 30 days. Step holders
    are dealt round-robin over the cases.
    """
    rng = random.Random(seed)
    sla = sop.step(1).sla
    first = _next_seq(engine)
    overdue = set(rng.sample(range(n), due))
    cases = []
    for i in range(n):
        if i in overdue:
            due_at = now - timedelta(seconds=rng.uniform(1, late.total_seconds()))
        else:
            due_at = now + timedelta(seconds=rng.uniform(60, 30 * 86400))
        holder = holders[i % len(holders)]
        cases.append(_case(first + i, sop, CaseState.OPEN, due_at - sla, _due_at=due_at, _holder=holder))

    def steps_of(case_id: int, case: dict) -> list[dict]:
        return [
            {
                "case_id": case_id,
                "step_no": 1,
                "assignee": case["_holder"],
                "started_at": case["created_at"],
                "due_at": case["_due_at"],
                "next_sla_at": case["_due_at"],  # as the repository plans an opened step
                "note": "",
                "payload": {},
            }
        ]

    for batch in _chunks(iter(cases)):
        _write(engine, batch, steps_of)


def add_closed_cases(
    engine: Engine, sop: Sop, holders: list[str], n: int, start: datetime, end: datetime, seed: int = 2
) -> int:
    """``n`` closed cases, each through every step of ``sop``, opened between ``start`` and ``end``.

    Each step's working duration is drawn around its SOP time (a log-normal: about 65% within
    it); ``finished_at`` is ``started_at`` plus that duration (wall time; the data need not follow
    the office calendar to weigh what the digest reads). About one case in 2,000 is left without
    its data access confirmed revoked. Returns the number of finished steps written.
    """
    rng = random.Random(seed)
    first = _next_seq(engine)
    span = (end - start).total_seconds()
    written = 0

    def cases() -> Iterator[dict]:
        for i in range(n):
            at = start + timedelta(seconds=rng.uniform(0, span))
            steps = []
            for step in sop.steps:
                sla = step.sla.total_seconds()
                seconds = int(max(30, rng.lognormvariate(0, 0.6) * sla * 0.8))
                finished = at + timedelta(seconds=seconds)
                steps.append(
                    {
                        "case_id": None,
                        "step_no": step.no,
                        "assignee": holders[i % len(holders)],
                        "started_at": at,
                        "due_at": at + step.sla,
                        "acknowledged_at": None,
                        "finished_at": finished,
                        "outcome": StepOutcome.COMPLETED,
                        "actor": holders[i % len(holders)],
                        "note": "",
                        "payload": {},
                        "working_seconds": seconds,
                    }
                )
                at = finished
            revoked = None if rng.random() < 0.0005 else at + timedelta(hours=1)
            yield _case(
                first + i,
                sop,
                CaseState.CLOSED,
                steps[0]["started_at"],
                closed_at=at,
                updated_at=at,
                access_revoked_at=revoked,
                access_revoked_by=None if revoked is None else holders[0],
                _steps=steps,
            )

    for batch in _chunks(cases()):
        _write(engine, batch, lambda case_id, case: [s | {"case_id": case_id} for s in case["_steps"]])
        written += sum(len(c["_steps"]) for c in batch)
    return written


def add_outbox(engine: Engine, holders: list[str], sent: int, pending: int, now: datetime) -> None:
    """``sent`` delivered rows and ``pending`` waiting ones, dealt round-robin over ``holders``."""

    def rows() -> Iterator[dict]:
        for i in range(sent + pending):
            done = i < sent
            yield {
                "created_at": now - timedelta(seconds=sent + pending - i),
                "recipient": holders[i % len(holders)],
                "kind": "reminder",
                "case_id": None,
                "step_no": 1,
                "dedupe_key": f"bench:{i}",
                "payload": {"case_number": "LDK-2026-0000001", "n": 1, "lateness_seconds": 60},
                "status": "sent" if done else "pending",
                "sent_at": now - timedelta(seconds=sent - i) if done else None,
                "chat_id": 10_000 + i % len(holders) if done else None,
                "telegram_message_id": i if done else None,
                "attempts": 1 if done else 0,
            }

    for batch in _chunks(rows()):
        with engine.begin() as connection:
            connection.execute(insert(OUTBOX), batch)


def utc(*args: int) -> datetime:
    """A UTC instant."""
    return datetime(*args, tzinfo=UTC)
