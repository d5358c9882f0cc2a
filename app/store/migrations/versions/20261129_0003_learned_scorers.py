"""match_suggestions.features and match_scorers (scorers learned from clerks' decisions)

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import breakdesk.app.store.types
from breakdesk.app.store.types import JSONDoc

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("match_suggestions") as batch:
        batch.add_column(sa.Column("features", JSONDoc, nullable=True))
    op.create_table(
        "match_scorers",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("model", sa.LargeBinary(), nullable=False),
        sa.Column("meta", JSONDoc, nullable=False),
        sa.Column("backtest", JSONDoc, nullable=False),
        sa.Column("trained_by", sa.String(length=64), nullable=False),
        sa.Column("trained_at", breakdesk.app.store.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("activated_by", sa.String(length=64), nullable=True),
        sa.Column("activated_at", breakdesk.app.store.types.UtcDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_scorers")),
        sa.UniqueConstraint("version", name=op.f("uq_match_scorers_version")),
    )
    op.create_index(op.f("ix_match_scorers_active"), "match_scorers", ["active"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_match_scorers_active"), table_name="match_scorers")
    op.drop_table("match_scorers")
    with op.batch_alter_table("match_suggestions") as batch:
        batch.drop_column("features")
