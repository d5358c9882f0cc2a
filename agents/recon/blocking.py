"""Candidate generation without comparing all pairs.

Book items are indexed four ways; a bank line only meets the book items that share
* a reference (structured reference = structured reference, or one found in the other's text),
* the currency, direction and an amount within tolerance (binary search on sorted amounts),
  inside the value-date window,
* the currency, direction and IBAN, inside the window (this is how fee and amount differences are
  found: the amount is not a blocking key there),
* the currency, direction and name key (first significant word of the normalised name), inside the
  window, and only for amounts within the largest fee (a name alone is too weak to pair any amounts).
Each source is capped at `max_candidates_per_item`, nearest value date first, then input order, so
a flood of identical amounts cannot make the work quadratic.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict

from breakdesk.agents.recon.config import MatchConfig
from breakdesk.agents.recon.scoring import UNITS, Profile

#: A reference shared by more book items than this says nothing about any one of them.
MAX_REF_FANOUT = 50


class BookIndex:
    def __init__(self, books: list[Profile], cfg: MatchConfig) -> None:
        self.cfg = cfg
        self.books = books
        self.by_ref: dict[str, list[int]] = defaultdict(list)
        self.by_text_ref: dict[str, list[int]] = defaultdict(list)
        amounts: dict[tuple, list[tuple[int, int]]] = defaultdict(list)
        by_iban: dict[tuple, list[tuple[int, int]]] = defaultdict(list)
        by_key: dict[tuple, list[tuple[int, int]]] = defaultdict(list)  # sorted by amount units
        for p in books:
            it = p.item
            for r in p.ref_values:
                self.by_ref[r].append(p.pos)
            for r in p.text_refs:
                self.by_text_ref[r].append(p.pos)
            cd = (it.currency, it.direction)
            amounts[cd].append((p.units, p.pos))
            day = p.day if p.day is not None else 0
            if p.iban:
                by_iban[cd + (p.iban,)].append((day, p.pos))
            if p.key:
                by_key[cd + (p.key,)].append((p.units, p.pos))
        self.amounts = {k: sorted(v) for k, v in amounts.items()}
        self.amount_keys = {k: [a for a, _ in v] for k, v in self.amounts.items()}
        self.by_iban = {k: sorted(v) for k, v in by_iban.items()}
        self.by_key = {k: sorted(v) for k, v in by_key.items()}

    def _nearest(self, positions: list[int], day: int | None) -> list[int]:
        cap = self.cfg.max_candidates_per_item
        if len(positions) <= cap:
            return positions
        books = self.books

        def dist(pos: int) -> tuple[int, int]:
            d = books[pos].day
            return (abs(d - day) if d is not None and day is not None else 10**6, pos)

        return sorted(positions, key=dist)[:cap]

    def _window(self, rows: list[tuple[int, int]] | None, day: int | None) -> list[int]:
        if not rows:
            return []
        if day is None:
            return self._nearest([p for _, p in rows], day)
        w = self.cfg.value_date_window_days
        lo = bisect_left(rows, (day - w, -1))
        hi = bisect_right(rows, (day + w, 1 << 62))
        return self._nearest([p for _, p in rows[lo:hi]], day)

    def reference_hits(self, bank: Profile) -> list[int]:
        """Book positions sharing a reference with the bank line, whatever currency or direction."""
        hits: set[int] = set()
        for r in bank.ref_values | bank.text_refs:
            lst = self.by_ref.get(r)
            if lst and len(lst) <= MAX_REF_FANOUT:
                hits.update(lst)
        for r in bank.ref_values:
            lst = self.by_text_ref.get(r)
            if lst and len(lst) <= MAX_REF_FANOUT:
                hits.update(lst)
        return sorted(hits)

    def candidates(self, bank: Profile) -> list[int]:
        it = bank.item
        cd = (it.currency, it.direction)
        found: set[int] = set(self.reference_hits(bank))
        keys = self.amount_keys.get(cd)
        if keys:
            tol = int(max(self.cfg.amount_abs_tolerance * UNITS, self.cfg.amount_pct_tolerance * bank.units))
            lo = bisect_left(keys, bank.units - tol)
            hi = bisect_right(keys, bank.units + tol)
            rows = self.amounts[cd][lo:hi]
            w = self.cfg.value_date_window_days
            books = self.books
            near = [
                p for _, p in rows
                if bank.day is None or books[p].day is None or abs(books[p].day - bank.day) <= w
            ]
            found.update(self._nearest(near, bank.day))
        if bank.iban:
            found.update(self._window(self.by_iban.get(cd + (bank.iban,)), bank.day))
        if bank.key:
            # A name alone is weak evidence: only amounts within the fee range meet through it.
            cap = int(self.cfg.fee_limits_for(it.currency)[0] * UNITS)
            amt = bank.units
            books = self.books
            rows = self.by_key.get(cd + (bank.key,))
            if rows:
                w = self.cfg.value_date_window_days
                rows = rows[bisect_left(rows, (amt - cap, -1)):bisect_right(rows, (amt + cap, 1 << 62))]
                near = [p for _, p in rows
                        if bank.day is None or books[p].day is None or abs(books[p].day - bank.day) <= w]
                found.update(self._nearest(near, bank.day))
        return sorted(found)
