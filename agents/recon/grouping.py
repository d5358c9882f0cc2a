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


def same_party(bank: Profile, book: Profile, cfg: MatchConfig) -> bool:
    if bank.iban and book.iban:
        return bank.iban == book.iban
    if bank.name and book.name:
        return name_similarity(bank.name, book.name) >= cfg.name_floor
    return False


def find_subset(
    bank: Profile, pool: FreePool, used: set[int], cfg: MatchConfig, *, window: int | None = None
) -> list[int] | None:
    """Positions in `pool` (the other side) whose amounts add up exactly to `bank`'s (see module docstring).

    `bank` is the anchor: a statement line against book items, or a book item against statement lines.
    `window` (days, default the value-date window) lets the caller search the same day first, so a batch
    takes its own day's payments before a neighbouring batch's."""
    found = find_subsets(bank, pool, used, cfg, window=window, limit=1)
    return found[0] if found else None


def find_subsets(
    bank: Profile, pool: FreePool, used: set[int], cfg: MatchConfig, *, window: int | None = None, limit: int = 1,
    file_rank: dict[int, int] | None = None,
) -> list[list[int]]:
    """Up to `limit` different combinations for `bank` (see `find_subset`), in search order.

    With `file_rank` (each item's place in its own file), a batch first looks for a *run*: its count
    of items lying together in the ledger or payment file (a few rows apart at most), as a payment
    run is booked. Among a hundred open payments of one day, many combinations of six add up to any
    amount to the cent; few of them are a run."""
    item = bank.item
    batch_count = getattr(item, "batch_count", None)
    count = batch_count if batch_count and batch_count > 1 else None
    if count is None and not (bank.iban or bank.name):
        return []
    if count is not None and count > cfg.subset_max_size_batch:
        return []
    window = cfg.value_date_window_days if window is None else window
    books = pool.books
    target = bank.units
    cands = []
    for pos in pool.around(bank, window, party=count is None):
        if pos in used:
            continue
        b = books[pos]
        if b.units >= target or b.units <= 0:
            continue
        if count is None and not same_party(bank, b, cfg):
            continue
        cands.append(pos)
    if len(cands) < 2:
        return []
    cands.sort(key=lambda p: (abs(books[p].day - bank.day), p))
    out: list[list[int]] = []
    if count is not None and file_rank is not None:
        out = _runs(cands, books, target, count, file_rank, limit)
        if len(out) >= limit:
            return out
    cands = cands[: cfg.subset_max_candidates]
    cands.sort(key=lambda p: (-books[p].units, p))
    amounts = [books[p].units for p in cands]
    sizes = [count] if count else list(range(2, cfg.subset_max_size + 1))
    for size in sizes:
        for found in _k_subsets(amounts, target, size, cfg.subset_max_nodes):
            combo = [cands[i] for i in found]
            if any(set(combo) == set(o) for o in out):
                continue
            out.append(combo)
            if len(out) >= limit:
                return out
        if out:
            return out  # the smallest size that adds up; a larger one is a coincidence more often
    return out


#: How many rows apart a run's items may lie beyond its count (rows of other payments in between).
RUN_SLACK = 2


def _runs(cands: list[int], items: list[Profile], target: int, count: int, file_rank: dict[int, int],
          limit: int) -> list[list[int]]:
    """`count` candidates adding up to `target` within `count + RUN_SLACK` neighbouring candidates in file order."""
    from itertools import combinations

    ordered = sorted(cands, key=lambda p: (file_rank[p], p))
    out: list[list[int]] = []
    seen: set[frozenset[int]] = set()
    span = count + RUN_SLACK
    for start in range(0, max(1, len(ordered) - count + 1)):
        block = ordered[start:start + span]
        if len(block) < count:
            continue
        first = block[0]
        for rest in combinations(block[1:], count - 1):
            if file_rank[rest[-1]] - file_rank[first] > span - 1:
                continue  # other rows in between: not one run
            if items[first].units + sum(items[p].units for p in rest) == target:
                key = frozenset((first, *rest))
                if key not in seen:
                    seen.add(key)
                    out.append([first, *rest])
                    if len(out) >= limit:
                        return out
    return out


def assign_groups(options: dict[int, list[list[int]]], order: list[int], budget: int = 20_000) -> dict[int, list[int]]:
    """Pick at most one combination per anchor, no item in two, satisfying as many anchors as possible.

    Two batches of one day can each add up with the other's payments: taking each batch's first
    combination in turn can leave the second with nothing. Anchors that share no candidate are
    independent; within each group of competing anchors a bounded search (anchors in `order`,
    combinations in the order given) keeps every batch that can be kept; ties go to the earlier choice."""
    anchors = [a for a in order if options.get(a)]
    parent = {a: a for a in anchors}

    def root(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    owner: dict[int, int] = {}
    for a in anchors:
        for combo in options[a]:
            for item in combo:
                if item in owner:
                    parent[root(a)] = root(owner[item])
                else:
                    owner[item] = a
    groups: dict[int, list[int]] = {}
    for a in anchors:
        groups.setdefault(root(a), []).append(a)
    chosen: dict[int, list[int]] = {}
    for members in groups.values():
        chosen.update(_assign_component(members, options, budget))
    return chosen


def _assign_component(anchors: list[int], options: dict[int, list[list[int]]], budget: int) -> dict[int, list[int]]:
    best: dict[int, list[int]] = {}
    current: dict[int, list[int]] = {}
    taken: set[int] = set()
    nodes = 0
    if len(anchors) > 400:  # too many to search: each takes its first free combination
        for a in anchors:
            combo = next((c for c in options[a] if taken.isdisjoint(c)), None)
            if combo is not None:
                best[a] = combo
                taken.update(combo)
        return best

    def rec(i: int) -> bool:
        nonlocal best, nodes
        if len(current) + (len(anchors) - i) <= len(best):
            return False  # cannot beat what we have
        if i == len(anchors):
            best = dict(current)
            return len(best) == len(anchors)
        nodes += 1
        if nodes > budget:
            return True  # keep the best found so far
        a = anchors[i]
        for combo in options[a]:
            if taken.isdisjoint(combo):
                current[a] = combo
                taken.update(combo)
                done = rec(i + 1)
                taken.difference_update(combo)
                del current[a]
                if done:
                    return True
        return rec(i + 1)

    rec(0)
    return best


def _k_subsets(amounts: list[int], target: int, size: int, budget: int):
    """Index lists of `size` amounts (sorted descending) adding up to `target`, in search order.

    Depth-first over the larger members with two bounds (the `need` largest and the `need` smallest
    still available must straddle what is left), and the last two members found by two pointers in
    one pass, so a pool of a few dozen payments is searched, not sampled. `budget` caps the nodes
    visited: the result is the same on every run, and a search that gives up says nothing."""
    n = len(amounts)
    if size > n or size < 2:
        return
    prefix = [0] * (n + 1)
    for i, a in enumerate(amounts):
        prefix[i + 1] = prefix[i] + a
    nodes = 0
    chosen: list[int] = []

    def pairs(start: int, rest: int):
        lo, hi = start, n - 1
        while lo < hi:
            t = amounts[lo] + amounts[hi]
            if t == rest:
                yield lo, hi
                lo += 1
                hi -= 1
            elif t > rest:
                lo += 1
            else:
                hi -= 1

    def rec(start: int, rest: int):
        nonlocal nodes
        need = size - len(chosen)
        if need == 2:
            nodes += n - start
            for lo, hi in pairs(start, rest):
                yield chosen + [lo, hi]
            return
        for i in range(start, n - need + 1):
            nodes += 1
            if nodes > budget:
                return
            # the largest `need` from i on are amounts[i:i+need]; the smallest are the last `need`
            if prefix[i + need] - prefix[i] < rest:
                return  # even the largest remaining cannot reach it (later i only get smaller)
            if prefix[n] - prefix[n - need] > rest:
                return  # even the smallest remaining overshoot
            if amounts[i] + prefix[n] - prefix[n - need + 1] > rest:
                continue  # too large with the smallest others; a smaller one may fit
            chosen.append(i)
            yield from rec(i + 1, rest - amounts[i])
            chosen.pop()

    yield from rec(0, target)
