"""Confirming that the operator's data-warehouse access was revoked once a case closed. Pure.

The Kasi grants an operator access at the SOP's grant step; the SOP ends with the data sent, but
the access should not outlive the case. So the closing notice asks the official who granted it to
confirm it was revoked: an action allowed on a closed case only, once, by that official (or
whoever they acted for) or an active stand-in of theirs. The case stays closed; the confirmation
is one more version of it, and is audited like any other action.
"""

from datetime import datetime

from workflow.case import Case, StepRecord
from workflow.decision import Context, Decision
from workflow.errors import ActionNotAllowed, DomainError, NotAuthorised, StepAlreadyHandled
from workflow.sop import Sop, StepKind
from workflow.states import CaseState, StepOutcome

__all__ = ["RevocationConfirmed", "confirm", "granted_to", "granters", "grants", "may_confirm"]


class RevocationConfirmed(StepAlreadyHandled):
    """The revocation was confirmed already (a double tap, or a second official)."""

    code = "revocation_confirmed"

    def __init__(self, by: str, at: datetime) -> None:
        when = at.isoformat(timespec="seconds")
        message = f"the operator's access was confirmed revoked already, by {by} at {when}"
        DomainError.__init__(self, message, by=by, at=at)


def grants(case: Case, sop: Sop) -> list[StepRecord]:
    """The completed grant steps of the case that gave an operator access, oldest first."""
    return [
        s
        for s in case.steps
        if s.outcome is StepOutcome.COMPLETED
        and sop.step(s.step_no).kind is StepKind.GRANT_ACCESS
        and s.payload.get("access_granted_to")
    ]


def granters(case: Case, sop: Sop) -> list[str]:
    """Who granted access (the principal when a stand-in acted), in the order they did."""
    return list(dict.fromkeys(s.acting_for or s.actor for s in grants(case, sop) if s.actor))


def granted_to(case: Case, sop: Sop) -> list[str]:
    """The operators who were granted access (a returned case may have granted it twice)."""
    return list(dict.fromkeys(s.payload["access_granted_to"] for s in grants(case, sop)))


def may_confirm(case: Case, actor: str, ctx: Context) -> bool:
    """Whether ``confirm`` would accept ``actor``'s confirmation now (for building buttons)."""
    try:
        confirm(case, actor, ctx)
    except DomainError:
        return False
    return True


def confirm(case: Case, actor: str, ctx: Context) -> Decision:
    """Record that the operator's access was revoked; the case stays closed.

    Raises:
        ActionNotAllowed: the case is not closed, or no access was granted on it.
        RevocationConfirmed: someone confirmed it already.
        NotAuthorised: ``actor`` did not grant the access and stands in for nobody who did.
    """
    d = ctx.directory
    if case.state is not CaseState.CLOSED:
        raise ActionNotAllowed(
            f"case {case.number} is {case.state}; access revocation is confirmed after the case is closed",
            code="revocation_not_due",
        )
    who = granters(case, ctx.sop)
    if not who:
        raise ActionNotAllowed(
            f"no operator was granted access on case {case.number}; nothing to revoke",
            code="nothing_to_revoke",
        )
    if case.access_revoked_at is not None:
        raise RevocationConfirmed(d.name(case.access_revoked_by), case.access_revoked_at)
    acting_for = _authority(case, actor, who, ctx)
    changed = case.evolve(access_revoked_at=ctx.now, access_revoked_by=actor)
    detail = {"granted_by": who, "access_granted_to": granted_to(case, ctx.sop)}
    return Decision(changed, (), detail, acting_for)


def _authority(case: Case, actor: str, who: list[str], ctx: Context) -> str | None:
    if actor in who:
        return None
    for granter in who:
        if ctx.directory.standing_in_for(actor, granter, ctx.now):
            return granter
    names = ", ".join(ctx.directory.name(k) for k in who)
    raise NotAuthorised(
        f"{ctx.directory.name(actor)} did not grant access on {case.number} (granted by {names})",
        code="not_granter",
        granters=names,
    )
