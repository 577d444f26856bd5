"""Alembic migrations, run from code: ``disposisi db upgrade`` and the start-up check."""

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

__all__ = ["NotMigrated", "check_migrated", "upgrade"]

MIGRATIONS = Path(__file__).parent / "migrations"


class NotMigrated(RuntimeError):
    """The database schema is not at the newest revision."""


def _config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the database to ``revision``."""
    command.upgrade(_config(engine), revision)


def check_migrated(engine: Engine, command_name: str) -> None:
    """Raise ``NotMigrated`` naming ``command_name`` unless the schema is at head."""
    head = ScriptDirectory.from_config(_config(engine)).get_current_head()
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    if current != head:
        state = "has no schema yet" if current is None else f"is at revision {current}, not {head}"
        raise NotMigrated(
            f"'{command_name}' needs a migrated database, but it {state}: run 'disposisi db upgrade' first"
        )
