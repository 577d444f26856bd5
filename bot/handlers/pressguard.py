"""Before a press does anything: the case exists and the presser may see it, and the button still
matches the case (callback data is client input). A refusal is audited and raised."""

from datetime import UTC, datetime

from bot.callbacks import Press
from bot.runtime import Runtime
from workflow.errors import (
    CaseClosed,
    CaseNotFound,
    DomainError,
    NotAuthorised,
    StaleAction,
    StepAlreadyHandled,
)
from workflow.service.cases import CaseView
from workflow.states import is_terminal
from workflow.timeline import display_name
from workflow.visibility import may_see

__all__ = ["fresh", "refuse", "visible"]


def visible(rt: Runtime, key: str, press: Press) -> CaseView:
    """The case, if it exists and the presser may see it (callback data is client input)."""
    try:
        view = rt.cases.view(press.case_id)
    except CaseNotFound as refusal:
        refuse(rt, key, press, refusal)
    if not may_see(view.case, view.sop, view.directory, key, datetime.now(UTC)):
        refuse(
            rt, key, press, NotAuthorised(f"{key} may not see case {view.case.number}", code="not_your_case")
        )
    return view


def fresh(rt: Runtime, key: str, press: Press, view: CaseView) -> None:
    """Nothing if the button still matches the case; else a refusal naming what happened."""
    current = view.case.current
    if view.case.version == press.version and current is not None and current.id == press.step_id:
        return
    target = view.case.step_by_id(press.step_id)
    if target is not None and target.finished_at is not None:
        refusal: DomainError = StepAlreadyHandled(
            display_name(view.directory, target.actor, target.acting_for), target.finished_at
        )
    elif is_terminal(view.case.state):
        refusal = CaseClosed(f"case {view.case.number} is {view.case.state}")
    else:
        refusal = StaleAction(f"{view.case.number} changed since this button was made", code="case_changed")
    refuse(rt, key, press, refusal)
    raise AssertionError("unreachable")


def refuse(rt: Runtime, key: str, press: Press, refusal: DomainError) -> None:
    rt.cases.refuse(press.case_id, key, f"press:{press.action}", refusal)
    raise refusal
