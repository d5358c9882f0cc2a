"""1:N and N:1: a batch booking against its payments, several payments settling one line, and one
book item settled by several statement lines (a customer paying an invoice in instalments).

Two ways, strongest first:
* the batch carries its details (camt TxDtls): each detail is resolved to a book item through its
  references (and amount); the batch matches when every detail resolves to a distinct free item;
* otherwise a bounded subset-sum over free book items of the same currency and direction inside the
  value-date window: the pool is capped (`subset_max_candidates`, nearest date first, then input
  order), members are tried largest first with sum pruning, and the search stops after
  `subset_max_nodes` steps. The first exact combination in that fixed order wins, so the result is
  deterministic. A batch with `batch_count` only accepts combinations of exactly that size; a plain
  line only accepts items of its own counterparty (IBAN or name), because "any k amounts that
  add up" is too easy to hit by chance.

The same search runs the other way round for a book item left over: statement lines of its
counterparty that add up to it (`find_subset` with a pool of bank lines). Both are always for review.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from decimal import Decimal

from breakdesk.agents.recon.blocking import BookIndex
from breakdesk.agents.recon.config import MatchConfig
from breakdesk.agents.recon.items import BankItem
from breakdesk.agents.recon.results import Reason
from breakdesk.agents.recon.scoring import Profile, name_similarity


def resolve_batch_details(bank: Profile, index: BookIndex, used: set[int]) -> list[int] | None:
    """Book positions for every detail of a batch, or None when any detail does not resolve."""
    item: BankItem = bank.item  # type: ignore[assignment]
    chosen: list[int] = []
    for d in item.batch_details:
        pick = None
        for r in d.references:
            for pos in index.by_ref.get(r, ()):
                book = index.books[pos].item
                if pos in used or pos in chosen:
                    continue
                if book.currency != (d.currency or item.currency) or book.direction != item.direction:
                    continue
                if d.amount is not None and book.amount != d.amount:
                    continue
                if pick is None or pos < pick:
                    pick = pos
        if pick is None:
            return None
        chosen.append(pick)
    return chosen if len(chosen) >= 2 else None


def resolve_reference_group(bank: Profile, index: BookIndex, used: set[int]) -> list[int] | None:
    """Several free book items named by the bank line's references whose amounts add up to it.

    One transfer paying several invoices lists them in its remittance text; without this check the
    largest invoice alone could pass as a fee-short 1:1 match.
    """
    item = bank.item
    hits = [
        p for p in index.reference_hits(bank)
        if p not in used and index.books[p].item.currency == item.currency
        and index.books[p].item.direction == item.direction
    ]
    if len(hits) < 2 or len(hits) > index.cfg.subset_max_size:
        return None
    total = sum((index.books[p].item.amount for p in hits), Decimal(0))
    return hits if total == item.amount else None


def batch_reasons(bank: Profile, books: list[Profile]) -> tuple[list[Reason], Decimal]:
    item = bank.item
    total = sum((b.item.amount for b in books), Decimal(0))
    n = len(books)
    reasons = [Reason("group", f"batch of {n}: all {n} details matched by reference", 0.7)]
    diff = item.amount - total
    if diff == 0:
        reasons.append(Reason("amount", "sum of book amounts equal to the batch amount", 0.25))
    else:
        reasons.append(Reason("amount", f"sum differs by {diff:+f} {item.currency}", 0.0))
    if item.batch_count and item.batch_count == n:
        reasons.append(Reason("group", f"batch count {n} equal", 0.05))
    return reasons, diff


class FreePool:
    """Items of one side still free after 1:1 matching, by currency and direction (+ IBAN / name key),
    by day. Statement lines that are returns never join a pool."""

    def __init__(self, books: list[Profile], used: set[int]) -> None:
        rows: dict[tuple, list[tuple[int, int]]] = defaultdict(list)
        for p in books:
            if p.pos not in used and p.day is not None and not getattr(p.item, "is_return", False):
                cd = (p.item.currency, p.item.direction)
                rows[cd].append((p.day, p.pos))
                if p.iban:
                    rows[cd + ("iban", p.iban)].append((p.day, p.pos))
                if p.key:
                    rows[cd + ("key", p.key)].append((p.day, p.pos))
        self.rows = {k: sorted(v) for k, v in rows.items()}
        self.books = books

    def around(self, bank: Profile, window: int, *, party: bool = False) -> list[int]:
        """Free positions inside the window; with `party`, only those sharing IBAN or name key."""
        if bank.day is None:
            return []
        cd = (bank.item.currency, bank.item.direction)
        keys = [cd] if not party else [k for k in (cd + ("iban", bank.iban) if bank.iban else None,
                                                   cd + ("key", bank.key) if bank.key else None) if k]
        out: set[int] = set()
        for key in keys:
            rows = self.rows.get(key)
            if rows:
                lo = bisect_left(rows, (bank.day - window, -1))
                hi = bisect_right(rows, (bank.day + window, 1 << 62))
                out.update(p for _, p in rows[lo:hi])
        return sorted(out)


def _same_party(bank: Profile, book: Profile, cfg: MatchConfig) -> bool:
    if bank.iban and book.iban:
        return bank.iban == book.iban
    if bank.name and book.name:
        return name_similarity(bank.name, book.name) >= cfg.name_floor
    return False


def find_subset(
    bank: Profile, pool: FreePool, used: set[int], cfg: MatchConfig
) -> list[int] | None:
    """Positions in `pool` (the other side) whose amounts add up exactly to `bank`'s (see module docstring).

    `bank` is the anchor: a statement line against book items, or a book item against statement lines."""
    item = bank.item
    batch_count = getattr(item, "batch_count", None)
    count = batch_count if batch_count and batch_count > 1 else None
    if count is None and not (bank.iban or bank.name):
        return None
    if count is not None and count > cfg.subset_max_candidates:
        return None
    books = pool.books
    cands = []
    for pos in pool.around(bank, cfg.value_date_window_days, party=count is None):
        if pos in used:
            continue
        b = books[pos]
        if b.item.amount >= item.amount or b.item.amount <= 0:
            continue
        if count is None and not _same_party(bank, b, cfg):
            continue
        cands.append(pos)
    if len(cands) < 2:
        return None
    cands.sort(key=lambda p: (abs(books[p].day - bank.day), p))
    cands = cands[: cfg.subset_max_candidates]
    cands.sort(key=lambda p: (-books[p].item.amount, p))
    amounts = [books[p].item.amount for p in cands]
    sizes = [count] if count else list(range(2, cfg.subset_max_size + 1))
    target = item.amount
    for size in sizes:
        found = _dfs(amounts, target, size, cfg.subset_max_nodes)
        if found is not None:
            return [cands[i] for i in found]
    return None


def _dfs(amounts: list[Decimal], target: Decimal, size: int, budget: int) -> list[int] | None:
    n = len(amounts)
    suffix = [Decimal(0)] * (n + 1)
    for i in range(n - 1, -1, -1):
        suffix[i] = suffix[i + 1] + amounts[i]
    nodes = 0
    chosen: list[int] = []

    def rec(start: int, total: Decimal) -> bool:
        nonlocal nodes
        if len(chosen) == size:
            return total == target
        need = size - len(chosen)
        for i in range(start, n - need + 1):
            nodes += 1
            if nodes > budget:
                return False
            t = total + amounts[i]
            if t > target:
                continue  # amounts are sorted descending: a smaller one may still fit
            if t + suffix[i + 1] - suffix[i + need] < target:
                return False  # even the largest remaining members cannot reach the target
            chosen.append(i)
            if rec(i + 1, t):
                return True
            chosen.pop()
        return False

    return list(chosen) if rec(0, Decimal(0)) else None
