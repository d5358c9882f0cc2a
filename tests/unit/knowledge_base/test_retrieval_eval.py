from __future__ import annotations

import json
from pathlib import Path

import pytest

from breakdesk.evals.retrieval_eval import EvalCase, evaluate, format_report, load_dataset, score_case


def test_recall_and_reciprocal_rank() -> None:
    case = EvalCase("1", "q", ("a#x", "b#y"))
    result = score_case(case, ["c#z", "a#x", "d", "e", "f", "b#y"], k=5)
    assert result.recall == 0.5 and result.reciprocal_rank == 0.5
    assert score_case(case, ["q"] * 5, k=5).reciprocal_rank == 0.0


def test_evaluate_averages_and_lists_misses() -> None:
    cases = [EvalCase("1", "alpha", ("a",)), EvalCase("2", "beta", ("b",), {"scheme": "nacha"})]
    seen = []

    def search(query: str, k: int, filters: dict) -> list[str]:
        seen.append((query, k, filters))
        return ["a", "x"] if query == "alpha" else ["x", "y", "z", "w", "v", "b"]

    report = evaluate(search, cases, k=5)
    assert report.recall_at_k == 0.5 and report.mrr == 0.5 and report.hit_rate == 0.5
    assert [m.case.id for m in report.misses] == ["2"]
    assert seen[1] == ("beta", 5, {"scheme": "nacha"})
    text = format_report(report)
    assert "recall@5: 0.500" in text and "MRR@5: 0.500" in text and "[2] beta" in text


def test_load_dataset_accepts_common_keys(tmp_path: Path) -> None:
    path = tmp_path / "set.jsonl"
    rows = [{"id": "q1", "question": "What is AC04?", "expected_citation_ids": ["iso#ac04"]},
            {"query": "R01", "expected": "nacha#r01", "filters": {"scheme": "nacha"}}]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n")
    cases = load_dataset(path)
    assert cases[0] == EvalCase("q1", "What is AC04?", ("iso#ac04",))
    assert cases[1].expected == ("nacha#r01",) and cases[1].id == "2" and cases[1].filters == {"scheme": "nacha"}


def test_load_dataset_names_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "set.jsonl"
    path.write_text('{"query": "ok", "expected": ["a"]}\n{"query": "no answer"}\n')
    with pytest.raises(ValueError, match=r"set.jsonl:2"):
        load_dataset(path)
