"""Alembic environment: the engine comes from ``workflow.db.migrate`` (or ``DATABASE_URL``
when the ``alembic`` command is used by a developer)."""

import os

from alembic import context
from sqlalchemy import create_engine

from workflow.db.models import Base

config = context.config
engine = config.attributes.get("engine") or create_engine(os.environ["DATABASE_URL"])

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
