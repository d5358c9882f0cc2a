"""Classifying what stayed unmatched, so each open item arrives with a probable cause.

Order of the tests (first that applies wins):

bank line                                   book item
1. returned: return reason or return BTC    1. returned: a bank return line references it
2. duplicate: same line seen earlier, or    2. duplicate: same item booked earlier (amount,
   it references a book item another line      currency, counterparty, references)
   already settled with the same amount
   ("earlier" includes the settled items the caller passes: reconciled in an earlier run)
3. near miss with a shared reference or counterparty:
   amount beyond fee range → amount_difference; dates outside the window → value_date_difference;
   amount off by a plausible fee but too weak to suggest → fee_difference
4. bank_only (fees, interest, unknown)      4. missing_booking (no statement line yet)
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence

from breakdesk.agents.recon.blocking import BookIndex
from breakdesk.agents.recon.config import MatchConfig
from breakdesk.agents.recon.items import BankItem
from breakdesk.agents.recon.normalize import norm_ref
from breakdesk.agents.recon.results import Break
from breakdesk.agents.recon.scoring import PairScore, Profile


def _dup_key(p: Profile) -> tuple | None:
    """Identity of a bank line for duplicate detection; None when it has nothing to be identified
    by (no reference, no counterparty): two equal card fees on one day are not evidence of a double
    booking."""
    it = p.item
    refs = tuple(sorted(p.ref_values)) or tuple(sorted(p.text_refs))
    if not refs and not p.name and not p.iban:
        return None
    return (it.currency, it.direction, it.amount, refs or (p.name, p.iban), p.day)


def _book_dup_key(p: Profile) -> tuple:
    it = p.item
    return (it.currency, it.direction, it.amount, p.name, p.day, tuple(sorted(norm_ref(r) for r in it.other_references)))


def _near_class(ps: PairScore) -> str | None:
    if ps.amount_kind == "different":
        return "amount_difference"
    if not ps.date_ok:
        return "value_date_difference"
    if ps.amount_kind == "fee":
        return "fee_difference"
    return None


def is_strong_near_miss(ps: PairScore) -> bool:
    """A pair that failed to match but shares a reference, the IBAN, or (no IBAN to contradict)
    a near-identical name: strong enough to explain a break of either item."""
    if ps.has_reference or ps.iban > 0 or (ps.remit is not None and ps.remit[0] == "equal"):
        return True
    return ps.iban == 0 and (ps.name_similarity or 0.0) >= 0.9


def _best_near(options: list[PairScore], other_used: set[int], side: str) -> PairScore | None:
    def key(ps: PairScore):
        other = ps.book.pos if side == "bank" else ps.bank.pos
        return (other in other_used, not ps.has_reference, -ps.confidence, other)

    def free(ps: PairScore) -> bool:
        # when the other item found its own match, this pair was a look-alike
        return (ps.book if side == "bank" else ps.bank).pos not in other_used

    options = [ps for ps in options if _near_class(ps) and free(ps) and is_strong_near_miss(ps)]
    return min(options, key=key) if options else None


def _near_break(side: str, item_id: str, other_id: str, ps: PairScore) -> Break:
    """A near miss (fee, FX, value date, partial payment) names the item it nearly matched."""
    cls = _near_class(ps)
    return Break(side, item_id, cls, None, (other_id,),  # type: ignore[arg-type]
                 ps.difference if cls != "value_date_difference" else None, note="; ".join(r.text for r in ps.reasons))


def _by_amount(profiles: list[Profile]) -> dict[tuple, list[Profile]]:
    out: dict[tuple, list[Profile]] = defaultdict(list)
    for p in profiles:
        out[(p.item.currency, p.item.direction, p.units)].append(p)
    return out


def _look_alikes(p: Profile, other: dict[tuple, list[Profile]], used: set[int], cfg: MatchConfig) -> tuple[str, ...]:
    """Unmatched items on the other side with the same currency, direction and amount, dated within the
    window: a person can tell them apart (a call, a document) where the matcher could not. Named in the
    note only: the break's related ids key its case, and look-alikes come and go as others match."""
    window = cfg.value_date_window_days
    return tuple(o.item.id for o in other.get((p.item.currency, p.item.direction, p.units), ())
                 if o.pos not in used and p.day is not None and o.day is not None and abs(o.day - p.day) <= window)


def _unmatched_note(what: str, alike: tuple[str, ...]) -> str:
    if not alike:
        return f"no {what} found"
    return (f"no {what} matched: {len(alike)} unmatched {what}(s) with the same amount and currency in the date "
            f"window ({', '.join(alike[:5])}{' …' if len(alike) > 5 else ''}), and no reference, name or account "
            "tells which one")


#: ISO sub-families and MT :61: type codes of a charge; words banks write on a charges line.
CHARGE_CODES = frozenset({"CHRG", "COMM", "FEES", "COME", "COMI", "COMT", "SWFT", "CHG", "COM", "BRF"})
_CHARGE_WORDS = re.compile(r"\b(CHARGES?|FEES?|COMMISSION|ENTGELTE?|GEBUEHR(?:EN)?|GEBÜHR(?:EN)?|SPESEN|FRAIS|"
                           r"COMISI[OÓ]N(?:ES)?|COMMISSIONE|KOSTEN)\b", re.I)


def is_charge(item: BankItem) -> bool:
    """A line the bank booked as its charge: by its transaction code, else by what it says."""
    code = (item.bank_transaction_code or "").upper()
    if code and (code.rsplit("/", 1)[-1] in CHARGE_CODES or code[1:4] in CHARGE_CODES):
        return True
    return bool(_CHARGE_WORDS.search(item.remittance or ""))


def _charged_payments(bp: Profile, index: BookIndex) -> tuple[str, ...]:
    """The book items a charges line names by reference (matched or not): the charge belongs to them."""
    item = bp.item
    return tuple(index.books[p].item.id for p in index.reference_hits(bp)
                 if index.books[p].item.currency == item.currency)


def classify(
    banks: list[Profile],
    books: list[Profile],
    used_bank: set[int],
    used_book: set[int],
    near: list[PairScore],
    lost: list[PairScore],
    index: BookIndex,
    cfg: MatchConfig,
    *,
    settled_banks: Sequence[Profile] = (),
    settled_books: Sequence[Profile] = (),
) -> list[Break]:
    out: list[Break] = []
    bank_alike, book_alike = _by_amount(banks), _by_amount(books)
    near_bank: dict[int, list[PairScore]] = defaultdict(list)
    near_book: dict[int, list[PairScore]] = defaultdict(list)
    for ps in near:
        near_bank[ps.bank.pos].append(ps)
        near_book[ps.book.pos].append(ps)
    lost_bank: dict[int, list[PairScore]] = defaultdict(list)
    for ps in lost:
        lost_bank[ps.bank.pos].append(ps)

    returns_of_book: dict[int, list[Profile]] = defaultdict(list)
    for bp in banks:
        item: BankItem = bp.item  # type: ignore[assignment]
        if item.is_return:
            for pos in index.reference_hits(bp):
                returns_of_book[pos].append(bp)
    bank_seen: dict[tuple, str] = {}
    for sp in settled_banks:
        if (key := _dup_key(sp)) is not None:
            bank_seen.setdefault(key, sp.item.id)
    settled_bank_ids = {sp.item.id for sp in settled_banks}
    for bp in banks:
        item = bp.item  # type: ignore[assignment]
        key = _dup_key(bp)
        earlier = bank_seen.get(key) if key is not None else None
        if key is not None:
            bank_seen.setdefault(key, item.id)
        if bp.pos in used_bank:
            continue
        if item.is_return:
            related = tuple(books[p].item.id for p in index.reference_hits(bp))
            out.append(Break("bank", item.id, "returned", item.return_reason, related,
                             note="return of an earlier payment", bank_transaction_code=item.bank_transaction_code))
            continue
        if earlier is not None:
            out.append(Break("bank", item.id, "duplicate", None, (earlier,),
                             note="same line as one already reconciled" if earlier in settled_bank_ids else "same line seen earlier"))
            continue
        paid_twice = [ps for ps in lost_bank.get(bp.pos, ()) if ps.has_reference and ps.amount_kind == "equal"]
        if paid_twice:
            ps = min(paid_twice, key=lambda p: p.book.pos)
            out.append(Break("bank", item.id, "duplicate", None, (ps.book.item.id,),
                             note="book item already settled by another line"))
            continue
        ps = _best_near(near_bank.get(bp.pos, []), used_book, "bank")
        if ps is not None:
            out.append(_near_break("bank", item.id, ps.book.item.id, ps))
            continue
        named = _charged_payments(bp, index) if is_charge(item) else ()
        if named:
            out.append(Break("bank", item.id, "bank_only", None, named, note=(
                f"bank charges for {', '.join(named)}: book {item.amount:f} {item.currency} as a charge on that payment "
                "(write-off to bank charges)"), bank_transaction_code=item.bank_transaction_code))
            continue
        alike = _look_alikes(bp, book_alike, used_book, cfg)
        out.append(Break("bank", item.id, "bank_only", None, (), note=_unmatched_note("book item", alike),
                         bank_transaction_code=item.bank_transaction_code))

    book_seen: dict[tuple, str] = {}
    for sp in settled_books:
        book_seen.setdefault(_book_dup_key(sp), sp.item.id)
    settled_book_ids = {sp.item.id for sp in settled_books}
    for kp in books:
        it = kp.item
        key = _book_dup_key(kp)
        earlier = book_seen.get(key)
        book_seen.setdefault(key, it.id)
        if kp.pos in used_book:
            continue
        rets = returns_of_book.get(kp.pos)
        if rets:
            r = rets[0].item
            out.append(Break("book", it.id, "returned", r.return_reason, tuple(x.item.id for x in rets),  # type: ignore[attr-defined]
                             note="the bank returned this payment"))
            continue
        if earlier is not None:
            out.append(Break("book", it.id, "duplicate", None, (earlier,),
                             note="same as an item already reconciled" if earlier in settled_book_ids else "same item booked earlier"))
            continue
        ps = _best_near(near_book.get(kp.pos, []), used_bank, "book")
        if ps is not None:
            out.append(_near_break("book", it.id, ps.bank.item.id, ps))
            continue
        alike = _look_alikes(kp, bank_alike, used_bank, cfg)
        out.append(Break("book", it.id, "missing_booking", None, (), note=_unmatched_note("statement line", alike)))
    return out
