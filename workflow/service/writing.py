"""Taking an official's action on a loaded case, inside the caller's transaction: the one place
every path (the desk's press or answer, the case service's command line) checks and writes it."""

from datetime import datetime

from sqlalchemy.orm import Session

from workflow import engine
from workflow.case import Case
from workflow.commands import Command, Sign, action_name
from workflow.db import repository as repo
from workflow.decision import Context
from workflow.freshness import check_fresh
from workflow.service.pins import matched
from workflow.signingpin import PinState, check_pin

__all__ = ["take_action"]


def take_action(
    session: Session,
    case: Case,
    actor: str,
    command: Command,
    ctx: Context,
    *,
    seen_version: int | None,
    pin: PinState | None,
    step_id: int | None,
    now: datetime,
) -> Case:
    """Check and apply ``command``: the signer's PIN (``pin``, as this transaction read it), the
    button's version (``seen_version``), the engine's decision; then write the case, its steps, the
    outbox and the audit row (under ``step_id``). Every refusal is raised before anything is
    written. Returns the case as saved.

    Raises:
        DomainError: refused.
        repository.Conflict: the case changed meanwhile (the caller reads again).
    """
    if isinstance(command, Sign):
        check_pin(pin, command.pin)
    if seen_version is not None and seen_version != case.version:
        check_fresh(case, seen_version, getattr(command, "step_id", None), ctx.directory)
    decision = engine.decide(case, actor, command, ctx)
    if isinstance(command, Sign):  # the right PIN: its wrong tries start again, with the signature
        matched(session, actor, pin)
    saved = repo.save_case(session, case, decision.case, now)
    repo.add_outbox(session, saved, decision.notices, now)
    repo.add_audit(
        session,
        at=now,
        actor=actor,
        acting_for=decision.acting_for,
        action=action_name(command),
        result="ok",
        case_id=case.id,
        step_id=step_id,
        detail=decision.detail,
    )
    return saved
