"""api_tokens and outbox_messages: personal tokens for the CLI and API, a transactional outbox

Personal tokens let a script or the CLI act as a signed-in person (only their SHA-256 is stored).
An approved repair's corrected message is stored in the decision's transaction and written to the
outbox folder after the commit, so a decision that fails to commit leaves no file behind.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from breakdesk.app.store.types import UtcDateTime

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "api_tokens",
        sa.Column("id", _ID, nullable=False),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("name", sa.String(140), nullable=True),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("last_used_at", UtcDateTime(), nullable=True),
        sa.Column("revoked_at", UtcDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("prefix", name=op.f("uq_api_tokens_prefix")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    op.create_index(op.f("ix_api_tokens_username"), "api_tokens", ["username"])
    op.create_table(
        "outbox_messages",
        sa.Column("id", _ID, nullable=False),
        sa.Column("case_id", _ID, nullable=False),
        sa.Column("repair_id", _ID, nullable=False),
        sa.Column("file_name", sa.String(200), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("delivered_at", UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_outbox_messages_case_id_cases"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["repair_id"], ["repairs.id"], name=op.f("fk_outbox_messages_repair_id_repairs"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_messages")),
        sa.UniqueConstraint("repair_id", name=op.f("uq_outbox_messages_repair_id")),
    )
    op.create_index(op.f("ix_outbox_messages_case_id"), "outbox_messages", ["case_id"])
    op.create_index(op.f("ix_outbox_messages_state"), "outbox_messages", ["state"])


def downgrade() -> None:
    op.drop_table("outbox_messages")
    op.drop_table("api_tokens")
