"""Alembic migrations, run from code: ``disposisi db upgrade`` and the start-up check.

The start-up check reads the database's revision (whether its table exists, then one ``SELECT``)
and compares it with ``HEAD``, without loading Alembic: the bot would otherwise keep Alembic, Mako
and the migration modules in memory (about 12 MiB of its resident set, docs/benchmarks.md) for one comparison.
"""

from pathlib import Path

from sqlalchemy import Engine, inspect, text

__all__ = ["HEAD", "NotMigrated", "check_migrated", "upgrade"]

MIGRATIONS = Path(__file__).parent / "migrations"
#: The newest revision in ``migrations/versions``; a test holds it to Alembic's own head, so a
#: new migration that leaves it behind fails the suite.
HEAD = "0006"


class NotMigrated(RuntimeError):
    """The database schema is not at the newest revision."""


def _config(engine: Engine):
    from alembic.config import Config  # loaded only to migrate

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the database to ``revision``."""
    from alembic import command

    command.upgrade(_config(engine), revision)


def alembic_head(engine: Engine) -> str | None:
    """The head revision as Alembic finds it among the migration files (what ``HEAD`` must be)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config(engine)).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None: no schema yet), as Alembic records it."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def check_migrated(engine: Engine, command_name: str) -> None:
    """Raise ``NotMigrated`` naming ``command_name`` unless the schema is at ``HEAD``."""
    current = current_revision(engine)
    if current != HEAD:
        state = "has no schema yet" if current is None else f"is at revision {current}, not {HEAD}"
        raise NotMigrated(
            f"'{command_name}' needs a migrated database, but it {state}: run 'disposisi db upgrade' first"
        )
