"""sign-offs: the permit scan's Telegram file, stand-in orders' author, PIN reset codes, audit key ids,
signatures made before signing keys marked legacy

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 04:00:00
"""

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from alembic import op

import workflow.db.types

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: Sequence[str] | None = None
depends_on: Sequence[str] | None = None

_UTC = workflow.db.types.UTCDateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("scan_file_id", sa.Text(), nullable=True))
    with op.batch_alter_table("stand_ins", schema=None) as batch_op:
        batch_op.add_column(sa.Column("created_by", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("created_at", _UTC, nullable=True))
    with op.batch_alter_table("officials", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pin_code_hash", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("pin_code_expires_at", _UTC, nullable=True))
        batch_op.add_column(sa.Column("pin_code_by", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("pin_set_at", _UTC, nullable=True))
    with op.batch_alter_table("audit", schema=None) as batch_op:
        batch_op.add_column(sa.Column("key_id", sa.String(length=16), nullable=True))
    _stand_in_authors()
    _legacy_signatures()


def _stand_in_authors() -> None:
    """Who set each stand-in order and when, from the roster import's audit rows."""
    bind = op.get_bind()
    meta = sa.MetaData()
    audit = sa.Table("audit", meta, autoload_with=bind)
    stand_ins = sa.Table("stand_ins", meta, autoload_with=bind)
    rows = bind.execute(
        sa.select(audit.c.actor, audit.c.at, audit.c.detail)
        .where(audit.c.action.in_(["roster_stand_in_added", "roster_stand_in_updated"]))
        .order_by(audit.c.seq)
    )
    authors: dict[tuple, tuple] = {}
    for actor, at, detail in rows:
        detail = detail or {}
        key = (detail.get("official"), detail.get("for"), detail.get("from"))
        authors.setdefault(key, (actor, at))  # the order was set when it was added
    for row in bind.execute(sa.select(stand_ins)):
        starts = row.starts_at if isinstance(row.starts_at, datetime) else None
        found = None
        if starts is not None:
            found = next(
                (
                    value
                    for (official, for_key, begins), value in authors.items()
                    if official == row.official_key
                    and for_key == row.for_key
                    and begins is not None
                    and datetime.fromisoformat(begins).replace(tzinfo=None) == starts.replace(tzinfo=None)
                ),
                None,
            )
        actor, at = found if found else ("(before 0004)", None)
        bind.execute(
            stand_ins.update().where(stand_ins.c.id == row.id).values(created_by=actor, created_at=at)
        )


def _legacy_signatures() -> None:
    """Signatures recorded before signing keys existed: kept, marked legacy (see README)."""
    bind = op.get_bind()
    cases = sa.Table("cases", sa.MetaData(), autoload_with=bind)
    for case_id, signature in bind.execute(
        sa.select(cases.c.id, cases.c.signature).where(cases.c.signature.is_not(None))
    ):
        if isinstance(signature, dict) and "sig" not in signature:
            bind.execute(
                cases.update().where(cases.c.id == case_id).values(signature={**signature, "legacy": True})
            )


def downgrade() -> None:
    with op.batch_alter_table("audit", schema=None) as batch_op:
        batch_op.drop_column("key_id")
    with op.batch_alter_table("officials", schema=None) as batch_op:
        batch_op.drop_column("pin_set_at")
        batch_op.drop_column("pin_code_by")
        batch_op.drop_column("pin_code_expires_at")
        batch_op.drop_column("pin_code_hash")
    with op.batch_alter_table("stand_ins", schema=None) as batch_op:
        batch_op.drop_column("created_at")
        batch_op.drop_column("created_by")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("scan_file_id")
