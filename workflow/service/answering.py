"""What each answer to one of the desk's questions does, inside the desk's transaction
(``workflow.service.desk``): a note (kept for the forward that follows), a reason (return,
reject), the signing PIN, a checklist value or receipt, the guided manifest's answers.

A message answers the open question when it replies to one of its prompts or to nothing
(``workflow.service.pending.addressed``); anything else, and the questions of the front end's own
conversations (registering a letter), is ``elsewhere``: the front end takes it. A refused answer
is audited; the question stays open when answering again can help (``stays_open``), and is closed
in the same transaction otherwise.
"""

from dataclasses import dataclass

from workflow.commands import Reject, Return, Sign, SubmitManifest, TickItem
from workflow.errors import (
    CaseClosed,
    ChoiceRequired,
    DomainError,
    InvalidInput,
    StaleAction,
    StepAlreadyHandled,
)
from workflow.files import check_scan
from workflow.limits import DESCRIPTION_LIMIT, LOCATION_LIMIT, written
from workflow.manifest import Manifest, is_sha256
from workflow.registration import SKIP_WORDS
from workflow.service.pending import NothingPending, Pending, PromptClosed, addressed
from workflow.service.turn import At, Result
from workflow.signingpin import WrongPin

__all__ = ["KINDS", "MANIFEST_FIELDS", "TAKE_FILES", "Answer", "handle", "manifest_value", "stays_open"]

#: The kinds of question a file may answer (the signed receipt).
TAKE_FILES = frozenset({"tick_receipt"})
#: The questions of the guided manifest, per form, in order.
MANIFEST_FIELDS = {
    "file": ("description", "records", "sha256", "location"),
    "hardcopy": ("description", "pages", "records"),
}
#: Refusals after which answering again cannot help.
_FINAL = (CaseClosed, StaleAction, StepAlreadyHandled)


@dataclass(frozen=True, slots=True)
class Answer:
    """A message that may answer a question: its text (or a file's caption), and a file if it
    carries one: ``file_ref`` where it is kept, what it says it is (type, name, size), and its
    ``sha256`` once fetched (None: not yet)."""

    text: str = ""
    file_ref: str | None = None
    mime_type: str | None = None
    file_name: str | None = None
    size: int | None = None
    sha256: str | None = None


def stays_open(kind: str, refusal: DomainError) -> bool:
    """Whether the question of ``kind`` stays open after ``refusal`` (answering again can help)."""
    if refusal.code == "text_expected":  # a file where text is asked: answered again in words
        return True
    if kind == "sign":  # a wrong PIN is asked again with the tries left; nothing else helps
        return isinstance(refusal, WrongPin)
    return not isinstance(refusal, _FINAL)


def handle(at: At, chat_id: int, reply_to: int | None, answer: Answer) -> Result:
    """Take ``answer`` to the official's open question, if it is one of the desk's."""
    pending = at.actor.pending
    try:
        question = addressed(pending, reply_to)
    except (NothingPending, PromptClosed):
        return Result(at.official, at.lang, "elsewhere", pending=pending)
    if question.kind not in KINDS:
        return Result(at.official, at.lang, "elsewhere", pending=question)
    at.audit_as = f"answer:{question.kind}"
    at.on_refusal = lambda refusal: (
        None if stays_open(question.kind, refusal) else at.close_question(question)
    )
    at.load(question.case_id)
    if answer.file_ref is not None:
        if question.kind not in TAKE_FILES:
            raise InvalidInput("a file where the question needs text", code="text_expected")
        check_scan(answer.mime_type, answer.file_name, answer.size)  # before anything is fetched
        if answer.sha256 is None:  # fetched by the front end, then answered again with its hash
            return Result(at.official, at.lang, "download", view=at.view, pending=question)
    origin = question.data.get("origin")
    message = (chat_id, origin) if origin is not None else None
    return _ANSWERS[question.kind](at, question, answer, message)


def _result(at: At, question: Pending, show: str, **more) -> Result:
    return Result(
        at.official, at.lang, show, view=at.view, step_id=question.step_id, pending=question, **more
    )


def _act(at: At, question: Pending, command, message) -> Result:
    """Act, close the question; done, or (a checklist item) the step as it now stands, or closed."""
    acted = at.act(command, seen_version=question.case_version, message=message)
    at.close_question(question)
    if question.kind not in ("tick", "tick_receipt"):
        show = "done"
    else:
        show = "step" if acted.after.case.current is not None else "closed"
    return _result(at, question, show, after=acted.after, allowed=acted.allowed, action=acted.action)


def _note(at: At, question: Pending, answer: Answer, message) -> Result:
    """A free-text note for the forward that follows (kept with the question until then)."""
    note = answer.text.strip()
    if not note:
        raise InvalidInput("a note has 1 or more characters", code="answer_invalid", length=0)
    note = written(note, "note")
    at.keep_answers(question, {**question.data, "note": note})
    return _result(at, question, "note_saved")


def _reason(at: At, question: Pending, answer: Answer, message) -> Result:
    """The reason for a return (to the step chosen when it was pressed) or a rejection."""
    if question.kind == "return":
        to_step = question.data.get("to_step")
        command = Return(reason=answer.text, step_id=question.step_id, to_step=to_step)
    else:
        command = Reject(reason=answer.text, step_id=question.step_id)
    return _act(at, question, command, message)


def _pin(at: At, question: Pending, answer: Answer, message) -> Result:
    """The signer's PIN: checked with the signature, in this transaction."""
    command = Sign(
        step_id=question.step_id,
        manifest_hash=question.data.get("manifest_hash"),
        to=question.data.get("to"),
        pin=answer.text.strip(),
    )
    return _act(at, question, command, message)


def _tick(at: At, question: Pending, answer: Answer, message) -> Result:
    """A checklist item's value, or its receipt (a number, or the signed scan)."""
    command = TickItem(
        question.data["item"],
        value=answer.text.strip(),
        receipt_sha256=answer.sha256,
        receipt_file=answer.file_ref,
        step_id=question.step_id,
    )
    return _act(at, question, command, message)


def _manifest(at: At, question: Pending, answer: Answer, message) -> Result:
    """One answer of the guided manifest; the last one submits it, unless the checker must be
    chosen first (with buttons: ``workflow.service.pressing``)."""
    form, values = question.data["form"], dict(question.data["values"])
    fields = MANIFEST_FIELDS[form]
    if len(values) == len(fields):  # every answer is in: the checker is chosen with the buttons
        raise ChoiceRequired("choose who checks the data with the buttons", candidates=[])
    field = fields[len(values)]
    typed = answer.text.strip()
    try:
        values[field] = manifest_value(field, typed)
    except ValueError:
        raise InvalidInput(
            f"the manifest's {field} was not accepted", code="answer_invalid", field=field, length=len(typed)
        ) from None
    data = {**question.data, "values": values}
    if len(values) < len(fields):
        at.keep_answers(question, data, new_prompt=True)  # the next question gets a prompt of its own
        return _result(at, question, "ask", ask="manifest", data={"field": fields[len(values)]})
    manifest = Manifest(form=form, **values)
    candidates, default = at.candidates()
    if default is None and len(candidates) > 1:  # the checker must be chosen: the answers wait for it
        at.keep_answers(question, data)
        return _result(at, question, "people", people=tuple(candidates), code="mf", args=("p",))
    return _act(at, question, SubmitManifest(manifest, step_id=question.step_id), message)


def manifest_value(field: str, text: str):
    """The value of one manifest answer.

    Raises:
        ValueError: not a value the field takes.
    """
    if field == "description":
        if not text or len(text) > DESCRIPTION_LIMIT:
            raise ValueError(field)
        return text
    if field in ("records", "pages"):
        if field == "records" and text.lower() in SKIP_WORDS:
            return None
        number = int(text.replace(".", "").replace(",", ""))
        if number < (1 if field == "pages" else 0):
            raise ValueError(field)
        return number
    if field == "sha256":
        sha256 = text.lower()
        if not is_sha256(sha256):
            raise ValueError(field)
        return sha256
    if not text or len(text) > LOCATION_LIMIT:  # location
        raise ValueError(field)
    return text


_ANSWERS = {
    "note": _note,
    "return": _reason,
    "reject": _reason,
    "sign": _pin,
    "tick": _tick,
    "tick_receipt": _tick,
    "manifest": _manifest,
}
#: The questions the desk answers; the others are the front end's.
KINDS = frozenset(_ANSWERS)
