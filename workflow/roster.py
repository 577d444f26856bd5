"""The roster: officials, their roles and who stands in for whom (Plh/Plt)."""

import tomllib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

__all__ = [
    "ADMIN_ROLE",
    "NON_SOP_ROLES",
    "TU_ROLE",
    "Official",
    "Roster",
    "RosterError",
    "StandIn",
    "load_roster",
    "oversees_cases",
    "parse_roster",
]

#: The secretariat (Tata Usaha): registers letters, and is told what no SOP role can handle.
TU_ROLE = "tu"
#: The administrator: keeps the roster and resets signing PINs.
ADMIN_ROLE = "admin"
#: Roles outside the SOP: the roster's own, valid whatever SOPs are loaded.
NON_SOP_ROLES = (TU_ROLE, ADMIN_ROLE)

_OFFICIAL_KEYS = {"key", "name", "nip", "role", "reports_to", "telegram_id", "digest", "active"}
_STAND_IN_KEYS = {"official", "for", "from", "until", "sp_number"}


def oversees_cases(role: str) -> bool:
    """Whether an official of ``role`` acts for the whole office rather than at a step: the roster's
    own roles (the TU, the admin) see every case, assign a step nobody holds, and cancel a case
    still being disposed."""
    return role in NON_SOP_ROLES


class RosterError(ValueError):
    """A roster file that cannot be used; the message names the file, entry and field."""


@dataclass(frozen=True, slots=True)
class Official:
    """A person on the roster."""

    key: str
    name: str
    role: str
    nip: str | None = None
    reports_to: str | None = None
    telegram_id: int | None = None
    receives_digest: bool = False  # the roster file's ``digest = true``: gets the daily SLA digest
    active: bool = True


@dataclass(frozen=True, slots=True)
class StandIn:
    """``official`` acts with ``for_key``'s authority from ``starts_at`` until ``ends_at`` (UTC)."""

    official: str
    for_key: str
    starts_at: datetime
    ends_at: datetime
    sp_number: str
    set_by: str | None = None  # who recorded the order (the roster import's actor), once stored
    set_at: datetime | None = None

    def covers(self, now: datetime) -> bool:
        """Whether the stand-in is in force at ``now``."""
        return self.starts_at <= now < self.ends_at


@dataclass(frozen=True, slots=True)
class Roster:
    """A validated roster file."""

    officials: tuple[Official, ...]
    stand_ins: tuple[StandIn, ...]


def _instant(value: Any, tz: ZoneInfo, end: bool) -> datetime:
    """A TOML date (a whole office day, inclusive) or an offset datetime, as UTC."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=tz)
        return value.astimezone(UTC)
    if isinstance(value, date):
        day = value + timedelta(days=1) if end else value
        return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)
    raise TypeError("expected a date such as 2026-11-24 or a date-time with offset")


def _text(entry: dict, field: str, where: str, required: bool = True) -> str | None:
    value = entry.get(field)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise RosterError(f"{where}, field {field!r}: expected non-empty text")
    return value.strip()


def _official(entry: dict, where: str, roles: set[str]) -> Official:
    unknown = set(entry) - _OFFICIAL_KEYS
    if unknown:
        raise RosterError(f"{where}, field {sorted(unknown)[0]!r}: unknown key")
    role = _text(entry, "role", where)
    if role not in roles:
        raise RosterError(f"{where}, field 'role': unknown role {role!r} (known: {', '.join(sorted(roles))})")
    telegram_id = entry.get("telegram_id")
    if telegram_id is not None and (not isinstance(telegram_id, int) or telegram_id <= 0):
        raise RosterError(f"{where}, field 'telegram_id': expected a positive integer")
    for flag in ("digest", "active"):
        if not isinstance(entry.get(flag, False), bool):
            raise RosterError(f"{where}, field {flag!r}: expected true or false")
    nip = entry.get("nip")
    return Official(
        key=_text(entry, "key", where),
        name=_text(entry, "name", where),
        role=role,
        nip=str(nip).strip() if nip is not None else None,
        reports_to=_text(entry, "reports_to", where, required=False),
        telegram_id=telegram_id,
        receives_digest=entry.get("digest", False),
        active=entry.get("active", True),
    )


def _stand_in(entry: dict, where: str, tz: ZoneInfo) -> StandIn:
    unknown = set(entry) - _STAND_IN_KEYS
    if unknown:
        raise RosterError(f"{where}, field {sorted(unknown)[0]!r}: unknown key")
    bounds = {}
    for field, end in (("from", False), ("until", True)):
        try:
            bounds[field] = _instant(entry.get(field), tz, end)
        except TypeError as exc:
            raise RosterError(f"{where}, field {field!r}: {exc}") from None
    if bounds["until"] <= bounds["from"]:
        raise RosterError(f"{where}, field 'until': ends before it starts")
    return StandIn(
        official=_text(entry, "official", where),
        for_key=_text(entry, "for", where),
        starts_at=bounds["from"],
        ends_at=bounds["until"],
        sp_number=_text(entry, "sp_number", where),
    )


def parse_roster(data: dict, source: str, sop_roles: set[str], tz: ZoneInfo) -> Roster:
    """Validate a roster given as a dict.

    Args:
        data: the parsed TOML.
        source: the file name, for messages.
        sop_roles: role keys of the loaded SOPs; ``tu`` and ``admin`` are always allowed.
        tz: the office time zone, in which stand-in dates are whole days.
    """
    unknown = set(data) - {"officials", "stand_ins"}
    if unknown:
        raise RosterError(f"{source}: field {sorted(unknown)[0]!r}: unknown key")
    roles = set(sop_roles) | set(NON_SOP_ROLES)
    officials = tuple(
        _official(e, f"{source}: official #{i}", roles) for i, e in enumerate(data.get("officials", []), 1)
    )
    keys = [o.key for o in officials]
    for official in officials:
        if keys.count(official.key) > 1:
            raise RosterError(f"{source}: official {official.key!r}, field 'key': duplicate key")
        if official.reports_to is not None and official.reports_to not in keys:
            raise RosterError(
                f"{source}: official {official.key!r}, field 'reports_to': "
                f"unknown official {official.reports_to!r}"
            )
    ids = [o.telegram_id for o in officials if o.telegram_id is not None]
    if len(ids) != len(set(ids)):
        raise RosterError(f"{source}: field 'telegram_id': the same Telegram id is given twice")
    stand_ins = tuple(
        _stand_in(e, f"{source}: stand-in #{i}", tz) for i, e in enumerate(data.get("stand_ins", []), 1)
    )
    for i, s in enumerate(stand_ins, 1):
        for field, key in (("official", s.official), ("for", s.for_key)):
            if key not in keys:
                raise RosterError(f"{source}: stand-in #{i}, field {field!r}: unknown official {key!r}")
        if s.official == s.for_key:
            raise RosterError(
                f"{source}: stand-in #{i}, field 'for': an official cannot stand in for themself"
            )
    return Roster(officials=officials, stand_ins=stand_ins)


def load_roster(path: Path, sop_roles: set[str], tz: ZoneInfo) -> Roster:
    """Load and validate a roster TOML file (see ``examples/roster.toml``)."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise RosterError(f"{path}: cannot read: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise RosterError(f"{path}: not valid TOML: {exc}") from None
    return parse_roster(data, str(path), sop_roles, tz)
