"""The outbox as the delivery side sees it: what is due, and what became of each message."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import exists, or_, select, update
from sqlalchemy.orm import Session, aliased, sessionmaker

from workflow.db import repository as repo
from workflow.db.models import OfficialRow, OutboxRow
from workflow.service.uow import run_in_transaction

__all__ = ["OutboxItem", "OutboxService"]


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """One message to deliver, with where it goes."""

    id: int
    recipient: str
    kind: str
    case_id: int | None
    case_number: str | None
    step_no: int | None
    chat_id: int | None
    language: str
    attempts: int
    payload: dict


class OutboxService:
    """Reads due outbox rows and records each delivery's fate (sent, retried, failed, skipped)."""

    def __init__(
        self, sessions: sessionmaker[Session], clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    ):
        self._sessions = sessions
        self._clock = clock

    def due(self, limit: int = 100) -> list[OutboxItem]:
        """Pending rows whose time has come, oldest first.

        A row waiting for its retry holds back the later rows of the same recipient, so each
        chat receives its messages in order.
        """
        now = self._clock()
        earlier = aliased(OutboxRow)
        waiting_before = exists().where(
            earlier.recipient == OutboxRow.recipient,
            earlier.status == "pending",
            earlier.id < OutboxRow.id,
            earlier.next_attempt_at > now,
        )

        def work(session: Session) -> list[OutboxItem]:
            query = (
                select(OutboxRow, OfficialRow.telegram_id, OfficialRow.language)
                .outerjoin(OfficialRow, OfficialRow.key == OutboxRow.recipient)
                .where(OutboxRow.status == "pending")
                .where(or_(OutboxRow.next_attempt_at.is_(None), OutboxRow.next_attempt_at <= now))
                .where(~waiting_before)
                .order_by(OutboxRow.id)
                .limit(limit)
            )
            return [
                OutboxItem(
                    row.id,
                    row.recipient,
                    row.kind,
                    row.case_id,
                    row.payload.get("case_number"),
                    row.step_no,
                    chat_id,
                    language or "id",
                    row.attempts,
                    dict(row.payload or {}),
                )
                for row, chat_id, language in session.execute(query)
            ]

        return run_in_transaction(self._sessions, work)

    def sent(self, item: OutboxItem, chat_id: int, message_id: int) -> None:
        """Mark delivered, keeping the Telegram message id for later edits."""
        self._set(
            item.id,
            status="sent",
            sent_at=self._clock(),
            chat_id=chat_id,
            telegram_message_id=message_id,
            attempts=item.attempts + 1,
            last_error=None,
        )

    def retry(self, item: OutboxItem, at: datetime, error: str) -> None:
        """Try again at ``at`` (after a 429's retry_after or a network error)."""
        self._set(item.id, next_attempt_at=at, attempts=item.attempts + 1, last_error=error[:500])

    def skip(self, item: OutboxItem, reason: str) -> None:
        """Give up without sending (e.g. the official has no Telegram account linked)."""
        self._set(item.id, status="skipped", last_error=reason[:500])

    def fail(self, item: OutboxItem, error: str) -> None:
        """Give up after an error that retrying cannot fix."""
        self._set(item.id, status="failed", attempts=item.attempts + 1, last_error=error[:500])

    def unreachable(self, item: OutboxItem, error: str, superiors: list[str]) -> None:
        """Telegram refused (403): mark the official unreachable and tell ``superiors`` and the TU."""
        now = self._clock()

        def work(session: Session) -> None:
            session.execute(
                update(OutboxRow)
                .where(OutboxRow.id == item.id)
                .values(status="failed", attempts=item.attempts + 1, last_error=error[:500])
            )
            official = session.get(OfficialRow, item.recipient)
            first_time = official.unreachable_at is None
            official.unreachable_at = official.unreachable_at or now
            tu = session.scalars(
                select(OfficialRow.key).where(OfficialRow.role == "tu", OfficialRow.active.is_(True))
            ).all()
            for key in dict.fromkeys([*superiors, *tu]):
                if key == item.recipient:
                    continue
                session.add(
                    OutboxRow(
                        created_at=now,
                        recipient=key,
                        kind="official_unreachable",
                        case_id=item.case_id,
                        step_no=item.step_no,
                        dedupe_key=f"unreachable:{item.id}:{key}",
                        payload={"case_number": item.case_number, "official": item.recipient},
                        status="pending",
                        attempts=0,
                    )
                )
            if first_time:
                repo.add_audit(
                    session,
                    at=now,
                    actor="bot",
                    action="unreachable",
                    result="ok",
                    case_id=item.case_id,
                    detail={"official": item.recipient, "error": error[:200]},
                )

        run_in_transaction(self._sessions, work)

    def _set(self, row_id: int, **values) -> None:
        run_in_transaction(
            self._sessions,
            lambda s: s.execute(update(OutboxRow).where(OutboxRow.id == row_id).values(**values)),
        )
