"""The eval gate: the current prompts and model against the approved baseline, under `evals/gate.toml`.

A suite fails when
* there is no approved baseline for it;
* a prompt file's hash, the provider/model, the retriever or the dataset differs from the baseline's
  (the numbers would not be comparable; compliance must approve a scorecard of the new version);
* a metric is below its floor (above its ceiling for lower-is-better metrics);
* a metric dropped by more than its `max_drop` — and, for metrics marked `ci_separation` (noisy,
  LLM-judged ones), only when the baseline value lies outside the current confidence interval;
* an LLM-judged metric is "not_scored" (the judge's output was unusable) or its pass^k is below
  `min_pass_k`. Not scored is a failure, never a silent pass;
* the run produced no scores for the suite (its scorecard status is not "scored");
* the run and the baseline scored different examples (e.g. a baseline approved from a partial run);
* a metric the baseline has is missing from this run.

Nothing is skipped. Every module the evaluation needs is imported unguarded (`evals.pipeline`) and a
golden example whose input file is absent is an error (`evals.runner.require_inputs`), so a missing or
broken piece raises before any verdict and fails `breakdesk evals gate`. Two verdicts pass
without a comparison, both for a product reason: `new` (the baseline has no value for the metric yet)
and `n/a` (nothing to measure in this run, e.g. the grounding guard when no model answered). The
LLM-judged metrics are scored only when a judge is configured (BREAKDESK_JUDGE_BASE_URL and
BREAKDESK_JUDGE_MODEL): that is an explicit choice, and a baseline that has judge metrics fails a run
without a judge as MISSING.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

GATE_FILE = Path(__file__).resolve().parent / "gate.toml"
EPS = 1e-9


@dataclass(frozen=True)
class MetricRule:
    floor: float | None = None
    ceiling: float | None = None
    max_drop: float = 0.0
    ci_separation: bool = False
    min_pass_k: float | None = None


@dataclass(frozen=True)
class GateConfig:
    version: int
    rules: dict[str, dict[str, MetricRule]]
    judge: dict[str, Any]
    path: Path

    @classmethod
    def load(cls, path: Path | None = None) -> GateConfig:
        path = Path(path or GATE_FILE)
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        defaults = raw.get("defaults", {})
        rules = {suite: {name: MetricRule(**{**defaults, **spec}) for name, spec in body.get("metrics", {}).items()}
                 for suite, body in raw.get("suites", {}).items()}
        return cls(version=int(raw.get("version", 1)), rules=rules, judge=raw.get("judge", {}), path=path)

    def rule(self, suite: str, metric: str) -> MetricRule:
        return self.rules.get(suite, {}).get(metric) or MetricRule()


@dataclass
class Row:
    metric: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    verdict: str  # ok | REGRESSION | BELOW FLOOR | ABOVE CEILING | NOT SCORED | PASS^K LOW | MISSING | new | n/a
    detail: str = ""

    @property
    def failed(self) -> bool:
        return self.verdict in ("REGRESSION", "BELOW FLOOR", "ABOVE CEILING", "NOT SCORED", "PASS^K LOW", "MISSING")


@dataclass
class SuiteVerdict:
    suite: str
    status: str  # passed | failed
    problems: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.status != "failed"

    def as_dict(self) -> dict[str, Any]:
        return {"suite": self.suite, "status": self.status, "problems": self.problems, "notes": self.notes,
                "rows": [{"metric": r.metric, "verdict": r.verdict, "detail": r.detail,
                          "before": (r.before or {}).get("value"), "after": (r.after or {}).get("value")} for r in self.rows]}


def _identity_problems(current: dict, baseline: dict) -> list[str]:
    problems = []
    before, after = baseline.get("prompt_hashes", {}), current.get("prompt_hashes", {})
    for name in sorted(set(before) | set(after)):
        if before.get(name) != after.get(name):
            problems.append(f"prompt {name} changed (approved {before.get(name) or '-'}, now {after.get(name) or '-'}): "
                            "compliance must approve a scorecard for it (breakdesk evals run, then evals approve)")
    for key, label in (("provider_label", "model"), ("retriever", "retriever"), ("judge", "judge")):
        if key == "judge" and not (baseline.get(key) and current.get(key)):
            continue  # judge metrics present on one side only are checked as new (floors, pass^k, not scored)
        if baseline.get(key) != current.get(key):
            problems.append(f"{label} changed (approved {baseline.get(key)}, now {current.get(key)})")
    if baseline.get("dataset", {}).get("sha256") != current.get("dataset", {}).get("sha256"):
        problems.append(f"dataset changed (approved {baseline.get('dataset', {}).get('version')}, "
                        f"now {current.get('dataset', {}).get('version')}): scores are not comparable")
    return problems


def _judge_rows(name: str, after: dict, rule: MetricRule) -> Row | None:
    if after.get("source") != "ragas-judge":
        return None
    if after.get("status") == "not_scored":
        return Row(name, None, after, "NOT SCORED", after.get("reason", "the judge gave no usable score"))
    if rule.min_pass_k is not None and (after.get("pass_k") or 0.0) + EPS < rule.min_pass_k:
        return Row(name, None, after, "PASS^K LOW", f"pass^{after.get('k')} {after.get('pass_k'):.3f} < {rule.min_pass_k}")
    return None


def compare_metric(suite: str, name: str, before: dict | None, after: dict | None, rule: MetricRule) -> Row:
    if after is None:
        return Row(name, before, None, "MISSING", "the baseline has it, this run did not produce it")
    judged = _judge_rows(name, after, rule)
    if judged:
        judged.before = before
        return judged
    value = after.get("value")
    if value is None or after.get("status") == "n/a":
        return Row(name, before, after, "n/a", "nothing to measure in this run")
    if after.get("status") == "not_scored":
        return Row(name, before, after, "NOT SCORED", after.get("reason", f"{after.get('unscored')} sample(s) unscored"))
    higher = after.get("higher_is_better", True)
    if higher and rule.floor is not None and value + EPS < rule.floor:
        return Row(name, before, after, "BELOW FLOOR", f"{value:.3f} < floor {rule.floor}")
    if not higher and rule.ceiling is not None and value - EPS > rule.ceiling:
        return Row(name, before, after, "ABOVE CEILING", f"{value:.4f} > ceiling {rule.ceiling}")
    if before is None or before.get("value") is None:
        return Row(name, before, after, "new", "no baseline value")
    old = before["value"]
    worse_by = (old - value) if higher else (value - old)
    if worse_by > rule.max_drop + EPS:
        if rule.ci_separation:
            lo, hi = after.get("ci_low"), after.get("ci_high")
            outside = (hi is not None and old > hi + EPS) if higher else (lo is not None and old < lo - EPS)
            if not outside:
                return Row(name, before, after, "ok", f"worse by {worse_by:.3f}, within the confidence interval (noise)")
        return Row(name, before, after, "REGRESSION", f"worse by {worse_by:.3f} (allowed {rule.max_drop})")
    return Row(name, before, after, "ok", "")


def gate_suite(current: dict[str, Any], baseline: dict[str, Any] | None, config: GateConfig) -> SuiteVerdict:
    suite = current["suite"]
    verdict = SuiteVerdict(suite, "passed", notes=list(current.get("notes", [])))
    if current.get("status") != "scored":
        reasons = sorted({s["reason"] for s in current.get("skipped", [])})
        verdict.status = "failed"
        verdict.problems.append(f"suite {suite} has no scores (status {current.get('status')}): "
                                + ("; ".join(reasons[:2]) or "no example ran"))
        return verdict
    if baseline is None:
        verdict.status = "failed"
        verdict.problems.append(f"no approved baseline for suite {suite} (evals/baselines/{suite}.json): "
                                "run `breakdesk evals run`, then compliance runs `breakdesk evals approve`")
        verdict.rows = [compare_metric(suite, n, None, a, config.rule(suite, n)) for n, a in current["metrics"].items()]
        return verdict
    verdict.problems += _identity_problems(current, baseline)
    ids_now = {r["id"] for r in current.get("cases", [])}
    ids_then = {r["id"] for r in baseline.get("cases", [])}
    if ids_now != ids_then:
        only_then, only_now = sorted(ids_then - ids_now), sorted(ids_now - ids_then)
        verdict.problems.append(f"the run and the baseline scored different examples ({len(only_then)} only in the baseline"
                                f"{', e.g. ' + only_then[0] if only_then else ''}; {len(only_now)} only now"
                                f"{', e.g. ' + only_now[0] if only_now else ''}): a scorecard of every example must be approved")
    names = list(dict.fromkeys(list(baseline.get("metrics", {})) + list(current["metrics"])))
    for name in names:
        before, after = baseline.get("metrics", {}).get(name), current["metrics"].get(name)
        verdict.rows.append(compare_metric(suite, name, before, after, config.rule(suite, name)))
    if verdict.problems or any(r.failed for r in verdict.rows):
        verdict.status = "failed"
    return verdict


def _fmt(m: dict | None) -> str:
    if not m or m.get("value") is None:
        return "-"
    v = m["value"]
    ci = f" [{m['ci_low']:.3f}, {m['ci_high']:.3f}]" if m.get("ci_low") is not None else ""
    extra = f" pass^{m['k']}={m['pass_k']:.2f}" if m.get("pass_k") is not None else ""
    return f"{v:.3f}{ci}{extra}"


def format_table(verdict: SuiteVerdict) -> str:
    lines = [f"== suite {verdict.suite}: {verdict.status.upper()}"]
    lines += [f"   ! {p}" for p in verdict.problems]
    lines += [f"   - {n}" for n in verdict.notes]
    if verdict.rows:
        w = max(len(r.metric) for r in verdict.rows)
        lines.append(f"   {'metric':<{w}}  {'before (approved)':<28} {'after (now)':<28} verdict")
        for r in verdict.rows:
            lines.append(f"   {r.metric:<{w}}  {_fmt(r.before):<28} {_fmt(r.after):<28} {r.verdict}"
                         + (f"  ({r.detail})" if r.detail else ""))
    return "\n".join(lines)
