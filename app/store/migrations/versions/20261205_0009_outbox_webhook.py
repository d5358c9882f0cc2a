"""outbox_messages.next_attempt_at: when a webhook delivery that failed is tried again (backoff)

Revision ID: 20261205_outbox_webhook
Revises: 20261205_user_source
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from breakdesk.app.store.types import UtcDateTime

revision: str = "20261205_outbox_webhook"
down_revision: str | Sequence[str] | None = "20261205_user_source"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox_messages") as batch:
        batch.add_column(sa.Column("next_attempt_at", UtcDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox_messages") as batch:
        batch.drop_column("next_attempt_at")
