"""button messages: every message left carrying a case's buttons, so they go once the case moves on

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 07:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import workflow.db.types

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

_UTC = workflow.db.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "button_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("case_version", sa.Integer(), nullable=False),
        sa.Column("shown_at", _UTC, nullable=False),
        sa.Column("held_until", _UTC, nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_button_messages_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_button_messages")),
        sa.UniqueConstraint("chat_id", "message_id", name=op.f("uq_button_messages_chat_id")),
    )
    with op.batch_alter_table("button_messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_button_messages_case_id"), ["case_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("button_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_button_messages_case_id"))
    op.drop_table("button_messages")
