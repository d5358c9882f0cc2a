"""users.source: where a user came from ("users.toml" or the database), so leaving the file deactivates

Revision ID: 20261205_user_source
Revises: 20261205_monitoring
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261205_user_source"
down_revision: str | Sequence[str] | None = "20261205_monitoring"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("source", sa.String(16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("source")
