"""Scoring one bank/book pair: each signal, its contribution, and the hard gates.

A pair is *comparable* only with the same currency and direction. It is *suggestible* only when the
amount is equal, within tolerance or off by a plausible fee, and the value dates lie within the
window; pairs that fail a gate but share a reference or a counterparty are kept as near misses,
because they explain a break (`amount_difference`, `value_date_difference`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from breakdesk.agents.recon.config import MatchConfig
from breakdesk.agents.recon.items import BankItem, BookItem, _Side
from breakdesk.agents.recon.normalize import name_key, remittance_keys
from breakdesk.agents.recon.results import Reason


@dataclass(slots=True)
class Profile:
    """Per-item values computed once (normalised refs, name, IBAN, day number)."""

    pos: int
    item: _Side
    refs: tuple[tuple[str, str], ...]  # (label, normalised structured reference): a dict per item costs 100k × 232 B
    ref_values: frozenset[str]
    text_refs: frozenset[str]
    name: str
    key: str
    iban: str
    day: int | None
    units: int  # amount in millionths: exact integer comparisons in the hot loops
    remit: frozenset[str]  # document numbers in its free text (`normalize.remittance_keys`); the matcher
    #                        drops the ones many items share (`keep_distinctive_keys`)
    remit_once: frozenset[str] = frozenset()  # … and the ones no other item of its side has
    remit_in_text: bool = False  # its free text itself names a document (not only its reference field)


#: Amounts are compared as integers of this many decimal places (ISO 4217 needs at most 4).
UNITS = 1_000_000


def profile(pos: int, item: _Side) -> Profile:
    refs = item.id_references()
    text_keys = remittance_keys(item.remittance)
    name = item.norm_name
    d = item.match_date
    return Profile(
        pos=pos,
        item=item,
        refs=tuple(refs.items()),
        ref_values=frozenset(refs.values()),
        text_refs=frozenset(item.text_references),
        name=name,
        key=name_key(name) if name else "",
        iban=item.norm_iban,
        day=d.toordinal() if d else None,
        units=int(item.amount * UNITS),
        remit=text_keys | remittance_keys(*item.other_references),
        remit_in_text=bool(text_keys),
    )


@dataclass(slots=True)
class PairScore:
    """A scored pair, kept as numbers; reason texts and the feature dict are built on demand
    (most pairs are never shown, and 100k × a few candidates of texts would cost memory)."""

    bank: Profile
    book: Profile
    confidence: float
    ref: tuple[str, str, str] | None  # (id | book | bank, bank label, book label): see `reference_text`
    amount_kind: str  # equal | tolerance | fee | different
    delta: int | None  # value-date difference in days (bank − book)
    name_similarity: float | None
    iban: float  # 1 equal, -1 different, 0 unknown
    date_ok: bool
    cfg: MatchConfig  # the contributions are recomputed from it for the few pairs anyone reads
    remit: tuple[str, str, float] | None = None  # (equal | typo | other, human text, contribution)
    #: The sum before clipping to [0, 1]: two pairs at confidence 1.00 can still differ by an invoice
    #: number, and rivals are compared on this.
    raw: float = 0.0
    extra: list[Reason] | None = None  # engine-added signals (unique amount, ambiguity, model)

    @property
    def has_reference(self) -> bool:
        return self.ref is not None

    @property
    def suggestible(self) -> bool:
        return self.amount_kind != "different" and self.date_ok

    @property
    def difference(self) -> Decimal:
        return self.bank.item.amount - self.book.item.amount

    def add(self, reason: Reason) -> None:
        """Add an engine-level signal and move the confidence by its contribution (clipped)."""
        if self.extra is None:
            self.extra = []
        self.extra.append(reason)
        self.confidence = min(1.0, max(0.0, self.confidence + reason.contribution))
        self.raw += reason.contribution

    def has(self, signal: str) -> bool:
        return any(r.signal == signal for r in self.extra or ())

    @property
    def reasons(self) -> list[Reason]:
        c_ref, c_amt, c_date, c_name, c_iban = _contributions(self.ref, self.amount_kind, self.delta,
                                                              self.name_similarity, self.iban, self.date_ok, self.cfg)
        ccy = self.book.item.currency
        out: list[Reason] = []
        if self.ref is not None:
            out.append(_shared_reason("reference", reference_text(self.ref), c_ref))
        diff = self.difference
        if self.amount_kind == "equal":
            text = "amount equal"
        elif self.amount_kind == "tolerance":
            text = f"amount within tolerance ({diff:+f})"
        elif self.amount_kind == "fee":
            text = f"bank amount {'short' if diff < 0 else 'long'} by {abs(diff):f} {ccy} (plausible fee)"
        else:
            text = f"amount differs by {diff:+f} {ccy}"
        out.append(_shared_reason("amount", text, c_amt))
        d = self.delta
        if d is not None:
            if not self.date_ok:
                text = f"value date {d:+d} days (outside the {self.cfg.value_date_window_days}-day window)"
            elif d == 0:
                text = "value date equal"
            else:
                text = f"value date {d:+d} day{'s' if abs(d) > 1 else ''}"
            out.append(_shared_reason("value_date", text, c_date))
        if self.name_similarity is not None:
            sim = self.name_similarity
            suffix = "" if c_name >= 0 else " (different)"
            out.append(_shared_reason("name", f"name similarity {sim:.2f}{suffix}", c_name))
        if self.iban:
            out.append(_shared_reason("iban", "IBAN equal" if self.iban > 0 else "IBAN differs", c_iban))
        if self.remit is not None:
            out.append(Reason("remittance", self.remit[1], self.remit[2]))
        out.append(_shared_reason("currency", f"currency {ccy} equal", 0.0))
        return out + list(self.extra or ())

    @property
    def features(self) -> Features:
        """Inputs of `agents.recon.learning`, in `FEATURE_NAMES` order."""
        k = self.book.item.amount
        return Features((
            float(self.ref is not None and self.ref[0] == "id"),
            float(self.ref is not None and self.ref[0] != "id"),
            float(self.amount_kind == "equal"),
            float(self.amount_kind == "tolerance"),
            float(self.amount_kind == "fee"),
            float(abs(self.difference) / k) if k else 0.0,
            -1.0 if self.delta is None else float(abs(self.delta)),
            -1.0 if self.name_similarity is None else self.name_similarity,
            self.iban,
            float(self.has("unique_amount")),
            float(self.has("ambiguity")),
            0.0 if self.remit is None else {"equal": 1.0, "typo": 0.5}.get(self.remit[0], -1.0),
        ))


#: The numbers behind a pair's confidence, as `agents.recon.learning` reads them (its FEATURES).
FEATURE_NAMES: tuple[str, ...] = (
    "ref_id", "ref_text", "amount_equal", "amount_tolerance", "amount_fee", "amount_rel_diff", "date_delta",
    "name_similarity", "iban", "unique_amount", "ambiguous", "remittance",
)
_FEATURE_INDEX = {name: i for i, name in enumerate(FEATURE_NAMES)}


class Features(Mapping[str, float]):
    """A read-only mapping over one tuple: every 1:1 suggestion carries one (70k at 100k lines), and a
    dict each cost 45 MB more at the matcher's peak."""

    __slots__ = ("_values",)

    def __init__(self, values: tuple[float, ...]) -> None:
        self._values = values

    def __getitem__(self, name: str) -> float:
        return self._values[_FEATURE_INDEX[name]]

    def __iter__(self):
        return iter(FEATURE_NAMES)

    def __len__(self) -> int:
        return len(FEATURE_NAMES)

    def __repr__(self) -> str:
        return repr(dict(self))


@lru_cache(maxsize=100_000)
def _shared_reason(signal: str, text: str, contribution: float) -> Reason:
    """One object for each reason tens of thousands of suggestions give alike ("amount equal", "value date
    +1 day", "IBAN equal" …): 100k suggestions' reasons cost 100 MB each built anew."""
    return Reason(signal, text, contribution)


def name_similarity(a: str, b: str) -> float:
    """token_set_ratio on normalised names; a truncated name is compared with the same-length prefix."""
    if not a or not b:
        return 0.0
    score = fuzz.token_set_ratio(a, b)
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) >= 12 and len(long_) > len(short):  # bank truncation (35/70 chars)
        score = max(score, fuzz.ratio(short, long_[: len(short)]))
    return score / 100.0


def _reference(bank: Profile, book: Profile) -> tuple[str, str, str] | None:
    """The strongest shared reference as (kind, bank label, book label), or None. Kind is 'id' (equal
    structured references), 'book' (a book reference in the bank's text) or 'bank' (a bank reference in the
    book's description); `reference_text` words it. Labels are shared constants: no text per pair."""
    shared = bank.ref_values & book.ref_values
    if shared:
        value = min(shared)
        return ("id", next(k for k, v in bank.refs if v == value), next(k for k, v in book.refs if v == value))
    in_bank_text = book.ref_values & bank.text_refs
    if in_bank_text:
        value = min(in_bank_text)
        return "book", "", next(k for k, v in book.refs if v == value)
    in_book_text = bank.ref_values & book.text_refs
    if in_book_text:
        value = min(in_book_text)
        return "bank", next(k for k, v in bank.refs if v == value), ""
    return None


def reference_text(ref: tuple[str, str, str]) -> str:
    kind, lb, lk = ref
    if kind == "id":
        return f"{lb} equal" if lb == lk else f"bank {lb} = book {lk}"
    if kind == "book":
        return f"book {lk} found in bank remittance text"
    return f"bank {lb} found in book description"


#: A document number more items of one side than this hold is not evidence about any one of them.
MAX_REMITTANCE_FANOUT = 3


def keep_distinctive_keys(profiles: list[Profile]) -> None:
    """Drop remittance keys many items of this side share (a year, a customer number), in place."""
    count: dict[str, int] = {}
    for p in profiles:
        for k in p.remit:
            count[k] = count.get(k, 0) + 1
    for p in profiles:
        if p.remit:
            # the common case (every key its own) shares one set: 100k items on each side hold two of them
            if all(count[k] == 1 for k in p.remit):
                p.remit_once = p.remit
                continue
            kept = frozenset(k for k in p.remit if count[k] <= MAX_REMITTANCE_FANOUT)
            p.remit = kept
            p.remit_once = frozenset(k for k in kept if count[k] == 1)


def _remittance(bank: Profile, book: Profile, w) -> tuple[str, str, float] | None:
    """Do both free texts name the same document (an invoice number), nearly the same, or different ones?"""
    a, b = bank.remit, book.remit
    if not a or not b:
        return None
    shared = a & b
    if shared:
        # a number only these two items hold tells them apart; one a few items share (a contract
        # number on two invoices) counts half
        once = shared & bank.remit_once & book.remit_once
        best = max(once or shared, key=lambda k: (len(k), k))
        weight = w.remittance_equal if once else w.remittance_equal / 2
        return "equal", f"remittance names {best} on both sides", weight
    for x in a:
        if len(x) < 5:
            continue
        for y in b:
            if len(y) == len(x) and OSA.distance(x, y, score_cutoff=1) <= 1:
                return "typo", f"remittance {x} nearly equal to {y} (one character wrong or swapped)", w.remittance_typo
    # different numbers count against only where both free texts name one: a ledger's reference field
    # often holds an internal number the payer never saw
    if bank.remit_in_text and book.remit_in_text and max(map(len, a)) >= 5 and max(map(len, b)) >= 5:
        return "other", "remittances name different document numbers", w.remittance_other
    return None


def fee_kind(difference_units: int, book_units: int, currency: str, cfg: MatchConfig) -> bool:
    """Is a difference of this size a bank charge? Up to the currency's largest fee, and either a share
    of the amount (`fee_max_pct`) or a flat charge (`fee_flat_abs`) under half the amount: a 12.50 charge
    on a 150.00 payment is 8 % of it, and still a charge."""
    largest, flat = cfg.fee_limits_for(currency)
    if difference_units > largest * UNITS:
        return False
    if difference_units <= cfg.fee_max_pct * book_units:
        return True
    return difference_units <= flat * UNITS and 2 * difference_units < book_units


def _contributions(ref, kind: str, delta: int | None, sim: float | None, iban: float, date_ok: bool,
                   cfg: MatchConfig) -> tuple[float, float, float, float, float]:
    """What reference, amount, value date, name and IBAN add to a pair's confidence."""
    w = cfg.weights
    window = cfg.value_date_window_days
    c_ref = 0.0 if ref is None else (w.reference_id if ref[0] == "id" else w.reference_text)  # id | book | bank
    c_amt = {"equal": w.amount_equal, "tolerance": w.amount_within_tolerance, "fee": w.amount_fee,
             "different": w.amount_different}[kind]
    c_date = 0.0 if delta is None else (
        w.date_in_window * (1 - abs(delta) / (window + 1)) if date_ok else w.date_out_of_window)
    c_name = 0.0
    if sim is not None:
        if sim >= cfg.name_floor:
            c_name = w.name_max * (sim - cfg.name_floor) / (1 - cfg.name_floor) if cfg.name_floor < 1 else w.name_max
        else:
            c_name = w.name_mismatch
    c_iban = w.iban_equal if iban > 0 else (w.iban_different if iban < 0 else 0.0)
    return c_ref, c_amt, c_date, c_name, c_iban


def score_pair(bank: Profile, book: Profile, cfg: MatchConfig, *, keep_all: bool = False) -> PairScore | None:
    """Score a pair; None when not comparable (currency or direction differ).

    Numbers first, words later: unless `keep_all`, a pair that can neither be suggested nor explain
    a break (no reference, no name or IBAN agreement) returns None before any reason text is built.
    """
    b: BankItem = bank.item  # type: ignore[assignment]
    k: BookItem = book.item  # type: ignore[assignment]
    if b.currency != k.currency or b.direction != k.direction:
        return None
    w = cfg.weights
    ref = _reference(bank, book)
    du = bank.units - book.units
    mu = du if du >= 0 else -du
    if mu == 0:
        kind = "equal"
    elif mu <= max(cfg.amount_abs_tolerance * UNITS, cfg.amount_pct_tolerance * book.units):
        kind = "tolerance"
    elif fee_kind(mu, book.units, k.currency, cfg):
        kind = "fee"
    else:
        kind = "different"
    delta = None if bank.day is None or book.day is None else bank.day - book.day
    date_ok = delta is None or abs(delta) <= cfg.value_date_window_days
    sim = name_similarity(bank.name, book.name) if bank.name and book.name else None
    iban = 0.0 if not (bank.iban and book.iban) else (1.0 if bank.iban == book.iban else -1.0)

    c_ref, c_amt, c_date, c_name, c_iban = _contributions(ref, kind, delta, sim, iban, date_ok, cfg)
    # the structured reference, when there is one, already says what the remittance would
    remit = None if ref is not None else _remittance(bank, book, w)
    c_remit = remit[2] if remit is not None else 0.0
    raw = c_ref + c_amt + c_date + c_name + c_iban + c_remit
    conf = min(1.0, max(0.0, raw))

    suggestible = kind != "different" and date_ok
    if not keep_all and not (
        (suggestible and conf + max(0.0, w.unique_amount) >= cfg.review_threshold)
        or ref is not None
        or (remit is not None and remit[0] == "equal")
        or iban > 0
        or (sim or 0.0) >= cfg.name_floor
    ):
        return None

    return PairScore(bank, book, conf, ref, kind, delta, sim, iban, date_ok, cfg, remit, raw)
