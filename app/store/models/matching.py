"""Reconciliation: runs of the matcher, its suggestions, people's decisions, and the breaks left over.

A suggestion links any number of bank entries to any number of book items (1:1, 1:N, N:1, N:M)
through two association tables, so "which suggestion holds entry 42" is an indexed query. Its
`decision_state` changes only through `app.services.decisions`, guarded by `version`.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, Column, Float, ForeignKey, Integer, LargeBinary, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from breakdesk.app.store.models.base import Base
from breakdesk.app.store.models.imports import BankEntry, BookItem
from breakdesk.app.store.types import Amount, BigIntPK, JSONDoc, UtcDateTime, utcnow

suggestion_bank_entries = Table(
    "suggestion_bank_entries",
    Base.metadata,
    Column("suggestion_id", ForeignKey("match_suggestions.id", ondelete="CASCADE"), primary_key=True),
    Column("bank_entry_id", ForeignKey("bank_entries.id", ondelete="CASCADE"), primary_key=True, index=True),
)

suggestion_book_items = Table(
    "suggestion_book_items",
    Base.metadata,
    Column("suggestion_id", ForeignKey("match_suggestions.id", ondelete="CASCADE"), primary_key=True),
    Column("book_item_id", ForeignKey("book_items.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class MatchRun(Base):
    __tablename__ = "match_runs"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    started_by: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="running", doc="running, done, failed")
    matcher_version: Mapped[str | None] = mapped_column(String(64))
    parameters: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)
    stats: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)
    error: Mapped[str | None] = mapped_column(Text)

    suggestions: Mapped[list[MatchSuggestion]] = relationship(back_populates="run")


class MatchSuggestion(Base):
    __tablename__ = "match_suggestions"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("match_runs.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("match_suggestions.id", ondelete="CASCADE"), index=True, doc="set on the parts of a split"
    )
    confidence: Mapped[float] = mapped_column(Float, doc="0..1 score")
    reasons: Mapped[list[Any]] = mapped_column(JSONDoc, default=list)
    features: Mapped[dict[str, Any] | None] = mapped_column(
        JSONDoc, doc="the pair's scoring signals, what a learned scorer trains on (1:1 suggestions)"
    )
    status: Mapped[str] = mapped_column(String(8), doc="matcher's verdict: auto, review, none")
    decision_state: Mapped[str] = mapped_column(
        String(12), default="pending", index=True, doc="pending, approved, rejected, split, unmatched"
    )
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1, doc="bumped by every decision")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    run: Mapped[MatchRun] = relationship(back_populates="suggestions")
    bank_entries: Mapped[list[BankEntry]] = relationship(secondary=suggestion_bank_entries, order_by=BankEntry.id)
    book_items: Mapped[list[BookItem]] = relationship(secondary=suggestion_book_items, order_by=BookItem.id)
    decisions: Mapped[list[MatchDecision]] = relationship(back_populates="suggestion", order_by="MatchDecision.id")

    @property
    def bank_entry_ids(self) -> list[int]:
        return [e.id for e in self.bank_entries]

    @property
    def book_item_ids(self) -> list[int]:
        return [b.id for b in self.book_items]


class MatchDecision(Base):
    """One decision a person took on a suggestion (the suggestion row holds only the latest state)."""

    __tablename__ = "match_decisions"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    suggestion_id: Mapped[int] = mapped_column(ForeignKey("match_suggestions.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(String(8), doc="approve, reject, split, unmatch")
    decided_by: Mapped[str] = mapped_column(String(64))
    decided_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    reason: Mapped[str | None] = mapped_column(Text)
    from_version: Mapped[int] = mapped_column(Integer)
    payload: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict, doc="split parts and their ids")

    suggestion: Mapped[MatchSuggestion] = relationship(back_populates="decisions")


class Break(Base):
    """An item the matcher could not reconcile, classified (unmatched, amount mismatch, return …)."""

    __tablename__ = "breaks"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("match_runs.id", ondelete="SET NULL"), index=True)
    side: Mapped[str] = mapped_column(String(4), doc="bank or book")
    bank_entry_id: Mapped[int | None] = mapped_column(ForeignKey("bank_entries.id", ondelete="CASCADE"), index=True)
    book_item_id: Mapped[int | None] = mapped_column(ForeignKey("book_items.id", ondelete="CASCADE"), index=True)
    break_class: Mapped[str] = mapped_column(String(32), index=True)
    reason_code: Mapped[str | None] = mapped_column(String(35))
    description: Mapped[str | None] = mapped_column(Text)
    amount: Mapped[Decimal | None] = mapped_column(Amount)
    currency: Mapped[str | None] = mapped_column(String(3))
    status: Mapped[str] = mapped_column(String(12), default="open", index=True,
                                        doc="open, resolved, superseded (a later run classified the item again)")
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"), index=True)
    details: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)
    #: the item it is about (read with selectinload: a break table names its reference and counterparty)
    bank_entry: Mapped[BankEntry | None] = relationship(foreign_keys=[bank_entry_id], viewonly=True)
    book_item: Mapped[BookItem | None] = relationship(foreign_keys=[book_item_id], viewonly=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class MatchScorer(Base):
    """A scorer learned from clerks' decisions. Candidates are inert until a person activates one."""

    __tablename__ = "match_scorers"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    version: Mapped[str] = mapped_column(String(64), unique=True, doc="content hash of training data + params")
    model: Mapped[bytes] = mapped_column(LargeBinary, doc="LearnedScorer.to_bytes(); written by this app only")
    meta: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)
    backtest: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)
    trained_by: Mapped[str] = mapped_column(String(64))
    trained_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    active: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    activated_by: Mapped[str | None] = mapped_column(String(64))
    activated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
