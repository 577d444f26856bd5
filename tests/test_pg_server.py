"""Checks for the throwaway PostgreSQL server fixture (tests/pg_server.py)."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from tests.pg_server import PostgresServer

pytestmark = pytest.mark.postgres


def _scalar(url: str, query: str) -> object:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text(query)).scalar_one()
    finally:
        engine.dispose()


def test_server_answers_with_postgresql_version(postgres_url: str) -> None:
    version = _scalar(postgres_url, "select version()")
    assert isinstance(version, str)
    assert version.startswith("PostgreSQL")


def test_each_database_is_separate(postgres_server: PostgresServer, postgres_url: str) -> None:
    # A test gets one `postgres_url`; the second database is made the same way.
    other_url = postgres_server.create_database(f"test_{uuid.uuid4().hex[:16]}")
    assert other_url != postgres_url != postgres_server.url

    engine = sa.create_engine(postgres_url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("create table only_here (id integer primary key)"))
    finally:
        engine.dispose()

    exists = "select to_regclass('public.only_here') is not null"
    assert _scalar(postgres_url, exists) is True
    assert _scalar(other_url, exists) is False
