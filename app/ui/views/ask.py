"""Ask: the ops chat (answers cite rulebook and SOP passages and say which provider answered), and the
lifecycle timeline of one payment across every stored message."""

import uuid

import pandas as pd
import streamlit as st

from breakdesk.app.services import queries, workflow
from breakdesk.app.ui import state

user = state.require("chat")
st.header("Ask")

chat_tab, timeline_tab = st.tabs(["Chat", "Payment lifecycle"])


def _show_meta(meta: dict) -> None:
    # The label is about the text shown: when the model's reply failed the guard, what is shown is
    # Breakdesk's own answer from the facts, never "not grounded" text the person did not see.
    if meta.get("grounded"):
        st.caption(f"Answered by **{meta.get('provider') or 'none'}** · grounded in the facts and passages below")
    else:
        st.caption(f"Breakdesk's answer from the facts · the {meta.get('provider')} reply was withheld (not supported by the facts)")
    if meta.get("note"):
        st.info(meta["note"])
    passages = {p["citation_id"]: p for p in meta.get("passages") or []}
    for cid in meta.get("citations") or []:
        p = passages.get(cid, {})
        with st.expander(f"[{cid}] {p.get('title', '')}"):
            st.markdown(p.get("text") or "(passage text not available)")
    facts = meta.get("facts") or []
    if facts:
        with st.expander(f"Facts used ({len(facts)})"):
            for f in facts:
                st.markdown(f"- {f.get('text')} — *{f.get('source')}*")


with chat_tab:
    history = st.session_state.setdefault("chat_history", [])
    thread = st.session_state.setdefault("chat_thread", f"{user['username']}:{uuid.uuid4().hex[:12]}")
    for turn in history:
        with st.chat_message(turn["role"]):
            st.markdown(turn["content"])
            if turn["role"] == "assistant":
                _show_meta(turn)
    question = st.chat_input("Ask about a payment, a reason code or a case (e.g. why was E2E-4471 rejected?)")
    if question:
        history.append({"role": "user", "content": question})
        with st.chat_message("user"):
            st.markdown(question)
        runtime = state.runtime()
        with st.spinner("Looking it up …"):
            out = state.run_service(lambda s: workflow.ask(s, question=question, thread_id=thread, runtime=runtime))
        if out is not None:
            turn = {"role": "assistant", "content": out.get("answer") or "", **{k: out.get(k) for k in (
                "provider", "grounded", "note", "citations", "passages", "facts")}}
            history.append(turn)
            with st.chat_message("assistant"):
                st.markdown(turn["content"])
                _show_meta(turn)

with timeline_tab:
    ref = st.text_input("Payment reference (EndToEndId, InstrId, UETR or MT :20:)", key="timeline_ref")
    if ref:
        with state.reading() as s:
            steps = queries.payment_lifecycle(s, reference=ref)
        if not steps:
            st.warning(f"No stored message carries {ref}.")
        else:
            st.caption(f"{len(steps)} step(s), in lifecycle order")
            for step in steps:
                marker = "🔴" if step["reason_code"] or step["stage"] in ("returned", "recall_requested") else "🟢"
                st.markdown(f"{marker} **{step['stage']}** · {step['date'] or 'no date'} · `{step['message_type']}`"
                            + (f" · status {step['status']}" if step["status"] else "")
                            + (f" · reason **{step['reason_code']}**" if step["reason_code"] else "")
                            + (f" · {step['amount']}" if step["amount"] else ""))
                st.caption(f"{step['summary']} — {step['source']}")
            st.dataframe(pd.DataFrame(steps), hide_index=True, width="stretch", key="timeline_table")
