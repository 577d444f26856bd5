"""Typed refusals of the engine and services, each with a human message.

``code`` is a stable identifier (the bot picks its Indonesian or English
template by it); ``str(error)`` is the English message for logs and the CLI.
"""

from datetime import datetime

__all__ = [
    "ActionNotAllowed",
    "CaseClosed",
    "CaseNotFound",
    "ChoiceRequired",
    "DomainError",
    "DuplicateLetter",
    "DutiesApart",
    "InvalidInput",
    "NotAuthorised",
    "NoteTooLong",
    "ReasonMissing",
    "ReleaseNotAuthorised",
    "StaleAction",
    "StepAlreadyHandled",
    "UnknownOfficial",
]


class DomainError(Exception):
    """A refused action: nothing changed; the refusal is audited by the service."""

    code = "refused"

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message)
        self.params = params


class NotAuthorised(DomainError):
    """The actor may not take this action on this step now."""

    code = "not_authorised"


class StepAlreadyHandled(DomainError):
    """The step the actor aimed at was finished already (a double tap or a race)."""

    code = "already_handled"

    def __init__(self, by: str, at: datetime) -> None:
        super().__init__(f"already handled by {by} at {at.isoformat(timespec='seconds')}", by=by, at=at)


class StaleAction(DomainError):
    """The action aimed at a step that is not the case's current step."""

    code = "stale"


class CaseClosed(DomainError):
    """The case is closed, rejected or cancelled."""

    code = "case_closed"


class CaseNotFound(DomainError):
    """No case with that number or id."""

    code = "case_not_found"


class NoteTooLong(DomainError):
    """A note or reason over the limit."""

    code = "note_too_long"


class ReasonMissing(DomainError):
    """Return, reject and cancel need a reason."""

    code = "reason_missing"


class ReleaseNotAuthorised(DomainError):
    """The SOP's warning: no release without the permit on record and the signature."""

    code = "release_not_authorised"


class UnknownOfficial(DomainError):
    """The key names nobody active on the roster."""

    code = "unknown_official"


class ActionNotAllowed(DomainError):
    """This step kind, or this point of the case, does not allow the action."""

    code = "action_not_allowed"


class ChoiceRequired(DomainError):
    """Several officials could take the next step: the actor must choose one."""

    code = "choice_required"

    def __init__(self, message: str, candidates: list[str]) -> None:
        super().__init__(message, candidates=candidates)
        self.candidates = candidates


class InvalidInput(DomainError):
    """A value the action carries is malformed (a date, a checksum, a count …)."""

    code = "invalid_input"


class DuplicateLetter(DomainError):
    """The same letter number from the same institution is already registered."""

    code = "duplicate_letter"


class DutiesApart(DomainError):
    """A four-eyes rule of the SOP: the actor (or whom they stand in for) acted on the other side.

    ``params``: ``kind`` (the step kind acted on), ``by`` (the earlier step kind, or ``None`` for
    one role per official), ``step_no`` (where the official acted before) and ``person``.
    """

    code = "duties_apart"
