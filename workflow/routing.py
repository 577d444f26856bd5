"""Who gets the case next.

Going down the chain (to a role whose superior is the current role) the actor
chooses among the holders who report to them, or to nobody; the only one is
chosen for them. Otherwise (back up the chain, to the signer's JFU, or on a
return) the case goes to whoever held that role or step earlier in this case,
or, if they left, to the role's holder. With nobody to route to, ``None``: the
case waits for a superior to assign it.

Nobody is routed a step that the SOP's rules on duties kept apart bar them from
(``workflow.duties``); ``case`` is the case with the step just done already finished.
"""

from dataclasses import replace
from typing import TYPE_CHECKING

from workflow.case import Case
from workflow.directory import Directory
from workflow.duties import conflict, require_apart
from workflow.errors import ChoiceRequired, InvalidInput
from workflow.sop import Sop
from workflow.states import StepOutcome

if TYPE_CHECKING:
    from workflow.decision import Context

__all__ = [
    "candidates_for",
    "completed_by",
    "eligible",
    "next_candidates",
    "pick",
    "reassign_candidates",
    "return_holder",
    "superiors",
]


def candidates_for(
    case: Case, sop: Sop, directory: Directory, target_no: int, actor: str
) -> tuple[list[str], str | None]:
    """The officials who may take step ``target_no`` when ``actor`` moves the case
    forward, and the one it goes to by default (``None`` if the actor must choose)."""
    target = sop.step(target_no)
    current_role = sop.step(target_no - 1).role if target_no > 1 else None
    holders = eligible(case, sop, target_no, directory.holders(target.role))
    if current_role is not None and sop.role(target.role).superior == current_role:
        mine = [k for k in holders if directory.get(k).reports_to in (None, actor)]
        return mine, (mine[0] if len(mine) == 1 else None)
    same_role = {s.no for s in sop.steps if s.role == target.role}
    return holders, _default(case.last_holder(steps=same_role), holders, directory, actor)


def completed_by(case: Case, actor: str, acting_for: str | None) -> Case:
    """The case with its open step completed by ``actor`` (for ``acting_for``): what the rules on
    duties see when the next holder is chosen."""
    done = replace(case.current, outcome=StepOutcome.COMPLETED, actor=actor, acting_for=acting_for)
    return case.evolve(steps=(*case.steps[:-1], done))


def next_candidates(
    case: Case, sop: Sop, directory: Directory, actor: str, acting_for: str | None
) -> tuple[list[str], str | None]:
    """Who may take the step after the open one when ``actor`` (for ``acting_for``) completes it,
    and the default (``candidates_for``)."""
    target = case.current.step_no + 1
    return candidates_for(completed_by(case, actor, acting_for), sop, directory, target, acting_for or actor)


def eligible(case: Case, sop: Sop, step_no: int, keys: list[str]) -> list[str]:
    """Those of ``keys`` whom no rule on duties kept apart bars from step ``step_no``."""
    return [k for k in keys if conflict(case, sop, step_no, {k}) is None]


def reassign_candidates(case: Case, sop: Sop, directory: Directory) -> list[str]:
    """Who the open step may be handed to: the other holders of its role that no rule bars."""
    step = case.current
    holders = directory.holders(sop.step(step.step_no).role)
    return eligible(case, sop, step.step_no, [k for k in holders if k != step.assignee])


def return_holder(case: Case, sop: Sop, directory: Directory, target_no: int, actor: str) -> str | None:
    """Who a return to step ``target_no`` goes to; ``None`` when a superior must assign it.

    The official who held that step, while they still hold the role; otherwise the
    only holder in the actor's line (those who report to the actor when the step's
    role is directly below the actor's, else every holder).
    """
    role = sop.step(target_no).role
    holders = eligible(case, sop, target_no, directory.holders(role))
    previous = case.last_holder(step_no=target_no)
    if previous in holders:
        return previous
    me = directory.get(actor)
    if me is not None and sop.role(role).superior == me.role:
        holders = [k for k in holders if directory.get(k).reports_to in (None, actor)]
    return holders[0] if len(holders) == 1 else None


def pick(
    candidates: list[str],
    default: str | None,
    chosen: str | None,
    what: str,
    barred: tuple[Case, Sop, int] | None = None,
) -> str | None:
    """Apply the actor's choice, else the default, else the only candidate.

    Args:
        barred: the case, SOP and step number, to name the rule when the chosen official is barred.

    Raises:
        DutiesApart: the chosen official may not take the step under the SOP's rules.
        InvalidInput: the chosen official is not a candidate.
        ChoiceRequired: several candidates and no choice.
    """
    if chosen is not None:
        if chosen not in candidates and barred is not None:
            require_apart(*barred, {chosen})
        if chosen not in candidates:
            raise InvalidInput(
                f"{chosen!r} cannot take {what}; choose one of: {', '.join(candidates) or 'nobody'}",
                code="not_a_candidate",
                candidates=candidates,
            )
        return chosen
    if default is not None:
        return default
    if len(candidates) > 1:
        raise ChoiceRequired(f"choose who takes {what}: {', '.join(candidates)}", candidates)
    return candidates[0] if candidates else None


def _default(previous: str | None, holders: list[str], directory: Directory, actor: str) -> str | None:
    if previous in holders:  # still active and still in the role
        return previous
    me = directory.get(actor)
    if me is not None and me.reports_to in holders:
        return me.reports_to
    return holders[0] if len(holders) == 1 else None


def superiors(official: str, role: str, ctx: "Context") -> list[str]:
    """The official's superiors: ``reports_to`` if set and active, else the superior role's holders."""
    d = ctx.directory
    person = d.get(official)
    if person is not None and d.is_active(person.reports_to):
        return [person.reports_to]
    superior_role = ctx.sop.role(role).superior
    return d.holders(superior_role) if superior_role else []
