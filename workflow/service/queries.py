"""Read-only questions about cases for the bot's commands: my tasks, a case's status, a search.

Every answer is filtered by who may see a case (``workflow.visibility``).
"""

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, sessionmaker

from workflow.db.models import CaseRow, StepRow
from workflow.errors import NotAuthorised
from workflow.service.cases import CaseService, CaseView
from workflow.service.rostercache import cached_directory
from workflow.service.uow import run_in_transaction
from workflow.states import CaseState
from workflow.timeline import TimelineRow
from workflow.visibility import may_see

__all__ = ["CaseQueries"]

_OPEN = (CaseState.OPEN, CaseState.WAITING)


class CaseQueries:
    """My open steps, one case's status, and a search, each as the asking official may see them."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        cases: CaseService,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._sessions = sessions
        self._cases = cases
        self._clock = clock

    def my_tasks(self, key: str) -> list[str]:
        """Numbers of the cases whose open step ``key`` holds or stands in for, oldest step first."""
        now = self._clock()

        def work(session: Session) -> list[str]:
            directory = cached_directory(session)
            holders = [key, *{s.for_key for s in directory.stand_ins if s.official == key and s.covers(now)}]
            query = (
                select(CaseRow.number)
                .join(StepRow, StepRow.case_id == CaseRow.id)
                .where(StepRow.finished_at.is_(None), StepRow.assignee.in_(holders), CaseRow.state.in_(_OPEN))
                .order_by(StepRow.started_at, CaseRow.id)
            )
            return list(session.scalars(query))

        return run_in_transaction(self._sessions, work)

    def open_steps(self) -> list[tuple[CaseView, TimelineRow]]:
        """Every open step of an open case with its view and timeline row, the earliest due first
        (``row.working - row.sla`` is how late it is in working time, when positive)."""

        def work(session: Session) -> list[str]:
            query = (
                select(CaseRow.number)
                .join(StepRow, StepRow.case_id == CaseRow.id)
                .where(StepRow.finished_at.is_(None), CaseRow.state.in_(_OPEN))
                .order_by(StepRow.due_at, CaseRow.id)
            )
            return list(session.scalars(query))

        found = []
        for number in run_in_transaction(self._sessions, work):
            view = self._cases.view(number)
            found.append((view, view.timeline[-1]))
        return found

    def status(self, ref: str, key: str) -> CaseView:
        """A case's view, if ``key`` may see it.

        Raises:
            CaseNotFound: no such case.
            CaseAmbiguous: a bare number of several cases (naming those ``key`` may see).
            NotAuthorised: ``key`` may not see it (audited by the caller's service).
        """
        view = self._cases.view(ref, viewer=key)
        if not may_see(view.case, view.sop, view.directory, key, self._clock()):
            raise NotAuthorised(f"{key} may not see case {view.case.number}", code="not_your_case")
        return view

    def search(self, text: str, key: str, limit: int = 10) -> list[CaseView]:
        """Cases whose letter number, institution or purpose contains ``text`` and that ``key`` may see,
        newest first."""
        pattern = f"%{text.strip().casefold()}%"

        def work(session: Session) -> list[str]:
            query = (
                select(CaseRow.number)
                .where(
                    or_(
                        func.lower(CaseRow.letter_number).like(pattern),
                        CaseRow.institution_key.like(pattern),
                        func.lower(CaseRow.purpose).like(pattern),
                    )
                )
                .order_by(CaseRow.id.desc())
                .limit(200)
            )
            return list(session.scalars(query))

        now, found = self._clock(), []
        for number in run_in_transaction(self._sessions, work):
            view = self._cases.view(number)
            if may_see(view.case, view.sop, view.directory, key, now):
                found.append(view)
                if len(found) == limit:
                    break
        return found
