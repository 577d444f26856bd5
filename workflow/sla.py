"""SLA reminders and escalation: which notices an overdue step owes at ``now``.

Pure: the service passes the step, its SOP step, the case, the directory, the calendar and
``now``, and stores what comes back. Every notice carries a dedupe key, so the service may ask
again and again (after a restart, from two replicas) and store each notice once; the answer
holds every notice that has fallen due, older ones included, so a sweep that was down sends them
when it returns.

* Reminder n (1, 2, …, up to the cap) falls due ``(n - 1) × interval`` of working time after the
  step's due time; it goes to the assignee and whoever stands in for them at ``now``. When the
  bot cannot reach the assignee (Telegram refused them), the assignee's reminders go to the first
  level of their escalation chain instead, marked so the text says the holder cannot be reached.
* Escalation level k (1, 2, …) falls due when ``multiple_k × SLA`` of working time has passed
  since the step started (2×, 3×, … by default). Level 1 goes to the assignee's superiors, level
  2 to theirs, and so on (``reports_to`` when active, else the holders of the SOP role's superior
  role); the level past the top goes to the TU, once. A step nobody holds (waiting) climbs from the
  holders of its role's superior role.
* Outside office hours nothing is due: it waits for the next working minute.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import count

from workflow.case import Case, StepRecord
from workflow.directory import Directory
from workflow.officehours import calendar_is_open
from workflow.roster import TU_ROLE
from workflow.sop import Sop, Step
from workflow.states import is_terminal
from workflow.workcalendar import WorkCalendar

__all__ = [
    "MIN_REMINDER_INTERVAL",
    "SlaNotice",
    "SlaPolicy",
    "due_notices",
    "escalation_chain",
    "next_due",
]

#: Reminders never repeat more often than this, whatever the SOP time or the setting.
MIN_REMINDER_INTERVAL = timedelta(minutes=5)

REMINDER = "reminder"
ESCALATION = "escalation"


@dataclass(frozen=True, slots=True)
class SlaPolicy:
    """How often reminders repeat and when escalation climbs.

    Attributes:
        reminder_interval: working time between reminders; ``None`` uses the step's SOP time.
            Never less than ``MIN_REMINDER_INTERVAL``.
        reminder_cap: how many reminders one step instance gets at most.
        escalation_multiples: level k falls due at ``escalation_multiples[k - 1] × SLA`` after the
            step started; ``None`` means 2, 3, 4, … (no level beyond the list when one is given).
    """

    reminder_interval: timedelta | None = None
    reminder_cap: int = 3
    escalation_multiples: tuple[float, ...] | None = None

    def __post_init__(self) -> None:
        if self.reminder_cap < 0:
            raise ValueError(f"reminder_cap must not be negative, not {self.reminder_cap}")
        if self.escalation_multiples is not None:
            if any(m <= 1 for m in self.escalation_multiples):
                raise ValueError("escalation multiples must be greater than 1 (the step's due time)")
            if list(self.escalation_multiples) != sorted(self.escalation_multiples):
                raise ValueError("escalation multiples must be in increasing order")

    def interval(self, sla: timedelta) -> timedelta:
        """The working time between two reminders of a step with this SOP time."""
        return max(self.reminder_interval or sla, MIN_REMINDER_INTERVAL)

    def multiples(self) -> Iterator[float]:
        """The multiple of the SOP time at which each escalation level falls due."""
        return iter(self.escalation_multiples) if self.escalation_multiples is not None else count(2)


@dataclass(frozen=True, slots=True)
class SlaNotice:
    """One reminder or escalation message owed to one official for one step instance."""

    recipient: str
    kind: str  # "reminder" or "escalation"
    n: int  # the reminder's ordinal, or the escalation level
    lateness: timedelta  # working time from the step's due time to ``now``
    step_id: int
    step_no: int
    falls_due_at: datetime  # when this notice fell due
    holder_unreachable: bool = False  # a reminder sent to a superior because the holder cannot be reached

    @property
    def dedupe_key(self) -> str:
        """Unique per step instance, kind, ordinal and recipient: stored once whatever happens."""
        return f"sla:{self.step_id}:{self.kind}:{self.n}:{self.recipient}"


def due_notices(
    step: StepRecord,
    sop_step: Step,
    case: Case,
    directory: Directory,
    calendar: WorkCalendar,
    now: datetime,
    policy: SlaPolicy,
    *,
    sop: Sop | None = None,
) -> list[SlaNotice]:
    """Every reminder and escalation of ``step`` that has fallen due by ``now``.

    ``sop`` (the case's SOP version) gives the superior roles; without it the escalation follows
    ``reports_to`` only and goes to the TU where that ends. Nothing is due for a finished step,
    a step not yet past its due time, a case that has ended, or when the office is closed at ``now``.
    """
    if step.id is None:
        raise ValueError("the step instance has no id yet: store it before asking for its notices")
    if (
        is_terminal(case.state)
        or not step.is_open
        or now < step.due_at
        or not calendar_is_open(calendar, now)
    ):
        return []
    lateness = calendar.working_time(step.due_at, now)

    def notice(recipient: str, kind: str, n: int, at: datetime, redirected: bool = False) -> SlaNotice:
        return SlaNotice(recipient, kind, n, lateness, step.id, step.step_no, at, redirected)

    notices = []
    chain = escalation_chain(step.assignee, sop_step.role, directory, sop)
    if step.assignee is not None:
        # A holder the bot cannot reach would never see a reminder: their superiors get it instead.
        # The key still names the recipient, so each (reminder, recipient) is stored once.
        unreachable = directory.is_unreachable(step.assignee)
        if unreachable:
            holders = list(chain[0]) if chain else []
        else:
            holders = [step.assignee] if directory.is_active(step.assignee) else []
        stand_ins = [k for k in directory.stand_ins_for(step.assignee, now) if k not in holders]
        for n, at in _reminders(step, sop_step, calendar, policy):
            if at > now:
                break
            notices += [notice(r, REMINDER, n, at, unreachable) for r in holders]
            notices += [notice(r, REMINDER, n, at) for r in stand_ins]

    for level, recipients, at in _escalations(step, sop_step, chain, calendar, policy):
        if at > now:
            break
        notices += [notice(r, ESCALATION, level, at) for r in recipients]
    return notices


def next_due(
    step: StepRecord,
    sop_step: Step,
    case: Case,
    directory: Directory,
    calendar: WorkCalendar,
    now: datetime,
    policy: SlaPolicy,
    *,
    sop: Sop | None = None,
) -> datetime | None:
    """When the next reminder or escalation of ``step`` after ``now`` falls due; None when it is
    owed none any more (finished, the case ended, past the reminder cap and the top of the chain).

    The sweep stores this as the step's planned notice time, so it visits a step only when
    something new may be owed instead of every overdue step on every run.
    """
    if is_terminal(case.state) or not step.is_open:
        return None
    chain = escalation_chain(step.assignee, sop_step.role, directory, sop)
    reminders = (at for _, at in _reminders(step, sop_step, calendar, policy))
    escalations = (at for *_, at in _escalations(step, sop_step, chain, calendar, policy))
    later = [next((at for at in times if at > now), None) for times in (reminders, escalations)]
    return min((at for at in later if at is not None), default=None)


def _reminders(
    step: StepRecord, sop_step: Step, calendar: WorkCalendar, policy: SlaPolicy
) -> Iterator[tuple[int, datetime]]:
    """Each reminder's ordinal and when it falls due, in time order (none for a step nobody holds)."""
    if step.assignee is None:
        return
    interval = policy.interval(sop_step.sla)
    for n in range(1, policy.reminder_cap + 1):
        yield n, calendar.add(step.due_at, interval * (n - 1))


def _escalations(
    step: StepRecord, sop_step: Step, chain: list[tuple[str, ...]], calendar: WorkCalendar, policy: SlaPolicy
) -> Iterator[tuple[int, tuple[str, ...], datetime]]:
    """Each escalation level, who it goes to and when it falls due, in time order."""
    for level, (recipients, multiple) in enumerate(zip(chain, policy.multiples(), strict=False), start=1):
        yield level, recipients, calendar.add(step.started_at, sop_step.sla * multiple)


def escalation_chain(
    assignee: str | None, role: str, directory: Directory, sop: Sop | None
) -> list[tuple[str, ...]]:
    """Who each escalation level goes to, level 1 first; the last level is the TU's.

    Each level holds the superiors of the level below: an official's ``reports_to`` when active,
    else the active holders of the superior (in the SOP) of the official's role. With nobody above,
    the TU holders are told and the chain ends. Nobody is escalated to twice.
    """
    seen: set[str] = set()
    if assignee is not None:
        seen.add(assignee)
        below = [(assignee, role)]
    else:
        below = [(None, role)]  # a waiting step: climb from its role
    levels: list[tuple[str, ...]] = []
    while True:
        above: list[str] = []
        for official, official_role in below:
            for key in _superiors(official, official_role, directory, sop):
                if key not in seen and key not in above:
                    above.append(key)
        if not above:
            tu = tuple(k for k in directory.holders(TU_ROLE) if k not in seen)
            if tu:
                levels.append(tu)
            return levels
        levels.append(tuple(above))
        seen.update(above)
        below = [(k, directory.get(k).role) for k in above]


def _superiors(official: str | None, role: str, directory: Directory, sop: Sop | None) -> list[str]:
    person = directory.get(official)
    if person is not None and directory.is_active(person.reports_to):
        return [person.reports_to]
    if sop is None or role not in {r.key for r in sop.roles}:
        return []
    superior = sop.role(role).superior
    return directory.holders(superior) if superior else []
