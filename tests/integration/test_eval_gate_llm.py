"""The gate itself, with a real provider path: ChatOpenAI against the local OpenAI-compatible stub.

* The unchanged prompts (even copied to another folder: the version is the content hash) pass.
* A degraded prompt folder (no citation rule, no rule against inventing causes) fails: its hash is
  not approved, and the grounding guard's pass rate falls below its floor.
* A judge endpoint that answers with malformed output yields "not scored" and fails the gate.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from breakdesk.app.cli.main import cli
from breakdesk.app.settings import get_settings
from breakdesk.evals.gate import GateConfig, gate_suite
from breakdesk.evals.golden import DATASET_DIR
from breakdesk.evals.ragas_eval import JudgeConfig
from breakdesk.evals.runner import make_runtime, run_suite
from tests.support.eval_models import copy_prompts, degrade_prompts, obedient_model
from tests.support.openai_stub import OpenAIStub

pytestmark = pytest.mark.integration


#: The committed rules for what these tests exercise. The citation floors are left out: on a six-example
#: subset with a scripted model they measure the script, and the committed floors are exercised offline.
GATE_RULES = """
version = 1
[judge]
k = 2
sample_threshold = 0.5
[suites.cases.metrics]
diagnosis_accuracy = { floor = 0.95 }
citation_precision = { max_drop = 0.02 }
grounding_pass_rate = { floor = 0.8, max_drop = 0.05, ci_separation = true }
[suites.chat.metrics]
citation_precision = { max_drop = 0.02 }
grounding_pass_rate = { floor = 0.8, max_drop = 0.05, ci_separation = true }
"""


def _subset(tmp_path: Path, suite: str, n: int) -> Path:
    lines = (DATASET_DIR / f"{suite}.jsonl").read_text(encoding="utf-8").splitlines()
    if suite == "cases":  # one of each family the subset can afford, authored only (no corpus needed)
        picked, seen = [], set()
        for line in lines:
            row = json.loads(line)
            key = row["id"].rsplit("-", 1)[0]
            if row["source"] == "authored" and row["category"] != "reconciliation" and key not in seen:
                picked.append(line)
                seen.add(key)
        lines = picked
    path = tmp_path / f"{suite}.jsonl"
    path.write_text("\n".join(lines[:n]) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("BREAKDESK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'data' / 'evals.sqlite3'}")
    monkeypatch.setenv("BREAKDESK_BCRYPT_ROUNDS", "4")
    monkeypatch.setenv("BREAKDESK_LOGIN_THROTTLE_SECONDS", "0")  # the wrong guess below must not delay carl's own
    monkeypatch.delenv("BREAKDESK_PROMPT_DIR", raising=False)
    monkeypatch.delenv("BREAKDESK_JUDGE_BASE_URL", raising=False)
    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()


@pytest.mark.parametrize("suite, n", [("chat", 6), ("cases", 6)])
def test_degraded_prompt_fails_the_gate_unchanged_prompt_passes(env, tmp_path, suite, n):
    runner = CliRunner()
    dataset, baselines = _subset(tmp_path, suite, n), tmp_path / "baselines"
    with OpenAIStub(obedient_model) as stub:
        env.setenv("OPENAI_BASE_URL", stub.base_url)
        env.setenv("OPENAI_API_KEY", "test-key")
        env.setenv("BREAKDESK_MODEL", "stub-model")
        rules = tmp_path / "gate.toml"
        rules.write_text(GATE_RULES, encoding="utf-8")
        args = ["--provider", "openai", "--suite", suite, "--dataset", str(dataset), "--no-judge", "--gate-config", str(rules)]

        first = runner.invoke(cli, ["users", "add", "ada", "--role", "admin", "--password-stdin"], input="pw-ada-12345\n")
        assert first.exit_code == 0, first.output
        made = runner.invoke(cli, ["users", "add", "carl", "--role", "compliance", "--as", "ada", "--password-stdin"],
                             input="pw-ada-12345\npw-carl-1234\n")
        assert made.exit_code == 0, made.output
        card_file = tmp_path / "card.json"
        ran = runner.invoke(cli, ["evals", "run", *args, "--out", str(card_file)])
        assert ran.exit_code == 0, ran.output
        card = json.loads(card_file.read_text())
        grounding = card["metrics"]["grounding_pass_rate"]
        assert card["provider_label"] == "openai/stub-model" and grounding["n"] == n and grounding["value"] == 1.0
        assert card["llm_calls"]["total"] == n and stub.requests  # the real client path answered every example

        refused = runner.invoke(cli, ["evals", "approve", str(card["scorecard_id"]), "--as", "carl", "--reason", "first baseline",
                                      "--password-stdin", "--baseline-dir", str(baselines)], input="a guess\n")
        assert refused.exit_code != 0 and not (baselines / f"{suite}.json").exists()
        approved = runner.invoke(cli, ["evals", "approve", str(card["scorecard_id"]), "--as", "carl", "--reason", "first baseline",
                                       "--password-stdin", "--baseline-dir", str(baselines)], input="pw-carl-1234\n")
        assert approved.exit_code == 0, approved.output

        env.setenv("BREAKDESK_PROMPT_DIR", str(copy_prompts(tmp_path / "same-prompts")))
        same = runner.invoke(cli, ["evals", "gate", *args, "--baseline-dir", str(baselines)])
        assert same.exit_code == 0, same.output

        env.setenv("BREAKDESK_PROMPT_DIR", str(degrade_prompts(tmp_path / "degraded")))
        verdict_file = tmp_path / "verdict.json"
        stub.requests.clear()
        worse = runner.invoke(cli, ["evals", "gate", *args, "--baseline-dir", str(baselines), "--out", str(verdict_file)])
    assert worse.exit_code == 1, worse.output
    prompt = "chat_answer" if suite == "chat" else "explain_case"
    assert f"prompt {prompt} changed" in worse.output
    rows = {r["metric"]: r for r in json.loads(verdict_file.read_text())[0]["rows"]}
    assert rows["grounding_pass_rate"]["verdict"] in ("BELOW FLOOR", "REGRESSION") and rows["grounding_pass_rate"]["after"] == 0.0
    system_prompts = [r["body"]["messages"][0]["content"] for r in stub.requests]
    assert system_prompts and all("Always explain the likely cause" in s for s in system_prompts)
    assert "REGRESSION" in worse.output or "BELOW FLOOR" in worse.output


def test_malformed_judge_output_is_not_scored_and_fails_the_gate(tmp_path):
    dataset = _subset(tmp_path, "chat", 3)
    rt = make_runtime("none")
    baseline = run_suite("chat", rt, dataset_path=dataset)
    with OpenAIStub(lambda body: "Sure! I think the answer looks fine to me.") as judge_stub:
        judge = JudgeConfig(base_url=judge_stub.base_url, model="judge-stub", api_key="k", k=2, timeout_s=20)
        card = run_suite("chat", rt, dataset_path=dataset, judge=judge)
    assert judge_stub.requests, "the judge endpoint was never called"
    for name in ("judge_faithfulness", "judge_response_relevancy", "judge_context_precision"):
        m = card["metrics"][name]
        assert m["status"] == "not_scored" and m["value"] is None and m["unscored"] == 3, (name, m)
    verdict = gate_suite(card, baseline, GateConfig.load())
    assert verdict.status == "failed"
    assert {r.metric for r in verdict.rows if r.verdict == "NOT SCORED"} == {
        "judge_faithfulness", "judge_response_relevancy", "judge_context_precision"}


def test_well_formed_judge_is_scored_k_times_with_pass_k(tmp_path):
    from tests.support.eval_models import well_formed_judge

    dataset = _subset(tmp_path, "chat", 3)
    rt = make_runtime("none")
    with OpenAIStub(well_formed_judge) as judge_stub:
        judge = JudgeConfig(base_url=judge_stub.base_url, model="judge-stub", api_key="k", k=2, timeout_s=20)
        card = run_suite("chat", rt, dataset_path=dataset, judge=judge)
    faith = card["metrics"]["judge_faithfulness"]
    assert faith["status"] == "scored" and faith["value"] == 1.0 and faith["pass_k"] == 1.0 and faith["k"] == 2
    assert len(faith["run_means"]) == 2 and all(len(r["judge_faithfulness"]) == 2 for r in card["cases"])
    relevancy = card["metrics"]["judge_response_relevancy"]
    assert relevancy["status"] == "scored" and 0.0 < relevancy["value"] <= 1.0
    assert card["metrics"]["judge_context_precision"]["status"] == "scored"
    assert card["judge"] == judge.label
