"""What the bot waits for from a user (a note, a reason, a manifest, a PIN, an intake answer).

Kept in the database, not in memory, so that a restart or a second replica loses nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.orm import Session, sessionmaker

from workflow.db.models import PendingInputRow
from workflow.service.uow import run_in_transaction

__all__ = ["Pending", "PendingInputs"]

#: How long the bot waits for an answer before forgetting the question.
DEFAULT_TTL = timedelta(hours=12)


@dataclass(frozen=True, slots=True)
class Pending:
    """One question the bot asked and waits to have answered."""

    telegram_id: int
    official_key: str
    kind: str
    case_id: int | None = None
    step_id: int | None = None
    case_version: int | None = None
    data: dict = field(default_factory=dict)
    prompt_message_id: int | None = None


class PendingInputs:
    """One pending input per Telegram user; a new question replaces the old one."""

    def __init__(
        self, sessions: sessionmaker[Session], clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    ):
        self._sessions = sessions
        self._clock = clock

    def put(self, pending: Pending, ttl: timedelta = DEFAULT_TTL) -> None:
        """Remember ``pending`` (replacing what this user had pending)."""
        now = self._clock()

        def work(session: Session) -> None:
            session.execute(delete(PendingInputRow).where(PendingInputRow.telegram_id == pending.telegram_id))
            session.add(
                PendingInputRow(
                    telegram_id=pending.telegram_id,
                    official_key=pending.official_key,
                    kind=pending.kind,
                    case_id=pending.case_id,
                    step_id=pending.step_id,
                    case_version=pending.case_version,
                    data=dict(pending.data),
                    prompt_message_id=pending.prompt_message_id,
                    created_at=now,
                    expires_at=now + ttl,
                )
            )

        run_in_transaction(self._sessions, work)

    def get(self, telegram_id: int) -> Pending | None:
        """What this user has pending, unless it expired."""

        def work(session: Session) -> Pending | None:
            row = session.get(PendingInputRow, telegram_id)
            if row is None or row.expires_at <= self._clock():
                return None
            return Pending(
                row.telegram_id,
                row.official_key,
                row.kind,
                row.case_id,
                row.step_id,
                row.case_version,
                dict(row.data or {}),
                row.prompt_message_id,
            )

        return run_in_transaction(self._sessions, work)

    def clear(self, telegram_id: int) -> bool:
        """Forget what this user had pending; whether there was anything."""

        def work(session: Session) -> bool:
            result = session.execute(
                delete(PendingInputRow).where(PendingInputRow.telegram_id == telegram_id)
            )
            return result.rowcount > 0

        return run_in_transaction(self._sessions, work)
