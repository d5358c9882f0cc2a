"""The matching engine: bank lines against book items, in priority order.

1. Batch bookings whose details resolve by reference to distinct book items (1:N), and lines whose
   remittance names several book items that add up to the line (N:1).
2. One-to-one pairs from blocked candidates (`blocking.BookIndex`), scored signal by signal
   (`scoring.score_pair`): references first (their weight dominates), then amount, value date,
   name, IBAN. Pairs whose best rival scores within `ambiguity_margin` on either side lose
   `weights.ambiguity`, so a coin-flip never reaches the auto threshold.
3. Global assignment: all suggestible pairs, sorted by confidence (descending), then by the items'
   canonical order (below); taken greedily, skipping any pair whose bank line or book item is
   already used. Greedy (not Hungarian) keeps every decision explainable on its own and the result
   reproducible.
4. N:1 subset-sum over what is left (`grouping.find_subset`): batch bookings without details, and
   several payments of one counterparty settling one line; then 1:N the other way round, several
   statement lines of one counterparty settling one book item (instalments). Always for review.
5. Everything left is classified as a break (`breaks.classify`).

Input order never decides anything: both sides are first put in a canonical order (value date,
currency, direction, amount, the item's place in its own file, id, then the rest: `canonical_key`), and every later tie (greedy, candidate
caps, subset pools, which of two equal lines is the duplicate) is broken in that order. Evidence
(references, remittance, names, accounts) breaks ties before it does. The result lists suggestions
and breaks in input order again, for display.

Status: `auto` needs confidence >= `auto_threshold` AND `auto_confirm=True` from the caller;
otherwise such a suggestion is `review` with `auto_eligible=True`.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal

from breakdesk.agents.recon.blocking import BookIndex
from breakdesk.agents.recon.breaks import classify, is_strong_near_miss
from breakdesk.agents.recon.config import MatchConfig
from breakdesk.agents.recon.grouping import (
    FreePool,
    assign_groups,
    batch_reasons,
    find_subset,
    find_subsets,
    resolve_batch_details,
    resolve_reference_group,
    same_party,
)
from breakdesk.agents.recon.items import BankItem, BookItem, _Side
from breakdesk.agents.recon.normalize import norm_ref
from breakdesk.agents.recon.results import MatchResult, Reason, Suggestion
from breakdesk.agents.recon.scoring import PairScore, keep_distinctive_keys, profile, score_pair
from breakdesk.parsers.collector import collector_paused

#: Combinations kept per batch line for `grouping.assign_groups`.
SUBSET_OPTIONS = 12


def _status(conf: float, cfg: MatchConfig, auto_confirm: bool) -> tuple[str, bool]:
    eligible = conf >= cfg.auto_threshold
    if conf < cfg.review_threshold:
        return "none", False
    return ("auto" if eligible and auto_confirm else "review"), eligible


def _pair_suggestion(ps: PairScore, cfg: MatchConfig, auto_confirm: bool) -> Suggestion:
    status, eligible = _status(ps.confidence, cfg, auto_confirm)
    fee = ps.amount_kind == "fee"
    diff = ps.difference
    if diff:
        # An open difference means a write-off: money is booked that nobody paid. A person decides.
        status, eligible = ("review" if status == "auto" else status), False
    return Suggestion(
        bank_ids=(ps.bank.item.id,),
        book_ids=(ps.book.item.id,),
        confidence=ps.confidence,
        reasons=tuple(ps.reasons),
        status=status,  # type: ignore[arg-type]
        auto_eligible=eligible,
        kind="1:1",
        currency=ps.book.item.currency,
        difference=diff if diff != 0 else None,
        fee_write_off=abs(diff) if fee else None,
        features=ps.features,
    )


def _second_invoice(ps: PairScore, index: BookIndex, used_book: set[int], cfg: MatchConfig) -> int | None:
    """A free book item of the bank line's counterparty, in the window, whose amount is exactly what the
    line pays beyond this pair's book item; None when there is none or more than one."""
    extra = ps.bank.units - ps.book.units
    if extra <= 0:
        return None
    cd = (ps.book.item.currency, ps.book.item.direction)
    keys = index.amount_keys.get(cd)
    if not keys:
        return None
    rows = index.amounts[cd][bisect_left(keys, extra):bisect_right(keys, extra)]
    found = [p for _, p in rows if p not in used_book and p != ps.book.pos
             and same_party(ps.bank, index.books[p], cfg)
             and (ps.bank.day is None or index.books[p].day is None
                  or abs(index.books[p].day - ps.bank.day) <= cfg.value_date_window_days)]
    return found[0] if len(found) == 1 else None


def explain_pair(bank: BankItem, book: BookItem, config: MatchConfig | None = None) -> Suggestion | None:
    """Score one given pair (status `none` below the review threshold); None if not comparable."""
    cfg = config or MatchConfig()
    ps = score_pair(profile(0, bank), profile(0, book), cfg, keep_all=True)
    if ps is None:
        return None
    s = _pair_suggestion(ps, cfg, False)
    if not ps.suggestible:
        from dataclasses import replace

        s = replace(s, status="none", auto_eligible=False)
    return s


def _reward_unique_amounts(scored: list[PairScore], cfg: MatchConfig) -> None:
    """An equal amount that nothing else in the window shares, on either side, is evidence too."""
    per_bank: dict[int, int] = defaultdict(int)
    per_book: dict[int, int] = defaultdict(int)
    for ps in scored:
        if ps.amount_kind == "equal" and ps.date_ok:
            per_bank[ps.bank.pos] += 1
            per_book[ps.book.pos] += 1
    for ps in scored:
        if ps.amount_kind == "equal" and ps.date_ok and per_bank[ps.bank.pos] == 1 and per_book[ps.book.pos] == 1:
            ps.add(Reason("unique_amount", "only pair with this amount in the date window",
                          cfg.weights.unique_amount))


def _penalise_ambiguity(pairs: list[PairScore], cfg: MatchConfig) -> None:
    """Mark pairs whose bank line or book item has a rival within the margin (in place)."""
    margin = cfg.ambiguity_margin
    by_bank: dict[int, list[PairScore]] = defaultdict(list)
    by_book: dict[int, list[PairScore]] = defaultdict(list)
    for ps in pairs:
        by_bank[ps.bank.pos].append(ps)
        by_book[ps.book.pos].append(ps)
    flagged: dict[int, str] = {}
    for groups, side, other in ((by_bank, "bank line", "book"), (by_book, "book item", "bank")):
        for group in groups.values():
            if len(group) < 2:
                continue
            best = max(p.raw for p in group)
            close = [p for p in group if p.raw >= best - margin]
            if len(close) < 2:
                continue
            for p in close:
                rivals = sorted((q.book if other == "book" else q.bank).item.id for q in close if q is not p)
                flagged.setdefault(id(p), f"ambiguous: {other} item(s) {', '.join(rivals[:3])} score within "
                                          f"{margin:.2f} for this {side}")
    if not flagged:
        return
    for ps in pairs:
        text = flagged.get(id(ps))
        if text:
            # Never below the review threshold: ambiguity blocks auto, not the suggestion itself.
            lowered = max(min(ps.confidence, cfg.review_threshold), ps.confidence + cfg.weights.ambiguity)
            ps.add(Reason("ambiguity", text, lowered - ps.confidence))


def match(
    bank_items: Sequence[BankItem],
    book_items: Sequence[BookItem],
    config: MatchConfig | None = None,
    *,
    auto_confirm: bool = False,
    scorer: Callable[[Mapping[str, float]], float] | None = None,
    settled_bank: Sequence[BankItem] = (),
    settled_book: Sequence[BookItem] = (),
) -> MatchResult:
    """Match bank lines against book items; see the module docstring for the order of stages.

    `settled_bank` / `settled_book` are items reconciled before (matched, or held by a suggestion awaiting
    a clerk) that are not matched again but tell duplicates: a line the bank sends again, or an item booked
    twice, is a duplicate of its settled twin even when that twin is no longer among the open items.

    `scorer` (e.g. `agents.recon.learning.LearnedScorer.predict`) replaces the weight sum as the
    confidence of the 1:1 pairs the weights admitted for review; an ambiguous pair stays below the
    auto threshold whatever the model says.
    """
    # The matcher allocates many small acyclic objects; the cyclic GC would rescan the growing heap
    # again and again (quadratic at 100k items), so it is paused for the call, as parsing pauses it.
    with collector_paused():
        return _match(bank_items, book_items, config or MatchConfig(), auto_confirm, scorer, settled_bank, settled_book)


_DIGITS = re.compile(r"(\d+)")


def _natural(text: str) -> tuple:
    """'Ntry[9]' before 'Ntry[10]'."""
    return tuple(int(p) if p.isdigit() else p for p in _DIGITS.split(text))


def canonical_key(item: _Side) -> tuple:
    """A total order on items that depends only on what they hold (ids are unique per side).

    Where an item sits in its own file (its provenance) is part of what it holds: of two lines
    equal in everything else, the one further down the statement is the one the bank sent again."""
    d = item.match_date
    return (d.toordinal() if d else 0, item.currency, item.direction, item.amount, _natural(item.provenance),
            item.id, item.remittance, item.counterparty_name or "", item.counterparty_iban or "")


def _canonical(items: Sequence[_Side]) -> list[_Side]:
    return sorted(items, key=canonical_key)


def _in_input_order(result: MatchResult, bank_items: Sequence[BankItem], book_items: Sequence[BookItem]) -> MatchResult:
    """Suggestions by their first bank line's input position, breaks by side then input position."""
    bank_at = {it.id: i for i, it in reversed(list(enumerate(bank_items)))}
    book_at = {it.id: i for i, it in reversed(list(enumerate(book_items)))}
    big = len(bank_items) + len(book_items)

    def where(side: str, item_id: str) -> int:
        return (bank_at if side == "bank" else book_at).get(item_id, big)

    suggestions = sorted(result.suggestions, key=lambda s: (min(where("bank", i) for i in s.bank_ids),
                                                            min(where("book", i) for i in s.book_ids)))
    breaks = sorted(result.breaks, key=lambda b: (b.side != "bank", where(b.side, b.item_id)))
    return MatchResult(suggestions=tuple(suggestions), breaks=tuple(breaks))


def _match(bank_items, book_items, cfg: MatchConfig, auto_confirm: bool, scorer, settled_bank=(), settled_book=()) -> MatchResult:
    result = _match_canonical(_canonical(bank_items), _canonical(book_items), cfg, auto_confirm, scorer,
                              _canonical(settled_bank), _canonical(settled_book))
    return _in_input_order(result, bank_items, book_items)


def _match_canonical(bank_items, book_items, cfg: MatchConfig, auto_confirm: bool, scorer, settled_bank,
                     settled_book) -> MatchResult:
    banks = [profile(i, b) for i, b in enumerate(bank_items)]
    books = [profile(i, b) for i, b in enumerate(book_items)]
    keep_distinctive_keys(banks)
    keep_distinctive_keys(books)
    index = BookIndex(books, cfg)
    used_bank: set[int] = set()
    used_book: set[int] = set()
    suggestions: list[Suggestion] = []

    def take_group(bank_pos: list[int], book_pos: list[int], reasons: list[Reason], conf: float, kind: str,
                   difference: Decimal | None = None) -> None:
        """Claim the items of a group (batch, N:1, 1:N) and record its suggestion."""
        status, eligible = _status(conf, cfg, auto_confirm)
        used_bank.update(bank_pos)
        used_book.update(book_pos)
        suggestions.append(Suggestion(
            bank_ids=tuple(banks[p].item.id for p in bank_pos), book_ids=tuple(books[p].item.id for p in book_pos),
            confidence=conf, reasons=tuple(reasons), status=status, auto_eligible=eligible,  # type: ignore[arg-type]
            kind=kind, currency=banks[bank_pos[0]].item.currency, difference=difference,
        ))

    # 1. batches with details
    for bp in banks:
        item: BankItem = bp.item  # type: ignore[assignment]
        if not item.batch_details or item.is_return:
            continue
        chosen = resolve_batch_details(bp, index, used_book)
        if chosen is None:
            continue
        reasons, diff = batch_reasons(bp, [books[p] for p in chosen])
        take_group([bp.pos], chosen, reasons, min(1.0, sum(r.contribution for r in reasons)), "batch", diff or None)

    # 1b. one line naming several book items whose amounts add up to it
    for bp in banks:
        item = bp.item  # type: ignore[assignment]
        if bp.pos in used_bank or item.is_return or item.batch_details:
            continue
        chosen = resolve_reference_group(bp, index, used_book)
        if chosen is None:
            continue
        reasons = [Reason("reference", f"{len(chosen)} book references found in bank remittance text", 0.7),
                   Reason("amount", "sum of book amounts equal to the bank amount", 0.25)]
        take_group([bp.pos], chosen, reasons, 0.95, "N:1")

    # 1c. a line naming a payment run (pain.001 PmtInfId) that its open payments add up to exactly
    runs: dict[str, list[int]] = defaultdict(list)
    for kp in books:
        ref = norm_ref(getattr(kp.item, "batch_reference", None))
        if ref:
            runs[ref].append(kp.pos)
    if runs:
        for bp in banks:
            item = bp.item  # type: ignore[assignment]
            if bp.pos in used_bank or item.is_return:
                continue
            for ref in sorted(bp.ref_values | bp.text_refs):
                members = [p for p in runs.get(ref, ()) if p not in used_book
                           and books[p].item.currency == item.currency and books[p].item.direction == item.direction]
                if len(members) < 2 or sum(books[p].units for p in members) != bp.units:
                    continue
                if item.batch_count and item.batch_count != len(members):
                    continue
                reasons = [Reason("reference", f"payment run {ref} named on the line", 0.7),
                           Reason("amount", f"all {len(members)} open payments of the run add up to the bank amount",
                                  0.25)]
                take_group([bp.pos], members, reasons, 0.95, "batch")
                break

    # 2. one-to-one candidates
    scored: list[PairScore] = []
    for bp in banks:
        item = bp.item  # type: ignore[assignment]
        if bp.pos in used_bank or item.is_return or (item.batch_count or 0) > 1:
            continue
        for kp in index.candidates(bp):
            if kp in used_book:
                continue
            ps = score_pair(bp, books[kp], cfg)
            if ps is not None:
                scored.append(ps)
    _reward_unique_amounts(scored, cfg)
    pairs: list[PairScore] = []
    near: list[PairScore] = []
    for ps in scored:
        if ps.suggestible and ps.confidence >= cfg.review_threshold:
            pairs.append(ps)
        elif is_strong_near_miss(ps):
            near.append(ps)
    del scored
    _penalise_ambiguity(pairs, cfg)
    if scorer is not None:
        for ps in pairs:
            p = min(1.0, max(0.0, float(scorer(ps.features))))
            if ps.has("ambiguity"):
                p = min(p, cfg.auto_threshold - 0.01)
            ps.add(Reason("model", f"learned scorer: {p:.2f}", p - ps.confidence))
            ps.raw = ps.confidence

    # 3. greedy global assignment
    pairs.sort(key=lambda p: (-p.confidence, -p.raw, p.bank.pos, p.book.pos))
    lost: list[PairScore] = []
    for ps in pairs:
        if ps.confidence < cfg.review_threshold:
            near.append(ps)
            continue
        if ps.bank.pos in used_bank or ps.book.pos in used_book:
            lost.append(ps)
            continue
        second = _second_invoice(ps, index, used_book, cfg) if ps.amount_kind == "fee" else None
        if second is not None:
            # "a fee" that is exactly another open item of the same payer: one transfer paying both
            reasons = list(ps.reasons) + [Reason("group", f"the difference is open item {books[second].item.id} of "
                                                          "the same counterparty: one transfer paying both", 0.0)]
            take_group([ps.bank.pos], [ps.book.pos, second], reasons,
                       min(cfg.subset_confidence, cfg.auto_threshold - 0.01), "N:1")
            continue
        used_bank.add(ps.bank.pos)
        used_book.add(ps.book.pos)
        suggestions.append(_pair_suggestion(ps, cfg, auto_confirm))

    # A payment run's items are booked together: of several combinations that add up, the one whose
    # items sit closest in their own file (ledger rows, payment file) is the likelier run.
    file_rank = {p.pos: r for r, p in enumerate(sorted(books, key=lambda p: (_natural(p.item.provenance), p.pos)))}

    def _run_spread(bp, combo: list[int]) -> tuple[int, int]:
        days = sum(abs((books[p].day or 0) - (bp.day or 0)) for p in combo)
        ranks = [file_rank[p] for p in combo]
        return days, max(ranks) - min(ranks)

    # 4. N:1 subset-sum on what is left; groups found by search are never auto-confirmable. Every line
    # searches its own value date first, then the window: two batches of one day each keep their own.
    subset_conf = min(cfg.subset_confidence, cfg.auto_threshold - 0.01)
    pool = FreePool(books, used_book)
    order = sorted(
        (bp for bp in banks if bp.pos not in used_bank and not bp.item.is_return),  # type: ignore[attr-defined]
        key=lambda bp: (-(bp.item.batch_count or 0), bp.pos),  # type: ignore[attr-defined]
    )
    for window in sorted({0, cfg.value_date_window_days}):
        # batches that state their count compete for the same day's payments: chosen together
        batches = [bp for bp in order if bp.pos not in used_bank and (bp.item.batch_count or 0) > 1]  # type: ignore[attr-defined]
        options = {bp.pos: sorted(find_subsets(bp, pool, used_book, cfg, window=window, limit=SUBSET_OPTIONS,
                                              file_rank=file_rank),
                                  key=lambda combo, bp=bp: _run_spread(bp, combo))
                   for bp in batches}
        for pos, chosen in sorted(assign_groups(options, [bp.pos for bp in batches]).items()):
            bp = banks[pos]
            reasons = [Reason("group", f"{len(chosen)} book items add up to the bank amount", cfg.subset_confidence),
                       Reason("group", f"batch count {len(chosen)} equal", 0.0)]
            if window == 0:
                reasons.append(Reason("value_date", "all on the line's value date", 0.0))
            if len(options[pos]) > 1:
                reasons.append(Reason("ambiguity", "another combination of open items also adds up: check the "
                                                   "payment run", 0.0))
            take_group([pos], chosen, reasons, subset_conf, "N:1")
        for bp in order:
            if bp.pos in used_bank or (bp.item.batch_count or 0) > 1:  # type: ignore[attr-defined]
                continue
            chosen = find_subset(bp, pool, used_book, cfg, window=window)
            if chosen is None:
                continue
            reasons = [Reason("group", f"{len(chosen)} book items add up to the bank amount", cfg.subset_confidence),
                       Reason("name", "all items of the same counterparty", 0.0)]
            if window == 0:
                reasons.append(Reason("value_date", "all on the line's value date", 0.0))
            take_group([bp.pos], chosen, reasons, subset_conf, "N:1")

    # 4b. 1:N subset-sum: one book item settled by several statement lines of its counterparty
    bank_pool = FreePool(banks, used_bank)
    for window in sorted({0, cfg.value_date_window_days}):
        for kp in books:
            if kp.pos in used_book:
                continue
            chosen = find_subset(kp, bank_pool, used_bank, cfg, window=window)
            if chosen is None:
                continue
            reasons = [Reason("group", f"{len(chosen)} statement lines add up to the book amount (paid in instalments)",
                              cfg.subset_confidence),
                       Reason("name", "all lines of the same counterparty", 0.0)]
            take_group(chosen, [kp.pos], reasons, subset_conf, "1:N")

    # 5. breaks
    # settled items get positions below zero: never in the index, never used, only compared
    breaks = classify(banks, books, used_bank, used_book, near, lost, index, cfg,
                      settled_banks=[profile(-1 - i, b) for i, b in enumerate(settled_bank)],
                      settled_books=[profile(-1 - i, b) for i, b in enumerate(settled_book)])
    return MatchResult(suggestions=tuple(suggestions), breaks=tuple(breaks))


__all__ = ["canonical_key", "explain_pair", "match"]
