"""Reconciliation: upload statements and book files, run matching, decide suggestions (one by one or in
bulk above a confidence), and see what is left unmatched, by break class."""

import pandas as pd
import streamlit as st

from breakdesk.app.services import decisions, queries, workflow
from breakdesk.app.services.errors import ServiceError
from breakdesk.app.services.manual_match import manual_match
from breakdesk.app.services.reconciliation import run_matching
from breakdesk.app.settings import get_settings
from breakdesk.app.store.db import get_engine, session_scope
from breakdesk.app.ui import state

user = state.require("match.read")
st.header("Reconciliation")
state.flash()

# ------------------------------------------------------------------------------ upload
if state.can("import"):
    st.subheader("Upload statements and book files")
    st.caption("MT (940/942/950, 103 …), ISO 20022 XML (camt.05x, pain, pacs) and ledger CSV. A bank's known "
               "deviation, or a statement line or entry that cannot be read, is listed below as a finding and the "
               "rest imports; a file nothing can be read from is refused whole with the line or XPath at fault.")
    with st.form("upload", clear_on_submit=True):
        uploads = st.file_uploader("Files", accept_multiple_files=True, key="upload_files")
        submitted = st.form_submit_button("Import", type="primary")
    if submitted and uploads:
        files = [(f.name, f.getvalue()) for f in uploads]
        columns = get_settings().ledger_column_map
        shown = st.empty()  # a large statement is imported page by page; say how far it got
        report = state.run_service(lambda s: workflow.ingest_files(
            s, files=files, user=user["username"], ledger_columns=columns,
            progress=lambda name, stored: shown.caption(f"Importing {name}: {stored:,} entries stored …")))
        shown.empty()
        if report is not None:
            st.session_state["ingest_report"] = {"imported": report.imported, "duplicates": report.duplicates,
                                                 "errors": report.errors, "cases": len(report.case_keys),
                                                 "findings": report.findings}
    last = st.session_state.get("ingest_report")
    if last:
        for name in last["imported"]:
            st.success(f"Imported {name}")
        for name in last["duplicates"]:
            st.info(f"Already imported (skipped): {name}")
        for err in last["errors"]:
            st.error(f"Refused, nothing written: {err}")
        if last.get("findings"):
            with st.expander(f"{len(last['findings'])} reading finding(s): what was tolerated or left out", expanded=True):
                for finding in last["findings"]:
                    st.markdown(f"- `{finding}`")

def _side_by_side(sid: int) -> dict | None:
    """The picked suggestion as a clerk checks it: bank and book next to each other, every reason with
    what it added, and the open difference. Returns its detail row."""
    with state.reading() as s:
        rows = queries.suggestions(s, decision_states=(), ids=[sid], details=True)
    if not rows:
        return None
    row = rows[0]
    bank_col, book_col = st.columns(2)
    for col, title, items in ((bank_col, "Bank statement", row["bank_items"]), (book_col, "Books", row["book_items"])):
        with col:
            st.markdown(f"**{title}**")
            for it in items:
                refs = ", ".join(f"{k} {v}" for k, v in it["references"].items()) or "no reference"
                st.markdown(f"{it['currency']} **{it['amount']}** {it['direction']} · value "
                            f"{it['value_date'] or it['booking_date'] or '—'}  \n"
                            f"{it['counterparty'] or '(no name)'} {it['account'] or ''}  \n{refs}"
                            + (f"  \n“{it['text']}”" if it["text"] else ""))
                for finding in it.get("findings", []):
                    st.warning(f"As read from the file: {finding}")
    if row["difference"]:
        st.warning(f"Open difference {row['difference']} (bank − books): approving leaves it to write off; "
                   "bulk approval never includes it.")
    st.caption("Why: " + ("; ".join(
        f"{r.get('text')} ({r['contribution']:+.2f})" if isinstance(r.get("contribution"), (int, float))
        and r.get("contribution") else str(r.get("text")) for r in row["reason_list"]) or "—"))
    return row


def _split_control(row: dict, user: dict) -> None:
    """A group (batch, N:1, 1:N) that is partly right: the clerk takes some of its items out as a second
    suggestion; both parts are pending again, for someone to decide (`decisions.split`)."""
    sid = row["id"]
    label = {("bank", i["id"]): f"bank · {i['reference'] or i['id']} · {i['amount']}" for i in row["bank_items"]}
    label |= {("book", i["id"]): f"books · {i['reference'] or i['id']} · {i['amount']}" for i in row["book_items"]}
    with st.expander("Split this group in two"):
        part = st.multiselect("Items of the second part", list(label), key=f"split_part:{sid}",
                              format_func=lambda k: label[k])
        st.text_input("Reason (required to split)", key=f"split_reason:{sid}")

        def _split(s, sid=sid, version=row["version"], part=tuple(part)):
            taken = set(part)
            first = ([i for (side, i) in label if side == "bank" and (side, i) not in taken],
                     [i for (side, i) in label if side == "book" and (side, i) not in taken])
            second = ([i for (side, i) in part if side == "bank"], [i for (side, i) in part if side == "book"])
            return decisions.split(s, suggestion_id=sid, user=user["username"], parts=[first, second],
                                   reason=st.session_state.get(f"split_reason:{sid}", "").strip(),
                                   expected_version=version)

        st.button("Split", key=f"split:{sid}", disabled=not part,
                  on_click=state.action(_split, success=f"Suggestion #{sid} split in two; both parts are pending."))


# ------------------------------------------------------------------------------ matching
st.subheader("Matching")
if state.can("match.run") and st.button("Run matching", key="run_matching", icon=":material/play_arrow:"):
    bar = st.progress(0.0, text="Matching …")

    def progress(fraction: float, text: str) -> None:
        bar.progress(min(max(float(fraction), 0.0), 1.0), text=text)

    result = state.run_service(lambda s: run_matching(s, user=user["username"], auto_confirm=False, progress=progress))
    if result is not None:
        bar.progress(1.0, text="Done")
        st.session_state["_flash"] = (f"Matching run #{result.get('run_id')}: {result.get('suggestions', 0)} suggestion(s), "
                                      f"{result.get('breaks', 0)} break(s) from {result.get('bank', 0)} statement line(s) "
                                      f"and {result.get('book', 0)} book item(s).")
        st.rerun()

search = st.text_input("Search items: reference, counterparty, amount or date", key="recon_search",
                       placeholder="e.g. Zeppelin, E2E-4471, 4985.00, 2026-11-02").strip() or None
with state.reading() as s:
    counts = queries.unmatched_counts(s)
    pending = queries.suggestions(s, decision_states=("pending",), search=search)
    n_pending = queries.count_suggestions(s, decision_states=("pending",), search=search)
    decided_states = ("approved", "rejected", "split", "unmatched")
    decided = queries.suggestions(s, decision_states=decided_states, limit=200, search=search)
    n_decided = queries.count_suggestions(s, decision_states=decided_states, search=search)
    breaks = queries.breaks_by_class(s, search=search)
c1, c2, c3 = st.columns(3)
c1.metric("Pending suggestions", n_pending)
c2.metric("Unmatched bank entries", counts["bank"])
c3.metric("Unmatched book items", counts["book"])
if n_pending > len(pending):
    st.caption(f"Showing the {len(pending)} most confident of {n_pending} pending suggestions; search to narrow.")

# ------------------------------------------------------------------------------ suggestions
st.subheader("Suggestions")
min_conf = st.slider("Show suggestions with confidence at least", 0.0, 1.0, 0.0, 0.05, key="min_conf")
shown = [p for p in pending if p["confidence"] >= min_conf]
table = pd.DataFrame(shown, columns=["id", "confidence", "status", "shape", "difference", "bank", "book", "reasons"])
st.dataframe(table, hide_index=True, width="stretch", key="sugg_table",
             column_config={"confidence": st.column_config.ProgressColumn("confidence", min_value=0.0, max_value=1.0,
                                                                          format="%.2f")})

if state.can("match.decide") and shown:
    one, bulk = st.columns(2)
    with one:
        st.markdown("**Decide one**")
        # The picked suggestion is the URL's `?suggestion=N` (a link opens it); its id, never a position.
        ids = [p["id"] for p in shown]
        linked = st.query_params.get("suggestion")
        if linked and linked.isdigit() and int(linked) in ids:
            st.session_state["one_pick"] = int(linked)
        elif st.session_state.get("one_pick") not in ids:
            st.session_state["one_pick"] = ids[0]
        sid = st.selectbox("Suggestion", ids, key="one_pick",
                           on_change=lambda: st.query_params.__setitem__("suggestion", str(st.session_state["one_pick"])),
                           format_func=lambda i: next(f"#{p['id']} ({p['confidence']:.2f}) {p['bank']} ↔ {p['book']}"
                                                      for p in shown if p["id"] == i))
        st.query_params["suggestion"] = str(sid)
        picked = next(p for p in shown if p["id"] == sid)
        detail = _side_by_side(sid)
        # No form: Enter in the reason only keeps the text. The buttons carry the suggestion and version
        # shown here; the service refuses them if it changed meanwhile.
        st.text_input("Reason (required to reject)", key=f"one_reason:{sid}")

        def _decide(s, action, sid=sid, version=picked["version"]):
            reason = st.session_state.get(f"one_reason:{sid}", "").strip()
            if action == "reject":  # the service refuses a reject without a reason
                return decisions.reject(s, suggestion_id=sid, user=user["username"], reason=reason, expected_version=version)
            return decisions.approve(s, suggestion_id=sid, user=user["username"], reason=reason or None,
                                     expected_version=version)

        # After a decision the clerk stays in place: the next suggestion of the list opens, not the top one.
        at = ids.index(sid)
        following = ids[at + 1] if at + 1 < len(ids) else (ids[at - 1] if at else None)

        def _go(target: int | None) -> None:
            if target is not None:
                st.session_state["one_pick"] = target
                st.query_params["suggestion"] = str(target)

        a, r, p, n = st.columns([2, 2, 1, 1])
        # Shortcuts carry a modifier: a bare letter typed into the reason must never decide (Enter used to)
        a.button("Approve", key=f"one_approve:{sid}", type="primary", shortcut="Alt+A", help="Alt+A",
                 on_click=state.action(lambda s: _decide(s, "approve"), success=f"Suggestion #{sid} approved.",
                                       after=lambda: _go(following)))
        r.button("Reject", key=f"one_reject:{sid}", shortcut="Alt+X", help="Alt+X (needs a reason)",
                 on_click=state.action(lambda s: _decide(s, "reject"), success=f"Suggestion #{sid} rejected.",
                                       after=lambda: _go(following)))
        p.button("Previous", key="one_prev", shortcut="Alt+P", help="Alt+P", disabled=at == 0,
                 on_click=lambda: _go(ids[at - 1] if at else None))
        n.button("Next", key="one_next", shortcut="Alt+N", help="Alt+N", disabled=at + 1 >= len(ids),
                 on_click=lambda: _go(ids[at + 1] if at + 1 < len(ids) else None))
        if detail and len(detail["bank_items"]) + len(detail["book_items"]) > 2:
            _split_control(detail, user)
    with bulk:
        st.markdown("**Bulk approve**")
        threshold = st.slider("Approve every shown suggestion with confidence at least", 0.5, 1.0, 0.95, 0.01,
                              key="bulk_threshold")
        targets, held = queries.bulk_targets(shown, threshold)
        st.caption(f"{len(targets)} suggestion(s) qualify" + (
            f"; {len(held)} with an open difference are left for a one-by-one decision (their write-off)" if held else ""))
        if targets:
            with st.expander(f"Preview: the {len(targets)} suggestion(s) this approves"):
                st.dataframe(pd.DataFrame(targets, columns=["id", "confidence", "bank", "book"]), hide_index=True,
                             width="stretch", key="bulk_preview")
        def _bulk(shown=tuple((p["id"], p["version"]) for p in targets), floor=threshold) -> None:
            """Approves exactly the suggestions in the preview this button was drawn with, at the versions
            shown: one that changed or appeared since is never approved unseen (a rerun cannot widen it)."""
            done, failed = [], []
            for sid_, version in shown:  # one transaction each: a conflict on one does not undo the others
                try:
                    with session_scope(get_engine()) as s:
                        decisions.approve(s, suggestion_id=sid_, user=user["username"],
                                          reason=f"bulk approval at confidence >= {floor:.2f}", expected_version=version)
                    done.append(sid_)
                except (ServiceError, ValueError) as exc:
                    failed.append(f"#{sid_}: {exc}")
            st.session_state["_flash"] = f"Bulk approval: {len(done)} approved" + (f", {len(failed)} refused" if failed else "")
            st.session_state["bulk_failed"] = failed

        st.button(f"Approve {len(targets)} suggestion(s)", key="bulk_approve", disabled=not targets, on_click=_bulk)
        for msg in st.session_state.get("bulk_failed", []):
            st.error(msg)
elif not state.can("match.decide"):
    st.caption("Clerks (and admins) decide matches; you can read them.")

# ------------------------------------------------------------------------------ manual match
if state.can("match.decide"):
    if outcome := st.session_state.pop("_manual_outcome", None):
        st.info(outcome)  # outside the expander, which a rerun may close
    with st.expander("Manual match: any statement entries against any book items"):
        with state.reading() as s:
            pool = queries.open_items(s, search=search)
        st.caption("Open items" + (f" matching “{search}”" if search else ", newest first; search above to narrow")
                   + f". A write-off above {get_settings().write_off_limit} waits for a second clerk.")
        bank_by_id = {r["id"]: r for r in pool["bank"]}
        book_by_id = {r["id"]: r for r in pool["book"]}
        picked_bank = st.multiselect("Statement entries", list(bank_by_id), key="manual_bank",
                                     format_func=lambda i: bank_by_id[i]["label"])
        picked_book = st.multiselect("Book items", list(book_by_id), key="manual_book",
                                     format_func=lambda i: book_by_id[i]["label"])
        chosen = [bank_by_id[i] for i in picked_bank] + [book_by_id[i] for i in picked_book]
        if picked_bank and picked_book:
            currencies = sorted({r["currency"] for r in chosen})
            if len(currencies) == 1:
                diff = sum(bank_by_id[i]["amount"] for i in picked_bank) - sum(book_by_id[i]["amount"] for i in picked_book)
                st.markdown(f"Statement {currencies[0]} {queries.money(sum(bank_by_id[i]['amount'] for i in picked_bank), currencies[0])}"
                            f" · books {queries.money(sum(book_by_id[i]['amount'] for i in picked_book), currencies[0])}"
                            f" · difference **{queries.money(diff, currencies[0])}**")
            else:
                st.warning(f"The selection mixes {', '.join(currencies)}: a match is in one currency.")
        st.text_input("Write-off (the difference, if any)", key="manual_write_off")
        st.text_input("Reason (required)", key="manual_reason")

        def _clear_manual() -> None:
            for key in ("manual_bank", "manual_book", "manual_write_off", "manual_reason"):
                st.session_state[key] = [] if key in ("manual_bank", "manual_book") else ""

        def _manual(s, bank=tuple(picked_bank), book=tuple(picked_book)):
            # the items are the ones on screen; the texts are read now: a reason typed just before the click
            # reaches the session with the click, after this button was drawn
            sug = manual_match(s, bank_entry_ids=list(bank), book_item_ids=list(book), user=user["username"],
                               reason=st.session_state.get("manual_reason", ""),
                               write_off=st.session_state.get("manual_write_off") or None)
            st.session_state["_manual_outcome"] = (
                f"Manual match #{sug.id} approved." if sug.decision_state == "approved" else
                f"Manual match #{sug.id} waits for a second clerk (its write-off is above the limit).")

        st.button("Match selected", key="manual_match", disabled=not (picked_bank and picked_book),
                  on_click=state.action(_manual, success="Manual match recorded.", after=_clear_manual))

if decided:
    with st.expander(f"Decided suggestions ({n_decided})" + (f", the latest {len(decided)} shown" if n_decided > len(decided) else "")):
        st.dataframe(pd.DataFrame(decided, columns=["id", "confidence", "decision_state", "decided_by", "bank", "book",
                                                    "reasons"]), hide_index=True, width="stretch", key="decided_table")
        approved = {p["id"]: p for p in decided if p["decision_state"] == "approved"}
        if approved and state.can("match.decide"):
            uid = st.selectbox("Unmatch an approved match", list(approved), key="unmatch_pick",
                               format_func=lambda i: f"#{i} {approved[i]['bank']} ↔ {approved[i]['book']}")
            st.text_input("Reason (required to unmatch)", key=f"unmatch_reason:{uid}")

            def _unmatch(s, uid=uid, version=approved[uid]["version"]):
                return decisions.unmatch(s, suggestion_id=uid, user=user["username"], expected_version=version,
                                         reason=st.session_state.get(f"unmatch_reason:{uid}", "").strip())

            st.button("Unmatch", key=f"unmatch:{uid}",
                      on_click=state.action(_unmatch, success=f"Match #{uid} unmatched: its items are open again."))

# ------------------------------------------------------------------------------ breaks
st.subheader("Unmatched items by break class")
if not breaks:
    st.write(f"No open break matches “{search}”." if search else
             "No open breaks recorded. Run matching to classify what is left unmatched.")
for break_class, items in sorted(breaks.items()):
    with st.expander(f"{break_class} ({len(items)})", expanded=True):
        frame = pd.DataFrame(items, columns=["id", "side", "reference", "counterparty", "date", "amount", "currency",
                                             "reason_code", "description", "case"])
        frame["open"] = [f"/exceptions?case={k}" if k else None for k in frame["case"]]
        st.dataframe(frame, hide_index=True, width="stretch", key=f"breaks_{break_class}",
                     column_config={"open": st.column_config.LinkColumn("open", display_text="open case")})
