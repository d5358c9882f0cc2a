"""monitor_alerts: drift alerts raised by `breakdesk monitor` (issue #19)

Revision ID: 20261205_monitoring
Revises: 0006
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from breakdesk.app.store.types import JSONDoc, UtcDateTime

revision: str = "20261205_monitoring"
down_revision: str | Sequence[str] | None = "0006"
branch_labels = None
depends_on = None

_PK = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "monitor_alerts",
        sa.Column("id", _PK, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("feature", sa.String(100), nullable=False),
        sa.Column("psi", sa.Float(), nullable=True),
        sa.Column("p_value", sa.Float(), nullable=True),
        sa.Column("threshold", sa.Float(), nullable=True),
        sa.Column("config_version", sa.String(40), nullable=False),
        sa.Column("window_start", UtcDateTime(), nullable=True),
        sa.Column("window_end", UtcDateTime(), nullable=True),
        sa.Column("reference", JSONDoc, nullable=False),
        sa.Column("details", JSONDoc, nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("raised_by", sa.String(64), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("acknowledged_by", sa.String(64), nullable=True),
        sa.Column("acknowledged_at", UtcDateTime(), nullable=True),
        sa.Column("ack_reason", sa.Text(), nullable=True),
        sa.Column("webhook_status", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitor_alerts")),
    )
    op.create_index(op.f("ix_monitor_alerts_feature"), "monitor_alerts", ["feature"], unique=False)
    op.create_index(op.f("ix_monitor_alerts_status"), "monitor_alerts", ["status"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_monitor_alerts_status"), table_name="monitor_alerts")
    op.drop_index(op.f("ix_monitor_alerts_feature"), table_name="monitor_alerts")
    op.drop_table("monitor_alerts")
