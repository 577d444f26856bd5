"""The messages left carrying a case's buttons, so that no button outlives the state it was made for.

Every message the front end shows with buttons of a case is recorded with the case version its
buttons were made for (``shown``). Every accepted action moves the case's version on, whoever
takes it and wherever (a press, an answer, the command line), so the buttons of every recorded
message of an older version are out of date: the front end reads them (``outdated``), takes the
buttons off, and forgets the row (``cleared``). Deriving the work from the rows, not from a
message queued by each action, makes it durable: a clearing missed (the bot was down, Telegram
failed) is done on the next pass, and a message shown for the new version is never among them.

A message an official acted from is *held* meanwhile (``hold``): the front end shows the outcome
there itself, perhaps with fresh buttons, and the clearing must not race that edit. The hold ends
when the message is recorded again (``shown``) or after ``HOLD``.

Chat and message ids are plain numbers; nothing here knows Telegram.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from workflow.db.models import ButtonMessageRow, CaseRow
from workflow.service.uow import run_in_transaction

__all__ = ["HOLD", "ButtonMessages", "Keyboard", "record"]

#: How long an action's message is left alone for the front end to show the outcome there.
HOLD = timedelta(minutes=2)

BUTTONS = ButtonMessageRow.__table__
CASES = CaseRow.__table__


@dataclass(frozen=True, slots=True)
class Keyboard:
    """Buttons shown on one message: made for ``version`` of case ``case_id``."""

    chat_id: int
    message_id: int
    case_id: int
    version: int


def record(
    session: Session, chat_id: int, message_id: int, made_for: tuple[int, int] | None, now: datetime
) -> None:
    """The message now carries buttons made for ``made_for`` (case id, version), or (None) none.

    In the caller's transaction (e.g. the outbox marking a row sent). Recording a message again
    ends its hold.
    """
    connection = session.connection()
    if made_for is None:
        connection.execute(
            delete(BUTTONS).where(BUTTONS.c.chat_id == chat_id, BUTTONS.c.message_id == message_id)
        )
        return
    case_id, version = made_for
    values = {"case_id": case_id, "case_version": version, "shown_at": now, "held_until": None}
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    connection.execute(
        dialect.insert(BUTTONS)
        .values(chat_id=chat_id, message_id=message_id, **values)
        .on_conflict_do_update(index_elements=["chat_id", "message_id"], set_=values)
    )


class ButtonMessages:
    """Records the messages with a case's buttons, and which of them are out of date."""

    def __init__(
        self, sessions: sessionmaker[Session], clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    ) -> None:
        self._sessions = sessions
        self._clock = clock

    def shown(self, chat_id: int, message_id: int, made_for: tuple[int, int] | None) -> None:
        """The message was sent or edited with buttons made for (case id, version), or none now."""
        now = self._clock()
        run_in_transaction(self._sessions, lambda s: record(s, chat_id, message_id, made_for, now))

    def hold(self, chat_id: int, message_id: int) -> None:
        """An official acts from this message: leave it to the front end for ``HOLD`` at most."""
        until = self._clock() + HOLD
        run_in_transaction(
            self._sessions,
            lambda s: s.connection().execute(
                update(BUTTONS)
                .where(BUTTONS.c.chat_id == chat_id, BUTTONS.c.message_id == message_id)
                .values(held_until=until)
            ),
        )

    def release(self, chat_id: int, message_id: int) -> None:
        """End the hold: the message stayed as it was (the press was refused, or only asked)."""
        run_in_transaction(
            self._sessions,
            lambda s: s.connection().execute(
                update(BUTTONS)
                .where(BUTTONS.c.chat_id == chat_id, BUTTONS.c.message_id == message_id)
                .values(held_until=None)
            ),
        )

    def outdated(self, limit: int = 100) -> list[Keyboard]:
        """Messages whose buttons were made for an older version of their case, oldest first
        (those held by an action in progress excepted)."""
        now = self._clock()
        query = (
            select(BUTTONS.c.chat_id, BUTTONS.c.message_id, BUTTONS.c.case_id, BUTTONS.c.case_version)
            .join(CASES, CASES.c.id == BUTTONS.c.case_id)
            .where(
                BUTTONS.c.case_version < CASES.c.version,
                or_(BUTTONS.c.held_until.is_(None), BUTTONS.c.held_until <= now),
            )
            .order_by(BUTTONS.c.id)
            .limit(limit)
        )
        rows = run_in_transaction(self._sessions, lambda s: list(s.connection().execute(query)))
        return [Keyboard(*row) for row in rows]

    def cleared(self, keyboard: Keyboard) -> None:
        """The buttons are off ``keyboard``'s message (or it is gone): forget it, unless it was
        shown again meanwhile with buttons of another version."""
        run_in_transaction(
            self._sessions,
            lambda s: s.connection().execute(
                delete(BUTTONS).where(
                    BUTTONS.c.chat_id == keyboard.chat_id,
                    BUTTONS.c.message_id == keyboard.message_id,
                    BUTTONS.c.case_version == keyboard.version,
                )
            ),
        )
