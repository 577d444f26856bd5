"""What a roster import would do, worked out before it does it (``disposisi roster import``).

Deactivating an official is the change that can strand a case: whoever holds an open step and is
deactivated no longer gets reminders they can act on. So an import that deactivates anyone is
applied only against a plan the caller saw and approved (``RosterService.import_roster``), and the
plan names every open step the deactivated officials hold, by case number and step.
"""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflow.db.models import CaseRow, OfficialRow, StandInRow, StepRow
from workflow.errors import InvalidInput
from workflow.roster import Official, Roster

__all__ = [
    "FIELDS",
    "HeldStep",
    "RosterPlan",
    "UnconfirmedDeactivation",
    "changes",
    "plan_import",
    "row_attribute",
    "row_values",
    "values",
]

#: The official's fields the roster file sets, by their name in the file (the name the plan and the
#: audit rows use), each with the attribute of ``Official`` and ``OfficialRow`` that holds it.
FIELDS = {
    "name": "name",
    "nip": "nip",
    "role": "role",
    "reports_to": "reports_to",
    "digest": "receives_digest",
    "active": "active",
}


@dataclass(frozen=True, slots=True)
class HeldStep:
    """An open step held by an official the import would deactivate."""

    official: str
    case: str  # the case number
    step_no: int


@dataclass(frozen=True, slots=True)
class RosterPlan:
    """The changes an import would make; ``deactivated`` and ``held`` need the caller's approval."""

    added: tuple[str, ...] = ()
    changed: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (official, the fields that change)
    deactivated: tuple[str, ...] = ()
    held: tuple[HeldStep, ...] = ()
    stand_ins_added: tuple[str, ...] = ()  # "official for for_key"
    stand_ins_updated: tuple[str, ...] = ()
    stand_ins_removed: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        """Whether the import would change nothing."""
        return not (
            self.added
            or self.changed
            or self.deactivated
            or self.stand_ins_added
            or self.stand_ins_updated
            or self.stand_ins_removed
        )

    def approves(self, other: "RosterPlan") -> bool:
        """Whether approving this plan covers ``other``'s deactivations (the same people, the same
        open steps); a plan that deactivates nobody needs no approval."""
        return not other.deactivated or (self.deactivated, self.held) == (other.deactivated, other.held)


class UnconfirmedDeactivation(InvalidInput):
    """The import would deactivate officials the caller did not approve; ``plan`` names them."""

    code = "unconfirmed_deactivation"

    def __init__(self, plan: RosterPlan) -> None:
        held = ", ".join(f"{h.official} holds {h.case} step {h.step_no}" for h in plan.held)
        super().__init__(
            f"the roster import would deactivate {', '.join(plan.deactivated)}"
            + (f" ({held})" if held else "")
            + " and needs confirmation"
        )
        self.plan = plan


def values(official: Official) -> dict:
    """The values the file sets for ``official``, by the file's field names; a file without telegram_id
    keeps the bot's link."""
    result = {f: getattr(official, a) for f, a in FIELDS.items()}
    if official.telegram_id is not None:
        result["telegram_id"] = official.telegram_id
    return result


def row_attribute(field: str) -> str:
    """The ``OfficialRow`` attribute that holds the roster file's ``field``."""
    return FIELDS.get(field, field)


def row_values(wanted: dict) -> dict:
    """``values`` output as ``OfficialRow`` attributes."""
    return {row_attribute(f): v for f, v in wanted.items()}


def changes(row: OfficialRow, wanted: dict) -> dict:
    """``{field: [old, new]}`` for each field of ``row`` that ``wanted`` changes, by the file's names."""
    old = {f: getattr(row, row_attribute(f)) for f in wanted}
    return {f: [old[f], v] for f, v in wanted.items() if old[f] != v}


def plan_import(session: Session, roster: Roster) -> RosterPlan:
    """What importing ``roster`` would change, read in ``session``; changes nothing.

    Raises:
        InvalidInput: a Telegram id in the file is already linked to another official.
    """
    rows = {r.key: r for r in session.scalars(select(OfficialRow))}
    check_telegram_ids(roster, rows)
    listed = {o.key: o for o in roster.officials}
    deactivated = tuple(
        sorted(k for k, r in rows.items() if r.active and (k not in listed or not listed[k].active))
    )
    held = session.execute(
        select(StepRow.assignee, CaseRow.number, StepRow.step_no)
        .join(CaseRow, CaseRow.id == StepRow.case_id)
        .where(StepRow.finished_at.is_(None), StepRow.assignee.in_(deactivated))
        .order_by(StepRow.assignee, CaseRow.number, StepRow.step_no)
    ).all()
    stored = {(r.official_key, r.for_key, r.starts_at): r for r in session.scalars(select(StandInRow))}
    wanted = {(s.official, s.for_key, s.starts_at): s for s in roster.stand_ins}
    return RosterPlan(
        added=tuple(o.key for o in roster.officials if o.key not in rows),
        changed=tuple(
            (o.key, fields)
            for o in roster.officials
            if o.key in rows
            and (fields := tuple(f for f in changes(rows[o.key], values(o)) if f != "active" or o.active))
        ),
        deactivated=deactivated,
        held=tuple(HeldStep(*row) for row in held),
        stand_ins_added=tuple(f"{k[0]} for {k[1]}" for k in wanted if k not in stored),
        stand_ins_updated=tuple(
            f"{k[0]} for {k[1]}"
            for k, s in wanted.items()
            if k in stored
            and (stored[k].ends_at, stored[k].sp_number, stored[k].active) != (s.ends_at, s.sp_number, True)
        ),
        stand_ins_removed=tuple(
            f"{k[0]} for {k[1]}" for k, r in stored.items() if k not in wanted and r.active
        ),
    )


def check_telegram_ids(roster: Roster, rows: dict[str, OfficialRow]) -> None:
    """Refuse a Telegram id the file gives one official while another holds it."""
    linked = {r.telegram_id: key for key, r in rows.items() if r.telegram_id is not None}
    for official in roster.officials:
        owner = linked.get(official.telegram_id)
        if official.telegram_id is not None and owner not in (None, official.key):
            raise InvalidInput(
                f"official {official.key!r}: Telegram id {official.telegram_id} "
                f"is already linked to {owner!r}",
                code="already_linked",
            )
