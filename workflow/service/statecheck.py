"""``disposisi audit verify --state``: every case's rows against its audit rows (``workflow.crosscheck``)."""

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from workflow.crosscheck import AuditFact, case_problems
from workflow.db import repository as repo
from workflow.db.models import AuditRow, CaseRow
from workflow.service.uow import run_in_transaction

__all__ = ["state_problems"]


def state_problems(sessions: sessionmaker[Session]) -> dict[str, list[str]]:
    """The cases whose rows say what their audit rows do not, each with what differs."""

    def work(session: Session) -> dict[str, list[str]]:
        facts: dict[int, list[AuditFact]] = {}
        rows = session.scalars(select(AuditRow).where(AuditRow.result == "ok", AuditRow.case_id.is_not(None)))
        for row in rows:
            fact = AuditFact(
                row.seq, row.action, row.actor, row.acting_for, row.step_id, row.at, row.detail or {}
            )
            facts.setdefault(row.case_id, []).append(fact)
        found = {}
        for case_id, number in session.execute(select(CaseRow.id, CaseRow.number).order_by(CaseRow.id)):
            problems = case_problems(repo.load_case(session, number), facts.get(case_id, []))
            if problems:
                found[number] = problems
        return found

    return run_in_transaction(sessions, work)
