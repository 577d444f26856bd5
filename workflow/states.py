"""Case states, step outcomes and the one table of legal case transitions."""

import enum

__all__ = [
    "CaseState",
    "IllegalTransition",
    "StepOutcome",
    "check_transition",
]


class CaseState(enum.StrEnum):
    """Where a case stands."""

    OPEN = "open"  # a step is open and held by an official
    WAITING = "waiting"  # a step is open but nobody could be routed to; a superior must assign it
    CLOSED = "closed"  # the last step finished (for a release: every checklist item done)
    REJECTED = "rejected"  # an official refused the request, with a reason
    CANCELLED = "cancelled"  # the TU or admin withdrew it before access was granted


class StepOutcome(enum.StrEnum):
    """How a step instance ended."""

    COMPLETED = "completed"  # done; the case moved on
    RETURNED = "returned"  # sent back to an earlier step the SOP allows, with a reason
    REJECTED = "rejected"  # the request was refused here
    REASSIGNED = "reassigned"  # handed to another holder of the role
    CANCELLED = "cancelled"  # the case was cancelled while this step was open


_TERMINAL = frozenset({CaseState.CLOSED, CaseState.REJECTED, CaseState.CANCELLED})

#: The only legal moves between case states (a move to the same state is a step change).
TRANSITIONS: dict[CaseState, frozenset[CaseState]] = {
    CaseState.OPEN: frozenset({CaseState.OPEN, CaseState.WAITING} | _TERMINAL),
    CaseState.WAITING: frozenset({CaseState.OPEN, CaseState.WAITING, CaseState.CANCELLED}),
    CaseState.CLOSED: frozenset(),
    CaseState.REJECTED: frozenset(),
    CaseState.CANCELLED: frozenset(),
}


class IllegalTransition(RuntimeError):
    """A bug: the engine tried a move the table forbids."""


def check_transition(old: CaseState, new: CaseState, *, record_on_closed: bool = False) -> None:
    """Raise ``IllegalTransition`` unless ``old`` → ``new`` is in the table.

    ``record_on_closed`` admits closed → closed, and only that: an action that records a fact
    about a closed case without reopening it (the Kasi confirming the operator's access was
    revoked). The table itself keeps an ended case ended for every other action.
    """
    if record_on_closed and old is CaseState.CLOSED and new is CaseState.CLOSED:
        return
    if new not in TRANSITIONS[old]:
        raise IllegalTransition(f"case state {old} cannot become {new}")


def is_terminal(state: CaseState) -> bool:
    """Whether no further action can change the case."""
    return state in _TERMINAL
