"""Auditing a refusal, the same way whatever path refused: in the transaction that found it (with
a wrong PIN's count, which may lock signing), before anything of the action was written."""

from datetime import datetime

from sqlalchemy.orm import Session

from workflow.db import caselog
from workflow.db import repository as repo
from workflow.errors import DomainError
from workflow.service.pins import count_wrong_pin
from workflow.signingpin import WrongPin

__all__ = ["audit_refusal"]


def audit_refusal(
    session: Session, now: datetime, actor: str, action: str, where: dict, refusal: DomainError
) -> DomainError:
    """Write ``refusal``'s audit row (under ``where``'s case and step) in the caller's transaction.

    Returns:
        The refusal to report: ``refusal``, or the lock when this wrong PIN locked signing.

    Raises:
        RuntimeError: the transaction has written a case already; a refusal after writing is a bug
            (every check comes before the writes), and the caller's transaction must roll back.
    """
    if caselog.wrote(session):
        raise RuntimeError(f"refused after writing: {refusal}") from refusal
    repo.add_audit(
        session,
        at=now,
        actor=actor,
        action=action,
        result="refused",
        case_id=where.get("case_id"),
        step_id=where.get("step_id"),
        reason_code=refusal.code,
        message=str(refusal),
        detail=refusal.params,
    )
    if isinstance(refusal, WrongPin):  # the fifth wrong try locks signing
        return count_wrong_pin(session, actor, now) or refusal
    return refusal
