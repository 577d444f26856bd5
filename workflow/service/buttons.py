"""The messages left carrying a case's buttons, so that no button outlives the state it was made for.

Every message the front end shows with buttons of a case is recorded with the case version its
buttons were made for (``shown``). Every accepted action moves the case's version on, whoever
takes it and wherever (a press, an answer, the command line), so the buttons of every recorded
message of an older version are out of date: the front end reads them (``outdated``), takes the
buttons off, and forgets the row (``cleared``). Deriving the work from the rows, not from a
message queued by each action, makes it durable: a clearing missed (the bot was down, Telegram
failed) is done on the next pass, and a message shown for the new version is never among them.

A message an official acted from is recorded in the action's own transaction
(``workflow.service.desk``), as carrying the new version's buttons or none: the front end shows
the outcome there itself, and the clearing never touches it. (``held_until``, which an earlier
version used to keep the clearing off such a message for a while, is no longer set.)

Chat and message ids are plain numbers; nothing here knows Telegram.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from workflow.db.models import ButtonMessageRow, CaseRow
from workflow.service.uow import run_in_transaction

__all__ = ["ButtonMessages", "Keyboard", "record"]

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

    In the caller's transaction (e.g. the outbox marking a row sent, or the action that was taken
    from the message).
    """
    connection = session.connection()
    if made_for is None:
        connection.execute(
            delete(BUTTONS).where(BUTTONS.c.chat_id == chat_id, BUTTONS.c.message_id == message_id)
        )
        return
    case_id, version = made_for
    values = {"case_id": case_id, "case_version": version, "shown_at": now}
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

    def outdated(self, limit: int = 100) -> list[Keyboard]:
        """Messages whose buttons were made for an older version of their case, oldest first."""
        query = (
            select(BUTTONS.c.chat_id, BUTTONS.c.message_id, BUTTONS.c.case_id, BUTTONS.c.case_version)
            .join(CASES, CASES.c.id == BUTTONS.c.case_id)
            .where(BUTTONS.c.case_version < CASES.c.version)
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
