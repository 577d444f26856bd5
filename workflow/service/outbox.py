"""The outbox as the delivery side sees it: claiming what is due, and what became of each message.

Several bot replicas may deliver from one database. Each claims whole recipients for a lease
(``claimed_by``, ``claimed_until``); marking a row sent, retried, skipped or failed ends its claim.
A replica that dies holding a claim loses it when the lease expires, and another takes over: at
worst the one message sent but not yet marked goes out twice, and none is lost.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import exists, func, or_, select, update
from sqlalchemy.orm import Session, aliased, sessionmaker

from workflow.db import repository as repo
from workflow.db.models import OfficialRow, OutboxRow
from workflow.roster import TU_ROLE
from workflow.service.buttons import record
from workflow.service.uow import run_in_transaction

__all__ = ["LEASE", "STEP_MESSAGES", "OutboxItem", "OutboxService"]

#: How long a claim keeps other replicas off a chat's queue (a delivery pass ends well within it).
LEASE = timedelta(seconds=60)
#: The kinds of message that show the holder a step with its buttons.
STEP_MESSAGES = ("step_assigned", "step_returned", "step_updated", "reminder")


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
    """Claims due outbox rows and records each delivery's fate (sent, retried, failed, skipped)."""

    def __init__(
        self, sessions: sessionmaker[Session], clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    ):
        self._sessions = sessions
        self._clock = clock

    def claim(self, replica: str, limit: int = 100, lease: timedelta = LEASE) -> list[OutboxItem]:
        """Claim for ``replica``, until ``lease`` runs out, the due rows of whole recipients, oldest first.

        A recipient is taken when its earliest pending row is due and not under another replica's
        unexpired lease, so one replica at a time owns a chat's queue and each chat receives its
        messages in order. Its rows follow up to the first one still waiting for a retry, which
        holds back the rest. On PostgreSQL those earliest rows are locked with ``SKIP LOCKED``:
        replicas claiming at once split the recipients between them instead of waiting. SQLite has
        one writer at a time (``BEGIN IMMEDIATE``). The claim ends when a row is marked, or at
        ``release``; a replica that crashed holding it loses it when the lease expires.
        """
        now = self._clock()

        def work(session: Session) -> list[OutboxItem]:
            # Every pending row lies at or after the oldest: bounding the scans by it keeps them off
            # the sent rows, which accumulate.
            floor = session.scalar(select(func.min(OutboxRow.id)).where(OutboxRow.status == "pending"))
            if floor is None:
                return []
            heads = select(OutboxRow.recipient).where(
                OutboxRow.id >= floor,
                OutboxRow.status == "pending",
                _due(now),
                _free(replica, now),
                ~_earlier_pending(floor),
            )
            heads = heads.order_by(OutboxRow.id).limit(limit)
            if session.get_bind().dialect.name == "postgresql":
                heads = heads.with_for_update(skip_locked=True, of=OutboxRow)
            recipients = list(session.scalars(heads))
            if not recipients:
                return []
            taken = _in_order(session.execute(_queues(floor, recipients)), replica, now, limit)
            session.execute(
                update(OutboxRow)
                .where(OutboxRow.id.in_([item.id for item in taken]))
                .values(claimed_by=replica, claimed_until=now + lease)
                .execution_options(synchronize_session=False)
            )
            return taken

        return run_in_transaction(self._sessions, work)

    def release(self, replica: str, items: list[OutboxItem]) -> None:
        """Give up ``replica``'s claims on those of ``items`` it did not get to (the end of a pass)."""
        ids = [item.id for item in items]
        run_in_transaction(
            self._sessions,
            lambda s: s.execute(
                update(OutboxRow)
                .where(OutboxRow.id.in_(ids), OutboxRow.claimed_by == replica)
                .values(**_UNCLAIMED)
            ),
        )

    def sent(
        self, item: OutboxItem, chat_id: int, message_id: int, buttons: tuple[int, int] | None = None
    ) -> None:
        """Mark delivered, keeping the Telegram message id for later edits; ``buttons``: the case
        id and version its buttons were made for (``workflow.service.buttons``), if it has any."""
        now = self._clock()
        values = {
            "status": "sent",
            "sent_at": now,
            "chat_id": chat_id,
            "telegram_message_id": message_id,
            "attempts": item.attempts + 1,
            "last_error": None,
        }

        def work(session: Session) -> None:
            session.execute(update(OutboxRow).where(OutboxRow.id == item.id).values(**values, **_UNCLAIMED))
            record(session, chat_id, message_id, buttons, now)

        run_in_transaction(self._sessions, work)

    def retry(self, item: OutboxItem, at: datetime, error: str) -> None:
        """Try again at ``at`` (after a 429's retry_after or a network error)."""
        self._set(item.id, next_attempt_at=at, attempts=item.attempts + 1, last_error=error[:500])

    def later(self, recipient: str, case_id: int | None, key: str, payload: dict) -> None:
        """Queue a message whose sending failed after the action it reports was committed (Telegram
        down, a press answered too late): ``payload`` holds the rendered text, keyboard and the
        message to edit. ``key`` makes it once only (e.g. the press's query id)."""
        now = self._clock()

        def work(session: Session) -> None:
            repo.insert_new(
                session,
                repo.OUTBOX,
                {
                    "created_at": now,
                    "recipient": recipient,
                    "kind": "press_outcome",
                    "case_id": case_id,
                    "step_no": None,
                    "dedupe_key": f"later:{key}"[:200],
                    "payload": payload,
                    "status": "pending",
                    "attempts": 0,
                },
                "dedupe_key",
            )

        run_in_transaction(self._sessions, work)

    def replaced_by(self, item: OutboxItem, since: datetime) -> list[tuple[int, int]]:
        """The step messages that ``item``, a fresh one, replaces: those sent to the same person
        about the same step of the case since ``since`` (when the step opened), from the last
        fresh one on (earlier ones were replaced then). As (chat id, Telegram message id)."""

        def work(session: Session) -> list[tuple[str, int, int]]:
            rows = session.execute(
                select(OutboxRow.kind, OutboxRow.chat_id, OutboxRow.telegram_message_id)
                .where(
                    OutboxRow.recipient == item.recipient,
                    OutboxRow.case_id == item.case_id,
                    OutboxRow.step_no == item.step_no,
                    OutboxRow.kind.in_(STEP_MESSAGES),
                    OutboxRow.status == "sent",
                    OutboxRow.telegram_message_id.is_not(None),
                    OutboxRow.id < item.id,
                    OutboxRow.created_at >= since,
                )
                .order_by(OutboxRow.id)
            )
            return [tuple(r) for r in rows]

        rows = run_in_transaction(self._sessions, work)
        last_fresh = max((i for i, row in enumerate(rows) if row[0] == "step_updated"), default=0)
        return [(chat, message) for _, chat, message in rows[last_fresh:]]

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
                .values(status="failed", attempts=item.attempts + 1, last_error=error[:500], **_UNCLAIMED)
            )
            official = session.get(OfficialRow, item.recipient)
            first_time = official.unreachable_at is None
            official.unreachable_at = official.unreachable_at or now
            tu = session.scalars(
                select(OfficialRow.key).where(OfficialRow.role == TU_ROLE, OfficialRow.active.is_(True))
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
            lambda s: s.execute(
                update(OutboxRow).where(OutboxRow.id == row_id).values(**values, **_UNCLAIMED)
            ),
        )


_UNCLAIMED = {"claimed_by": None, "claimed_until": None}


def _due(now: datetime):
    return or_(OutboxRow.next_attempt_at.is_(None), OutboxRow.next_attempt_at <= now)


def _free(replica: str, now: datetime):
    """Not under another replica's unexpired lease."""
    return or_(
        OutboxRow.claimed_by.is_(None), OutboxRow.claimed_by == replica, OutboxRow.claimed_until <= now
    )


def _earlier_pending(floor: int):
    """The same recipient has an older pending row."""
    earlier = aliased(OutboxRow)
    return exists().where(
        earlier.recipient == OutboxRow.recipient,
        earlier.id >= floor,
        earlier.id < OutboxRow.id,
        earlier.status == "pending",
    )


def _queues(floor: int, recipients: list[str]):
    """The pending rows of ``recipients``, oldest first, with where each goes (plain rows: fast)."""
    return (
        select(
            OutboxRow.id,
            OutboxRow.recipient,
            OutboxRow.kind,
            OutboxRow.case_id,
            OutboxRow.step_no,
            OutboxRow.attempts,
            OutboxRow.payload,
            OutboxRow.next_attempt_at,
            OutboxRow.claimed_by,
            OutboxRow.claimed_until,
            OfficialRow.telegram_id,
            OfficialRow.language,
        )
        .outerjoin(OfficialRow, OfficialRow.key == OutboxRow.recipient)
        .where(OutboxRow.id >= floor, OutboxRow.status == "pending", OutboxRow.recipient.in_(recipients))
        .order_by(OutboxRow.id)
    )


def _in_order(rows, replica: str, now: datetime, limit: int) -> list[OutboxItem]:
    """Each recipient's rows up to the first that must wait (a retry, or another replica's claim)."""
    taken: list[OutboxItem] = []
    stopped: set[str] = set()
    for row in rows:
        if row.recipient in stopped:
            continue
        waiting = row.next_attempt_at is not None and row.next_attempt_at > now
        others = row.claimed_by not in (None, replica) and (row.claimed_until or now) > now
        if waiting or others:
            stopped.add(row.recipient)
            continue
        payload = dict(row.payload or {})
        taken.append(
            OutboxItem(
                row.id,
                row.recipient,
                row.kind,
                row.case_id,
                payload.get("case_number"),
                row.step_no,
                row.telegram_id,
                row.language or "id",
                row.attempts,
                payload,
            )
        )
        if len(taken) == limit:
            break
    return taken
