"""case_idents and cases.merged_into_id: a payment case keeps its id while its thread grows

A case id was a hash of its thread's identifiers, so a late message adding one (a pacs.004 with a new
TxId) opened a second case for the same payment. Refreshes now find a thread's case by any identifier
it has had. The payment cases stored so far (rejected, returned, recall) get the identifiers their
view lists (`detail.case.payment.ids`); duplicates left by the old rule are merged, into the older
case, when a message next touches their thread.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from breakdesk.app.store.types import JSONDoc

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels = None
depends_on = None

_PAYMENT_KINDS = ("rejected", "returned", "recall")  # the kinds a payment thread's case has (agents.cases)


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("merged_into_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True))
        batch.create_index(batch.f("ix_cases_merged_into_id"), ["merged_into_id"], unique=False)
        batch.create_foreign_key(batch.f("fk_cases_merged_into_id_cases"), "cases", ["merged_into_id"], ["id"],
                                 ondelete="SET NULL")
    case_idents = op.create_table(
        "case_idents",
        sa.Column("case_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("ident", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_case_idents_case_id_cases"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("case_id", "ident", name=op.f("pk_case_idents")),
    )
    op.create_index(op.f("ix_case_idents_ident"), "case_idents", ["ident"], unique=False)

    cases = sa.table("cases", sa.column("id", sa.BigInteger()), sa.column("kind", sa.String()), sa.column("detail", JSONDoc))
    rows = op.get_bind().execute(sa.select(cases.c.id, cases.c.detail).where(cases.c.kind.in_(_PAYMENT_KINDS))
                                 .order_by(cases.c.id))
    idents = [{"case_id": case_id, "ident": ident} for case_id, detail in rows
              for ident in sorted(set(((detail or {}).get("case", {}).get("payment") or {}).get("ids") or []))]
    if idents:
        op.bulk_insert(case_idents, idents)


def downgrade() -> None:
    op.drop_index(op.f("ix_case_idents_ident"), table_name="case_idents")
    op.drop_table("case_idents")
    with op.batch_alter_table("cases") as batch:
        batch.drop_constraint(batch.f("fk_cases_merged_into_id_cases"), type_="foreignkey")
        batch.drop_index(batch.f("ix_cases_merged_into_id"))
        batch.drop_column("merged_into_id")
