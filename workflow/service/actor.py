"""Who pressed a button or answered a question, and the case it is about, read in one statement:
the active official linked to the Telegram account, their language, their signing PIN's state and
the question they have open, with the roster's change stamp (so the roster cache needs no
statement of its own); and the case the press names, or else the open question's, with its steps.

Everything else about the official (name, role, superiors, stand-in orders) comes from the roster
(``workflow.service.rostercache``), as the same transaction sees it.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, bindparam, func, select
from sqlalchemy.orm import Session

from workflow.case import Case
from workflow.db import rosterstamp
from workflow.db.models import OfficialRow, PendingInputRow
from workflow.db.repository import CASE_COLUMNS, CASE_WITH_STEPS, CASES, STEP_COLUMNS, STEPS, case_of_rows
from workflow.service.pending import Pending, pending_of
from workflow.signingpin import PinState

__all__ = ["Actor", "load_actor"]

OFFICIALS = OfficialRow.__table__
PENDING = PendingInputRow.__table__
_OFFICIAL = OFFICIALS.outerjoin(
    PENDING, and_(PENDING.c.telegram_id == OFFICIALS.c.telegram_id, PENDING.c.expires_at > bindparam("now"))
)
_WHO = select(
    OFFICIALS.c.key,
    OFFICIALS.c.language,
    OFFICIALS.c.pin_hash,
    OFFICIALS.c.pin_failures,
    OFFICIALS.c.pin_locked_at,
    rosterstamp.STAMP_NOW.label("roster_stamp"),
    *(c.label(f"pending_{c.name}") for c in PENDING.c),
).where(OFFICIALS.c.telegram_id == bindparam("telegram_id"), OFFICIALS.c.active.is_(True))
#: The same with the case: the one named, else the open question's, and its steps.
_WITH_CASE = (
    _WHO.add_columns(*CASE_COLUMNS, *STEP_COLUMNS)
    .select_from(
        _OFFICIAL.outerjoin(
            CASE_WITH_STEPS, CASES.c.id == func.coalesce(bindparam("case_id"), PENDING.c.case_id)
        )
    )
    .order_by(STEPS.c.id)
)
_WHO = _WHO.select_from(_OFFICIAL)


@dataclass(frozen=True, slots=True)
class Actor:
    """The official behind a Telegram account, as one press or answer needs them."""

    key: str
    language: str
    pin: PinState
    pending: Pending | None
    case_id: int | None  # the case read with them: the one asked for, else the open question's
    case: Case | None  # that case as read (None: no such case)


class _PendingColumns:
    def __init__(self, row) -> None:
        for column in PENDING.c:
            setattr(self, column.name, row[f"pending_{column.name}"])


def load_actor(
    session: Session, telegram_id: int, now: datetime, case_id: int | None = None, *, with_case: bool = True
) -> Actor | None:
    """The active official linked to ``telegram_id`` (None: nobody, or no longer active), with the
    case ``case_id`` (or, without one, their open question's) unless not ``with_case``."""
    params = {"telegram_id": telegram_id, "case_id": case_id, "now": now}
    rows = session.connection().execute(_WITH_CASE if with_case else _WHO, params).mappings().all()
    if not rows:
        return None
    row = rows[0]
    rosterstamp.seen(session, row["roster_stamp"])
    pending = pending_of(_PendingColumns(row), now) if row["pending_telegram_id"] is not None else None
    pin = PinState(row["pin_hash"], row["pin_failures"], row["pin_locked_at"])
    if case_id is None:
        case_id = row["pending_case_id"]
    return Actor(
        row["key"], row["language"], pin, pending, case_id, case_of_rows(rows) if with_case else None
    )
