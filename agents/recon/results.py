"""What the matcher hands back: suggestions (with reasons) and breaks. Plain frozen dataclasses."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal, NamedTuple

Status = Literal["auto", "review", "none"]
BreakClass = Literal[
    "missing_booking",
    "bank_only",
    "amount_difference",
    "fee_difference",
    "duplicate",
    "value_date_difference",
    "returned",
    "rejected",
]
BREAK_CLASSES: tuple[str, ...] = BreakClass.__args__  # type: ignore[attr-defined]


class Reason(NamedTuple):
    """One signal and what it added to (or took from) the confidence."""

    signal: str  # reference, amount, value_date, name, iban, currency, ambiguity, group
    text: str  # e.g. "EndToEndId equal", "value date +1 day", "name similarity 0.91"
    contribution: float

    def to_dict(self) -> dict:
        return {"signal": self.signal, "text": self.text, "contribution": round(self.contribution, 4)}


@dataclass(frozen=True)
class Suggestion:
    """A proposed match between bank line(s) and book item(s).

    `status` is `auto` only when the caller enabled auto-confirm and the confidence reaches the
    threshold; otherwise a pair that would qualify is `review` with `auto_eligible=True`.
    `difference` (bank − book, in `currency`) is set when the amounts differ, e.g. a fee to write off.
    """

    bank_ids: tuple[str, ...]
    book_ids: tuple[str, ...]
    confidence: float
    reasons: tuple[Reason, ...]
    status: Status
    auto_eligible: bool
    kind: str  # "1:1", "batch", "N:1" (book items to one line), "1:N" (lines to one book item)
    currency: str
    difference: Decimal | None = None
    fee_write_off: Decimal | None = None  # the amount to book as a bank charge, when a fee case
    #: The numbers behind a 1:1 confidence (see `agents.recon.learning.FEATURES`): store them with
    #: the person's decision to train a scorer later. None for group suggestions.
    features: Mapping[str, float] | None = field(default=None, compare=False)

    def to_dict(self) -> dict:
        return {
            "bank": list(self.bank_ids),
            "book": list(self.book_ids),
            "confidence": round(self.confidence, 4),
            "reasons": [r.to_dict() for r in self.reasons],
            "status": self.status,
            "auto_eligible": self.auto_eligible,
            "kind": self.kind,
            "currency": self.currency,
            "difference": None if self.difference is None else format(self.difference, "f"),
            "fee_write_off": None if self.fee_write_off is None else format(self.fee_write_off, "f"),
            "features": dict(self.features) if self.features is not None else None,
        }


@dataclass(frozen=True)
class Break:
    """An item left unmatched, with why we think it is open."""

    side: Literal["bank", "book"]
    item_id: str
    break_class: BreakClass
    reason_code: str | None = None  # an ISO/SWIFT reason code (a return's), never the bank transaction code
    related_ids: tuple[str, ...] = ()
    difference: Decimal | None = None
    note: str = ""
    bank_transaction_code: str | None = None  # the statement line's BTC (a bank-only fee, interest, a return)

    def to_dict(self) -> dict:
        return {
            "side": self.side,
            "id": self.item_id,
            "break_class": self.break_class,
            "reason_code": self.reason_code,
            "bank_transaction_code": self.bank_transaction_code,
            "related": list(self.related_ids),
            "difference": None if self.difference is None else format(self.difference, "f"),
            "note": self.note,
        }


@dataclass(frozen=True)
class MatchResult:
    suggestions: tuple[Suggestion, ...]
    breaks: tuple[Break, ...] = field(default=())

    def to_json_dict(self) -> dict:
        return {
            "suggestions": [s.to_dict() for s in self.suggestions],
            "unmatched": [b.to_dict() for b in self.breaks],
        }
