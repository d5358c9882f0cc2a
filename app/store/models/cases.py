"""Exception cases (one per break or incident), their event history, and proposed repairs.

A payment case also keeps the identifiers of its thread (`case_idents`), so the case stays the same
one while late messages add identifiers to the thread (see `agents.cases.CaseBook`).

A repair is stored as opaque JSON (the agent's proposal: corrected fields, a message to resend …) with
who made it and who edited it, so `app.services.cases` can enforce maker-checker on approval.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from breakdesk.app.store.models.base import Base
from breakdesk.app.store.types import BigIntPK, JSONDoc, UtcDateTime, utcnow


class Case(Base):
    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    key: Mapped[str | None] = mapped_column(
        String(40), unique=True, doc="the agent's stable case id (CASE-…): one payment thread, one key, for the case's lifetime"
    )
    kind: Mapped[str] = mapped_column(String(32), index=True, doc="return, reject, unmatched, duplicate …")
    state: Mapped[str] = mapped_column(String(20), default="open", index=True)
    reason_code: Mapped[str | None] = mapped_column(String(35), index=True)
    title: Mapped[str | None] = mapped_column(String(200))
    payment_ids: Mapped[dict[str, Any]] = mapped_column(
        JSONDoc, default=dict, doc="identifiers of the payment(s): uetr, end_to_end_id, instruction_id …"
    )
    severity: Mapped[str] = mapped_column(String(8), default="medium", doc="low, medium, high, critical")
    detail: Mapped[dict[str, Any] | None] = mapped_column(
        JSONDoc, default=dict, doc="the case view (facts, lifecycle) and its latest explanation"
    )
    assignee: Mapped[str | None] = mapped_column(String(64), index=True)
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("cases.id", ondelete="SET NULL"), index=True,
        doc="the older case this one was merged into when a late message joined their payment threads",
    )
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)

    events: Mapped[list[CaseEvent]] = relationship(back_populates="case", order_by="CaseEvent.id")
    repairs: Mapped[list[Repair]] = relationship(back_populates="case", order_by="Repair.id")
    merged_into: Mapped[Case | None] = relationship(remote_side=[id], viewonly=True)


class CaseIdent(Base):
    """An identifier (EndToEndId, InstrId, UETR, TxId, MT reference ...) of a payment case's thread.
    A refresh finds the case of a thread by any of them, so the case id stays when the thread grows."""

    __tablename__ = "case_idents"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    ident: Mapped[str] = mapped_column(Text, primary_key=True, index=True)


class CaseEvent(Base):
    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(64))
    event_type: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)

    case: Mapped[Case] = relationship(back_populates="events")


class Repair(Base):
    __tablename__ = "repairs"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    state: Mapped[str] = mapped_column(String(12), default="proposed", doc="proposed, approved, rejected")
    payload: Mapped[dict[str, Any]] = mapped_column(JSONDoc)
    proposed_by: Mapped[str] = mapped_column(String(64))
    editors: Mapped[list[str]] = mapped_column(JSONDoc, default=list, doc="everyone who changed the payload")
    decided_by: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)

    case: Mapped[Case] = relationship(back_populates="repairs")

    @property
    def makers(self) -> set[str]:
        return {self.proposed_by, *self.editors}


class OutboxMessage(Base):
    """A corrected payment an approval released: written in the decision's transaction, delivered to the
    outbox folder only after it commits (a transactional outbox). An approval that does not commit
    leaves no file; a delivery that fails is retried from this row, and delivering twice writes the
    same file once."""

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    repair_id: Mapped[int] = mapped_column(ForeignKey("repairs.id", ondelete="CASCADE"), unique=True)
    file_name: Mapped[str] = mapped_column(String(200))
    payload: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(12), default="pending", index=True,
                                       doc="pending (file to write), posting (webhook to call), delivered, failed")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime, doc="a failed webhook call's next try")
