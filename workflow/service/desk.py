"""An official's desk: each button press and each answer to one of the bot's questions is one call
here and one transaction, whichever front end calls it.

In that transaction: who it is (``workflow.service.actor``: the official linked to the account,
their language, PIN state and open question, in one statement with the roster's change stamp);
the case with its steps (one statement); the checks (the presser may see the case, the button is
of its current version, the action is theirs); and, when the press or answer acts, the decision and
everything it writes: the steps, the case, the outbox, the audit row, the question closed, and the
message it was made from recorded as carrying the new version's buttons or none
(``workflow.service.buttons``). It returns a ``Result`` (``workflow.service.turn``): the case as
the message showed it, the case as it now stands, the actions the official now has, and what to
show; the front end renders from that and reads nothing again. A refusal is audited in the same
transaction (``workflow.service.refusals``, with the wrong PIN's count where one applies) and
returned as a ``refused`` result.
Sending the outbox is not part of it: the delivery does that afterwards.

What each press does is ``workflow.service.pressing``; what each answer does,
``workflow.service.answering``.
"""

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session, sessionmaker

from workflow.db import repository as repo
from workflow.errors import DomainError
from workflow.presses import Press
from workflow.roster import Official
from workflow.service import answering, pressing
from workflow.service.actor import load_actor
from workflow.service.answering import Answer
from workflow.service.caseload import CaseLoader, roster_for
from workflow.service.refusals import audit_refusal
from workflow.service.turn import At, Result, Setup
from workflow.service.uow import run_in_transaction
from workflow.signature import Seal
from workflow.sop import Sop
from workflow.workcalendar import Continuous, WorkCalendar

__all__ = ["Desk"]


class Desk:
    """Presses and answers, each in one transaction."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        sops: Mapping[str, Sop],
        *,
        tz: ZoneInfo,
        calendar: WorkCalendar | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        seal: Seal | None = None,
        uploads: bool = False,
    ) -> None:
        """Args:
        uploads: the permit scan may be kept in Telegram and sent again (``ALLOW_SCAN_UPLOADS``).
        """
        self._sessions = sessions
        self._clock = clock
        self._setup = Setup(CaseLoader(sops, tz, clock), calendar or Continuous(), seal, uploads)

    def press(self, telegram_id: int, press: Press, message: tuple[int, int] | None) -> Result | None:
        """Handle a button press from ``message`` (chat id, message id).

        Returns:
            What to show (``refused``: audited, and nothing else changed); None when the account
            is no active official's (nothing is done).
        """
        return self._turn(telegram_id, lambda at: pressing.handle(at, press, message), press.case_id)

    def answer(self, telegram_id: int, chat_id: int, reply_to: int | None, answer: Answer) -> Result | None:
        """Handle a message in ``chat_id`` that may answer the official's open question.

        Returns:
            What to show (``refused``: audited; the question stays open when answering again can
            help, ``answering.stays_open``); None when the account is no active official's.
        """
        return self._turn(telegram_id, lambda at: answering.handle(at, chat_id, reply_to, answer))

    def who(self, telegram_id: int) -> tuple[Official, str] | None:
        """The active official linked to ``telegram_id`` and their language (None: nobody), in one
        statement: what a command asks first."""

        def work(session: Session) -> tuple[Official, str] | None:
            actor = load_actor(session, telegram_id, self._clock(), with_case=False)
            return None if actor is None else (roster_for(session, actor.key).get(actor.key), actor.language)

        return run_in_transaction(self._sessions, work)

    def refuse(self, telegram_id: int, action: str, refusal: DomainError) -> Result | None:
        """Audit a refusal the front end found before asking anything here (a button's data that
        is not ours): the ``refused`` result, in the official's language."""

        def refused(at: At) -> Result:
            at.audit_as = action
            raise refusal

        return self._turn(telegram_id, refused)

    def _turn(
        self, telegram_id: int, handle: Callable[[At], Result], case_id: int | None = None
    ) -> Result | None:
        for attempt in range(3):  # lost a race: read again, and the engine says who won
            try:
                return run_in_transaction(
                    self._sessions, lambda s: self._one(s, telegram_id, handle, case_id)
                )
            except repo.Conflict:
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _one(
        self, session: Session, telegram_id: int, handle: Callable[[At], Result], case_id: int | None
    ) -> Result | None:
        now = self._clock()
        actor = load_actor(session, telegram_id, now, case_id)
        if actor is None:
            return None
        at = At(self._setup, session, actor, roster_for(session, actor.key), now)
        try:
            return handle(at)
        except DomainError as refusal:  # audited here; the transaction commits the audit row
            why = audit_refusal(session, now, actor.key, at.audit_as, at.where, refusal)
            at.refused(why)
            return Result(at.official, at.lang, "refused", pending=actor.pending, refusal=why)
