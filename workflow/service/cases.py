"""The case service: one entry point per use, shared by the CLI and the bot."""

from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from workflow import engine
from workflow.case import Case, Letter
from workflow.commands import Cancel, Command, Sign, action_name
from workflow.db import reference
from workflow.db import repository as repo
from workflow.decision import Context
from workflow.directory import Directory
from workflow.errors import (
    CaseClosed,
    DomainError,
    DuplicateLetter,
    InvalidInput,
)
from workflow.letters import check_letter, letter_facts
from workflow.manifest import is_sha256
from workflow.numbering import case_number, case_prefixes, numbering_year
from workflow.registration import check_registrar, sop_for_letter
from workflow.service.caseload import CaseLoader, roster_for
from workflow.service.pins import pin_state
from workflow.service.refusals import audit_refusal
from workflow.service.uow import run_in_transaction
from workflow.service.writing import take_action
from workflow.signature import Seal
from workflow.sop import Sop
from workflow.states import CaseState, is_terminal
from workflow.timeline import TimelineRow, timeline
from workflow.workcalendar import Continuous, WorkCalendar

__all__ = ["CaseService", "CaseView"]


@dataclass(frozen=True, slots=True)
class CaseView:
    """A case with what is needed to show it."""

    case: Case
    sop: Sop
    directory: Directory
    timeline: list[TimelineRow]
    allowed: tuple[str, ...] = ()  # the actions the viewer may use on the case now, if one asked


class CaseService:
    """Opens cases, applies officials' actions, and reads cases back."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        sops: Mapping[str, Sop],
        *,
        tz: ZoneInfo,
        prefix: str = "LDK",
        default_sop: str | None = None,
        calendar: WorkCalendar | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        seal: Seal | None = None,
    ) -> None:
        """Args:
            prefix: the case number prefix of an SOP whose ``numbering`` names none (``CASE_PREFIX``).

        Raises:
            SopError: two SOPs would number their cases with one prefix.
        """
        self._sessions = sessions
        self._seal = seal
        self._sops = dict(sops)
        self._tz = tz
        #: Each SOP's case number prefix (``prefix`` for an SOP naming none); two SOPs sharing
        #: one would share a sequence and confuse bare numbers, so that is refused (``SopError``).
        self._prefixes = case_prefixes(self._sops, prefix)
        self._default_sop = default_sop or None
        self._calendar = calendar or Continuous()
        self._clock = clock
        self._load = CaseLoader(self._sops, tz, clock).load

    def open_case(
        self,
        letter: Letter,
        created_by: str,
        *,
        sop_id: str | None = None,
        assignee: str | None = None,
        force: bool = False,
    ) -> Case:
        """Register a permit letter and open step 1.

        Raises:
            DuplicateLetter: the same letter from the same institution exists and ``force`` is off.
            DomainError: a field is invalid, or the creator may not register letters.
        """
        now = self._clock()

        def work(session: Session) -> Case:
            sop = self._sop(sop_id)
            directory = roster_for(session, created_by)
            check_registrar(directory, created_by, sop)
            check_letter(letter, now.astimezone(self._tz).date(), sop.required_fields)
            prefix, year = self._prefixes[sop.id], numbering_year(sop, now, self._tz)
            repo.lock_registrations(session, prefix, year)
            duplicate = repo.same_letter(session, letter)
            if duplicate and not force:
                raise DuplicateLetter(
                    f"letter {letter.number!r} from {letter.institution!r} is already case {duplicate}; "
                    "use force to register it again",
                    case=duplicate,
                )
            reference.stored_sop(session, sop, now)
            seq = repo.next_seq(session, prefix, year)
            case = Case(
                id=None,
                number=case_number(prefix, year, seq),
                sop_id=sop.id,
                sop_version=sop.version,
                state=CaseState.OPEN,
                version=0,
                letter=letter,
                created_by=created_by,
                created_at=now,
            )
            decision = engine.start(case, self._context(sop, directory, now), assignee)
            saved = repo.insert_case(session, decision.case, prefix, year, seq, now)
            repo.add_outbox(session, saved, decision.notices, now)
            repo.add_audit(
                session,
                at=now,
                actor=created_by,
                action="open_case",
                result="ok",
                case_id=saved.id,
                step_id=saved.steps[0].id,
                detail={**decision.detail, "forced": bool(duplicate), "letter": letter_facts(letter)},
            )
            return saved

        for attempt in range(3):  # two registrations racing for one sequence number
            try:
                return self._audited(work, "open_case", created_by, {})
            except IntegrityError:
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def act(self, ref: str | int, actor: str, command: Command, *, seen_version: int | None = None) -> Case:
        """Apply an official's action to a case; returns the case after it.

        A signature (``Sign``) is recorded only against the signer's PIN, checked here first: a
        wrong PIN is counted even when the action is refused, and the fifth locks signing.

        Args:
            ref: the case number, a bare sequence number that names one case (see ``CaseLoader``),
                or (an ``int``) the case id.
            seen_version: the case version the actor's button was made for; another is stale.

        Raises:
            DomainError: the action is refused; the refusal is audited and nothing else changes.
        """
        where: dict = {}

        def work(session: Session) -> Case:
            case, sop, directory = self._load(session, ref, actor, where)
            current = case.current
            where["step_id"] = current.id if current else None
            pin = pin_state(session, actor) if isinstance(command, Sign) else None
            now = self._clock()
            ctx = self._context(sop, directory, now)
            step_id = where["step_id"]
            return take_action(
                session,
                case,
                actor,
                command,
                ctx,
                seen_version=seen_version,
                pin=pin,
                step_id=step_id,
                now=now,
            )

        for attempt in range(3):  # lost a race: read again, and the engine says who won
            try:
                return self._audited(work, action_name(command), actor, where)
            except repo.Conflict:
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def check_registrar(self, actor: str, *, sop_id: str | None = None, action: str = "open_case") -> None:
        """Refuse, audited under ``action``, unless ``actor`` may register a letter on the SOP
        (``sop_id``, else the one ``open_case`` uses): asked before the bot asks the first question.

        Raises:
            DomainError: naming who may (``not_registrar``), or that ``actor`` is not on the roster.
        """

        def work(session: Session) -> None:
            check_registrar(roster_for(session, actor), actor, self._sop(sop_id))

        self._audited(work, action, actor, {})

    def sop_for_new_case(self, sop_id: str | None = None) -> Sop:
        """The SOP a new case opens on (``open_case`` with this ``sop_id``): the one named, else the
        default SOP, else the only one open; its questions are the ones a registration asks.

        Raises:
            InvalidInput: ``sop_required``, ``unknown_sop`` or ``sop_closed`` (not audited: asking
                is no action; ``check_registrar`` and ``open_case`` audit the same refusal).
        """
        return self._sop(sop_id)

    def registrable(self, actor: str, *, action: str | None = None) -> list[Sop]:
        """The SOPs open for new cases on which ``actor`` may register a letter, in id order.

        Raises:
            DomainError: with ``action``, when there is none: the refusal ``check_registrar`` gives
                (audited under ``action``) on the SOP a letter naming none would go to, else the
                first open one.
        """

        def work(session: Session) -> list[Sop]:
            official = roster_for(session, actor).get(actor)
            if official is None or not official.active:
                return []
            open_sops = (self._sops[k] for k in sorted(self._sops) if self._sops[k].open)
            return [sop for sop in open_sops if official.role in sop.registrars]

        sops = run_in_transaction(self._sessions, work)
        if not sops and action is not None:
            open_ids = sorted(k for k, sop in self._sops.items() if sop.open)
            fallback = self._default_sop or (open_ids[0] if open_ids else None)
            self.check_registrar(actor, sop_id=fallback, action=action)
        return sops

    def refuse(self, ref: str | int | None, actor: str, action: str, refusal: DomainError) -> None:
        """Audit a refusal decided by the front end (a forged, stale or foreign button)."""
        where: dict = {}

        def work(session: Session) -> None:
            if ref is not None:
                with suppress(DomainError):  # the case may not exist: the refusal is audited anyway
                    self._load(session, ref, None, where)
            audit_refusal(session, self._clock(), actor, action, where, refusal)

        run_in_transaction(self._sessions, work)

    def cancel(self, ref: str, actor: str, reason: str) -> Case:
        """Withdraw a case (TU or admin, before access is granted)."""
        return self.act(ref, actor, Cancel(reason=reason))

    def attach_scan(self, ref: str, actor: str, sha256: str, location: str) -> Case:
        """Record the permit letter's scan (its SHA-256 and where it is kept) on a case without one.

        The case's version moves on, so the open step's buttons are stale: whoever may act on it is
        sent the step again (``step_updated``), in the same transaction.
        """
        where: dict = {}

        def work(session: Session) -> Case:
            case, sop, directory = self._load(session, ref, actor, where)
            check_registrar(directory, actor, sop)
            if is_terminal(case.state):
                raise CaseClosed(f"case {case.number} is {case.state}", state=str(case.state))
            if case.letter.scan_sha256:
                raise InvalidInput(
                    f"case {case.number} already has a scan ({case.letter.scan_sha256[:12]}…)",
                    code="scan_already_set",
                )
            if not is_sha256(sha256):
                raise InvalidInput(
                    "the scan's SHA-256 must be 64 lowercase hex digits", code="scan_sha_invalid"
                )
            now = self._clock()
            letter = replace(case.letter, scan_sha256=sha256, scan_location=location.strip() or None)
            saved = repo.save_case(session, case, case.evolve(letter=letter, version=case.version + 1), now)
            told = engine.step_updated(saved, self._context(sop, directory, now), "permit_scan", actor)
            repo.add_outbox(session, saved, told, now)
            repo.add_audit(
                session,
                at=now,
                actor=actor,
                action="attach_scan",
                result="ok",
                case_id=case.id,
                detail={"sha256": sha256, "location": location},
            )
            return saved

        return self._audited(work, "attach_scan", actor, where)

    def view(self, ref: str | int, *, viewer: str | None = None) -> CaseView:
        """A case with its SOP, the roster, its timeline and (for ``viewer``, who asked, if known)
        the actions they may use on it now; a bare number that matches several cases is refused
        naming those the viewer may see."""

        def work(session: Session) -> CaseView:
            case, sop, directory = self._load(session, ref, viewer, {})
            now = self._clock()
            rows = timeline(case, sop, directory, self._calendar, now)
            allowed = ()
            if viewer is not None:
                kinds = engine.allowed_actions(case, viewer, self._context(sop, directory, now))
                allowed = tuple(action_name(kind) for kind in kinds)
            return CaseView(case, sop, directory, rows, allowed)

        return run_in_transaction(self._sessions, work)

    # -- helpers ---------------------------------------------------------------------------------

    def _context(self, sop: Sop, directory: Directory, now: datetime) -> Context:
        return Context(sop, directory, self._calendar, now, self._seal)

    def _sop(self, sop_id: str | None) -> Sop:
        return sop_for_letter(self._sops, sop_id or self._default_sop)

    def _audited(self, work, action: str, actor: str, where: dict):
        """Run ``work`` in one transaction; a refusal it raises is audited in that same transaction
        (``workflow.service.refusals``), then raised once it has committed."""

        def audited(session: Session):
            try:
                return work(session)
            except DomainError as refusal:
                return _Refused(audit_refusal(session, self._clock(), actor, action, where, refusal))

        outcome = run_in_transaction(self._sessions, audited)
        if isinstance(outcome, _Refused):
            raise outcome.refusal
        return outcome


@dataclass(frozen=True, slots=True)
class _Refused:
    """A refusal audited in the transaction that found it, to raise once that has committed."""

    refusal: DomainError
