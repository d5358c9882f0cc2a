"""Quality of the matcher on generated, labelled data.

    python -m evals.recon.quality [--n 2000] [--seed 7] [--threshold 0.9]

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

from agents.recon import MatchConfig, MatchResult, bank_items_from_messages, book_items_from_ledger_csv, match
from agents.recon.items import BankItem, BookItem
from evals.recon.generator import Dataset, generate


@dataclass
class Labelled:
    bank_items: list[BankItem]
    book_items: list[BookItem]
    groups: dict[tuple[frozenset, frozenset], str]  # (bank ids, book ids) -> kind
    breaks: dict[tuple[str, str], str]  # (side, id) -> break class


def label(ds: Dataset) -> Labelled:
    """Build the items through the real builders and attach the truth to their ids."""
    bank_items = bank_items_from_messages(ds.bank_messages())
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


def run(n: int = 2000, seed: int = 7, config: MatchConfig | None = None) -> Report:
    lab = label(generate(n, seed))
    return evaluate(lab, match(lab.bank_items, lab.book_items, config))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.recon.quality", description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2000, help="book items to generate")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--threshold", type=float, default=None, help="auto threshold (default: MatchConfig)")
    args = ap.parse_args(argv)
    cfg = MatchConfig() if args.threshold is None else MatchConfig(auto_threshold=args.threshold)
    report = run(args.n, args.seed, cfg)
    print("\n".join(report.lines()))
    for s in report.wrong_auto[:5]:
        print("wrong auto:", s.bank_ids, s.book_ids, round(s.confidence, 3), [r.text for r in s.reasons])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
