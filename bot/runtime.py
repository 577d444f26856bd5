"""Builds the engine, sessions and services from the settings: the one place that wires them."""

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.failures import SetupError, database_failure, require_database
from bot.settings import Settings
from workflow.calendar_config import SHIPPED_CALENDAR, load_calendar
from workflow.db.migrate import check_migrated
from workflow.db.session import make_engine, make_session_factory
from workflow.keys import SigningKeys
from workflow.numbering import case_prefixes
from workflow.service.buttons import ButtonMessages
from workflow.service.cases import CaseService
from workflow.service.dailydigest import DailyDigests
from workflow.service.desk import Desk
from workflow.service.digest import DigestService
from workflow.service.identity import IdentityService
from workflow.service.outbox import OutboxService
from workflow.service.pending import PendingInputs
from workflow.service.pins import Pins
from workflow.service.queries import CaseQueries
from workflow.service.records import Records
from workflow.service.roster import RosterService
from workflow.sop import Sop, SopError
from workflow.sopfile import load_sops
from workflow.workcalendar import Continuous, WorkCalendar

__all__ = ["MissingAuditKey", "Runtime", "check_prefixes", "office_calendar", "open_runtime", "signing_keys"]


@dataclass
class Runtime:
    """Open resources of one process; ``close()`` releases them."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    sops: dict[str, Sop]
    cases: CaseService
    desk: Desk
    roster: RosterService
    records: Records
    identity: IdentityService
    pending: PendingInputs
    outbox: OutboxService
    buttons: ButtonMessages
    pins: Pins
    queries: CaseQueries
    calendar: WorkCalendar
    digests: DailyDigests
    seal: SigningKeys

    def close(self) -> None:
        """Dispose of the connection pool."""
        self.engine.dispose()


class MissingAuditKey(SetupError):
    """A command that changes data was started without ``AUDIT_KEY``."""


def office_calendar(settings: Settings) -> WorkCalendar:
    """The working-time calendar of ``OFFICE_CALENDAR``: SOP times count office minutes.

    Raises:
        CalendarError: the file is bad; the message names the file and the line.
    """
    if settings.office_calendar.strip() == "24/7":
        return Continuous()
    year = datetime.now(UTC).astimezone(settings.tz).year
    return load_calendar(
        settings.office_calendar or SHIPPED_CALENDAR, settings.tz, years=(year - 1, year, year + 1)
    )


def signing_keys(settings: Settings) -> SigningKeys:
    """The signing key of ``SIGNING_KEY_FILE`` and the older ones of ``SIGNING_PREVIOUS_KEYS``.

    Raises:
        KeyFileError: a key file is missing, unreadable or not an Ed25519 PEM key.
    """
    return SigningKeys.load(settings.signing_key_file, settings.signing_previous_keys)


def check_prefixes(settings: Settings, sops: dict[str, Sop]) -> dict[str, str]:
    """Each loaded SOP's case number prefix (``CASE_PREFIX`` for an SOP naming none), by SOP id.

    Raises:
        SetupError: two SOPs resolve to one prefix; the one line names both and ``numbering.prefix``.
    """
    try:
        return case_prefixes(sops, settings.case_prefix)
    except SopError as exc:
        raise SetupError(f"{exc} (SOP_PATH={settings.sop_path or 'the shipped SOP'})") from None


def open_runtime(settings: Settings, command_name: str, *, writes: bool = False) -> Runtime:
    """Load the SOPs, open the database and check it is migrated.

    Args:
        writes: the command changes data, so it needs the audit key.

    Raises:
        MissingAuditKey: ``writes`` and no ``AUDIT_KEY``.
        SopError: an SOP file is bad.
        CalendarError: the calendar file is bad.
        KeyFileError: a signing key file is bad.
        NotMigrated: the schema is not at head; the message names ``command_name``.
        SetupError: ``DATABASE_URL`` is malformed, names a SQLite file that does not exist, or a
            server that does not answer; or two SOPs number their cases with one prefix.
    """
    key = settings.audit_key.get_secret_value().encode() if settings.audit_key else None
    if writes and key is None:
        raise MissingAuditKey(
            f"'{command_name}' changes data and needs AUDIT_KEY, the secret that signs the audit chain "
            "(at least 32 characters, e.g. `openssl rand -hex 32`); see .env.example"
        )
    sops = load_sops(settings.sop_path)
    check_prefixes(settings, sops)
    if settings.default_sop and settings.default_sop not in sops:
        raise SetupError(
            f"DEFAULT_SOP={settings.default_sop}: no such SOP is loaded (loaded: {', '.join(sorted(sops))}); "
            "set it to one of those ids, or leave it empty"
        )
    calendar = office_calendar(settings)
    seal = signing_keys(settings)
    require_database(settings.database_url, command_name)  # a missing SQLite file is never created here
    try:
        engine = make_engine(settings.database_url)
        try:
            check_migrated(engine, command_name)
        except Exception:
            engine.dispose()
            raise
    except Exception as exc:
        problem = database_failure(exc, settings.database_url)
        if problem is None:
            raise
        raise problem from exc
    previous = tuple(k.get_secret_value().encode() for k in settings.audit_previous_keys)
    sessions = make_session_factory(engine, key, previous)
    cases = CaseService(
        sessions,
        sops,
        tz=settings.tz,
        prefix=settings.case_prefix,
        default_sop=settings.default_sop,
        calendar=calendar,
        seal=seal,
    )
    desk = Desk(
        sessions,
        sops,
        tz=settings.tz,
        calendar=calendar,
        seal=seal,
        uploads=settings.allow_scan_uploads,
    )
    figures = DigestService(sessions, calendar, settings.tz, sops)  # a section per SOP that sends one
    return Runtime(
        settings=settings,
        engine=engine,
        sessions=sessions,
        sops=sops,
        cases=cases,
        desk=desk,
        roster=RosterService(sessions),
        records=Records(sessions, cases, settings.tz),
        identity=IdentityService(sessions),
        pending=PendingInputs(sessions),
        outbox=OutboxService(sessions),
        buttons=ButtonMessages(sessions),
        pins=Pins(sessions, sops),
        queries=CaseQueries(sessions, cases),
        calendar=calendar,
        digests=DailyDigests(sessions, figures, calendar, settings.tz, settings.digest_time),
        seal=seal,
    )
