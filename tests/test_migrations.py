"""Migrations build the schema the models describe, on SQLite and PostgreSQL."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select

from workflow.db.migrate import HEAD, NotMigrated, alembic_head, check_migrated, current_revision, upgrade
from workflow.db.models import Base, OfficialRow
from workflow.db.session import make_engine, make_session_factory


def schema_drift(engine) -> list:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def fresh_engine(request, tmp_path):
    url = (
        f"sqlite:///{tmp_path}/m.db" if request.param == "sqlite" else request.getfixturevalue("postgres_url")
    )
    engine = make_engine(url)
    yield engine
    engine.dispose()


def test_unmigrated_database_is_named_with_the_command(fresh_engine):
    with pytest.raises(NotMigrated, match="'roster show' needs a migrated database"):
        check_migrated(fresh_engine, "roster show")


def test_a_database_behind_the_newest_revision_is_named_with_both(fresh_engine):
    upgrade(fresh_engine, "0005")

    with pytest.raises(NotMigrated, match=f"is at revision 0005, not {HEAD}"):
        check_migrated(fresh_engine, "run")


def test_the_start_up_check_knows_the_newest_migration(fresh_engine):
    upgrade(fresh_engine)

    assert current_revision(fresh_engine) == alembic_head(fresh_engine) == HEAD


def test_upgrade_builds_exactly_the_models_schema(fresh_engine):
    upgrade(fresh_engine)

    check_migrated(fresh_engine, "any")
    assert schema_drift(fresh_engine) == []


def test_upgrade_twice_is_harmless(fresh_engine):
    upgrade(fresh_engine)

    upgrade(fresh_engine)

    check_migrated(fresh_engine, "any")


def test_times_come_back_as_the_same_utc_instant(fresh_engine):
    upgrade(fresh_engine)
    sessions = make_session_factory(fresh_engine, b"k" * 16)
    jakarta_noon = datetime(2026, 11, 24, 12, 0, tzinfo=timezone(timedelta(hours=7)))
    with sessions.begin() as s:
        s.add(OfficialRow(key="x", name="X", role="tu", created_at=jakarta_noon, updated_at=jakarta_noon))

    with sessions() as s:
        stored = s.scalar(select(OfficialRow.created_at))

    assert stored == datetime(2026, 11, 24, 5, 0, tzinfo=UTC)
    assert stored.tzinfo is not None


def test_naive_times_are_refused(fresh_engine):
    upgrade(fresh_engine)
    sessions = make_session_factory(fresh_engine, b"k" * 16)

    with pytest.raises(Exception, match="naive datetime"), sessions.begin() as s:
        s.add(
            OfficialRow(
                key="x", name="X", role="tu", created_at=datetime(2026, 1, 1), updated_at=datetime(2026, 1, 1)
            )
        )
        s.flush()
