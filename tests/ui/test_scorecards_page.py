"""Scorecards page: runs per prompt/model version, trends, thresholds, drill-down, baseline approval."""

from sqlalchemy import select

from breakdesk.app.store.db import session_scope
from breakdesk.app.store.models import AuditRecord, Scorecard
from breakdesk.app.store.repositories.llm import add_scorecard
from tests.ui.conftest import open_app


def _seed(engine):
    with session_scope(engine) as s:
        for i, (acc, fmr, passed) in enumerate([(0.82, 0.02, True), (0.88, 0.01, True), (0.79, 0.04, False)]):
            add_scorecard(s, suite="diagnosis", model="smollm2-135m" if i < 2 else "gpt-x",
                          prompt_hashes={"explain_case": f"{i}abcdef0123"}, passed=passed,
                          payload={"metrics": {"diagnosis_accuracy": {"value": acc, "threshold": 0.8},
                                               "false_match_rate": {"value": fmr, "threshold": 0.03,
                                                                    "higher_is_better": False}},
                                   "cases": [{"case_id": "AC04-1", "passed": True, "diagnosis_accuracy": 1.0},
                                             {"case_id": "AM05-2", "passed": False, "diagnosis_accuracy": 0.0}]})
        return [c.id for c in s.execute(select(Scorecard).order_by(Scorecard.id)).scalars()]


def test_runs_trends_thresholds_and_drill_down(ui_env):
    ids = _seed(ui_env)
    at = open_app("views/scorecards.py", user="olivia")
    assert not at.exception
    runs = at.dataframe[0].value
    assert list(runs["id"]) == ids and list(runs["gate"]) == ["pass", "pass", "FAIL"]
    assert set(runs["model"]) == {"smollm2-135m", "gpt-x"} and runs["prompt version"].iloc[0] == "explain_case@0abcdef0"
    assert at.get("arrow_line_chart") or at.get("vega_lite_chart")  # the metric trends
    metrics = next(df.value for df in at.dataframe if "metric" in df.value.columns)  # newest run first
    assert dict(zip(metrics["metric"], metrics["result"])) == {"diagnosis_accuracy": "FAIL", "false_match_rate": "FAIL"}
    assert any("FAILED" in e.value for e in at.error)
    at.checkbox(key="sc_failed").check().run()
    cases = next(df.value for df in at.dataframe if "case_id" in df.value.columns)
    assert list(cases["case_id"]) == ["AM05-2"]
    at.selectbox(key="sc_run").select(ids[1]).run()
    metrics = next(df.value for df in at.dataframe if "metric" in df.value.columns)
    assert list(metrics["result"]) == ["pass", "pass"]
    # ops reads, but only compliance or an admin approves a baseline
    assert not [b for b in at.button if b.key == "sc_approve"]


def test_compliance_approves_a_new_baseline(ui_env):
    ids = _seed(ui_env)
    at = open_app("views/scorecards.py", user="chloe")
    at.selectbox(key="sc_run").select(ids[1]).run()
    at.text_input(key="sc_reason").input("better accuracy, same false-match rate")
    at.button(key="sc_approve").click().run()
    assert not at.exception and not at.error
    with session_scope(ui_env) as s:
        card = s.get(Scorecard, ids[1])
        assert card.approved_by == "chloe"
        rec = s.execute(select(AuditRecord).where(AuditRecord.action == "scorecard.approve")).scalar_one()
        assert rec.actor == "chloe" and rec.object_id == str(ids[1]) and rec.reason.startswith("better accuracy")
    assert any(f"run #{ids[1]} approved by chloe" in m.value for m in at.markdown)


def test_a_failed_run_needs_a_reason_and_an_explicit_acceptance(ui_env):
    ids = _seed(ui_env)
    at = open_app("views/scorecards.py", user="chloe")
    at.selectbox(key="sc_run").select(ids[2]).run()  # the run its gate failed
    assert any("FAILED its gate" in w.value for w in at.warning)
    at.button(key="sc_approve").click().run()
    assert any("needs a reason" in e.value for e in at.error)
    at.text_input(key="sc_reason").input("accepting the lower accuracy for the new model").run()
    at.button(key="sc_approve").click().run()
    assert any("FAILED its gate" in e.value and "--accept-failed" in e.value for e in at.error)
    at.checkbox(key="sc_accept_failed").check().run()
    at.button(key="sc_approve").click().run()
    with session_scope(ui_env) as s:
        assert s.get(Scorecard, ids[2]).approved_by == "chloe"
        rec = s.execute(select(AuditRecord).where(AuditRecord.action == "scorecard.approve")).scalar_one()
        assert rec.after["accepted_failed"] is True and rec.reason.startswith("accepting")


def test_an_eval_run_shows_gate_floors_and_its_approval_writes_the_baseline(ui_env, monkeypatch, tmp_path):
    import json

    import breakdesk.evals.scorecard
    from tests.ui.conftest import APP

    baseline = json.loads((APP.parents[2] / "evals" / "baselines" / "cases.json").read_text())
    card = {k: v for k, v in baseline.items() if k != "approval"} | {"status": "scored"}
    with session_scope(ui_env) as s:
        row = breakdesk.evals.scorecard.store(s, card)
        card_id = row.id
    monkeypatch.setenv("BREAKDESK_BASELINE_DIR", str(tmp_path / "baselines"))  # never touch the committed file

    at = open_app("views/scorecards.py", user="chloe")
    at.selectbox(key="sc_suite").select("cases").run()
    metrics = next(df.value for df in at.dataframe if "metric" in df.value.columns).set_index("metric")
    assert metrics.loc["diagnosis_accuracy", "threshold"] == 0.95  # the floor in evals/gate.toml
    assert metrics.loc["diagnosis_accuracy", "result"] == "pass" and metrics.loc["diagnosis_accuracy", "ci"]
    assert metrics.loc["grounding_pass_rate", "result"] == "n/a"
    at.text_input(key="sc_reason").input("first UI-approved baseline")
    at.button(key="sc_approve").click().run()
    assert not at.error, [e.value for e in at.error]
    written = json.loads((tmp_path / "baselines" / "cases.json").read_text())
    assert written["approval"] == {**written["approval"], "scorecard_id": card_id, "approved_by": "chloe",
                                   "reason": "first UI-approved baseline"}
    with session_scope(ui_env) as s:
        assert s.execute(select(AuditRecord.actor).where(AuditRecord.action == "scorecard.approve")).scalar_one() == "chloe"


def test_a_fresh_start_shows_the_approved_baselines(ui_env):
    at = open_app("views/scorecards.py", user="chloe")
    assert any("No evaluation runs in this database yet" in i.value for i in at.info)
    text = " ".join(m.value for m in at.markdown)
    assert "**cases** baseline: approved by" in text and "**chat** baseline" in text
    shipped = {df.value.columns[0]: df.value for df in at.dataframe}
    assert "metric" in shipped and len(shipped["metric"]) > 3


def test_two_runs_compare_as_the_gate_judges_them_and_a_failed_run_says_why(ui_env):
    first, second, third = _seed(ui_env)
    at = open_app("views/scorecards.py", user="chloe")
    at.selectbox(key="sc_suite").select("diagnosis").run()
    at.selectbox(key="sc_run").select(third).run()
    at.selectbox(key="sc_cmp_a").select(second).run()
    table = next(df.value for df in at.dataframe if "verdict" in df.value.columns and df.value is not None
                 and set(df.value["metric"]) >= {"diagnosis_accuracy"})
    rows = table.set_index("metric")
    assert rows.loc["diagnosis_accuracy", "verdict"] == "REGRESSION"
    assert (rows.loc["diagnosis_accuracy", "before"], rows.loc["diagnosis_accuracy", "after"]) == (0.88, 0.79)
    assert rows.loc["false_match_rate", "verdict"] == "REGRESSION"
    assert any("prompt explain_case changed" in m.value for m in at.markdown)
    assert any("it would FAIL" in c.value for c in at.caption)
    assert any("Why the gate failed" in m.value for m in at.markdown)  # the cause, not only "FAILED"
    assert any("no approved baseline for suite diagnosis" in m.value for m in at.markdown)
    assert not at.exception


def test_compliance_runs_the_offline_evaluation_in_the_background_from_a_fresh_start(ui_env):
    import time

    from breakdesk.app.services import evaluations

    at = open_app("views/scorecards.py", user="chloe")
    at.button(key="sc_run_eval").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    job_id = at.session_state["eval_job"]  # the page answered; the run goes on in a thread of the server
    assert evaluations.job(job_id).user == "chloe"
    deadline = time.monotonic() + 300
    while not evaluations.job(job_id).done and time.monotonic() < deadline:
        time.sleep(0.5)
    assert evaluations.job(job_id).error is None
    at.run()
    assert any("Evaluation stored as scorecard(s)" in m.value for m in at.success)
    with session_scope(ui_env) as s:
        suites = set(s.execute(select(Scorecard.suite)).scalars())
    assert suites == {"cases", "chat"}
    assert at.selectbox(key="sc_suite").options == ["cases", "chat"]
    assert not [b for b in open_app("views/scorecards.py", user="olivia").button if b.key == "sc_run_eval"]
