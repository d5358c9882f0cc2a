"""Retrieval quality on a labelled question set: recall@k and MRR over citation ids.

A case is one JSON line with the question (`query` or `question`) and the passage(s) that answer it
(`expected`, `expected_citation_ids`, `citation_ids`, `relevant` ... a string or a list), optionally
`filters` (`{"scheme": ..., "kind": ...}`) and an `id`. recall@k is the share of a case's expected
passages found in the top k, averaged over cases; MRR uses the rank of the first expected passage in
the top k (0 when none is there). Both are pure functions of the rankings, so they are tested without
a model.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_DATASET = Path(__file__).resolve().parent / "datasets" / "kb_retrieval.jsonl"
QUERY_KEYS = ("query", "question")
EXPECTED_KEYS = ("expected", "expected_citation_ids", "expected_citations", "citation_ids", "relevant",
                 "relevant_ids", "gold", "citations")

Search = Callable[[str, int, dict[str, Any]], Sequence[str]]  # (query, k, filters) -> ranked citation ids


@dataclass(frozen=True)
class EvalCase:
    id: str
    query: str
    expected: tuple[str, ...]
    filters: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CaseResult:
    case: EvalCase
    ranked: tuple[str, ...]
    recall: float
    reciprocal_rank: float


@dataclass(frozen=True)
class EvalReport:
    k: int
    results: tuple[CaseResult, ...]

    @property
    def recall_at_k(self) -> float:
        return sum(r.recall for r in self.results) / len(self.results) if self.results else 0.0

    @property
    def hit_rate(self) -> float:
        """Share of cases with at least one expected passage in the top k (any-of reading)."""
        return sum(r.reciprocal_rank > 0 for r in self.results) / len(self.results) if self.results else 0.0

    @property
    def mrr(self) -> float:
        return sum(r.reciprocal_rank for r in self.results) / len(self.results) if self.results else 0.0

    @property
    def misses(self) -> list[CaseResult]:
        """Cases with an expected passage outside the top k."""
        return [r for r in self.results if r.recall < 1.0]


def _first(row: dict[str, Any], keys: Iterable[str]) -> Any:
    return next((row[k] for k in keys if row.get(k) not in (None, "", [])), None)


def load_dataset(path: Path | str = DEFAULT_DATASET) -> list[EvalCase]:
    """Read the JSONL set; a malformed line is an error naming the file and line."""
    path = Path(path)
    cases = []
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{lineno}: not JSON ({exc.msg})") from exc
            query, expected = _first(row, QUERY_KEYS), _first(row, EXPECTED_KEYS)
            if not query or not expected:
                raise ValueError(f"{path}:{lineno}: needs a query ({'/'.join(QUERY_KEYS)}) and expected citation ids")
            expected = (expected,) if isinstance(expected, str) else tuple(str(e) for e in expected)
            cases.append(EvalCase(id=str(row.get("id", lineno)), query=str(query), expected=expected,
                                  filters=dict(row.get("filters") or {})))
    return cases


def score_case(case: EvalCase, ranked: Sequence[str], k: int) -> CaseResult:
    top = list(ranked[:k])
    expected = set(case.expected)
    recall = len(expected.intersection(top)) / len(expected)
    rr = next((1.0 / (i + 1) for i, cid in enumerate(top) if cid in expected), 0.0)
    return CaseResult(case, tuple(top), recall, rr)


def evaluate(search: Search, cases: Sequence[EvalCase], k: int = 5) -> EvalReport:
    return EvalReport(k, tuple(score_case(c, search(c.query, k, c.filters), k) for c in cases))


def format_report(report: EvalReport, *, show_misses: bool = True) -> str:
    lines = [f"cases: {len(report.results)}", f"recall@{report.k}: {report.recall_at_k:.3f}",
             f"MRR@{report.k}: {report.mrr:.3f}", f"hit@{report.k}: {report.hit_rate:.3f}"]
    if show_misses and report.misses:
        lines.append(f"misses ({len(report.misses)}):")
        for r in report.misses:
            lines.append(f"  [{r.case.id}] {r.case.query}")
            lines.append(f"      expected: {', '.join(r.case.expected)}")
            lines.append(f"      got:      {', '.join(r.ranked) or '(nothing)'}")
    return "\n".join(lines)
