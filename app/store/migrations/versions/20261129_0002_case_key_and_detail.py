"""cases.key (the agent's stable case id) and cases.detail (case view and explanation)

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from breakdesk.app.store.types import JSONDoc

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("key", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("detail", JSONDoc, nullable=True))
        batch.create_unique_constraint("uq_cases_key", ["key"])


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.drop_constraint("uq_cases_key", type_="unique")
        batch.drop_column("detail")
        batch.drop_column("key")
