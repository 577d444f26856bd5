"""Reference data the engine reads with every action: stored SOP versions and the roster."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workflow.db.models import CaseRow, OfficialRow, SopVersionRow, StandInRow
from workflow.directory import Directory
from workflow.roster import Official, StandIn
from workflow.sop import Sop
from workflow.sopfile import sop_from_json
from workflow.states import CaseState, is_terminal

__all__ = [
    "OFFICIAL_FIELDS",
    "SopChanged",
    "StoredVersion",
    "load_directory",
    "load_sop_version",
    "stored_sop",
    "stored_versions",
]

OFFICIALS = OfficialRow.__table__
STAND_INS = StandInRow.__table__
#: What the roster (``Directory``) is made of, of an official; a change to any other field (the PIN,
#: the language) leaves the roster as it was (``rosterstamp``).
OFFICIAL_FIELDS = (
    "key",
    "name",
    "nip",
    "role",
    "reports_to",
    "telegram_id",
    "digest",
    "active",
    "unreachable_at",
)
_ALL_OFFICIALS = select(*(OFFICIALS.c[name] for name in OFFICIAL_FIELDS))
_ACTIVE_STAND_INS = select(STAND_INS).where(STAND_INS.c.active.is_(True))


class SopChanged(RuntimeError):
    """An SOP file changed its content without a new version number."""


def stored_sop(session: Session, sop: Sop, now: datetime) -> None:
    """Store this SOP version's definition if new; refuse a changed file with the same version."""
    row = session.scalar(
        select(SopVersionRow).where(SopVersionRow.sop_id == sop.id, SopVersionRow.version == sop.version)
    )
    if row is None:
        session.add(
            SopVersionRow(
                sop_id=sop.id,
                version=sop.version,
                checksum=sop.checksum(),
                definition=sop.definition_json(),
                created_at=now,
            )
        )
    elif row.checksum != sop.checksum():
        raise SopChanged(
            f"SOP {sop.id!r} version {sop.version} differs from the version cases already use: "
            "give the changed file a new version number"
        )


def load_sop_version(session: Session, sop_id: str, version: int) -> Sop:
    """The SOP definition a case started on."""
    text = session.scalar(
        select(SopVersionRow.definition).where(
            SopVersionRow.sop_id == sop_id, SopVersionRow.version == version
        )
    )
    if text is None:
        raise LookupError(f"SOP {sop_id!r} version {version} is not stored")
    return sop_from_json(text, f"stored SOP {sop_id!r} version {version}")


@dataclass(frozen=True, slots=True)
class StoredVersion:
    """An SOP version stored in the database, with how many of its cases are open and closed
    (closed: closed, rejected or cancelled)."""

    sop_id: str
    version: int
    stored_at: datetime
    open_cases: int
    closed_cases: int


def stored_versions(session: Session) -> list[StoredVersion]:
    """Every stored SOP version, by SOP id and version, with its cases counted."""
    counts: dict[tuple[str, int, bool], int] = {}
    by_state = select(CaseRow.sop_id, CaseRow.sop_version, CaseRow.state, func.count()).group_by(
        CaseRow.sop_id, CaseRow.sop_version, CaseRow.state
    )
    for sop_id, version, state, count in session.execute(by_state):
        key = (sop_id, version, is_terminal(CaseState(state)))
        counts[key] = counts.get(key, 0) + count
    rows = session.execute(
        select(SopVersionRow.sop_id, SopVersionRow.version, SopVersionRow.created_at).order_by(
            SopVersionRow.sop_id, SopVersionRow.version
        )
    )
    return [
        StoredVersion(
            sop_id,
            version,
            at,
            counts.get((sop_id, version, False), 0),
            counts.get((sop_id, version, True), 0),
        )
        for sop_id, version, at in rows
    ]


def load_directory(session: Session) -> Directory:
    """Every official, every active stand-in order, and who the bot cannot reach."""
    rows = list(session.connection().execute(_ALL_OFFICIALS))
    officials = [
        Official(
            key=r.key,
            name=r.name,
            role=r.role,
            nip=r.nip,
            reports_to=r.reports_to,
            telegram_id=r.telegram_id,
            receives_digest=r.digest,  # the column keeps the roster file's name
            active=r.active,
        )
        for r in rows
    ]
    stand_ins = [
        StandIn(r.official_key, r.for_key, r.starts_at, r.ends_at, r.sp_number, r.created_by, r.created_at)
        for r in session.connection().execute(_ACTIVE_STAND_INS)
    ]
    unreachable = [r.key for r in rows if r.unreachable_at is not None]
    return Directory.of(officials, stand_ins, unreachable)
