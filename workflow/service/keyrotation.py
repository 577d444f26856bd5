"""Recording an audit key rotation: the chain itself says when the key changed, and to which."""

from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from workflow.db import repository as repo
from workflow.db.audit import AuditChain, key_id
from workflow.service.uow import run_in_transaction

__all__ = ["record_rotation"]


def record_rotation(
    sessions: sessionmaker[Session], new_key: bytes, actor: str, now: datetime
) -> tuple[str, str]:
    """Append ``audit_key_rotated`` under the current key, naming the old and the new key by id.

    The row is signed by the key being retired, so that whoever holds only the
    old key can still check that the rotation was recorded and to which key.

    Returns:
        The ids of the current (old) key and of ``new_key``.
    """

    def work(session: Session) -> tuple[str, str]:
        chain: AuditChain | None = session.info.get("audit_chain")
        if chain is None:
            raise RuntimeError("no audit key: set AUDIT_KEY, the key being rotated out")
        ids = chain.key_id, key_id(new_key)
        detail = {"from_key": ids[0], "to_key": ids[1]}
        repo.add_audit(session, at=now, actor=actor, action="audit_key_rotated", result="ok", detail=detail)
        return ids

    return run_in_transaction(sessions, work)
