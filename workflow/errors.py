"""Typed refusals of the engine and services, each with a human message.

``code`` is a stable identifier of one reason: the audit row records it, and the bot picks the
sentence the official reads by it (``templates/telegram/refused.html``). ``str(error)`` is the
English message for the audit row, logs and the CLI. Every code is listed in ``REFUSALS``; a
refusal raised with a code not listed there is a programming error.
"""

from datetime import datetime

__all__ = [
    "REFUSALS",
    "ActionNotAllowed",
    "CaseAmbiguous",
    "CaseClosed",
    "CaseNotFound",
    "ChoiceRequired",
    "DomainError",
    "DuplicateLetter",
    "DutiesApart",
    "InvalidInput",
    "NotAuthorised",
    "NoteTooLong",
    "Reason",
    "ReasonMissing",
    "ReleaseNotAuthorised",
    "StaleAction",
    "StepAlreadyHandled",
    "UnknownOfficial",
]


#: Every reason an action is refused, by code: what it means, in English. The bot has a sentence
#: for each in every language (``templates/telegram/refused.html``; a test renders them all).
REFUSALS: dict[str, str] = {
    # who may act
    "unknown_official": "the person is not an active official on the roster",
    "not_holder": "the step is held by someone else, and the presser stands in for nobody who holds it",
    "step_unassigned": "nobody holds the step: a superior, the TU or the admin must assign it first",
    "not_your_case": "the official takes no part in the case and may not see it",
    "not_registrar": "the official's role is not one the SOP lets register letters (its registrars)",
    "cancel_not_allowed": "only the TU or the admin may cancel a case",
    "not_signer": "only the signing role, or its stand-in, signs",
    "not_granter": "only whoever granted the operator access (or their stand-in) confirms it was revoked",
    "no_digest": "the official does not receive the daily digest",
    "duties_apart": "an SOP rule keeps two duties apart, and the official did the other one",
    # the case and its step
    "case_not_found": "no case with that number",
    "case_ambiguous": "a bare sequence number matches several cases: the full number is needed",
    "case_closed": "the case is closed, rejected or cancelled",
    "no_open_step": "the case has no open step",
    "already_handled": "the step was handled already (a double tap, or someone was quicker)",
    "stale": "the step the button was made for is no longer the open one",
    "case_changed": "the case changed since the button was made",
    "wrong_case_step": "the button names a step of another case",
    "manifest_changed": "the data report changed since it was shown",
    "action_not_allowed": "the open step does not offer the action",
    "first_step_no_return": "the first step has no earlier step to return to",
    "return_not_offered": "the SOP allows no return from the open step",
    "return_target_not_allowed": "the SOP does not allow a return from the open step to the step chosen",
    "return_target_required": "the SOP allows returns to several steps: one must be chosen",
    "reject_not_allowed": "the step's role may not reject a request",
    "already_sent": "an item that releases the data was ticked: the case can no longer be returned",
    "already_acknowledged": "the step was acknowledged already",
    "cancel_too_late": "access was granted already: the case can no longer be cancelled",
    "no_manifest": "there is no data report to accept",
    "nothing_to_sign": "there is no checked and accepted data report to sign",
    "already_ticked": "the checklist item was ticked already",
    "tick_order": "the SOP has another checklist item ticked before this one",
    "unknown_item": "the dispatch step's checklist (in the case's SOP) has no such item",
    "revocation_not_due": "access revocation is confirmed only after the case is closed",
    "nothing_to_revoke": "no operator was granted access on the case",
    "revocation_confirmed": "someone confirmed the revocation already",
    "choice_required": "several officials could take the next step: one must be chosen",
    "not_a_candidate": "the chosen official may not take the next step",
    # the release rule
    "release_not_authorised": "the SOP's warning: no release before the permit is on record and signed",
    "no_signing_key": "the server has no signing key (SIGNING_KEY_FILE)",
    # why a release is blocked (each one of ReleaseNotAuthorised's ``blockers``)
    "permit_not_on_record": "the permit letter is not on record (number, date and the scan's SHA-256)",
    "no_signing_step": "the SOP has no signing step",
    "not_signed": "the data has not been signed",
    "signature_wrong_role": "the signature is not the signing role's",
    "manifest_not_signed": "the data report is not the one that was checked and signed",
    "legacy_unattested": "a signature from before signing keys that no intact audit row attests",
    "signature_unreadable": "the signature's binding is unreadable: it was altered",
    "signature_key_missing": "no signing key is configured to verify the signature",
    "signature_key_unknown": "the signature names a key that is not trusted",
    "signature_forged": "the signature does not verify: forged or altered",
    "signature_mismatch": "the case no longer matches what was signed",
    # what the action carries
    "reason_missing": "a return, rejection or cancellation needs a reason",
    "instruction_missing": "forwarding needs an instruction or a note",
    "instruction_not_offered": "the instruction is not one the case's SOP offers",
    "note_too_long": "a note or reason is over the limit",
    "value_too_long": "a checklist value is over the limit",
    "value_missing": "ticking the checklist item needs the value the SOP asks for",
    "receipt_missing": "ticking the receipt needs its number or its scan's SHA-256",
    "receipt_sha_invalid": "a receipt scan's SHA-256 is 64 lowercase hex digits",
    "manifest_invalid": "the data report is incomplete or malformed",
    "letter_field_missing": "a field of the permit letter is empty",
    "letter_field_too_long": "a field of the permit letter is over its limit",
    "letter_date_future": "the permit letter's date is in the future",
    "letter_control_chars": "the letter number or institution holds control characters",
    "scan_sha_invalid": "a permit scan's SHA-256 is 64 lowercase hex digits",
    "scan_already_set": "the case has its permit scan already",
    "duplicate_letter": "the same letter from the same institution is registered already",
    "unknown_sop": "no SOP with that id is loaded",
    "sop_required": "several SOPs (or none) are open for new cases and the letter named none",
    "sop_closed": "the SOP is closed to new cases (its file says open = false)",
    "unconfirmed_deactivation": "a roster import would deactivate officials nobody confirmed",
    "bad_payload": "the button's data is not one the bot made",
    "command_usage": "a command without the arguments it takes",
    "answer_invalid": "an answer to one of the bot's questions was not accepted",
    "text_expected": "a file sent where the question needs text",
    "scan_type": "a file that is not a PDF or an image where a scan is asked for",
    "scan_too_large": "a scan over the size limit",
    "scan_not_kept": "the permit scan is not kept in Telegram",
    "manifest_answers_gone": "the answers of a data report are gone (expired or replaced)",
    # the signing PIN
    "pin_not_set": "the official has no signing PIN yet",
    "wrong_pin": "the PIN (or one-time code) did not match",
    "pin_locked": "signing is locked after five wrong tries",
    "no_pin_code": "choosing a PIN needs the admin's one-time code",
    "pin_format": "a PIN is 4 to 8 digits",
    "pin_mismatch": "the new PIN was not the same twice",
    # linking a Telegram account, and the bot's questions
    "not_on_roster": "a Telegram account not on the roster",
    "invite_invalid": "the invitation is unknown, used or expired",
    "already_linked": "the Telegram account is linked to another official already",
    "invite_official_inactive": "the official of the invitation is no longer active",
    "unknown_language": "no catalog for that language",
    "prompt_closed": "a reply to a question that is no longer open",
    "nothing_pending": "no question is open",
}


class Reason(str):
    """A reason as English text, with its stable ``code`` (a release blocker, a signature problem)."""

    code: str

    def __new__(cls, code: str, text: str) -> "Reason":
        if code not in REFUSALS:
            raise ValueError(f"unknown refusal code {code!r}")
        reason = super().__new__(cls, text)
        reason.code = code
        return reason


class DomainError(Exception):
    """A refused action: nothing changed; the refusal is audited by the service.

    ``code`` is the class's where the class stands for one reason; classes that cover several
    (``NotAuthorised``, ``ActionNotAllowed``, ``InvalidInput`` …) need the raise to name it.
    """

    code: str | None = None

    def __init__(self, message: str, *, code: str | None = None, **params: object) -> None:
        super().__init__(message)
        self.params = params
        self.code = code or self.code
        if self.code not in REFUSALS:
            raise ValueError(f"{type(self).__name__}: unknown refusal code {self.code!r}")


class NotAuthorised(DomainError):
    """The actor may not take this action on this step now."""


class StepAlreadyHandled(DomainError):
    """The step the actor aimed at was finished already (a double tap or a race)."""

    code = "already_handled"

    def __init__(self, by: str, at: datetime) -> None:
        super().__init__(f"already handled by {by} at {at.isoformat(timespec='seconds')}", by=by, at=at)


class StaleAction(DomainError):
    """The action aimed at a step that is not the case's current step."""


class CaseClosed(DomainError):
    """The case is closed, rejected or cancelled."""

    code = "case_closed"


class CaseNotFound(DomainError):
    """No case with that number or id."""

    code = "case_not_found"


class CaseAmbiguous(DomainError):
    """A bare sequence number that matches several cases; ``numbers`` lists them."""

    code = "case_ambiguous"


class NoteTooLong(DomainError):
    """A note or reason over the limit."""

    code = "note_too_long"


class ReasonMissing(DomainError):
    """Return, reject and cancel need a reason."""

    code = "reason_missing"


class ReleaseNotAuthorised(DomainError):
    """The SOP's warning: no release without the permit on record and the signature."""


class UnknownOfficial(DomainError):
    """The key names nobody active on the roster."""

    code = "unknown_official"


class ActionNotAllowed(DomainError):
    """This step kind, or this point of the case, does not allow the action."""


class ChoiceRequired(DomainError):
    """Several officials could take the next step: the actor must choose one."""

    code = "choice_required"

    def __init__(self, message: str, candidates: list[str]) -> None:
        super().__init__(message, candidates=candidates)
        self.candidates = candidates


class InvalidInput(DomainError):
    """A value the action carries is malformed (a date, a checksum, a count …)."""


class DuplicateLetter(DomainError):
    """The same letter number from the same institution is already registered."""

    code = "duplicate_letter"


class DutiesApart(DomainError):
    """A four-eyes rule of the SOP: the actor (or whom they stand in for) acted on the other side.

    ``params``: ``kind`` (the step kind acted on), ``by`` (the earlier step kind, or ``None`` for
    one role per official), ``step_no`` (where the official acted before) and ``person``.
    """

    code = "duties_apart"
