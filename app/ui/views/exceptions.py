"""Exceptions: the case queue and one case in detail — facts with their source fields, the explanation
with citations, the diagnosis, the proposed repair as a before/after diff with its validation, and the
decisions (edit, approve, reject, assign), all through app.services (maker-checker is theirs)."""

from datetime import datetime, timezone

import pandas as pd
import streamlit as st

from breakdesk.agents.case_view import payment_label
from breakdesk.app.services import workflow
from breakdesk.app.services.cases import assign_case
from breakdesk.app.store.repositories.users import list_users
from breakdesk.app.ui import state

user = state.require("case.read")
st.header("Exceptions")
state.flash()

ALL = "(all)"
EDITABLE = ("creditor.account", "creditor.agent_bic", "creditor.address.country", "creditor.address.town_name",
            "creditor.address.street_name", "creditor.address.post_code", "amount", "regulatory_reporting")
AUTO_FIELDS = {"end_to_end_id", "instruction_id", "requested_execution_date"}

with state.reading() as s:
    facets = workflow.case_facets(s)
    people = [u.username for u in list_users(s) if u.active and u.role in ("ops", "admin")]

if not facets["total"]:
    st.info("No cases yet. Import messages on the Reconciliation page (or start with the demo day seed).")
    st.stop()


def _choices(key: str) -> list[str]:
    return [ALL] + [str(v) for v in facets[key] if v]


with st.expander("Filters", expanded=True):
    f1, f2, f3, f4, f5, f6 = st.columns(6)
    kind = f1.selectbox("Kind", _choices("kind"), key="q_kind")
    reason = f2.selectbox("Reason code", _choices("reason_code"), key="q_reason")
    severity = f3.selectbox("Severity", _choices("severity"), key="q_severity")
    assignee = f4.selectbox("Assignee", _choices("assignee"), key="q_assignee")
    case_state = f5.selectbox("State", _choices("state"), key="q_state")
    min_age = f6.number_input("Older than (hours)", min_value=0.0, value=0.0, step=1.0, key="q_age")

with state.reading() as s:
    rows = workflow.list_cases(
        s, kind=None if kind == ALL else kind, reason_code=None if reason == ALL else reason,
        severity=None if severity == ALL else severity, assignee=None if assignee == ALL else assignee,
        state=None if case_state == ALL else case_state, min_age_hours=min_age or None)

now = datetime.now(timezone.utc)


def _age(created: str | None) -> str:
    if not created:
        return ""
    hours = (now - datetime.fromisoformat(created)).total_seconds() / 3600
    return f"{hours:.0f} h" if hours < 48 else f"{hours / 24:.0f} d"


queue = pd.DataFrame([{
    "case": r["key"], "kind": r["kind"], "reason": r["reason_code"] or "", "state": r["state"], "severity": r["severity"],
    "assignee": r["assignee"] or "", "payment": payment_label(r["payment"]) or "",
    "amount": f"{r['currency'] or ''} {r['amount'] or ''}".strip(), "age": _age(r["created_at"]), "title": r["title"] or "",
} for r in rows])
st.caption(f"{len(rows)} of {facets['total']} case(s)")
st.dataframe(queue, hide_index=True, width="stretch", key="q_table")

if not rows:
    st.stop()
labels = {r["key"]: f"{r['key']} · {r['title'] or r['kind']} · {r['state']}" for r in rows}
key = st.selectbox("Open case", list(labels), format_func=labels.get, key="case_pick")

runtime = state.runtime()
ex = state.run_service(lambda s: workflow.explain_case(s, case_key=key, runtime=runtime))
if ex is None:
    st.stop()
row = next(r for r in rows if r["key"] == key)

st.subheader(f"{key} — {row['title'] or ex['kind']}")
if row.get("merged_into"):
    st.info(f"Merged into {row['merged_into']}: a later message showed both were the same payment. "
            "That case carries on; this one is kept for its history.")
m1, m2, m3, m4 = st.columns([3, 2, 3, 2])
m1.metric("State", ex.get("state") or row["state"])
m2.metric("Severity", row["severity"])
m3.metric("Amount", f"{ex.get('currency') or ''} {ex.get('amount') or ''}".strip() or "—")
m4.metric("Assignee", row["assignee"] or "—")

left, right = st.columns([3, 2])
with left:
    st.markdown("#### Explanation")
    st.write(ex.get("answer") or "")
    grounded = ex.get("grounded")
    st.caption(f"Answered by **{ex.get('provider') or 'none'}** · "
               + ("grounded in the case facts and cited passages" if grounded else "**not grounded**: model text withheld"))
    if ex.get("note"):
        st.info(ex["note"])
    passages = {p["citation_id"]: p for p in ex.get("passages") or []}
    for cid in ex.get("citations") or []:
        p = passages.get(cid, {})
        with st.expander(f"[{cid}] {p.get('title', '')}"):
            st.markdown(p.get("text") or "(passage text not available)")

    st.markdown("#### Facts")
    st.dataframe(pd.DataFrame(ex.get("facts") or [], columns=["text", "source"]), hide_index=True, width="stretch",
                 key="facts_table")
    st.markdown("#### Lifecycle")
    st.dataframe(pd.DataFrame(ex.get("lifecycle") or [],
                              columns=["stage", "date", "message_type", "status", "reason_code", "summary", "source"]),
                 hide_index=True, width="stretch", key="lifecycle_table")

with right:
    d = ex.get("diagnosis") or {}
    st.markdown("#### Diagnosis")
    st.markdown(f"**{d.get('reason_code') or '—'}** — {d.get('meaning') or ''}")
    st.markdown(f"Retry class: `{d.get('retry_class') or '—'}`")
    if d.get("root_cause"):
        st.markdown(f"Likely cause: {d['root_cause']}")
    for item in d.get("what_to_check") or []:
        st.markdown(f"- {item}")
    if state.can("case.update"):
        options = ["(unassigned)"] + people
        current = row["assignee"] if row["assignee"] in people else "(unassigned)"
        who = st.selectbox("Assign to", options, index=options.index(current), key="assign_to")
        if st.button("Assign", key="assign_btn"):
            target = None if who == "(unassigned)" else who
            if state.run_service(lambda s: assign_case(s, case_id=row["id"], assignee=target, actor=user["username"]),
                                 success=f"{key} assigned to {target or 'nobody'}."):
                st.rerun()

repair = ex.get("repair") or {}
st.markdown("#### Proposed repair")
if not repair:
    st.write("No repair proposed for this case.")
    st.stop()
st.write(repair.get("summary") or "")
valid = repair.get("valid")
if valid:
    st.success("Re-validated: the corrected message parses and passes validation.")
elif repair.get("guard"):
    st.error(f"Guard: {repair['guard']}")
elif repair.get("missing"):
    st.warning("Missing: " + ", ".join(repair["missing"])
               + (f" — to be provided by {repair['who_must_provide']}" if repair.get("who_must_provide") else ""))
else:
    st.warning("Not applicable as proposed.")
diff = pd.DataFrame(repair.get("diff") or [], columns=["field", "before", "after"]).astype(str)
st.dataframe(diff, hide_index=True, width="stretch", key="diff_table")
findings = repair.get("findings") or []
if findings:
    with st.expander(f"Validation findings ({len(findings)})"):
        st.dataframe(pd.DataFrame(findings).astype(str), hide_index=True, width="stretch", key="findings_table")
if repair.get("message"):
    with st.expander(f"Regenerated message ({repair.get('message_type') or 'XML'})"):
        st.code(repair["message"], language="xml")
makers = [repair.get("proposed_by"), *(repair.get("editors") or [])]
st.caption(f"Repair {repair.get('repair_id')} · state {repair.get('repair_state', 'proposed')} · makers: "
           + ", ".join(m for m in makers if m) + " (a maker cannot approve)")

if repair.get("repair_state", "proposed") != "proposed":
    st.stop()

fields = list(dict.fromkeys([*(repair.get("missing") or []),
                             *(r["field"] for r in repair.get("diff") or [] if r["field"] not in AUTO_FIELDS)]))
fields = [f for f in fields if f in EDITABLE] or (["creditor.account", "creditor.agent_bic"] if repair.get("message") else [])
edit_col, decide_col = st.columns(2)
with edit_col:
    if state.can("repair.edit") and not fields:
        st.caption("Nothing in this repair takes a corrected value.")
    elif state.can("repair.edit"):
        st.markdown("**Edit the repair** (you become a maker: someone else must approve)")
        with st.form("edit_repair", clear_on_submit=False):
            values = {f: st.text_input(f"New {f}", key=f"edit_{f}") for f in fields}
            edit_reason = st.text_input("Reason (who confirmed it, how)", key="edit_reason")
            if st.form_submit_button("Save edit", key="save_edit"):
                corrections = {f: v.strip() for f, v in values.items() if v.strip()}
                if not corrections:
                    st.error("Enter at least one corrected value.")
                elif not edit_reason.strip():
                    st.error("An edit needs a reason.")
                elif state.run_service(lambda s: workflow.edit_repair(s, case_key=key, corrections=corrections,
                                                                      user=user["username"], reason=edit_reason.strip(),
                                                                      runtime=runtime),
                                       success=f"Repair of {key} edited by {user['username']}; another person must approve."):
                    st.rerun()
with decide_col:
    if state.can("repair.decide"):
        st.markdown("**Decide**")
        with st.form("decide_repair"):  # a form sends the reason together with the button press
            decide_reason = st.text_input("Reason (required to reject)", key="decide_reason")
            a, r = st.columns(2)
            approve = a.form_submit_button("Approve repair", type="primary", key="approve_btn")
            reject = r.form_submit_button("Reject repair", key="reject_btn")
        # A click reruns the page, which reads the case again: decide on what the previous run put on the
        # screen, so a repair superseded or edited in between is refused instead of approved unread.
        now_shown = (repair.get("repair_id"), repair.get("repair_version"))
        shown_id, shown_version = st.session_state.setdefault("repair_shown", {}).get(key, now_shown)
        st.session_state["repair_shown"][key] = now_shown
        if approve:
            if state.run_service(lambda s: workflow.decide_case(s, case_key=key, action="approve", user=user["username"],
                                                                reason=decide_reason or None, runtime=runtime, repair_id=shown_id,
                                                                repair_version=shown_version),
                                 success=f"Repair of {key} approved by {user['username']}."):
                st.rerun()
        if reject:
            if state.run_service(lambda s: workflow.decide_case(s, case_key=key, action="reject", user=user["username"],
                                                                reason=decide_reason, runtime=runtime, repair_id=shown_id,
                                                                repair_version=shown_version),
                                 success=f"Repair of {key} rejected by {user['username']}."):
                st.rerun()
