"""Payments metrics over per-case results, each with its confidence interval.

Deterministic metrics come first (the gate rests on them): diagnosis accuracy, retry-class accuracy,
repair-kind accuracy, repair validity, citation precision and recall against the reference ids,
grounding-guard pass rate, and the matcher's false-auto-match rate. Ragas scores are added by
`evals.ragas_eval`. A metric with nothing to measure (e.g. the grounding guard when no model answered)
is `n/a`, never a free 100 %.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from breakdesk.agents.grounding import CITATION_RE
from breakdesk.evals.stats import Estimate, bootstrap_mean, wilson

#: Metrics where lower is better; every other metric is higher-is-better.
LOWER_IS_BETTER = frozenset({"false_auto_match_rate"})


def cited_ids(answer: str) -> list[str]:
    """The `[doc#anchor]` citations in an answer, by the grounding guard's own pattern, first mention first."""
    return list(dict.fromkeys(CITATION_RE.findall(answer or "")))


def precision_recall(got: Iterable[str], reference: Iterable[str]) -> tuple[float, float]:
    """Set precision and recall; citing nothing scores 0 on both when something should have been cited."""
    g, r = set(got), set(reference)
    if not r:
        return (1.0 if not g else 0.0), 1.0
    if not g:
        return 0.0, 0.0
    hit = len(g & r)
    return hit / len(g), hit / len(r)


def metric(est: Estimate, *, status: str | None = None, **extra: Any) -> dict[str, Any]:
    out = est.as_dict()
    out["status"] = status or ("scored" if est.n else "n/a")
    return {**out, **extra}


def rate(rows: Sequence[dict], test: Callable[[dict], bool | None]) -> dict[str, Any]:
    """Wilson rate of `test` over rows where it applies (None = does not apply)."""
    verdicts = [v for v in (test(r) for r in rows) if v is not None]
    return metric(wilson(sum(1 for v in verdicts if v), len(verdicts)))


def mean(rows: Sequence[dict], key: str) -> dict[str, Any]:
    values = [r[key] for r in rows if r.get(key) is not None]
    return metric(bootstrap_mean(values))


def case_metrics(rows: list[dict]) -> dict[str, dict[str, Any]]:
    """Rows are scored cases from `evals.runner` (every example of the dataset, detected or not)."""
    return {
        "diagnosis_accuracy": rate(rows, lambda r: r["diagnosis_correct"]),
        "retry_class_accuracy": rate(rows, lambda r: r["retry_correct"]),
        "repair_kind_accuracy": rate(rows, lambda r: r["repair_kind_correct"]),
        "repair_validity": rate(rows, lambda r: r["repair_valid"] if r.get("repair_has_message") else None),
        "citation_precision": mean(rows, "citation_precision"),
        "citation_recall": mean(rows, "citation_recall"),
        "grounding_pass_rate": rate(rows, lambda r: r["grounded"] if r.get("llm_answered") else None),
    }


def chat_metrics(rows: list[dict]) -> dict[str, dict[str, Any]]:
    return {
        "citation_precision": mean(rows, "citation_precision"),
        "citation_recall": mean(rows, "citation_recall"),
        "grounding_pass_rate": rate(rows, lambda r: r["grounded"] if r.get("llm_answered") else None),
    }


def false_auto_match_metric(report: dict[str, Any]) -> dict[str, Any]:
    return metric(wilson(report["wrong_auto"], report["bank_lines"]), generator=report.get("generator"))
