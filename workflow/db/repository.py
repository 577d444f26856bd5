"""Reading and writing domain values. Functions take a session and never commit."""

from dataclasses import replace
from datetime import datetime
from types import SimpleNamespace

from sqlalchemy import Table, bindparam, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from workflow.case import Case, Letter, StepRecord
from workflow.db import caselog
from workflow.db.audit import AuditChain
from workflow.db.casemap import case_from_rows, case_values, jsonable, letter_key, step_values
from workflow.db.models import CaseRow, OutboxRow, StepRow
from workflow.decision import Notice
from workflow.states import CaseState

__all__ = [
    "CASES",
    "CASE_COLUMNS",
    "CASE_WITH_STEPS",
    "STEPS",
    "STEP_COLUMNS",
    "Conflict",
    "add_audit",
    "add_outbox",
    "case_of_rows",
    "insert_case",
    "insert_new",
    "load_case",
    "lock_registrations",
    "next_seq",
    "numbers_of_seq",
    "same_letter",
    "save_case",
]


# The hot path (load, save, outbox) uses Core statements on the mapped tables: the ORM's
# unit of work costs several times the SQL itself here (see docs/benchmarks.md).
CASES = CaseRow.__table__
STEPS = StepRow.__table__
OUTBOX = OutboxRow.__table__

# Built once: a statement object caches its compiled form and cache key.
#: A case's and its steps' columns, labelled ``cases_<name>`` and ``steps_<name>``: a case and its
#: step instances are read in one statement, one row per step (the case's columns repeated), by
#: ``load_case`` or by a statement of another module that joins them to what it reads.
CASE_COLUMNS = tuple(c.label(f"cases_{c.name}") for c in CASES.c)
STEP_COLUMNS = tuple(c.label(f"steps_{c.name}") for c in STEPS.c)
CASE_WITH_STEPS = CASES.outerjoin(STEPS, STEPS.c.case_id == CASES.c.id)
_CASE_WITH_STEPS = select(*CASE_COLUMNS, *STEP_COLUMNS).select_from(CASE_WITH_STEPS).order_by(STEPS.c.id)
_CASE_BY_NUMBER = _CASE_WITH_STEPS.where(CASES.c.number == bindparam("number"))
_CASE_BY_ID = _CASE_WITH_STEPS.where(CASES.c.id == bindparam("id"))
_UPDATE_CASE = update(CASES).where(CASES.c.id == bindparam("_id"), CASES.c.version == bindparam("_version"))
_INSERT_STEP = insert(STEPS).returning(STEPS.c.id)
_UPDATE_STEP = update(STEPS).where(STEPS.c.id == bindparam("_id"))


class Conflict(RuntimeError):
    """The case changed since it was read (another action won the race)."""


def insert_new(session: Session, table: Table, values: dict, key: str) -> bool:
    """Insert the row unless one with the same unique ``key`` column exists ("on conflict do
    nothing", SQLite and PostgreSQL alike); whether this call inserted it. Two writers racing on
    one key store it once: the loser waits for the winner's commit, then inserts nothing."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(table)
        .values(**values)
        .on_conflict_do_nothing(index_elements=[key])
        .returning(*table.primary_key.columns)
    )
    return session.connection().execute(statement).first() is not None


def lock_registrations(session: Session, prefix: str, year: int) -> None:
    """Queue registrations of one prefix and year until commit (PostgreSQL).

    Taken before the duplicate-letter check and the sequence number, so that each
    registration sees the ones before it: no two cases get one number, and the same
    letter registered twice at once is caught. SQLite lets one writer in at a time
    already (``BEGIN IMMEDIATE``).
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(func.hashtext(f"case-seq:{prefix}:{year}"))))


def next_seq(session: Session, prefix: str, year: int) -> int:
    """The next case sequence number of a prefix and year (``NO_YEAR`` for a numbering that counts
    on across years; call ``lock_registrations`` first)."""
    top = session.scalar(select(func.max(CaseRow.seq)).where(CaseRow.prefix == prefix, CaseRow.year == year))
    return (top or 0) + 1


def same_letter(session: Session, letter: Letter) -> str | None:
    """The number of a case with the same letter number from the same institution, if any."""
    return session.scalar(
        select(CaseRow.number)
        .where(
            CaseRow.institution_key == letter_key(letter.institution),
            CaseRow.letter_number_key == letter_key(letter.number),
            CaseRow.state != CaseState.CANCELLED,  # a withdrawn registration may be made again
        )
        .limit(1)
    )


def numbers_of_seq(session: Session, seq: int, years: tuple[int, ...]) -> list[str]:
    """The numbers of the cases with sequence number ``seq`` counted in one of ``years``, whatever
    their prefix, in order."""
    query = select(CASES.c.number).where(CASES.c.seq == seq, CASES.c.year.in_(years))
    return list(session.scalars(query.order_by(CASES.c.number)))


def insert_case(session: Session, case: Case, prefix: str, year: int, seq: int, now: datetime) -> Case:
    """Insert a new case with its first step; returns it with ids."""
    values = case_values(case, now)
    case_id = session.execute(
        insert(CASES)
        .values(
            number=case.number,
            prefix=prefix,
            year=year,
            seq=seq,
            created_by=case.created_by,
            created_at=case.created_at,
            sop_id=case.sop_id,
            sop_version=case.sop_version,
            **values,
        )
        .returning(CASES.c.id)
    ).scalar_one()
    return _save_steps(session, case.evolve(id=case_id), ())


def save_case(session: Session, old: Case, new: Case, now: datetime) -> Case:
    """Write ``new`` over ``old`` if nobody changed the case meanwhile; returns it with ids.

    Raises:
        Conflict: the stored version is no longer ``old.version``.
    """
    params = {"_id": old.id, "_version": old.version, **case_values(new, now)}
    if session.connection().execute(_UPDATE_CASE, params).rowcount != 1:
        raise Conflict(f"case {old.number} changed meanwhile")
    return _save_steps(session, new, old.steps)


def load_case(session: Session, number: str | None = None, *, case_id: int | None = None) -> Case | None:
    """The case with this number (case-insensitive), or this id, and all its step instances, if it
    exists: one statement."""
    if case_id is not None:
        rows = session.connection().execute(_CASE_BY_ID, {"id": case_id}).mappings().all()
    else:
        rows = (
            session.connection().execute(_CASE_BY_NUMBER, {"number": number.strip().upper()}).mappings().all()
        )
    return case_of_rows(rows)


def case_of_rows(rows) -> Case | None:
    """The case of rows with ``CASE_COLUMNS`` and ``STEP_COLUMNS`` (steps in order); None for no
    rows, or rows without a case (an outer join that found none)."""
    if not rows or rows[0]["cases_id"] is None:
        return None
    case_row = SimpleNamespace(**{c.name: rows[0][f"cases_{c.name}"] for c in CASES.c})
    steps = [
        SimpleNamespace(**{c.name: row[f"steps_{c.name}"] for c in STEPS.c})
        for row in rows
        if row["steps_id"] is not None
    ]
    return case_from_rows(case_row, steps)


def add_audit(
    session: Session,
    *,
    at: datetime,
    actor: str,
    action: str,
    result: str,
    acting_for: str | None = None,
    case_id: int | None = None,
    step_id: int | None = None,
    reason_code: str | None = None,
    message: str = "",
    detail: dict | None = None,
) -> None:
    """Append one row to the audit chain (it locks the chain head until commit)."""
    chain: AuditChain | None = session.info.get("audit_chain")
    if chain is None:
        raise RuntimeError("no audit key: set AUDIT_KEY before running anything that changes data")
    chain.append(
        session,
        {
            "at": at,
            "actor": actor,
            "acting_for": acting_for,
            "action": action,
            "case_id": case_id,
            "step_id": step_id,
            "result": result,
            "reason_code": reason_code,
            "message": message,
            "detail": jsonable(detail or {}),
        },
    )
    if result == "ok" and case_id is not None:
        caselog.note(session, action, actor, acting_for, case_id, step_id)


def add_outbox(session: Session, case: Case, notices: tuple[Notice, ...], now: datetime) -> None:
    """Queue the notices of a transition, keyed so that a retried transaction adds none twice."""
    if not notices:
        return
    session.connection().execute(
        insert(OUTBOX),
        [
            {
                "created_at": now,
                "recipient": n.recipient,
                "kind": n.kind,
                "case_id": case.id,
                "step_no": n.step_no,
                "dedupe_key": f"{case.id}:{case.version}:{n.kind}:{n.recipient}",
                "payload": {**jsonable(dict(n.payload)), "case_number": case.number},
                "attempts": 0,
            }
            for n in notices
        ],
    )


def _save_steps(session: Session, case: Case, old_steps: tuple[StepRecord, ...]) -> Case:
    before = {s.id: s for s in old_steps}
    connection = session.connection()
    saved = []
    for record in case.steps:
        values = step_values(record)
        if record.id is None:
            planned = record.due_at if record.is_open else None  # the SLA sweep looks from the due time
            params = {"case_id": case.id, "next_sla_at": planned, **values}
            record = replace(record, id=connection.execute(_INSERT_STEP, params).scalar_one())
        elif before.get(record.id) != record:
            if not record.is_open:  # finished: nothing more for the SLA sweep to plan
                values["next_sla_at"] = None
            connection.execute(_UPDATE_STEP, {"_id": record.id, **values})
        saved.append(record)
    caselog.written(session, case.id, case.number, case.state, {s.id: s.step_no for s in saved})
    return case.evolve(steps=tuple(saved))
