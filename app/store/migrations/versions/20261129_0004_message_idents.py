"""messages.threaded and message_idents: case detection threads new messages through an index

Existing messages start unthreaded, so the first import after this upgrade indexes them all (once).

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("threaded", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch.create_index(batch.f("ix_messages_threaded"), ["threaded"], unique=False)
    op.create_table(
        "message_idents",
        sa.Column("message_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("ident", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["message_id"], ["messages.id"], name=op.f("fk_message_idents_message_id_messages"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("message_id", "ident", name=op.f("pk_message_idents")),
    )
    op.create_index(op.f("ix_message_idents_ident"), "message_idents", ["ident"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_message_idents_ident"), table_name="message_idents")
    op.drop_table("message_idents")
    with op.batch_alter_table("messages") as batch:
        batch.drop_index(batch.f("ix_messages_threaded"))
        batch.drop_column("threaded")
