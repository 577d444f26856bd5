"""Builds the engine, sessions and services from the settings: the one place that wires them."""

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.settings import Settings
from workflow.db.migrate import check_migrated
from workflow.db.session import make_engine, make_session_factory
from workflow.service.cases import CaseService
from workflow.service.roster import RosterService
from workflow.sop import Sop, load_sops

__all__ = ["Runtime", "open_runtime"]


@dataclass
class Runtime:
    """Open resources of one process; ``close()`` releases them."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    sops: dict[str, Sop]
    cases: CaseService
    roster: RosterService

    def close(self) -> None:
        """Dispose of the connection pool."""
        self.engine.dispose()


def open_runtime(settings: Settings, command_name: str) -> Runtime:
    """Load the SOPs, open the database and check it is migrated.

    Raises:
        SopError: an SOP file is bad.
        NotMigrated: the schema is not at head; the message names ``command_name``.
    """
    sops = load_sops(settings.sop_path)
    engine = make_engine(settings.database_url)
    try:
        check_migrated(engine, command_name)
    except Exception:
        engine.dispose()
        raise
    sessions = make_session_factory(engine)
    cases = CaseService(sessions, sops, tz=settings.tz, prefix=settings.case_prefix)
    return Runtime(settings, engine, sessions, sops, cases, RosterService(sessions))
