"""Moves that behaviour tests repeat: register a letter, take an ldk case to step N,
dispatch it, and read back the audit and outbox rows the service wrote."""

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from tests.conftest import PIN, Clock, letter
from workflow.case import Case, StepRecord
from workflow.commands import AcceptManifest, Command, Forward, Sign, SubmitManifest, TickItem
from workflow.db.models import AuditRow, CaseRow, OutboxRow, StepRow
from workflow.manifest import Manifest
from workflow.service.cases import CaseService

__all__ = [
    "LDK_ITEMS",
    "MANIFEST",
    "OTHER_MANIFEST",
    "TICK_VALUES",
    "audit_rows",
    "current",
    "dispatch",
    "drive_to",
    "edit_case_row",
    "edit_step_row",
    "last_audit",
    "open_ldk",
    "outbox",
    "step_action",
]

MANIFEST = Manifest(
    form="file",
    description="Daftar NIK peserta BPJS Kesehatan",
    records=1200,
    sha256="b" * 64,
    location="/srv/ldk/bpjs-2026-11.csv",
)
OTHER_MANIFEST = Manifest(form="hardcopy", description="Cetakan data peserta", records=40, pages=3)

#: What the operator writes when ticking each item of the ldk dispatch checklist, by item key.
TICK_VALUES = {"duplicated": "", "archived": "ARS-2026-001", "sent": "email", "receipt": "TT-009"}
#: The ldk dispatch checklist's item keys, in its order.
LDK_ITEMS = tuple(TICK_VALUES)


def open_ldk(cases: CaseService, **letter_fields) -> str:
    """Register a permit letter on the ldk SOP as the TU; returns the case number."""
    return cases.open_case(letter(**letter_fields), "tu1").number


def step_action(step_no: int, *, kasubdit: str = "ksd1", operator: str = "op2") -> Command:
    """The usual action of the holder of ldk step ``step_no`` (1 to 7)."""
    return {
        1: Forward(instruction="Untuk diproses", to=kasubdit),
        2: Forward(instruction="Untuk diproses", note="Mohon diproses"),
        3: Forward(instruction="Segera", to=operator),
        4: SubmitManifest(MANIFEST),
        5: AcceptManifest(),
        6: Forward(instruction="Untuk diperhatikan"),
        7: Sign(pin=PIN),
    }[step_no]


def drive_to(
    cases: CaseService,
    number: str,
    step_no: int,
    *,
    kasubdit: str = "ksd1",
    operator: str = "op2",
    clock: Clock | None = None,
) -> Case:
    """Move an ldk case on from where it stands until step ``step_no`` is open.

    Each step is done by its holder with its usual action: the Direktur sends the
    letter to ``kasubdit`` and the Kasi grants access to ``operator``. With a
    ``clock``, a minute passes before each action.
    """
    case = cases.view(number).case
    while case.current is not None and case.current.step_no < step_no:
        if clock is not None:
            clock.advance(minutes=1)
        command = step_action(case.current.step_no, kasubdit=kasubdit, operator=operator)
        case = cases.act(number, case.current.assignee, command)
    if case.current is None or case.current.step_no != step_no:
        raise AssertionError(f"{number} did not stop at step {step_no}: {case.state}, {case.current}")
    return case


def dispatch(cases: CaseService, number: str, items=None, *, clock: Clock | None = None) -> Case:
    """Tick dispatch items by key (by default every item of the case's SOP checklist, in its order)
    as the holder of the dispatch step, writing ``TICK_VALUES`` (or "x" for another SOP's item)."""
    view = cases.view(number)
    case = view.case
    if items is None:
        items = [i.key for i in view.sop.step(case.current.step_no).checklist]
    for item in items:
        if clock is not None:
            clock.advance(minutes=1)
        case = cases.act(number, case.current.assignee, TickItem(item, TICK_VALUES.get(item, "x")))
    return case


def current(cases: CaseService, number: str) -> StepRecord | None:
    """The open step of a case, read back from the database."""
    return cases.view(number).case.current


def audit_rows(sessions: sessionmaker[Session], **where) -> list[AuditRow]:
    """Audit rows, oldest first, filtered by column values (e.g. ``result="refused"``)."""
    with sessions() as session:
        query = select(AuditRow).filter_by(**where).order_by(AuditRow.id)
        return list(session.scalars(query))


def last_audit(sessions: sessionmaker[Session]) -> tuple[str, str, str | None]:
    """The newest audit row as (action, result, reason_code)."""
    row = audit_rows(sessions)[-1]
    return row.action, row.result, row.reason_code


def outbox(sessions: sessionmaker[Session], **where) -> list[tuple[str, str, int | None]]:
    """Outbox rows as (recipient, kind, step_no), oldest first, filtered by column values."""
    with sessions() as session:
        rows = session.scalars(select(OutboxRow).filter_by(**where).order_by(OutboxRow.id))
        return [(r.recipient, r.kind, r.step_no) for r in rows]


def edit_case_row(sessions: sessionmaker[Session], number: str, **values) -> None:
    """Change a stored case behind the engine's back, as a tampering hand would."""
    with sessions() as session, session.begin():
        row = session.scalar(select(CaseRow).where(CaseRow.number == number))
        for field, value in values.items():
            setattr(row, field, value)


def edit_step_row(sessions: sessionmaker[Session], step_id: int, **values) -> None:
    """Change a stored step instance behind the engine's back."""
    with sessions() as session, session.begin():
        row = session.get(StepRow, step_id)
        for field, value in values.items():
            setattr(row, field, value)
