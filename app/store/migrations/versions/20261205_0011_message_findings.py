"""messages.findings: what lenient reading tolerated or left out in each stored message (issue #16)

Revision ID: 20261205_message_findings
Revises: 20261205_web_sessions
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from breakdesk.app.store.types import JSONDoc

revision: str = "20261205_message_findings"
down_revision: str | Sequence[str] | None = "20261205_web_sessions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("findings", JSONDoc, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("findings")
