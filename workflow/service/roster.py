"""Importing the roster file: idempotent, deactivating (never deleting), every change audited."""

from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from workflow.db import repository as repo
from workflow.db.models import OfficialRow, StandInRow
from workflow.directory import Directory
from workflow.roster import Roster
from workflow.service.rostercache import cached_directory
from workflow.service.rosterplan import (
    RosterPlan,
    UnconfirmedDeactivation,
    changes,
    plan_import,
    row_attribute,
    row_values,
    values,
)
from workflow.service.uow import run_in_transaction

__all__ = ["RosterService"]


class RosterService:
    """Keeps the officials table in step with the roster file."""

    def __init__(
        self, sessions: sessionmaker[Session], clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    ):
        self._sessions = sessions
        self._clock = clock

    def plan(self, roster: Roster) -> RosterPlan:
        """What importing ``roster`` would add, change and deactivate, and the open steps of those it
        would deactivate; changes nothing (``roster import --dry-run``).

        Raises:
            InvalidInput: a Telegram id in the file is already linked to another official.
        """
        return run_in_transaction(self._sessions, lambda session: plan_import(session, roster))

    def import_roster(self, roster: Roster, actor: str, *, approved: RosterPlan | None = None) -> Counter:
        """Apply the file: add, update, deactivate; Telegram links made in the bot are kept.

        Args:
            approved: the plan (``plan(roster)``) the caller showed and had confirmed. An import that
                deactivates anyone runs only if this plan names the same officials and the same open
                steps as the import finds when it runs.

        Returns:
            Counts of what changed, e.g. ``{"added": 3, "deactivated": 1}``; empty when nothing did.

        Raises:
            UnconfirmedDeactivation: someone would be deactivated without ``approved`` covering it.
            InvalidInput: a Telegram id in the file is already linked to another official.
        """
        now = self._clock()

        def work(session: Session) -> Counter:
            plan = plan_import(session, roster)
            if not (approved or RosterPlan()).approves(plan):
                raise UnconfirmedDeactivation(plan)
            counts: Counter = Counter()
            rows = {r.key: r for r in session.scalars(select(OfficialRow))}

            def audit(action: str, key: str, detail: dict) -> None:
                counts[action.removeprefix("roster_")] += 1
                repo.add_audit(
                    session,
                    at=now,
                    actor=actor,
                    action=action,
                    result="ok",
                    detail={"official": key, **detail},
                )

            for official in roster.officials:
                wanted = values(official)
                row = rows.get(official.key)
                if row is None:
                    session.add(
                        OfficialRow(key=official.key, created_at=now, updated_at=now, **row_values(wanted))
                    )
                    audit("roster_added", official.key, wanted)
                    continue
                changed = changes(row, wanted)
                if official.key in plan.deactivated:  # audited as a deactivation below
                    changed.pop("active", None)
                if changed:
                    for field, (_, new) in changed.items():
                        setattr(row, row_attribute(field), new)
                    row.updated_at = now
                    audit("roster_updated", official.key, {"changes": changed})
            for key in plan.deactivated:
                rows[key].active, rows[key].updated_at = False, now
                held = [f"{h.case} step {h.step_no}" for h in plan.held if h.official == key]
                audit("roster_deactivated", key, {"open_steps": held} if held else {})
            session.flush()
            self._sync_stand_ins(session, roster, audit, actor, now)
            return counts

        return run_in_transaction(self._sessions, work)

    def directory(self) -> Directory:
        """Every official (active or not) and the stand-in orders in force (read through the
        process's cache: one ``SELECT`` of the roster's stamp while it has not changed)."""
        return run_in_transaction(self._sessions, cached_directory)

    @staticmethod
    def _sync_stand_ins(session: Session, roster: Roster, audit, actor: str, now: datetime) -> None:
        rows = {(r.official_key, r.for_key, r.starts_at): r for r in session.scalars(select(StandInRow))}
        listed = set()
        for s in roster.stand_ins:
            key = (s.official, s.for_key, s.starts_at)
            listed.add(key)
            row = rows.get(key)
            detail = {
                "for": s.for_key,
                "from": s.starts_at.isoformat(),
                "until": s.ends_at.isoformat(),
                "sp_number": s.sp_number,
            }
            if row is None:
                session.add(
                    StandInRow(
                        official_key=s.official,
                        for_key=s.for_key,
                        starts_at=s.starts_at,
                        ends_at=s.ends_at,
                        sp_number=s.sp_number,
                        active=True,
                        created_by=actor,
                        created_at=now,
                    )
                )
                audit("roster_stand_in_added", s.official, detail)
            elif (row.ends_at, row.sp_number, row.active) != (s.ends_at, s.sp_number, True):
                row.ends_at, row.sp_number, row.active = s.ends_at, s.sp_number, True
                row.created_by, row.created_at = actor, now  # the order as it stands was set now
                audit("roster_stand_in_updated", s.official, detail)
        for key, row in rows.items():
            if key not in listed and row.active:
                row.active = False
                audit("roster_stand_in_removed", row.official_key, {"for": row.for_key})
