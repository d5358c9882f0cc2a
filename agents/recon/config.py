"""Matching configuration: every tolerance, window, weight and threshold in one frozen object."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal

#: Bank charges in currencies whose unit is worth far less than a euro: (largest fee, flat charge).
FEE_LIMITS: dict[str, tuple[Decimal, Decimal]] = {
    "JPY": (Decimal("7500"), Decimal("4000")),
    "HUF": (Decimal("20000"), Decimal("10000")),
    "KRW": (Decimal("70000"), Decimal("35000")),
    "CZK": (Decimal("1250"), Decimal("625")),
    "SEK": (Decimal("550"), Decimal("275")),
    "NOK": (Decimal("550"), Decimal("275")),
    "DKK": (Decimal("375"), Decimal("190")),
    "PLN": (Decimal("220"), Decimal("110")),
    "INR": (Decimal("4500"), Decimal("2250")),
    "CNY": (Decimal("360"), Decimal("180")),
    "MXN": (Decimal("1000"), Decimal("500")),
    "ZAR": (Decimal("1000"), Decimal("500")),
    "TRY": (Decimal("1750"), Decimal("875")),
}


@dataclass(frozen=True, kw_only=True)
class Weights:
    """Contribution of each signal to a pair's confidence (summed, then clipped to [0, 1]).

    The defaults are hand-set so that a reference match with an equal amount alone clears the
    auto threshold, while amount + name + date without any reference stays in review unless the
    IBAN also agrees. `agents.recon.learning` can fit a calibrated replacement from decisions.
    """

    reference_id: float = 0.60  # UETR / EndToEndId / InstrId / MT :20:/:21: equal
    reference_text: float = 0.45  # a book reference found in remittance or :86: text
    amount_equal: float = 0.30
    amount_within_tolerance: float = 0.25
    amount_fee: float = 0.25  # bank amount off by a plausible fee (never auto: the difference needs a write-off)
    amount_different: float = -0.45
    date_in_window: float = 0.10  # at 0 days; decays linearly to 0 at the window's edge
    date_out_of_window: float = -0.45
    name_max: float = 0.22  # at similarity 1.0; scaled between name_floor and 1.0
    name_mismatch: float = -0.10  # both names known, similarity below name_floor
    remittance_equal: float = 0.30  # a document number written in both remittances (see normalize.remittance_keys)
    remittance_typo: float = 0.15  # … one side with one character wrong or two swapped
    remittance_other: float = -0.10  # both name document numbers, and none agrees
    iban_equal: float = 0.18
    iban_different: float = -0.25
    ambiguity: float = -0.20  # another candidate scores within `ambiguity_margin`
    unique_amount: float = 0.15  # the only comparable pair with this amount in the window, both ways


@dataclass(frozen=True, kw_only=True)
class MatchConfig:
    """Tolerances, windows, weights and thresholds for `agents.recon.engine.match`."""

    amount_abs_tolerance: Decimal = Decimal("0.00")
    amount_pct_tolerance: Decimal = Decimal("0")  # e.g. Decimal("0.001") for 0.1 %
    fee_max_abs: Decimal = Decimal("50.00")  # largest difference still read as a bank fee
    fee_max_pct: Decimal = Decimal("0.05")  # … and at most this share of the amount,
    fee_flat_abs: Decimal = Decimal("25.00")  # … unless it is a flat charge up to this (and under half the amount)
    #: `fee_max_abs` and `fee_flat_abs` are in units of the currencies not listed here; a currency whose
    #: unit is worth much less has its own pair (largest fee, flat charge), in its own units.
    fee_limits: Mapping[str, tuple[Decimal, Decimal]] = field(default_factory=lambda: dict(FEE_LIMITS), hash=False)
    value_date_window_days: int = 5
    name_floor: float = 0.60  # name similarity (0..1) below this counts as a mismatch
    ambiguity_margin: float = 0.05
    auto_threshold: float = 0.90
    review_threshold: float = 0.50  # pairs below this are not suggested
    max_candidates_per_item: int = 25  # per blocking source (amount, name, IBAN)
    subset_max_candidates: int = 80  # nearest value date first; the same day is searched on its own first
    subset_max_size: int = 6  # a plain line (no batch count): up to this many of its counterparty's items
    subset_max_size_batch: int = 12  # a batch booking that states its count: up to this many payments
    subset_max_nodes: int = 50_000  # search budget per target line (deterministic cut-off)
    subset_confidence: float = 0.75  # a subset-sum group is always a suggestion for review
    weights: Weights = field(default_factory=Weights)

    def fee_limits_for(self, currency: str) -> tuple[Decimal, Decimal]:
        """(largest fee, flat charge) in `currency`'s own units."""
        return self.fee_limits.get(currency, (self.fee_max_abs, self.fee_flat_abs))

    def with_(self, **changes) -> MatchConfig:
        return replace(self, **changes)

    def to_dict(self) -> dict:
        out = {}
        for f in fields(self):
            v = getattr(self, f.name)
            if f.name == "weights":
                out[f.name] = {w.name: getattr(v, w.name) for w in fields(v)}
            elif f.name == "fee_limits":
                out[f.name] = {c: [str(a), str(b)] for c, (a, b) in sorted(v.items())}
            else:
                out[f.name] = str(v) if isinstance(v, Decimal) else v
        return out
