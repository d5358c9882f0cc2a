"""What came in: import batches, the parsed messages, and the two sides of reconciliation.

`bank_entries` hold what the bank says happened (statement entries); `book_items` what we expected
(payments we sent, ledger lines). Both share one shape (`_ItemColumns`) so the matcher compares like
with like. For a batch booking the entry row carries `batch_count` and its transaction details are
rows of their own with `parent_id` pointing at it (`level = "detail"`), so a match can use either the
whole booking (1:N) or each detail (1:1).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from breakdesk.app.store.models.base import Base
from breakdesk.app.store.types import Amount, BigIntPK, JSONDoc, UtcDateTime, utcnow


class ImportBatch(Base):
    """One imported file. Importing the same bytes as the same kind twice finds this row again."""

    __tablename__ = "import_batches"
    __table_args__ = (UniqueConstraint("sha256", "kind"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    file_name: Mapped[str] = mapped_column(String(512))
    sha256: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32), doc='"messages" or "ledger_csv"')
    size_bytes: Mapped[int] = mapped_column(Integer)
    imported_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    imported_by: Mapped[str] = mapped_column(String(64))
    message_count: Mapped[int] = mapped_column(Integer, default=0)
    bank_entry_count: Mapped[int] = mapped_column(Integer, default=0)
    book_item_count: Mapped[int] = mapped_column(Integer, default=0)
    duplicate_count: Mapped[int] = mapped_column(
        Integer, default=0, doc="items skipped because an earlier batch already holds them"
    )

    messages: Mapped[list[StoredMessage]] = relationship(back_populates="batch", order_by="StoredMessage.message_index")


class StoredMessage(Base):
    """A parsed message as canonical JSON (`parsers.Message.model_dump(mode="json")`)."""

    __tablename__ = "messages"
    __table_args__ = (UniqueConstraint("batch_id", "message_index"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id", ondelete="CASCADE"), index=True)
    file_name: Mapped[str] = mapped_column(String(512))
    message_index: Mapped[int] = mapped_column(Integer)
    message_type: Mapped[str] = mapped_column(String(40))
    family: Mapped[str] = mapped_column(String(20), index=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    message_ref: Mapped[str | None] = mapped_column(String(64), index=True, doc="header message id")
    payload: Mapped[dict[str, Any]] = mapped_column(JSONDoc)
    findings: Mapped[list[dict[str, Any]] | None] = mapped_column(
        JSONDoc, default=list, doc="the payload's reading findings (Message.findings), kept apart so an item "
        "shows its own without loading a large statement's payload",
    )
    threaded: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false(), index=True,
        doc="its payment identifiers are in message_idents and its cases were refreshed",
    )

    batch: Mapped[ImportBatch] = relationship(back_populates="messages")


class MessageIdent(Base):
    """A payment identifier (EndToEndId, InstrId, UETR, TxId, MT reference ...) that a stored message's
    lifecycle steps carry. Case detection threads a new message with the stored ones through this
    index instead of re-reading every stored message on each import."""

    __tablename__ = "message_idents"

    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), primary_key=True)
    ident: Mapped[str] = mapped_column(Text, primary_key=True, index=True)


class _ItemColumns:
    """Columns shared by bank entries and book items (the matcher's common vocabulary)."""

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, sort_order=-1)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id", ondelete="CASCADE"), index=True, sort_order=-1)
    account: Mapped[str | None] = mapped_column(String(64), index=True, sort_order=-1)
    amount: Mapped[Decimal] = mapped_column(Amount, doc="unsigned; credit_debit gives the direction", sort_order=-1)
    currency: Mapped[str] = mapped_column(String(3), sort_order=-1)
    credit_debit: Mapped[str] = mapped_column(String(4), doc="CRDT or DBIT, from the account owner's view", sort_order=-1)
    booking_date: Mapped[date | None] = mapped_column(Date, index=True, sort_order=-1)
    value_date: Mapped[date | None] = mapped_column(Date, sort_order=-1)
    end_to_end_id: Mapped[str | None] = mapped_column(String(64), index=True, sort_order=-1)
    instruction_id: Mapped[str | None] = mapped_column(String(64), index=True, sort_order=-1)
    transaction_id: Mapped[str | None] = mapped_column(String(64), sort_order=-1)
    payment_info_id: Mapped[str | None] = mapped_column(String(64), sort_order=-1)
    message_ref: Mapped[str | None] = mapped_column(String(64), sort_order=-1)
    uetr: Mapped[str | None] = mapped_column(String(36), index=True, sort_order=-1)
    clearing_system_reference: Mapped[str | None] = mapped_column(String(64), sort_order=-1)
    other_references: Mapped[list[str]] = mapped_column(JSONDoc, default=list, sort_order=-1)
    counterparty_name: Mapped[str | None] = mapped_column(String(255), sort_order=-1)
    counterparty_account: Mapped[str | None] = mapped_column(String(64), sort_order=-1)
    counterparty_bic: Mapped[str | None] = mapped_column(String(35), sort_order=-1, doc="as given; validity is a parser finding")
    remittance_text: Mapped[str | None] = mapped_column(Text, sort_order=-1)
    provenance: Mapped[dict[str, Any]] = mapped_column(JSONDoc, doc="canonical Provenance as JSON", sort_order=-1)
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True, sort_order=-1)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, sort_order=-1)


class BankEntry(_ItemColumns, Base):
    __tablename__ = "bank_entries"
    __table_args__ = (Index("ix_bank_entries_match", "currency", "amount"),)

    # Overrides the shared column: a batch detail without its own amount keeps None, never a guess.
    amount: Mapped[Decimal | None] = mapped_column(Amount, sort_order=-1, doc="unsigned; None only on a detail without amount")
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("bank_entries.id", ondelete="CASCADE"), index=True)
    level: Mapped[str] = mapped_column(String(8), doc='"entry", or "detail" for a TxDtls of a batch booking')
    detail_index: Mapped[int | None] = mapped_column(Integer)
    statement_kind: Mapped[str] = mapped_column(String(16), doc="statement, report, notification, confirmation")
    statement_ref: Mapped[str | None] = mapped_column(String(64), doc="statement id / MT :20:")
    entry_status: Mapped[str | None] = mapped_column(String(8), doc="BOOK, PDNG, INFO")
    reversal: Mapped[bool] = mapped_column(Boolean, default=False)
    entry_reference: Mapped[str | None] = mapped_column(String(64))
    account_servicer_reference: Mapped[str | None] = mapped_column(String(64), index=True)
    account_owner_reference: Mapped[str | None] = mapped_column(String(64), index=True)
    mandate_id: Mapped[str | None] = mapped_column(String(64))
    cheque_number: Mapped[str | None] = mapped_column(String(64))
    bank_transaction_code: Mapped[str | None] = mapped_column(String(64))
    return_reason: Mapped[str | None] = mapped_column(String(35))
    batch_count: Mapped[int | None] = mapped_column(Integer)
    additional_info: Mapped[str | None] = mapped_column(Text)
    matched_suggestion_id: Mapped[int | None] = mapped_column(
        ForeignKey("match_suggestions.id", ondelete="SET NULL"),
        index=True,
        doc="set while an approved match holds this entry; the guard against matching it twice",
    )

    details: Mapped[list[BankEntry]] = relationship(order_by="BankEntry.detail_index")


class BookItem(_ItemColumns, Base):
    __tablename__ = "book_items"
    __table_args__ = (Index("ix_book_items_match", "currency", "amount"),)

    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(20), doc='message family ("pain.001", "MT103" …) or "ledger_csv"')
    external_id: Mapped[str | None] = mapped_column(String(64), index=True, doc="ledger line id")
    reference: Mapped[str | None] = mapped_column(String(140), doc="our own reference (ledger column)")
    description: Mapped[str | None] = mapped_column(Text)
    line_number: Mapped[int | None] = mapped_column(Integer, doc="1-based CSV line")
    raw: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc, doc="the CSV row as read")
    matched_suggestion_id: Mapped[int | None] = mapped_column(
        ForeignKey("match_suggestions.id", ondelete="SET NULL"), index=True
    )
