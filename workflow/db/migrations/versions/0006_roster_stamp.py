"""roster stamp: one row whose version every roster write moves, so a process may cache the roster

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 20:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None


def upgrade() -> None:
    roster_stamp = op.create_table(
        "roster_stamp",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_roster_stamp")),
    )
    op.bulk_insert(roster_stamp, [{"id": 1, "version": 1}])


def downgrade() -> None:
    op.drop_table("roster_stamp")
