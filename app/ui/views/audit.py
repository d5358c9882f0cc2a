"""Audit: every decision (hash-chained log) and every LLM call, filterable, exportable, verifiable."""

import json
from datetime import UTC, datetime, time, timedelta

import pandas as pd
import streamlit as st

from breakdesk.app.services import queries
from breakdesk.app.services.audit import verify_chain
from breakdesk.app.services.csv_export import to_safe_csv
from breakdesk.app.ui import state

user = state.require("audit.read")
st.header("Audit")

log_tab, llm_tab = st.tabs(["Decisions and changes", "LLM calls"])

with log_tab:
    with state.reading() as s:
        options = queries.audit_filter_options(s)
    c1, c2, c3 = st.columns(3)
    actors = c1.multiselect("Actor", options["actor"], key="audit_actor")
    actions = c2.multiselect("Action", options["action"], key="audit_action")
    types = c3.multiselect("Object type", options["object_type"], key="audit_type")
    c4, c5, c6 = st.columns(3)
    text = c4.text_input("Search case key, EndToEndId, suggestion #, reason, before/after", key="audit_text")
    since = c5.date_input("From (UTC)", value=None, key="audit_since")
    until = c6.date_input("To (UTC, inclusive)", value=None, key="audit_until")
    with state.reading() as s:
        rows = queries.audit_records(
            s, actors=actors, actions=actions, object_types=types, text=text,
            since=datetime.combine(since, time(), tzinfo=UTC) if since else None,
            until=datetime.combine(until, time(), tzinfo=UTC) + timedelta(days=1) if until else None,
        )
    st.caption(f"{len(rows)} record(s), newest first")
    columns = ["seq", "at", "actor", "action", "object_type", "object", "object_id", "reason", "before", "after", "hash"]
    st.dataframe(pd.DataFrame(rows, columns=columns), hide_index=True, width="stretch", key="audit_table")
    if rows:
        by_seq = {r["seq"]: r for r in rows}
        seq = st.selectbox("Inspect record", list(by_seq), key="audit_inspect", format_func=lambda q: (
            f"#{q} · {by_seq[q]['action']} · {by_seq[q]['actor']} · {by_seq[q]['object'] or by_seq[q]['object_type']}"))
        rec = by_seq[seq]
        st.json({**{k: rec[k] for k in ("seq", "actor", "action", "object", "object_type", "object_id", "reason", "hash",
                                         "prev_hash")},
                 "at": rec["at"].isoformat(), "before": json.loads(rec["before"] or "null"),
                 "after": json.loads(rec["after"] or "null")}, expanded=True)
    b1, b2 = st.columns([1, 3])
    b1.download_button("Export CSV", data=to_safe_csv(rows, columns + ["prev_hash"]), file_name="breakdesk-audit.csv",
                       mime="text/csv", key="audit_csv", icon=":material/download:")
    if b2.button("Verify chain", key="audit_verify", icon=":material/verified:"):
        with state.reading() as s:
            result = verify_chain(s)
        if result.ok:
            st.success(result.summary())
        else:
            st.error(result.summary())
            st.dataframe(pd.DataFrame([{"seq": p.seq, "problem": p.kind, "detail": p.detail} for p in result.problems]),
                         hide_index=True, key="audit_problems")

with llm_tab:
    with state.reading() as s:
        llm_options = queries.llm_filter_options(s)
    l1, l2, l3 = st.columns(3)
    providers = l1.multiselect("Provider", llm_options["provider"], key="llm_provider")
    prompts = l2.multiselect("Prompt", llm_options["prompt_id"], key="llm_prompt")
    errors_only = l3.checkbox("Errors only", key="llm_errors")
    with state.reading() as s:
        calls = queries.llm_calls(s, providers=providers, prompt_ids=prompts, errors_only=errors_only)
    st.caption(f"{len(calls)} call(s), newest first")
    llm_columns = ["id", "at", "prompt_id", "prompt_hash", "provider", "model", "tokens_in", "tokens_out", "latency_ms",
                   "case_id", "error"]
    st.dataframe(pd.DataFrame(calls, columns=llm_columns), hide_index=True, width="stretch", key="llm_table")
    st.download_button("Export CSV", data=to_safe_csv(calls, llm_columns), file_name="breakdesk-llm-calls.csv",
                       mime="text/csv", key="llm_csv", icon=":material/download:")
