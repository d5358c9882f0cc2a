"""Scorecards: evaluation runs per prompt and model version, metric trends, pass/fail against thresholds,
per-case drill-down, and the compliance approval of a new baseline (app.services.scorecards)."""

import pandas as pd
import streamlit as st

from breakdesk.app.services import queries, scorecards
from breakdesk.app.ui import state

user = state.require("scorecard.read")
st.header("Scorecards")
state.flash()

with state.reading() as s:
    suites = queries.scorecard_suites(s)
def _run_offline_button() -> None:
    """Compliance (or an admin) scores the suites offline from here, in the background (`breakdesk evals run`
    is the same scoring); the page keeps answering and shows how far the run got."""
    from breakdesk.app.services import evaluations
    from breakdesk.app.store.db import get_engine

    if not state.can("eval.run"):
        return
    running = evaluations.job(st.session_state.get("eval_job"))
    if st.button("Run evaluation (offline: deterministic layer, lexical retriever)", key="sc_run_eval",
                 icon=":material/play_arrow:", disabled=running is not None and not running.done):
        started = state.run_service(lambda s: evaluations.start_offline(get_engine(), user=user["username"]))
        if started is not None:
            st.session_state["eval_job"] = started.id
    _eval_progress()


@st.fragment(run_every=1.0)
def _eval_progress() -> None:
    from breakdesk.app.services import evaluations

    running = evaluations.job(st.session_state.get("eval_job"))
    if running is None:
        return
    if not running.done:
        st.progress(min(max(running.fraction, 0.0), 1.0), text=f"Evaluation running: {running.text}")
        return
    st.session_state.pop("eval_job", None)
    if running.error:
        st.session_state["_action_error"] = f"The evaluation failed: {running.error}"
    else:
        st.session_state["_flash"] = ("Evaluation stored as scorecard(s) "
                                      f"{', '.join(f'#{i}' for i in running.scorecard_ids)}.")
    st.rerun(scope="app")


if not suites:
    _run_offline_button()
    st.info("No evaluation runs in this database yet. `breakdesk evals run` scores the cases and chat suites and "
            "stores a scorecard here; below are the approved baselines the gate holds every run to.")
    for base in scorecards.shipped_baselines():
        st.markdown(f"**{base['suite']}** baseline: approved by {base['approved_by'] or '—'} "
                    f"on {base['approved_at'] or '—'} (model `{base['model']}`, retriever `{base['retriever']}`)  \n"
                    f"Reason: {base['reason'] or '—'}")
        st.dataframe(pd.DataFrame(sorted(base["metrics"].items()), columns=["metric", "value"]), hide_index=True,
                     key=f"sc_shipped_{base['suite']}")
    st.stop()

_run_offline_button()
suite = st.selectbox("Suite", suites, key="sc_suite")



with state.reading() as s:
    cards = queries.scorecards(s, suite=suite, thresholds=scorecards.gate_thresholds(suite))

runs = pd.DataFrame([{
    "id": c["id"], "run at": c["created_at"], "model": c["model"], "prompt version": c["prompt_version"],
    "gate": {True: "pass", False: "FAIL", None: "—"}[c["passed"]],
    "baseline approved by": c["approved_by"] or "", "approved at": c["approved_at"],
} for c in cards])
st.subheader("Runs")
st.dataframe(runs, hide_index=True, width="stretch", key="sc_runs")

trend = [{"run": f"#{c['id']}", "run at": c["created_at"], "metric": m["metric"], "value": m["value"]}
         for c in cards for m in c["metrics"] if isinstance(m["value"], (int, float))]
if trend:
    st.subheader("Metric trends")
    wide = pd.DataFrame(trend).pivot_table(index="run at", columns="metric", values="value")
    st.line_chart(wide)

st.subheader("Run detail")
by_id = {c["id"]: c for c in cards}
chosen = st.selectbox("Run", list(reversed(by_id)), format_func=lambda i: (
    f"#{i} · {by_id[i]['model']} · {by_id[i]['prompt_version']} · {by_id[i]['created_at']:%Y-%m-%d %H:%M}"), key="sc_run")
card = by_id[chosen]
metrics = pd.DataFrame(card["metrics"], columns=["metric", "value", "ci", "threshold", "higher_is_better", "passed",
                                                "gate", "detail"])
if not metrics.empty:
    metrics["result"] = metrics["passed"].map({True: "pass", False: "FAIL"}).fillna("no threshold")
    metrics.loc[metrics["value"].isna(), "result"] = "n/a"
st.dataframe(metrics, hide_index=True, width="stretch", key="sc_metrics")
verdict = {True: ("success", "The gate passed this run."), False: ("error", "The gate FAILED this run."),
           None: ("info", "No gate verdict recorded.")}[card["passed"]]
getattr(st, verdict[0])(verdict[1])
if card["passed"] is False:
    why = state.run_service(lambda s: scorecards.why_gate_failed(s, scorecard_id=card["id"]))
    if why:
        st.markdown("**Why the gate failed** (against the approved baseline)")
        for problem in why["problems"]:
            st.markdown(f"- {problem}")
        if why["rows"]:
            st.dataframe(pd.DataFrame(why["rows"], columns=["metric", "verdict", "before", "after", "detail"]),
                         hide_index=True, width="stretch", key="sc_why")

if card["cases"]:
    st.markdown("**Per-case results**")
    cases = pd.DataFrame(card["cases"])
    only_failed = st.checkbox("Failed cases only", key="sc_failed")
    if only_failed and "passed" in cases:
        cases = cases[cases["passed"] == False]  # noqa: E712 - pandas element-wise
    st.dataframe(cases.astype(str), hide_index=True, width="stretch", key="sc_cases")
    ids = [str(c.get("case_id", c.get("id", i))) for i, c in enumerate(card["cases"])]
    pick = st.selectbox("Drill into case", ids, key="sc_case_pick")
    st.json(card["cases"][ids.index(pick)], expanded=True)



if len(by_id) > 1:
    st.subheader("Compare two runs")
    ordered = list(reversed(by_id))
    x1, x2 = st.columns(2)
    label = lambda i: f"#{i} · {by_id[i]['prompt_version']} · {by_id[i]['created_at']:%Y-%m-%d %H:%M}"  # noqa: E731
    before_id = x1.selectbox("Before", ordered, index=1 if ordered[0] == chosen else 0, format_func=label, key="sc_cmp_a")
    after_id = x2.selectbox("After", ordered, index=ordered.index(chosen), format_func=label, key="sc_cmp_b")
    if before_id != after_id:
        diff = state.run_service(lambda s: scorecards.compare_runs(s, before_id=before_id, after_id=after_id))
        if diff:
            for problem in diff["problems"]:
                st.markdown(f"- {problem}")
            st.dataframe(pd.DataFrame(diff["rows"], columns=["metric", "verdict", "before", "after", "detail"]),
                         hide_index=True, width="stretch", key="sc_compare")
            st.caption(f"Judged as the gate would judge run #{after_id} against run #{before_id}: "
                       + ("no regression." if diff["status"] == "passed" else "it would FAIL."))


st.subheader("Baseline")
baseline = next((c for c in sorted(cards, key=lambda c: c["approved_at"] or c["created_at"], reverse=True)
                 if c["approved_by"]), None)
st.write(f"Current baseline: run #{baseline['id']} approved by {baseline['approved_by']}" if baseline
         else "No approved baseline yet.")
if card["approved_by"]:
    st.caption(f"Run #{card['id']} was approved by {card['approved_by']}.")
elif state.can("scorecard.approve"):
    reason = st.text_input("Reason for approving this run as the new baseline (required, kept in the audit log)",
                           key="sc_reason")
    accept_failed = False
    if card["passed"] is False:
        st.warning("This run FAILED its gate: approving it makes its regression the baseline later runs are held to.")
        accept_failed = st.checkbox("Approve although it failed", key="sc_accept_failed")
    if st.button(f"Approve run #{card['id']} as baseline", type="primary", key="sc_approve"):
        if state.run_service(lambda s: scorecards.approve_run(s, scorecard_id=card["id"], user=user["username"],
                                                              reason=reason or None, accept_failed=accept_failed),
                             success=f"Run #{card['id']} approved as the {suite} baseline."):
            st.rerun()
else:
    st.caption("Only compliance (or an admin) approves a new baseline.")
