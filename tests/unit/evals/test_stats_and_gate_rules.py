"""Confidence intervals and the gate's rules, on small hand-made scorecards."""

import copy

import pytest

from breakdesk.evals.gate import GateConfig, MetricRule, compare_metric, format_table, gate_suite
from breakdesk.evals.metrics import cited_ids, precision_recall
from breakdesk.evals.stats import bootstrap_mean, estimate, wilson


def test_wilson_stays_inside_zero_one_and_is_not_a_point_at_the_edges():
    perfect = wilson(40, 40)
    assert perfect.value == 1.0 and 0.9 < perfect.low < 1.0 and perfect.high == 1.0
    assert wilson(0, 10).high == pytest.approx(0.2775, abs=1e-4)
    assert wilson(0, 0).value is None


def test_bootstrap_is_seeded_so_the_same_results_give_the_same_interval():
    values = [0.2, 0.9, 0.5, 0.7, 1.0, 0.0, 0.4] * 5
    a, b = bootstrap_mean(values), bootstrap_mean(values)
    assert (a.low, a.high) == (b.low, b.high) and a.low < a.value < a.high
    assert estimate([True, False, True]).method == "wilson" and estimate([0.5, 1.0]).method == "bootstrap"


def test_citation_precision_recall():
    assert cited_ids("AC04 closed [iso-status-reason-codes#ac04] see [sop-x#step-1] [iso-status-reason-codes#ac04]") == [
        "iso-status-reason-codes#ac04", "sop-x#step-1"]
    assert precision_recall(["a", "b"], ["a"]) == (0.5, 1.0)
    assert precision_recall([], ["a"]) == (0.0, 0.0)


def _m(value, lo=None, hi=None, **kw):
    return {"value": value, "ci_low": lo if lo is not None else value, "ci_high": hi if hi is not None else value, "n": 50,
            "status": "scored", "higher_is_better": True, **kw}


BASE = {"suite": "cases", "status": "scored", "prompt_hashes": {"explain_case": "aaa", "chat_answer": "bbb"},
        "provider_label": "none", "retriever": "lexical-bm25", "judge": None,
        "dataset": {"sha256": "d" * 64, "version": "cases@dddddddddddd"}, "skipped": [], "notes": [],
        "metrics": {"diagnosis_accuracy": _m(1.0, 0.95, 1.0), "citation_precision": _m(0.9, 0.85, 0.95)}}
CONFIG = GateConfig(version=1, rules={"cases": {"diagnosis_accuracy": MetricRule(floor=0.95),
                                                "citation_precision": MetricRule(floor=0.8, max_drop=0.02),
                                                "judge_faithfulness": MetricRule(floor=0.6, max_drop=0.05, ci_separation=True,
                                                                                 min_pass_k=0.5)}},
                    judge={}, path=None)


def test_identical_run_passes_and_prints_a_before_after_table():
    v = gate_suite(copy.deepcopy(BASE), BASE, CONFIG)
    assert v.status == "passed"
    table = format_table(v)
    assert "before (approved)" in table and "diagnosis_accuracy" in table and "1.000 [0.950, 1.000]" in table


def test_a_changed_prompt_fails_until_approved_even_with_equal_scores():
    cur = copy.deepcopy(BASE)
    cur["prompt_hashes"]["explain_case"] = "ccc"
    v = gate_suite(cur, BASE, CONFIG)
    assert v.status == "failed" and any("prompt explain_case changed" in p for p in v.problems)


def test_no_baseline_fails_and_model_or_dataset_change_fails():
    assert gate_suite(copy.deepcopy(BASE), None, CONFIG).status == "failed"
    for key, value in (("provider_label", "openai/gpt-4o-mini"), ("dataset", {"sha256": "e" * 64, "version": "x"})):
        cur = copy.deepcopy(BASE)
        cur[key] = value
        assert gate_suite(cur, BASE, CONFIG).status == "failed"


def test_drop_beyond_max_drop_is_a_regression_and_floor_is_absolute():
    rule = CONFIG.rule("cases", "citation_precision")
    assert compare_metric("cases", "citation_precision", _m(0.9), _m(0.89), rule).verdict == "ok"
    assert compare_metric("cases", "citation_precision", _m(0.9), _m(0.85), rule).verdict == "REGRESSION"
    assert compare_metric("cases", "citation_precision", None, _m(0.7), rule).verdict == "BELOW FLOOR"
    lower = {**_m(0.004), "higher_is_better": False}
    assert compare_metric("cases", "false_auto_match_rate", {**_m(0.001), "higher_is_better": False}, lower,
                          MetricRule(ceiling=0.01, max_drop=0.002)).verdict == "REGRESSION"


def test_noisy_metric_drop_inside_the_interval_is_noise_outside_is_regression():
    rule = CONFIG.rule("cases", "judge_faithfulness")
    before = _m(0.80, source="ragas-judge", pass_k=0.9, k=3)
    inside = _m(0.72, 0.60, 0.85, source="ragas-judge", pass_k=0.9, k=3)
    outside = _m(0.70, 0.65, 0.75, source="ragas-judge", pass_k=0.9, k=3)
    assert compare_metric("cases", "judge_faithfulness", before, inside, rule).verdict == "ok"
    assert compare_metric("cases", "judge_faithfulness", before, outside, rule).verdict == "REGRESSION"


def test_judge_not_scored_or_low_pass_k_never_passes():
    rule = CONFIG.rule("cases", "judge_faithfulness")
    not_scored = {**_m(None), "status": "not_scored", "source": "ragas-judge", "reason": "malformed"}
    assert compare_metric("cases", "judge_faithfulness", _m(0.8), not_scored, rule).verdict == "NOT SCORED"
    flaky = _m(0.8, 0.7, 0.9, source="ragas-judge", pass_k=0.3, k=3)
    assert compare_metric("cases", "judge_faithfulness", _m(0.8), flaky, rule).verdict == "PASS^K LOW"
    cur = copy.deepcopy(BASE)
    cur["metrics"]["judge_faithfulness"] = not_scored
    assert gate_suite(cur, BASE, CONFIG).status == "failed"


def test_a_vanished_metric_fails_even_when_the_run_calls_it_unmeasurable():
    cur = copy.deepcopy(BASE)
    del cur["metrics"]["citation_precision"]
    assert gate_suite(cur, BASE, CONFIG).status == "failed"
    cur["unavailable_metrics"] = ["citation_precision"]  # an old scorecard's excuse no longer counts
    v = gate_suite(cur, BASE, CONFIG)
    assert v.status == "failed" and [r.verdict for r in v.rows if r.metric == "citation_precision"] == ["MISSING"]


def test_a_suite_without_scores_fails_instead_of_being_skipped():
    v = gate_suite({**BASE, "status": "unavailable", "skipped": [{"id": "x", "reason": "parsers"}]}, BASE, CONFIG)
    assert v.status == "failed" and not v.passed
    assert v.problems == ["suite cases has no scores (status unavailable): parsers"]


def test_runs_that_scored_different_examples_fail():
    base = {**copy.deepcopy(BASE), "cases": [{"id": "a"}, {"id": "b"}, {"id": "c"}]}
    cur = {**copy.deepcopy(BASE), "cases": [{"id": "a"}, {"id": "b"}]}
    v = gate_suite(cur, base, CONFIG)
    assert v.status == "failed" and any("scored different examples (1 only in the baseline, e.g. c; 0 only now)" in p
                                        for p in v.problems)
    assert gate_suite(copy.deepcopy(base), base, CONFIG).status == "passed"


def test_committed_gate_config_loads():
    cfg = GateConfig.load()
    assert cfg.version >= 1 and cfg.judge["k"] >= 2
    assert cfg.rule("cases", "diagnosis_accuracy").floor >= 0.9
    assert cfg.rule("cases", "judge_faithfulness").ci_separation
