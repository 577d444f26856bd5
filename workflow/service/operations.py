"""What operators ask of a running bot: is the database there, how long is the outbox queue, how
long ago did this process last sweep for overdue steps, and has this webhook update been taken in
already."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from workflow.db.models import OutboxRow, ProcessedUpdateRow
from workflow.service.uow import run_in_transaction

__all__ = ["Operations"]

#: Update ids are kept this long: Telegram gives up redelivering long before.
KEEP_UPDATES = timedelta(days=2)


class Operations:
    """Health and idempotent intake of webhook updates."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        last_sweep: Callable[[], datetime | None] = lambda: None,
    ):
        """``last_sweep`` tells when this process last finished an SLA sweep (None: not yet, or off)."""
        self._sessions = sessions
        self._clock = clock
        self._last_sweep = last_sweep

    def first_time(self, update_id: int) -> bool:
        """Record ``update_id``; whether it was new (a repeat returns False and must be ignored)."""
        now = self._clock()

        def work(session: Session) -> None:
            session.add(ProcessedUpdateRow(update_id=update_id, received_at=now))
            session.flush()
            session.query(ProcessedUpdateRow).filter(
                ProcessedUpdateRow.received_at < now - KEEP_UPDATES
            ).delete()

        try:
            run_in_transaction(self._sessions, work)
        except IntegrityError:
            return False
        return True

    def health(self) -> dict:
        """Whether the database answers, the outbox backlog, and how fresh the SLA sweep is.

        ``outbox_pending`` and ``outbox_oldest_seconds`` measure the backlog;
        ``sla_sweep_age_seconds`` is the time since this process last finished an SLA sweep (None
        before the first, or when the sweep is off).
        """
        now = self._clock()
        swept = self._last_sweep()
        sweep = {"sla_sweep_age_seconds": round((now - swept).total_seconds(), 1) if swept else None}

        def work(session: Session) -> dict:
            count, oldest = session.execute(
                select(func.count(), func.min(OutboxRow.created_at)).where(OutboxRow.status == "pending")
            ).one()
            return {
                "database": "ok",
                "outbox_pending": count,
                "outbox_oldest_seconds": round((now - oldest).total_seconds(), 1) if oldest else 0,
            }

        try:
            return {"status": "ok", **run_in_transaction(self._sessions, work), **sweep}
        except SQLAlchemyError as exc:
            return {"status": "error", "database": type(exc).__name__, **sweep}
