"""Scoring one bank/book pair: each signal, its contribution, and the hard gates.

A pair is *comparable* only with the same currency and direction. It is *suggestible* only when the
amount is equal, within tolerance or off by a plausible fee, and the value dates lie within the
window; pairs that fail a gate but share a reference or a counterparty are kept as near misses,
because they explain a break (`amount_difference`, `value_date_difference`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from rapidfuzz import fuzz

from agents.recon.config import MatchConfig
from agents.recon.items import BankItem, BookItem, _Side
from agents.recon.normalize import name_key
from agents.recon.results import Reason


@dataclass(slots=True)
class Profile:
    """Per-item values computed once (normalised refs, name, IBAN, day number)."""

    pos: int
    item: _Side
    refs: dict[str, str]  # label -> normalised structured reference
    ref_values: frozenset[str]
    text_refs: frozenset[str]
    name: str
    key: str
    iban: str
    day: int | None


def profile(pos: int, item: _Side) -> Profile:
    refs = item.id_references()
    name = item.norm_name
    d = item.match_date
    return Profile(
        pos=pos,
        item=item,
        refs=refs,
        ref_values=frozenset(refs.values()),
        text_refs=frozenset(item.text_references),
        name=name,
        key=name_key(name) if name else "",
        iban=item.norm_iban,
        day=d.toordinal() if d else None,
    )


@dataclass(slots=True)
class PairScore:
    bank: Profile
    book: Profile
    confidence: float
    reasons: list[Reason]
    amount_kind: str  # equal | tolerance | fee | different
    difference: Decimal
    has_reference: bool
    name_similarity: float | None
    date_ok: bool
    features: dict[str, float]

    @property
    def suggestible(self) -> bool:
        return self.amount_kind != "different" and self.date_ok


def name_similarity(a: str, b: str) -> float:
    """token_set_ratio on normalised names; a truncated name is compared with the same-length prefix."""
    if not a or not b:
        return 0.0
    score = fuzz.token_set_ratio(a, b)
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) >= 12 and len(long_) > len(short):  # bank truncation (35/70 chars)
        score = max(score, fuzz.ratio(short, long_[: len(short)]))
    return score / 100.0


def _reference(bank: Profile, book: Profile) -> tuple[str, str] | None:
    """('id'|'text', human text) for the strongest shared reference, or None."""
    shared = bank.ref_values & book.ref_values
    if shared:
        value = min(shared)
        lb = next(k for k, v in bank.refs.items() if v == value)
        lk = next(k for k, v in book.refs.items() if v == value)
        return "id", (f"{lb} equal" if lb == lk else f"bank {lb} = book {lk}")
    in_bank_text = book.ref_values & bank.text_refs
    if in_bank_text:
        value = min(in_bank_text)
        lk = next(k for k, v in book.refs.items() if v == value)
        return "text", f"book {lk} found in bank remittance text"
    in_book_text = bank.ref_values & book.text_refs
    if in_book_text:
        value = min(in_book_text)
        lb = next(k for k, v in bank.refs.items() if v == value)
        return "text", f"bank {lb} found in book description"
    return None


def score_pair(bank: Profile, book: Profile, cfg: MatchConfig) -> PairScore | None:
    """Score a pair; None when not comparable (currency or direction differ)."""
    b: BankItem = bank.item  # type: ignore[assignment]
    k: BookItem = book.item  # type: ignore[assignment]
    if b.currency != k.currency or b.direction != k.direction:
        return None
    w = cfg.weights
    reasons: list[Reason] = []
    feats: dict[str, float] = {}

    ref = _reference(bank, book)
    if ref is not None:
        c = w.reference_id if ref[0] == "id" else w.reference_text
        reasons.append(Reason("reference", ref[1], c))
    feats["ref_id"] = float(ref is not None and ref[0] == "id")
    feats["ref_text"] = float(ref is not None and ref[0] == "text")

    diff = b.amount - k.amount
    mag = abs(diff)
    tol = max(cfg.amount_abs_tolerance, cfg.amount_pct_tolerance * k.amount)
    fee_cap = min(cfg.fee_max_abs, cfg.fee_max_pct * k.amount)
    if mag == 0:
        kind, c, text = "equal", w.amount_equal, "amount equal"
    elif mag <= tol:
        kind, c, text = "tolerance", w.amount_within_tolerance, f"amount within tolerance ({diff:+f})"
    elif mag <= fee_cap:
        side = "short" if diff < 0 else "long"
        kind, c, text = "fee", w.amount_fee, f"bank amount {side} by {mag:f} {k.currency} (plausible fee)"
    else:
        kind, c, text = "different", w.amount_different, f"amount differs by {diff:+f} {k.currency}"
    reasons.append(Reason("amount", text, c))
    feats["amount_equal"] = float(kind == "equal")
    feats["amount_tolerance"] = float(kind == "tolerance")
    feats["amount_fee"] = float(kind == "fee")
    feats["amount_rel_diff"] = float(mag / k.amount) if k.amount else 0.0

    date_ok = True
    if bank.day is not None and book.day is not None:
        delta = bank.day - book.day
        window = cfg.value_date_window_days
        if abs(delta) <= window:
            c = w.date_in_window * (1 - abs(delta) / (window + 1))
            text = "value date equal" if delta == 0 else f"value date {delta:+d} day{'s' if abs(delta) > 1 else ''}"
        else:
            date_ok = False
            c = w.date_out_of_window
            text = f"value date {delta:+d} days (outside the {window}-day window)"
        reasons.append(Reason("value_date", text, c))
        feats["date_delta"] = float(abs(delta))
    else:
        feats["date_delta"] = -1.0

    sim: float | None = None
    if bank.name and book.name:
        sim = name_similarity(bank.name, book.name)
        if sim >= cfg.name_floor:
            c = w.name_max * (sim - cfg.name_floor) / (1 - cfg.name_floor) if cfg.name_floor < 1 else w.name_max
            reasons.append(Reason("name", f"name similarity {sim:.2f}", c))
        else:
            reasons.append(Reason("name", f"name similarity {sim:.2f} (different)", w.name_mismatch))
    feats["name_similarity"] = -1.0 if sim is None else sim

    feats["iban"] = 0.0
    if bank.iban and book.iban:
        if bank.iban == book.iban:
            reasons.append(Reason("iban", "IBAN equal", w.iban_equal))
            feats["iban"] = 1.0
        else:
            reasons.append(Reason("iban", "IBAN differs", w.iban_different))
            feats["iban"] = -1.0
    reasons.append(Reason("currency", f"currency {k.currency} equal", 0.0))

    conf = min(1.0, max(0.0, sum(r.contribution for r in reasons)))
    return PairScore(bank, book, conf, reasons, kind, diff, ref is not None, sim, date_ok, feats)
