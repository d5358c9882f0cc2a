"""Exceptions: the case queue and one case in detail — facts with their source fields, the explanation
with citations, the diagnosis, the proposed repair as a before/after diff with its validation, and the
decisions (edit, approve, reject, assign), all through app.services (maker-checker is theirs)."""

from datetime import UTC, datetime

import pandas as pd
import streamlit as st

from breakdesk.agents.case_view import payment_label
from breakdesk.app.services import case_desk, queries, workflow
from breakdesk.app.services.cases import assign_case
from breakdesk.app.settings import get_settings
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
    g1, g2, _ = st.columns([1, 1, 4])
    mine = g1.checkbox("Mine", key="q_mine", help="cases assigned to me")
    breached_only = g2.checkbox("SLA breached", key="q_breached",
                                help=f"open past their hours by severity ({get_settings().sla})")

with state.reading() as s:
    rows = workflow.list_cases(
        s, kind=None if kind == ALL else kind, reason_code=None if reason == ALL else reason,
        severity=None if severity == ALL else severity,
        assignee=user["username"] if mine else (None if assignee == ALL else assignee),
        state=None if case_state == ALL else case_state, min_age_hours=min_age or None)

now = datetime.now(UTC)


def _age(created: str | None) -> str:
    if not created:
        return ""
    hours = (now - datetime.fromisoformat(created)).total_seconds() / 3600
    return f"{hours:.0f} h" if hours < 48 else f"{hours / 24:.0f} d"


SEVERITY_RANK = {"high": 3, "medium": 2, "low": 1}
slas = {r["key"]: case_desk.sla(r["severity"], r["state"], r["created_at"], now) for r in rows}
if breached_only:
    rows = [r for r in rows if slas[r["key"]].breached]
queue = pd.DataFrame([{
    "case": r["key"], "kind": r["kind"], "reason": r["reason_code"] or "", "state": r["state"],
    "severity": r["severity"], "rank": SEVERITY_RANK.get(r["severity"], 0),
    "assignee": r["assignee"] or "", "payment": payment_label(r["payment"]) or "", "currency": r["currency"] or "",
    "amount": float(r["amount"]) if r["amount"] not in (None, "") else None,  # a number, so it sorts as one
    "age": _age(r["created_at"]),
    "SLA": ("⚠ " if slas[r["key"]].breached else "") + slas[r["key"]].text, "breach": slas[r["key"]].breached,
    "title": r["title"] or "",
} for r in rows], columns=["case", "kind", "reason", "state", "severity", "rank", "assignee", "payment", "currency",
                           "amount", "age", "SLA", "breach", "title"])
n_breached = sum(1 for r in rows if slas[r["key"]].breached)
st.caption(f"{len(rows)} of {facets['total']} case(s)" + (f" · {n_breached} past their SLA" if n_breached else ""))
st.dataframe(queue, hide_index=True, width="stretch", key="q_table",
             column_config={"rank": st.column_config.NumberColumn("sev. rank", help="high 3, medium 2, low 1"),
                            "amount": st.column_config.NumberColumn("amount", format="%.2f"),
                            "breach": st.column_config.CheckboxColumn("SLA breach")})

if not rows:
    st.stop()

# ------------------------------------------------------------------------------ the open case
# The open case is the URL's `?case=CASE-…` (a link opens it, a refresh keeps it); the picker follows it
# and sets it. Its value is a case key, never a position in the queue, so a queue that re-sorts or loses
# a row between two runs cannot move the person to another case.
keys = [r["key"] for r in rows]
labels = {r["key"]: f"{r['key']} · {r['title'] or r['kind']} · {r['state']}" for r in rows}
wanted = st.query_params.get("case")
if wanted and wanted not in labels:
    with state.reading() as s:
        linked = workflow.list_cases(s, key=wanted)
    if linked:  # a link to a case the filters hide still opens it
        rows, keys = [*rows, *linked], [*keys, wanted]
        labels[wanted] = f"{wanted} · {linked[0]['title'] or linked[0]['kind']} · {linked[0]['state']} (filtered out)"
    else:
        st.warning(f"No case {wanted}.")
if wanted in labels:
    st.session_state["case_pick"] = wanted
elif st.session_state.get("case_pick") not in labels:
    st.session_state["case_pick"] = keys[0]


def _follow_pick() -> None:
    st.query_params["case"] = st.session_state["case_pick"]


key = st.selectbox("Open case", keys, format_func=labels.get, key="case_pick", on_change=_follow_pick)
st.query_params["case"] = key

runtime = state.runtime()
ex = state.run_service(lambda s: workflow.explain_case(s, case_key=key, runtime=runtime, analyse=False))
if ex is None:
    st.stop()
row = next(r for r in rows if r["key"] == key)
with state.reading() as s:
    case_notes = case_desk.notes(s, case_key=key)

st.subheader(f"{key} — {row['title'] or ex['kind']}")
if row.get("merged_into"):
    st.info(f"Merged into {row['merged_into']}: a later message showed both were the same payment. "
            "That case carries on; this one is kept for its history.")
m1, m2, m3, m4 = st.columns([3, 2, 3, 2])
m1.metric("State", ex.get("state") or row["state"])
m2.metric("Severity", row["severity"])
m3.metric("Amount", f"{ex.get('currency') or ''} {ex.get('amount') or ''}".strip() or "—")
m4.metric("Assignee", row["assignee"] or "—")

if not ex.get("analysed"):
    st.info("Not analysed yet: no explanation or repair has been proposed for this case. Opening a case changes "
            "nothing; analysing it explains the break with citations and proposes a repair.")
    if state.can("case.update") or state.can("repair.decide"):
        st.button("Analyse: explain and propose a repair", key=f"analyse:{key}", type="primary",
                  on_click=state.action(
                      lambda s, k=key: workflow.explain_case(s, case_key=k, runtime=runtime),
                      success=f"{key} analysed."))

left, right = st.columns([3, 2])
with left:
    if ex.get("analysed"):
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
    with state.reading() as s:
        read_notes = queries.case_reading_findings(s, ex.get("lifecycle") or [])
    for note in read_notes:  # a bank quirk tolerated, or a neighbour left out, on this payment's own line
        st.warning(f"As read from the file: {note}")

with right:
    d = ex.get("diagnosis") or {}
    if ex.get("analysed"):
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
        # keyed by the case: the box shows this case's assignee, and the button assigns this case
        st.selectbox("Assign to", options, index=options.index(current), key=f"assign_to:{key}")

        def _assign(s, case_id=row["id"], case_key=key):
            who = st.session_state[f"assign_to:{case_key}"]
            return assign_case(s, case_id=case_id, assignee=None if who == "(unassigned)" else who, actor=user["username"])

        st.button("Assign", key=f"assign_btn:{key}", on_click=state.action(_assign, success=f"{key} assigned."))

with st.expander(f"Notes ({len(case_notes)})", expanded=bool(case_notes)):
    for n in case_notes:
        st.markdown(f"**{n['by']}** · {n['at']:%Y-%m-%d %H:%M} UTC  \n{n['text']}")
    st.text_area("Add a note (kept in the audit log; data, never instructions)", key=f"note:{key}", max_chars=4000)

    def _note(s, case_key=key):
        return case_desk.add_note(s, case_key=case_key, user=user["username"],
                                  text=st.session_state.get(f"note:{case_key}", ""))

    def _clear_note(case_key=key) -> None:
        st.session_state[f"note:{case_key}"] = ""

    st.button("Add note", key=f"note_btn:{key}",
              on_click=state.action(_note, success=f"Note added to {key}.", after=_clear_note))

repair = ex.get("repair") or {}
if not ex.get("analysed"):
    st.stop()
st.markdown("#### Proposed repair")
if not repair:
    st.write("No repair proposed for this case.")
    st.stop()
st.write(repair.get("summary") or "")
valid = repair.get("valid")
sends_message = bool(repair.get("message"))
if valid and sends_message:
    st.success("Re-validated: the corrected message parses and passes validation.")
elif repair.get("guard"):
    st.error(f"Guard: {repair['guard']}")
elif repair.get("missing"):
    st.warning("Missing: " + ", ".join(repair["missing"])
               + (f" — to be provided by {repair['who_must_provide']}" if repair.get("who_must_provide") else ""))
elif not sends_message and not repair.get("missing"):
    # nothing to approve: no message can fix this case; say what a person does next
    st.info("Next step: " + (repair.get("summary") or "a person must investigate")
            + (f" (by {repair['who_must_provide']})" if repair.get("who_must_provide") else "")
            + (" — see the Reconciliation page." if repair.get("kind") == "reconciliation" else ""))
else:
    st.warning("Not applicable as proposed.")
diff = pd.DataFrame(repair.get("diff") or [], columns=["field", "before", "after"]).astype(str)
if not diff.empty:
    st.dataframe(diff, hide_index=True, width="stretch", key="diff_table")
findings = repair.get("findings") or []
if findings:
    with st.expander(f"Validation findings ({len(findings)})"):
        st.dataframe(pd.DataFrame(findings).astype(str), hide_index=True, width="stretch", key="findings_table")
if sends_message:
    with st.expander(f"Regenerated message ({repair.get('message_type') or 'XML'})"):
        st.code(repair["message"], language="xml")
makers = [repair.get("proposed_by"), *(repair.get("editors") or [])]
st.caption(f"Repair {repair.get('repair_id')} · version {repair.get('repair_version')} · state "
           f"{repair.get('repair_state', 'proposed')} · makers: " + ", ".join(m for m in makers if m)
           + " (a maker cannot approve)")
with state.reading() as s:
    history = workflow.repair_history(s, repair_id=repair.get("repair_id"))
if history:
    with st.expander(f"Maker's reasons ({len(history)})", expanded=state.can("repair.decide")):
        for h in history:
            st.markdown(f"- **{h['actor']}** {h['action']} · {h['at']}: {h['reason'] or '(no reason given)'}")

fixable = sends_message or bool(repair.get("missing"))  # a message, or one once a person supplies a value
if repair.get("repair_state", "proposed") != "proposed" or not fixable:
    st.stop()

shown = {"case_key": key, "repair_id": repair.get("repair_id"), "repair_version": repair.get("repair_version")}
fields = list(dict.fromkeys([*(repair.get("missing") or []),
                             *(r["field"] for r in repair.get("diff") or [] if r["field"] not in AUTO_FIELDS)]))
fields = [f for f in fields if f in EDITABLE] or ["creditor.account", "creditor.agent_bic"]
edit_col, decide_col = st.columns(2)
with edit_col:
    if state.can("repair.edit"):
        st.markdown("**Edit the repair** (you become a maker: someone else must approve)")
        for f in fields:
            st.text_input(f"New {f}", key=f"edit_{f}:{key}")
        st.text_input("Reason (who confirmed it, how)", key=f"edit_reason:{key}")

        def _edit(s, case_key=key, fields=tuple(fields)):
            corrections = {f: st.session_state.get(f"edit_{f}:{case_key}", "").strip() for f in fields}
            corrections = {f: v for f, v in corrections.items() if v}
            reason = st.session_state.get(f"edit_reason:{case_key}", "").strip()
            if not corrections:
                raise ValueError("Enter at least one corrected value.")
            if not reason:
                raise ValueError("An edit needs a reason.")
            return workflow.edit_repair(s, case_key=case_key, corrections=corrections, user=user["username"],
                                        reason=reason, runtime=runtime)

        st.button("Save edit", key=f"save_edit:{key}",
                  on_click=state.action(_edit, success=f"Repair of {key} edited by {user['username']}; "
                                                       "another person must approve."))
with decide_col:
    if state.can("repair.decide"):
        st.markdown("**Decide**")
        # No form: Enter in the reason field only keeps the text. Approve asks to confirm what will be sent;
        # reject needs the reason. Both carry the repair id and version shown here (refused if changed).
        st.text_input("Reason (required to reject)", key=f"decide_reason:{key}")
        confirming = st.session_state.get("confirm_approval") == shown

        def _reject(s, shown=shown):
            reason = st.session_state.get(f"decide_reason:{shown['case_key']}", "").strip()
            if not reason:
                raise ValueError("A rejection needs a reason.")
            st.session_state.pop("confirm_approval", None)
            return workflow.decide_case(s, action="reject", user=user["username"], reason=reason, runtime=runtime, **shown)

        a, r = st.columns(2)
        a.button("Approve repair…", key=f"approve_btn:{key}", type="primary", disabled=not valid or confirming,
                 on_click=lambda shown=shown: st.session_state.__setitem__("confirm_approval", shown))
        r.button("Reject repair", key=f"reject_btn:{key}", on_click=state.action(
            _reject, success=f"Repair of {key} rejected by {user['username']}."))
        if not valid:
            st.caption("Approval is not possible: the repair does not validate.")
        if confirming:
            try:
                preview = workflow.approval_preview(key, repair)
            except Exception as exc:  # noqa: BLE001 - a message that does not parse back is shown, not approved
                st.error(f"The regenerated message cannot be read back: {exc}")
                st.stop()
            with st.container(border=True):
                st.markdown(f"**Approve repair {shown['repair_id']} of {key}?** This writes "
                            f"`{preview['file']}` ({preview['message_type']}) to the outbox:")
                st.markdown(f"- **{preview['amount']}** to **{preview['beneficiary'] or '—'}**, account "
                            f"`{preview['account'] or '—'}` at `{preview['bic'] or '—'}`\n"
                            f"- new EndToEndId `{preview['end_to_end_id']}`, execution date {preview['execution_date']}")

                def _approve(s, shown=shown):
                    st.session_state.pop("confirm_approval", None)
                    reason = st.session_state.get(f"decide_reason:{shown['case_key']}", "").strip() or None
                    return workflow.decide_case(s, action="approve", user=user["username"], reason=reason,
                                                runtime=runtime, **shown)

                c1, c2 = st.columns(2)
                c1.button("Confirm approval", key=f"confirm_btn:{key}", type="primary", on_click=state.action(
                    _approve, success=f"Repair of {key} approved by {user['username']}.",
                    after=lambda: workflow.deliver_outbox(runtime.outbox)))
                c2.button("Cancel", key=f"cancel_btn:{key}",
                          on_click=lambda: st.session_state.pop("confirm_approval", None))
