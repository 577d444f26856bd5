"""Whether a button (or a question) is still of the case as it now stands: the one rule every path
asks (a press, an answer, an action from the command line). Pure."""

from workflow.case import Case
from workflow.directory import Directory
from workflow.errors import CaseClosed, StaleAction, StepAlreadyHandled
from workflow.states import is_terminal
from workflow.timeline import display_name

__all__ = ["check_fresh"]


def check_fresh(case: Case, version: int, step_id: int | None, directory: Directory) -> None:
    """Nothing if what was made for ``version`` of the case and its open step ``step_id`` still
    matches it; else the refusal naming what happened: who handled the step and when, the case
    closed, or (``case_changed``) that it moved on some other way."""
    current = case.current
    if case.version == version and (step_id is None or (current is not None and current.id == step_id)):
        return
    target = case.step_by_id(step_id) if step_id is not None else None
    if target is not None and target.finished_at is not None:
        raise StepAlreadyHandled(display_name(directory, target.actor, target.acting_for), target.finished_at)
    if is_terminal(case.state):
        raise CaseClosed(f"case {case.number} is {case.state}")
    raise StaleAction(
        f"case {case.number} changed since this button was made; look at the latest message",
        code="case_changed",
    )
