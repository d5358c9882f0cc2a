"""Quality of the matcher on generated, labelled data.

    python -m breakdesk.evals.recon.quality [--n 2000] [--seed 7] [--threshold 0.9]

Metrics (a suggestion is *correct* when its bank ids and book ids equal one truth group exactly):
* precision_auto   correct auto-eligible suggestions / auto-eligible suggestions
* recall           truth groups found exactly (auto or review) / truth groups
* false_auto_rate  wrong auto-eligible suggestions / bank lines (how many lines a blind
                   auto-confirm would have booked wrongly)
* break_accuracy   labelled break items left unmatched with the labelled class / labelled break items
* auto_coverage    truth groups found as auto-eligible / truth groups (how much work auto removes)
"""

from __future__ import annotations

import argparse
from collections import Counter
from dataclasses import dataclass, field

from breakdesk.agents.recon import MatchConfig, MatchResult, bank_items_from_messages, book_items_from_ledger_csv, match
from breakdesk.agents.recon.items import BankItem, BookItem
from breakdesk.evals.recon.generator import Dataset, generate


@dataclass
class Labelled:
    bank_items: list[BankItem]
    book_items: list[BookItem]
    groups: dict[tuple[frozenset, frozenset], str]  # (bank ids, book ids) -> kind
    breaks: dict[tuple[str, str], str]  # (side, id) -> break class


def label(ds: Dataset, bank_messages: list | None = None) -> Labelled:
    """Build the items through the real builders and attach the truth to their ids.

    `bank_messages` defaults to the dataset's canonical objects; pass what a parser made of
    `writers.camt053_xml(ds)` to run the same labels through the real parser.
    """
    bank_items = bank_items_from_messages(ds.bank_messages() if bank_messages is None else bank_messages)
    book_items = book_items_from_ledger_csv(ds.ledger_csv(), filename="generated-ledger.csv")
    specs = ds.bank_order()
    assert len(specs) == len(bank_items)
    gb: dict[int, list[str]] = {}
    gk: dict[int, list[str]] = {}
    breaks: dict[tuple[str, str], str] = {}
    for spec, item in zip(specs, bank_items):
        if spec.group is not None:
            gb.setdefault(spec.group, []).append(item.id)
        elif spec.break_class:
            breaks[("bank", item.id)] = spec.break_class
    for row in ds.books:
        if row.group is not None:
            gk.setdefault(row.group, []).append(row.id)
        elif row.break_class:
            breaks[("book", row.id)] = row.break_class
    groups = {(frozenset(gb[g]), frozenset(gk[g])): ds.group_kinds[g] for g in gb if g in gk}
    return Labelled(bank_items, book_items, groups, breaks)


@dataclass
class Report:
    n_bank: int
    n_book: int
    groups: int
    suggestions: int
    auto_eligible: int
    auto_correct: int
    found: int
    break_items: int
    break_correct: int
    missed_by_kind: Counter = field(default_factory=Counter)
    wrong_auto: list = field(default_factory=list)
    confusion: Counter = field(default_factory=Counter)

    @property
    def precision_auto(self) -> float:
        return self.auto_correct / self.auto_eligible if self.auto_eligible else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.groups if self.groups else 1.0

    @property
    def false_auto_rate(self) -> float:
        return (self.auto_eligible - self.auto_correct) / self.n_bank if self.n_bank else 0.0

    @property
    def break_accuracy(self) -> float:
        return self.break_correct / self.break_items if self.break_items else 1.0

    @property
    def auto_coverage(self) -> float:
        return self.auto_correct / self.groups if self.groups else 0.0

    def lines(self) -> list[str]:
        return [
            f"bank lines {self.n_bank}, book items {self.n_book}, truth groups {self.groups}, "
            f"suggestions {self.suggestions}",
            f"precision among auto-eligible  {self.precision_auto:.4f}  ({self.auto_correct}/{self.auto_eligible})",
            f"recall (exact groups)          {self.recall:.4f}  ({self.found}/{self.groups})",
            f"false-auto-match rate          {self.false_auto_rate:.4f}  per bank line",
            f"auto coverage                  {self.auto_coverage:.4f}",
            f"break-class accuracy           {self.break_accuracy:.4f}  ({self.break_correct}/{self.break_items})",
            f"missed groups by kind          {dict(self.missed_by_kind)}",
            f"break confusion (label->got)   {dict(self.confusion.most_common(8))}",
        ]


def evaluate(lab: Labelled, result: MatchResult) -> Report:
    truth = lab.groups
    auto_el = auto_ok = found = 0
    found_keys = set()
    wrong = []
    for s in result.suggestions:
        key = (frozenset(s.bank_ids), frozenset(s.book_ids))
        ok = key in truth
        if ok:
            found += 1
            found_keys.add(key)
        if s.auto_eligible:
            auto_el += 1
            auto_ok += ok
            if not ok:
                wrong.append(s)
    missed = Counter(kind for key, kind in truth.items() if key not in found_keys)
    got = {(b.side, b.item_id): b.break_class for b in result.breaks}
    confusion = Counter()
    correct = 0
    for key, cls in lab.breaks.items():
        g = got.get(key, "matched")
        correct += g == cls
        if g != cls:
            confusion[f"{cls}->{g}"] += 1
    return Report(len(lab.bank_items), len(lab.book_items), len(truth), len(result.suggestions), auto_el,
                  auto_ok, found, len(lab.breaks), correct, missed, wrong, confusion)


def decisions(lab: Labelled, result: MatchResult) -> list:
    """Reviewer decisions: each 1:1 suggestion (approved when in the truth), plus, per suggestion,
    the look-alike a reviewer would have had to turn down — the book item of the same currency and
    direction with the nearest amount, scored against the same bank line (rejected)."""
    from bisect import bisect_left

    from breakdesk.agents.recon.engine import explain_pair
    from breakdesk.agents.recon.learning import Decision

    bank = {b.id: b for b in lab.bank_items}
    book = {b.id: b for b in lab.book_items}
    by_cd: dict[tuple, list] = {}
    for b in lab.book_items:
        by_cd.setdefault((b.currency, b.direction), []).append((b.amount, b.id))
    for v in by_cd.values():
        v.sort()
    out = []
    for s in result.suggestions:
        if s.features is None:
            continue
        key = (frozenset(s.bank_ids), frozenset(s.book_ids))
        out.append(Decision(s.features, key in lab.groups))
        b = bank[s.bank_ids[0]]
        rows = by_cd.get((b.currency, b.direction), [])
        i = bisect_left(rows, (b.amount, ""))
        for j in (i - 1, i + 1, i):
            if 0 <= j < len(rows) and rows[j][1] != s.book_ids[0]:
                alt = explain_pair(b, book[rows[j][1]])
                if alt is not None and alt.features is not None:
                    truth = (frozenset([b.id]), frozenset([rows[j][1]])) in lab.groups
                    out.append(Decision(alt.features, truth))
                break
    return out


def learn_and_backtest(n: int, train_seed: int, test_seed: int, threshold: float) -> list[str]:
    """Fit a scorer on one generated set's decisions, backtest it on another's."""
    from breakdesk.agents.recon.learning import backtest, fit

    train = label(generate(n, train_seed))
    model = fit(decisions(train, match(train.bank_items, train.book_items)))
    test = label(generate(n, test_seed))
    held_out = decisions(test, match(test.bank_items, test.book_items))
    fixed = sum(1 for d in held_out if d.approved)
    return [f"learned scorer {model.version} on {model.n_train} decisions ({model.positives} approved)",
            str(backtest(model, held_out, threshold)),
            f"held-out decisions: {len(held_out)} ({fixed} approved)"]


def run(n: int = 2000, seed: int = 7, config: MatchConfig | None = None) -> Report:
    lab = label(generate(n, seed))
    return evaluate(lab, match(lab.bank_items, lab.book_items, config))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m breakdesk.evals.recon.quality", description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2000, help="book items to generate")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--threshold", type=float, default=None, help="auto threshold (default: MatchConfig)")
    ap.add_argument("--learn", action="store_true", help="also fit a scorer (seed) and backtest it (seed+1)")
    args = ap.parse_args(argv)
    cfg = MatchConfig() if args.threshold is None else MatchConfig(auto_threshold=args.threshold)
    report = run(args.n, args.seed, cfg)
    print("\n".join(report.lines()))
    for s in report.wrong_auto[:5]:
        print("wrong auto:", s.bank_ids, s.book_ids, round(s.confidence, 3), [r.text for r in s.reasons])
    if args.learn:
        print("\n".join(learn_and_backtest(args.n, args.seed, args.seed + 1, cfg.auto_threshold)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
