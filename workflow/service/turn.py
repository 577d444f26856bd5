"""One transaction of the desk (``workflow.service.desk``): the official who pressed or answered,
the case once loaded, what they may do, and the writing of an action with everything it changes;
and the ``Result`` the front end renders from. The rules of each press (``workflow.service.pressing``)
and each answer (``workflow.service.answering``) are written against ``At``."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from workflow import engine
from workflow.case import Case
from workflow.commands import Command, action_name
from workflow.decision import Context
from workflow.directory import Directory
from workflow.errors import DomainError
from workflow.roster import Official
from workflow.routing import next_candidates
from workflow.service.actor import Actor
from workflow.service.buttons import record
from workflow.service.caseload import CaseLoader
from workflow.service.cases import CaseView
from workflow.service.pending import Pending, forget, keep
from workflow.service.writing import take_action
from workflow.signature import Seal
from workflow.sop import Sop
from workflow.timeline import timeline
from workflow.workcalendar import WorkCalendar

__all__ = ["Acted", "At", "Result", "Setup", "case_view"]


@dataclass(frozen=True, slots=True)
class Result:
    """What a press or an answer led to, for the front end to show.

    ``show`` says what: ``menu`` (the step's buttons), ``instructions`` (Teruskan's quick picks),
    ``people`` (choose who is next: ``people``, for the press ``code`` with ``args`` first),
    ``returns`` (the steps to return to), ``forms`` (the manifest's forms), ``ask`` (a question:
    ``ask`` and its ``data``), ``history``, ``hashes``, ``scan``, ``done`` (acted: the step is
    done, the case moved on), ``step`` (acted: the step is still the official's, e.g. a checklist
    ticked), ``closed`` (acted: the case closed), ``revoked`` (access confirmed revoked),
    ``note_saved``, ``download`` (an answer's file must be fetched first), ``elsewhere`` (an answer
    that is no question of the desk's: the front end's own, or none), ``refused`` (``refusal``,
    audited; nothing else changed, except a question closed that answering again cannot help).
    """

    official: Official
    lang: str
    show: str
    view: CaseView | None = None  # the case as the message showed it (before any action)
    after: CaseView | None = None  # acted: the case as it now stands
    allowed: tuple[str, ...] = ()  # the official's actions on the case as it now stands
    people: tuple[str, ...] = ()
    code: str | None = None
    args: tuple[str, ...] = ()
    ask: str | None = None
    data: Mapping = field(default_factory=dict)
    step_id: int | None = None  # the step the press or answer was about
    action: str | None = None  # the engine action done
    pending: Pending | None = None  # the question answered (or still open)
    refusal: DomainError | None = None  # ``refused``: why (audited)


class At:
    """One transaction of the desk: the official, and the case once loaded, with the helpers the
    press and answer rules use. Everything it reads, it reads once."""

    def __init__(self, setup: "Setup", session: Session, actor: Actor, directory: Directory, now: datetime):
        self.setup, self.session, self.actor, self.directory, self.now = setup, session, actor, directory, now
        self.official: Official = directory.get(actor.key)
        self.lang = actor.language
        self.where: dict = {}  # the case and step a refusal is audited under
        self.audit_as = "press"
        self.case: Case | None = None
        self.sop: Sop | None = None
        self._view: CaseView | None = None
        self._allowed: tuple[str, ...] | None = None
        #: Called with a refusal once audited (an answer closes its question if it is final).
        self.on_refusal: Callable[[DomainError], None] | None = None

    # -- reading ---------------------------------------------------------------------------------

    def load(self, ref: int | str) -> Case:
        """The case (raises ``CaseNotFound``), with its SOP version."""
        loader, key = self.setup.loader, self.actor.key
        if ref == self.actor.case_id:  # read with the official
            self.case, self.sop, _ = loader.loaded(self.session, self.actor.case, ref, key, self.where)
        else:
            self.case, self.sop, _ = loader.load(self.session, ref, key, self.where)
        return self.case

    @property
    def context(self) -> Context:
        return Context(self.sop, self.directory, self.setup.calendar, self.now, self.setup.seal)

    @property
    def view(self) -> CaseView:
        """The case as loaded, with its timeline."""
        if self._view is None:
            self._view = case_view(self.case, self.sop, self.directory, self.setup.calendar, self.now)
        return self._view

    @property
    def allowed(self) -> tuple[str, ...]:
        """The action names the official may use on the case as loaded."""
        if self._allowed is None:
            kinds = engine.allowed_actions(self.case, self.actor.key, self.context)
            self._allowed = tuple(action_name(k) for k in kinds)
        return self._allowed

    def candidates(self) -> tuple[list[str], str | None]:
        """Who may take the next step when the official completes the open one, and the default
        (None: they choose); those the SOP's rules on duties would bar are left out."""
        step, key = self.case.current, self.actor.key
        if step is None or step.step_no == len(self.sop.steps):
            return [], None
        order = self.directory.standing_in_for(key, step.assignee, self.now) if step.assignee else None
        return next_candidates(self.case, self.sop, self.directory, key, order.for_key if order else None)

    @property
    def uploads(self) -> bool:
        return self.setup.uploads

    def refused(self, refusal: DomainError) -> None:
        """``refusal`` was audited in this transaction."""
        if self.on_refusal is not None:
            self.on_refusal(refusal)

    # -- writing ---------------------------------------------------------------------------------

    def act(self, command: Command, *, seen_version: int | None, message: tuple[int, int] | None) -> "Acted":
        """Decide ``command`` on the loaded case and write what it changes; ``message`` (chat id,
        message id), the one it was made from, is recorded as carrying the new version's buttons
        while the same step stays open and the official has actions on it (it shows the step
        again), else none (it shows what was done). Refusals propagate (audited by the desk)."""
        case, key = self.case, self.actor.key
        self.audit_as = action_name(command)
        self.where["step_id"] = case.current.id if case.current else None
        saved = take_action(
            self.session,
            case,
            key,
            command,
            self.context,
            seen_version=seen_version,
            pin=self.actor.pin,
            step_id=self.where["step_id"],
            now=self.now,
        )
        kinds = engine.allowed_actions(saved, key, self.context)
        allowed = tuple(action_name(k) for k in kinds)
        if message is not None:  # it shows the step again with its buttons while the step stays open
            still = saved.current is not None and saved.current.id == self.where["step_id"] and allowed
            record(self.session, *message, (saved.id, saved.version) if still else None, self.now)
        after = case_view(saved, self.sop, self.directory, self.setup.calendar, self.now)
        return Acted(after, allowed, action_name(command))

    def keep_answers(self, pending: Pending, data: dict, *, new_prompt: bool = False) -> None:
        """Keep ``data`` as the open question's (``workflow.service.pending.keep``)."""
        keep(self.session, pending, data, self.now, new_prompt=new_prompt)

    def close_question(self, pending: Pending) -> None:
        """The question is answered (or can no longer be): forget it."""
        forget(self.session, pending.telegram_id)


@dataclass(frozen=True, slots=True)
class Acted:
    after: CaseView
    allowed: tuple[str, ...]
    action: str


@dataclass(frozen=True, slots=True)
class Setup:
    """What every transaction of the desk shares: how cases are loaded, the working calendar, the
    signing seal, whether the permit scan may be sent again."""

    loader: CaseLoader
    calendar: WorkCalendar
    seal: Seal | None
    uploads: bool


def case_view(case: Case, sop: Sop, directory: Directory, calendar: WorkCalendar, now: datetime) -> CaseView:
    """A case with what is needed to show it (its timeline computed, nothing read)."""
    return CaseView(case, sop, directory, timeline(case, sop, directory, calendar, now))
