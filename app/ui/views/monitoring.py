"""Monitoring: is the matcher still as good as when it was approved, and what changed?

Quality metrics per day (acceptance, rejection, undone auto-matches, break and reason-code mix, LLM
usage), drift of each feature against the reference window (the active scorer's training window), the
open alerts (compliance acknowledges them), and the model registry with activation and rollback through
`app.services.scorers` (role-checked, maker-checker, audited). Reading never writes: alerts are raised
by `breakdesk monitor report` (run it daily) or the "Record breaches" button.
"""

from datetime import datetime, timedelta

import pandas as pd
import streamlit as st

from breakdesk.app.services.monitoring.alerts import acknowledge
from breakdesk.app.services.monitoring.drift import Window, drift_history
from breakdesk.app.services.monitoring.report import build_report
from breakdesk.app.services.scorers import activate_scorer
from breakdesk.app.store.types import utcnow
from breakdesk.app.ui import state

user = state.require("monitor.read")
st.header("Monitoring")
state.flash()

days = st.selectbox("Window", [7, 30, 90], index=0, format_func=lambda d: f"last {d} days", key="mon_days")
until = utcnow()
since = until - timedelta(days=days)
with state.reading() as s:
    report = build_report(s, since=since, until=until, raise_breaches=False)
metrics = report["metrics"]
t = metrics["totals"]

cols = st.columns(4)
cols[0].metric("Suggestions", t["suggestions"])
cols[1].metric("Acceptance rate", "—" if t["acceptance_rate"] is None else f"{t['acceptance_rate']:.1%}")
cols[2].metric("Rejection rate", "—" if t["rejection_rate"] is None else f"{t['rejection_rate']:.1%}")
cols[3].metric("Auto-matches undone", t["auto_matches_undone"])

st.subheader("Quality per day")
by_day = pd.DataFrame(metrics["suggestions_by_day"])
if by_day.empty:
    st.info("No match suggestions in this window.")
else:
    st.line_chart(by_day.set_index("day")[["acceptance_rate", "rejection_rate"]])
    st.dataframe(by_day, hide_index=True, width="stretch", key="mon_by_day")
mix = pd.DataFrame([{"day": r["day"], **r["mix"]} for r in metrics["break_mix_by_day"]])
if not mix.empty:
    st.markdown("**Break mix per day**")
    st.bar_chart(mix.set_index("day"))
codes = pd.DataFrame([{"day": r["day"], **r["mix"]} for r in metrics["reason_codes_by_day"]])
if not codes.empty:
    st.markdown("**Reason-code mix per day**")
    st.bar_chart(codes.set_index("day"))
if metrics["suggestions_by_account"]:
    st.markdown("**Per account**")
    st.dataframe(pd.DataFrame(metrics["suggestions_by_account"]), hide_index=True, width="stretch", key="mon_by_account")
if metrics["suggestions_by_scheme"]:
    st.markdown("**Per scheme** (bank transaction code)")
    st.dataframe(pd.DataFrame(metrics["suggestions_by_scheme"]), hide_index=True, width="stretch", key="mon_by_scheme")
if metrics["llm_by_provider"]:
    st.markdown("**LLM calls per provider**")
    st.dataframe(pd.DataFrame(metrics["llm_by_provider"]), hide_index=True, width="stretch", key="mon_llm")
g = metrics["cases"]["grounding"]
rate = "—" if g["pass_rate"] is None else f"{g['pass_rate']:.1%}"
providers = ", ".join(f"{k}: {v['answers']}" for k, v in g["by_provider"].items()) or "none"
st.caption(f"Grounding pass rate of stored answers: {rate} of {g['answers']} ({providers}).")

st.subheader("Drift")
ref = metrics["drift_reference"]
st.caption(f"Against {ref['source']} ({ref['start'] or 'beginning'} .. {ref['end'] or 'now'}); "
           f"thresholds {metrics['drift_config_version']}. An alert needs PSI at its threshold and a significant test.")
drift = pd.DataFrame(report["drift"])
drift["status"] = drift["alert"].map({True: "DRIFT", False: "ok"})
st.dataframe(drift[["feature", "psi", "threshold", "p_value", "status"]], hide_index=True, width="stretch", key="mon_drift")
st.bar_chart(drift.dropna(subset=["psi"]).set_index("feature")[["psi"]])
st.markdown("**Drift over time** (PSI of each day against the reference)")
with state.reading() as s:
    ref_window = Window(*(datetime.fromisoformat(ref[k]) if ref[k] else None for k in ("start", "end")), ref["source"])
    last = min(days, 14)  # the last two weeks at most: one sample read per day
    day_windows = [Window(until - timedelta(days=last - i), until - timedelta(days=last - i - 1)) for i in range(last)]
    history = pd.DataFrame(drift_history(s, ref_window, day_windows))
if not history.empty and history.drop(columns="day").notna().any().any():
    st.line_chart(history.set_index("day"))
if drift["alert"].any() and state.can("monitor.manage"):
    if st.button("Record breaches as alerts", key="mon_raise"):
        if state.run_service(lambda s: build_report(s, since=since, until=until),
                             success="Breaches recorded as alerts."):
            st.rerun()

st.subheader("Open alerts")
if not report["alerts"]:
    st.write("No open alerts.")
else:
    alerts = pd.DataFrame(report["alerts"])
    st.dataframe(alerts[["id", "feature", "psi", "p_value", "threshold", "config_version", "created_at"]],
                 hide_index=True, width="stretch", key="mon_alerts")
    if state.can("monitor.manage"):
        pick = st.selectbox("Alert", list(alerts["id"]), key="mon_alert_pick")
        why = st.text_input("Why it is handled", key="mon_ack_reason")
        if st.button("Acknowledge", key="mon_ack"):
            if state.run_service(lambda s: acknowledge(s, alert_id=int(pick), user=user["username"], reason=why),
                                 success=f"Alert {pick} acknowledged."):
                st.rerun()

st.subheader("Model registry")
scorers = [r for r in report["registry"] if r["kind"] == "scorer"]
cards = [r for r in report["registry"] if r["kind"] == "scorecard"]
if scorers:
    st.dataframe(pd.DataFrame([{
        "version": r["version"], "active": r["active"], "trained by": r["trained_by"], "trained at": r["trained_at"],
        "activated by": r["activated_by"] or "", "data hash": (r["data_hash"] or "")[:16],
        "training window": " .. ".join(r["training_window"] or []), "backtest": r["backtest_text"]} for r in scorers]),
        hide_index=True, width="stretch", key="mon_scorers")
else:
    st.write("No learned scorer yet (`breakdesk recon train`).")
if cards:
    st.markdown("**Prompt and chat-model versions (eval gate scorecards)**")
    st.dataframe(pd.DataFrame([{"scorecard": r["version"], "suite": r["suite"], "model": r["model"],
                                "prompts": ", ".join(f"{k}@{v[:8]}" for k, v in (r["prompt_hashes"] or {}).items()),
                                "gate": {True: "pass", False: "FAIL", None: "—"}[r["passed"]],
                                "approved by": r["approved_by"] or ""} for r in cards]),
                 hide_index=True, width="stretch", key="mon_cards")
if scorers and state.can("scorer.activate"):
    version = st.selectbox("Scorer version", [r["version"] for r in scorers] + ["none (fixed weights)"], key="mon_version")
    reason = st.text_input("Reason (recorded in the audit log)", key="mon_reason")
    target = None if version.startswith("none") else version
    left, right = st.columns(2)
    if left.button("Activate", type="primary", key="mon_activate"):
        if state.run_service(lambda s: activate_scorer(s, version=target, user=user["username"], reason=reason),
                             success=f"Scorer {version} activated."):
            st.rerun()
    if right.button("Roll back to this version", key="mon_rollback"):
        if state.run_service(lambda s: activate_scorer(s, version=target, user=user["username"], reason=reason, rollback=True),
                             success=f"Rolled back to scorer {version}."):
            st.rerun()
elif scorers:
    st.caption("Only compliance (or an admin) activates or rolls back a scorer; not whoever trained it.")
