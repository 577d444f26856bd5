"""Importing the roster file: idempotent, deactivating (never deleting), every change audited."""

from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from workflow.db import reference
from workflow.db import repository as repo
from workflow.db.models import OfficialRow, StandInRow
from workflow.directory import Directory
from workflow.errors import InvalidInput
from workflow.roster import Roster
from workflow.service.uow import run_in_transaction

__all__ = ["RosterService"]

_FIELDS = ("name", "nip", "role", "reports_to", "digest", "active")


class RosterService:
    """Keeps the officials table in step with the roster file."""

    def __init__(
        self, sessions: sessionmaker[Session], clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    ):
        self._sessions = sessions
        self._clock = clock

    def import_roster(self, roster: Roster, actor: str) -> Counter:
        """Apply the file: add, update, deactivate; Telegram links made in the bot are kept.

        Returns:
            Counts of what changed, e.g. ``{"added": 3, "deactivated": 1}``; empty when nothing did.
        """
        now = self._clock()

        def work(session: Session) -> Counter:
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

            _check_telegram_ids(roster, rows)
            for official in roster.officials:
                values = {f: getattr(official, f) for f in _FIELDS}
                if official.telegram_id is not None:  # absent in the file: keep the bot's link
                    values["telegram_id"] = official.telegram_id
                row = rows.get(official.key)
                if row is None:
                    session.add(OfficialRow(key=official.key, created_at=now, updated_at=now, **values))
                    audit("roster_added", official.key, values)
                    continue
                changes = {f: [getattr(row, f), v] for f, v in values.items() if getattr(row, f) != v}
                if changes:
                    for field, (_, new) in changes.items():
                        setattr(row, field, new)
                    row.updated_at = now
                    audit("roster_updated", official.key, {"changes": changes})
            listed = {o.key for o in roster.officials}
            for key, row in rows.items():
                if key not in listed and row.active:
                    row.active, row.updated_at = False, now
                    audit("roster_deactivated", key, {})
            session.flush()
            self._sync_stand_ins(session, roster, audit, actor, now)
            return counts

        return run_in_transaction(self._sessions, work)

    def directory(self) -> Directory:
        """Every official (active or not) and the stand-in orders in force."""
        return run_in_transaction(self._sessions, reference.load_directory)

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


def _check_telegram_ids(roster: Roster, rows: dict[str, OfficialRow]) -> None:
    linked = {r.telegram_id: key for key, r in rows.items() if r.telegram_id is not None}
    for official in roster.officials:
        owner = linked.get(official.telegram_id)
        if official.telegram_id is not None and owner not in (None, official.key):
            raise InvalidInput(
                f"official {official.key!r}: Telegram id {official.telegram_id} "
                f"is already linked to {owner!r}",
                code="already_linked",
            )
