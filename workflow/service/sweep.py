"""The SLA sweep: store every reminder and escalation that has fallen due, each exactly once.

Run it every minute or so (the bot's scheduler will). Each notice is an outbox row keyed by its
dedupe key and inserted with "on conflict do nothing"; only a row actually inserted gets its audit
row. So a sweep run twice, restarted, or run by two processes at once stores each notice once,
and a sweep that was down stores on its return everything that fell due meanwhile.

Each open step carries the time its next notice may fall due (``steps.next_sla_at``: its due time
when it opens, then whatever ``workflow.sla.next_due`` says after each visit, cleared when it
finishes), so a run reads only the steps that may owe something now.
"""

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from workflow.case import Case
from workflow.db import reference
from workflow.db import repository as repo
from workflow.db.models import CaseRow, OutboxRow, StepRow
from workflow.officehours import calendar_is_open
from workflow.service.rostercache import cached_directory
from workflow.service.uow import run_in_transaction
from workflow.sla import SlaNotice, SlaPolicy, due_notices, next_due
from workflow.sop import Sop
from workflow.states import CaseState
from workflow.workcalendar import WorkCalendar

__all__ = ["SlaSweep"]

ACTOR = "sla"
CASES = CaseRow.__table__
STEPS = StepRow.__table__
OUTBOX = OutboxRow.__table__
_LIVE = (CaseState.OPEN, CaseState.WAITING)
#: The steps whose next reminder or escalation may be due: an index range on the planned time
#: (finished steps have none), not every overdue step on every run.
_PLANNED = (
    select(STEPS.c.id, CASES.c.number)
    .join(CASES, CASES.c.id == STEPS.c.case_id)
    .where(STEPS.c.next_sla_at <= bindparam("now"))
    .order_by(STEPS.c.next_sla_at, STEPS.c.id)
)


class SlaSweep:
    """Finds overdue open steps and queues their reminders and escalations."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        clock: Callable[[], datetime],
        calendar: WorkCalendar,
        policy: SlaPolicy | None = None,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._calendar = calendar
        self._policy = policy or SlaPolicy()

    def run(self) -> int:
        """Store the notices due now; returns how many were new (0 outside office hours)."""
        now = self._clock()
        if not calendar_is_open(self._calendar, now):
            return 0
        return run_in_transaction(self._sessions, lambda session: self._sweep(session, now))

    def _sweep(self, session: Session, now: datetime) -> int:
        # One sweep at a time across replicas: two sweeps inserting overlapping notices while each
        # holds the audit chain's head could otherwise deadlock. A replica that finds another
        # sweeping skips this round rather than wait (the other stores what is due); the unique
        # key still makes each notice once.
        if session.get_bind().dialect.name == "postgresql" and not session.scalar(
            select(func.pg_try_advisory_xact_lock(func.hashtext("sla-sweep")))
        ):
            return 0
        rows = list(session.connection().execute(_PLANNED, {"now": now}))
        if not rows:
            return 0
        directory = cached_directory(session)
        sops: dict[tuple[str, int], Sop] = {}
        created = 0
        for step_id, number in rows:
            case = repo.load_case(session, number)
            step = case.step_by_id(step_id) if case is not None else None
            if step is None or not step.is_open or case.state not in _LIVE:
                self._plan(session, step_id, None)
                continue
            key = (case.sop_id, case.sop_version)
            if key not in sops:
                sops[key] = reference.load_sop_version(session, *key)
            sop = sops[key]
            facts = (step, sop.step(step.step_no), case, directory, self._calendar, now, self._policy)
            notices = due_notices(*facts, sop=sop)
            created += sum(self._store(session, case, n, now) for n in notices)
            self._plan(session, step_id, next_due(*facts, sop=sop))
        return created

    @staticmethod
    def _plan(session: Session, step_id: int, at: datetime | None) -> None:
        """When the sweep looks at the step next (None: never again)."""
        session.connection().execute(update(STEPS).where(STEPS.c.id == step_id).values(next_sla_at=at))

    def _store(self, session: Session, case: Case, notice: SlaNotice, now: datetime) -> bool:
        """Insert the notice's outbox row unless it exists; audit it only when inserted."""
        facts = {"n": notice.n, "lateness_seconds": int(notice.lateness.total_seconds())}
        if notice.holder_unreachable:  # the text says so: the holder cannot be reached
            facts["holder_unreachable"] = True
        values = {
            "created_at": now,
            "recipient": notice.recipient,
            "kind": notice.kind,
            "case_id": case.id,
            "step_no": notice.step_no,
            "dedupe_key": notice.dedupe_key,
            "payload": {"case_number": case.number, **facts},
            "status": "pending",
            "attempts": 0,
        }
        if not repo.insert_new(session, OUTBOX, values, "dedupe_key"):
            return False
        repo.add_audit(
            session,
            at=now,
            actor=ACTOR,
            action=notice.kind,
            result="ok",
            case_id=case.id,
            step_id=notice.step_id,
            detail={"recipient": notice.recipient, **facts},
        )
        return True
