"""What the bot waits for from a user (a note, a reason, a manifest, a PIN, an intake answer).

Kept in the database, not in memory, so that a restart or a second replica loses nothing. One
question is open per user: a new one replaces the old, whose prompts are closed from then on. A
question's prompts are the message that asked it and every message that asked again after an
answer was refused. A message answers the open question when it replies to one of its prompts, or
to nothing; a reply to any other message (an older question's prompt) answers nothing
(``addressed``).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, update
from sqlalchemy.orm import Session, sessionmaker

from workflow.db.models import PendingInputRow
from workflow.errors import DomainError
from workflow.service.uow import run_in_transaction

__all__ = [
    "NothingPending",
    "Pending",
    "PendingInputs",
    "PromptClosed",
    "addressed",
    "forget",
    "keep",
    "pending_of",
]

#: How long the bot waits for an answer before forgetting the question.
DEFAULT_TTL = timedelta(hours=12)
#: Where the row keeps a question's earlier prompts (beside the consumer's data, which never sees it).
_EARLIER = "_earlier_prompts"
#: Earlier prompts kept per question: a reply to an older one than these is taken for no answer.
_KEEP = 10


@dataclass(frozen=True, slots=True)
class Pending:
    """One question the bot asked and waits to have answered.

    ``prompt_message_id`` is its newest prompt; ``earlier_prompts`` the ones before it (a question
    asked again after a refused answer). A new question starts without earlier prompts.
    """

    telegram_id: int
    official_key: str
    kind: str
    case_id: int | None = None
    step_id: int | None = None
    case_version: int | None = None
    data: dict = field(default_factory=dict)
    prompt_message_id: int | None = None
    earlier_prompts: tuple[int, ...] = ()

    @property
    def prompts(self) -> tuple[int, ...]:
        """Every message that asks this question."""
        newest = () if self.prompt_message_id is None else (self.prompt_message_id,)
        return (*self.earlier_prompts, *newest)


class PromptClosed(DomainError):
    """A reply to a message that is not one of the open question's prompts: an answered, replaced
    or expired question, or no question at all. It answers nothing, least of all the newer question."""

    code = "prompt_closed"


class NothingPending(DomainError):
    """A message that replies to nothing while no question is open."""

    code = "nothing_pending"


def addressed(pending: Pending | None, reply_to: int | None) -> Pending:
    """The open question a message answers: ``pending`` when the message replies to one of its
    prompts or to nothing (``reply_to`` None).

    Raises:
        PromptClosed: the message replies to another message; ``params`` name the open question.
        NothingPending: no question is open and the message replies to nothing.
    """
    if reply_to is not None and (pending is None or reply_to not in pending.prompts):
        raise PromptClosed(
            f"a reply to message {reply_to}, which asks no open question",
            reply_to=reply_to,
            open=pending.kind if pending else None,
        )
    if pending is None:
        raise NothingPending("no question is open")
    return pending


def pending_of(row, now: datetime) -> Pending | None:
    """The question a ``pending_inputs`` row (or a row with its columns) keeps, unless it expired."""
    if row is None or row.expires_at <= now:
        return None
    data = dict(row.data or {})
    earlier = tuple(data.pop(_EARLIER, ()))
    return Pending(
        row.telegram_id,
        row.official_key,
        row.kind,
        row.case_id,
        row.step_id,
        row.case_version,
        data,
        row.prompt_message_id,
        earlier,
    )


def _stored(data: dict, earlier: tuple[int, ...]) -> dict:
    """A question's data as its row keeps it: with its earlier prompts, if any."""
    return {**data, _EARLIER: list(earlier[-_KEEP:])} if earlier else dict(data)


def keep(session: Session, pending: Pending, data: dict, now: datetime, *, new_prompt: bool = False) -> None:
    """In the caller's transaction: ``data`` is now the open question's (the note written, the
    answers so far), and it waits ``DEFAULT_TTL`` again from ``now``; ``new_prompt``: its next part
    is asked by a new prompt, the earlier ones closed."""
    table = PendingInputRow.__table__
    earlier = () if new_prompt else pending.earlier_prompts
    values: dict = {"data": _stored(data, earlier), "expires_at": now + DEFAULT_TTL}
    if new_prompt:
        values["prompt_message_id"] = None
    session.connection().execute(
        update(table).where(table.c.telegram_id == pending.telegram_id).values(**values)
    )


def forget(session: Session, telegram_id: int) -> bool:
    """In the caller's transaction: this user's question is answered or dropped; whether there was one."""
    table = PendingInputRow.__table__
    return session.connection().execute(delete(table).where(table.c.telegram_id == telegram_id)).rowcount > 0


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
        data = _stored(pending.data, pending.earlier_prompts)

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
                    data=data,
                    prompt_message_id=pending.prompt_message_id,
                    created_at=now,
                    expires_at=now + ttl,
                )
            )

        run_in_transaction(self._sessions, work)

    def prompted(self, telegram_id: int, kind: str, message_id: int) -> None:
        """``message_id`` asks this user's open question of ``kind`` (if that is still the open one):
        its first prompt, sent after the answers so far were stored, or a message asking again after
        a refused answer. Replies to it, and to the question's earlier prompts, answer the question."""

        def work(session: Session) -> None:
            row = session.get(PendingInputRow, telegram_id)
            if row is None or row.kind != kind:
                return
            if row.prompt_message_id is not None:
                data = dict(row.data or {})
                data[_EARLIER] = [*data.get(_EARLIER, []), row.prompt_message_id][-_KEEP:]
                row.data = data  # a new dict: the JSON column sees the change
            row.prompt_message_id = message_id

        run_in_transaction(self._sessions, work)

    def get(self, telegram_id: int) -> Pending | None:
        """What this user has pending, unless it expired."""

        def work(session: Session) -> Pending | None:
            return pending_of(session.get(PendingInputRow, telegram_id), self._clock())

        return run_in_transaction(self._sessions, work)

    def clear(self, telegram_id: int) -> bool:
        """Forget what this user had pending; whether there was anything."""

        return run_in_transaction(self._sessions, lambda session: forget(session, telegram_id))
