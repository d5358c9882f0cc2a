"""Reconciliation page: upload (a bad file refused whole, good ones imported), suggestions, one-by-one
and bulk approval by a clerk (recorded in the audit log), read-only for ops, breaks by class."""

from decimal import Decimal

from sqlalchemy import func, select

from breakdesk.app.store.db import session_scope
from breakdesk.app.store.models import AuditRecord, ImportBatch, MatchSuggestion
from breakdesk.app.store.repositories.matching import add_break
from breakdesk.app.store.testing import seed_pair, seed_suggestion
from tests.support.workflow import DEMO
from tests.ui.conftest import open_app


def _suggestions(engine, confidences):
    with session_scope(engine) as s:
        return [seed_suggestion(s, confidence=c).id for c in confidences]


def test_upload_imports_good_files_and_refuses_a_bad_one_whole(ui_env):
    at = open_app("views/reconciliation.py", user="carl")
    good = [(p.name, p.read_bytes(), "application/xml") for p in sorted(DEMO.glob("0[1-3]_*.xml"))]
    header = (DEMO / "08_ledger_receivables_2026-11.csv").read_bytes().splitlines()[0]
    bad_csv = header + (b"\nL-1,2026-11-27,100.00,EUR,Acme,INV-1,ok,CRDT,,,2026-11-27"
                        b"\nL-2,2026-11-27,12.x,EUR,Acme,INV-2,bad amount,CRDT,,,2026-11-27\n")
    at.file_uploader(key="upload_files").set_value(good + [("bad_ledger.csv", bad_csv, "text/csv"),
                                                           ("broken.xml", b"<Document><oops", "application/xml")])
    at.button(key="FormSubmitter:upload-Import").click().run()
    assert not at.exception
    assert sorted(s.value for s in at.success if s.value.startswith("Imported")) == [f"Imported {n}" for n, *_ in good]
    refused = [e.value for e in at.error if e.value.startswith("Refused")]
    assert len(refused) == 2 and any("bad_ledger.csv:3" in r and "12.x" in r for r in refused), refused
    assert any("broken.xml" in r for r in refused)
    with session_scope(ui_env) as s:
        names = set(s.execute(select(ImportBatch.file_name)).scalars())
    assert names == {n for n, *_ in good}  # nothing of the bad files was written


def test_upload_of_a_bank_file_with_a_deviation_lists_what_was_tolerated_and_left_out(ui_env):
    """Issue #16: a Commerzbank-style :61: and a line with 30 February: the file imports, and the page
    says what was tolerated and what was left out, with the line."""
    mt = (b":20:UI-LENIENT\n:25:DE89370400440532013000\n:28C:1/1\n:60F:C261129EUR10,00\n"
          b":61:2611291129CR5,00 NTRFNONREF//UI-1\n:61:2602300230CR5,00NTRFNONREF//UI-2\n:62F:C261129EUR15,00\n-\n")
    at = open_app("views/reconciliation.py", user="carl")
    at.file_uploader(key="upload_files").set_value([("odd.sta", mt, "text/plain")])
    at.button(key="FormSubmitter:upload-Import").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["Imported odd.sta"]
    shown = [m.value for m in at.markdown if "odd.sta:" in m.value]
    assert any("odd.sta:5: warning: BANK_DEVIATION: space_before_transaction_type" in m for m in shown), shown
    assert any("odd.sta:6: error: UNREADABLE_ENTRY" in m for m in shown), shown


def test_clerk_approves_one_and_bulk_approves_above_a_confidence(ui_env):
    low, mid, high, top = _suggestions(ui_env, [0.55, 0.8, 0.96, 0.99])
    at = open_app("views/reconciliation.py", user="carl")
    table = at.dataframe[0].value
    assert list(table["id"]) == [top, high, mid, low] and list(table["confidence"]) == [0.99, 0.96, 0.8, 0.55]

    at.selectbox(key="one_pick").select(mid).run()
    assert at.query_params["suggestion"] in (str(mid), [str(mid)])  # the URL names the suggestion on screen
    at.button(key=f"one_approve:{mid}").click().run()
    assert not at.error
    at.slider(key="bulk_threshold").set_value(0.95).run()
    at.button(key="bulk_approve").click().run()
    assert any("Bulk approval: 2 approved" in s.value for s in at.success)
    with session_scope(ui_env) as s:
        states = dict(s.execute(select(MatchSuggestion.id, MatchSuggestion.decision_state)).all())
        actors = set(s.execute(select(AuditRecord.actor).where(AuditRecord.action == "match.approve")).scalars())
        n = s.execute(select(func.count()).select_from(AuditRecord).where(AuditRecord.action == "match.approve")).scalar_one()
    assert states == {low: "pending", mid: "approved", high: "approved", top: "approved"}
    assert actors == {"carl"} and n == 3
    assert list(at.dataframe[0].value["id"]) == [low]


def test_ops_reads_suggestions_but_cannot_decide(ui_env):
    _suggestions(ui_env, [0.97])
    at = open_app("views/reconciliation.py", user="olivia")
    assert len(at.dataframe[0].value) == 1
    assert not [b for b in at.button if b.key.startswith(("one_approve", "bulk_approve"))]
    assert any("Clerks (and admins) decide matches" in c.value for c in at.caption)


def test_unmatched_items_by_break_class(ui_env):
    with session_scope(ui_env) as s:
        entry, item = seed_pair(s, amount="12.50")
        add_break(s, side="bank", bank_entry_id=entry.id, break_class="bank_only", amount=Decimal("12.50"),
                  currency="EUR", description="bank fee")
        add_break(s, side="book", book_item_id=item.id, break_class="missing_booking", amount=Decimal("3400.00"),
                  currency="EUR", description="Umbrella Ltd never arrived")
    at = open_app("views/reconciliation.py", user="carl")
    labels = [e.label for e in at.expander]
    assert "bank_only (1)" in labels and "missing_booking (1)" in labels
    frames = [df.value for df in at.dataframe if "side" in df.value.columns]
    assert {f["description"].iloc[0] for f in frames} == {"bank fee", "Umbrella Ltd never arrived"}


def test_clerk_runs_matching_on_the_demo_day(ui_env, demo_day):
    at = open_app("views/reconciliation.py", user="carl")
    at.button(key="run_matching").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any(s.value.startswith("Matching run #") for s in at.success)
    table = at.dataframe[0].value
    assert len(table) and table["confidence"].between(0, 1).all() and table["reasons"].str.len().min() > 0
    assert table["bank"].str.contains(r"EUR \d+\.\d\d\b").all()  # ISO 4217 minor units, not the store's scale
    labels = " ".join(e.label for e in at.expander)
    for break_class in ("bank_only", "missing_booking", "rejected"):  # the bank's rejects are not missing bookings
        assert break_class in labels
    frames = {e.label.split(" (")[0]: df.value for e in at.expander for df in e.dataframe}
    assert frames["bank_only"]["case"].str.match(r"CASE-[0-9A-F]{10}$").all()  # the case a person opens
    # a second run lists each open item once again, not twice
    at.button(key="run_matching").click().run()
    again = {e.label.split(" (")[0]: df.value for e in at.expander for df in e.dataframe}
    assert {k: len(v) for k, v in again.items()} == {k: len(v) for k, v in frames.items()}


def test_reject_one_needs_a_reason(ui_env):
    [sid] = _suggestions(ui_env, [0.7])
    at = open_app("views/reconciliation.py", user="carl")
    at.button(key=f"one_reject:{sid}").click().run()
    assert any("reject needs a reason" in e.value for e in at.error)
    at.text_input(key=f"one_reason:{sid}").input("different invoice").run()  # Enter: decides nothing
    with session_scope(ui_env) as s:
        assert not s.execute(select(AuditRecord).where(AuditRecord.action.like("match.%"))).first()
    at.button(key=f"one_reject:{sid}").click().run()
    with session_scope(ui_env) as s:
        rec = s.execute(select(AuditRecord).where(AuditRecord.action == "match.reject")).scalar_one()
    assert (rec.actor, rec.object_id, rec.reason) == ("carl", str(sid), "different invoice")


def test_compliance_cannot_open_reconciliation_nor_run_matching(ui_env):
    import pytest

    with pytest.raises(ValueError, match="Could not find a navigation page"):
        open_app("views/reconciliation.py", user="chloe")
    at = open_app("views/reconciliation.py", user="olivia")  # ops reads, but does not run the matcher
    assert not [b for b in at.button if b.key == "run_matching"]


def test_a_link_opens_its_suggestion_and_a_decision_stays_on_the_one_shown(ui_env):
    """The decision carries the suggestion on screen: when another suggestion is decided meanwhile (the
    list changes), the click still decides the one the clerk read, never the list's new first row."""
    first, second = _suggestions(ui_env, [0.97, 0.9])
    at = open_app(None, user="carl")
    at.query_params["suggestion"] = str(second)
    at.switch_page("views/reconciliation.py").run()
    assert at.selectbox(key="one_pick").value == second
    other = open_app("views/reconciliation.py", user="carl")  # someone decides the first one meanwhile
    other.selectbox(key="one_pick").select(first).run()
    other.button(key=f"one_approve:{first}").click().run()
    at.button(key=f"one_approve:{second}").click().run()
    assert not at.error, [e.value for e in at.error]
    with session_scope(ui_env) as s:
        states = dict(s.execute(select(MatchSuggestion.id, MatchSuggestion.decision_state)).all())
    assert states[first] == "approved" and states[second] == "approved"


def _short_pair(engine, *, bank="4985.00", book="5000.00", name="Zeppelin Logistik GmbH", confidence=0.99):
    """A bank line paying less than booked (a charge taken), suggested at a high confidence."""
    with session_scope(engine) as s:
        entry, item = seed_pair(s, amount=book)
        entry.amount = Decimal(bank)
        entry.counterparty_name = item.counterparty_name = name
        s.flush()
        return seed_suggestion(s, bank_entry_ids=[entry.id], book_item_ids=[item.id], confidence=confidence).id


def test_bulk_approval_leaves_out_open_differences_and_shows_what_it_approves(ui_env):
    [clean] = _suggestions(ui_env, [0.97])
    short = _short_pair(ui_env)
    at = open_app("views/reconciliation.py", user="carl")
    table = at.dataframe[0].value
    assert table.set_index("id").loc[short, "difference"] == "-15.00"
    at.slider(key="bulk_threshold").set_value(0.95).run()
    assert any("1 suggestion(s) qualify; 1 with an open difference" in c.value for c in at.caption)
    preview = next(df.value for df in at.dataframe if list(df.value.columns) == ["id", "confidence", "bank", "book"])
    assert list(preview["id"]) == [clean]
    at.button(key="bulk_approve").click().run()
    with session_scope(ui_env) as s:
        states = dict(s.execute(select(MatchSuggestion.id, MatchSuggestion.decision_state)).all())
    assert states == {clean: "approved", short: "pending"}


def test_the_picked_suggestion_shows_bank_and_book_side_by_side_with_its_difference(ui_env):
    short = _short_pair(ui_env)
    at = open_app("views/reconciliation.py", user="carl")
    at.selectbox(key="one_pick").select(short).run()
    text = " ".join(m.value for m in at.markdown)
    assert "**Bank statement**" in text and "**Books**" in text
    assert "EUR **4985.00** DBIT" in text and "EUR **5000.00** DBIT" in text and "Zeppelin Logistik GmbH" in text
    assert any("Open difference -15.00" in w.value for w in at.warning)


def test_search_finds_items_by_counterparty_reference_amount_and_date(ui_env):
    short = _short_pair(ui_env)
    [other] = _suggestions(ui_env, [0.9])
    with session_scope(ui_env) as s:
        entry, item = seed_pair(s, amount="777.00", reference="E2E-ZEP-1")
        item.counterparty_name = "Zeppelin Logistik GmbH"
        add_break(s, side="book", book_item_id=item.id, break_class="missing_booking", amount=Decimal("777.00"),
                  currency="EUR", description="no statement line found")
    at = open_app("views/reconciliation.py", user="carl")
    for query, expected in (("zeppelin", [short]), ("4985", [short]), ("4.985,00", [short])):
        at.text_input(key="recon_search").input(query).run()
        assert list(at.dataframe[0].value["id"]) == expected, query
    at.text_input(key="recon_search").input("Zeppelin").run()
    frames = {e.label.split(" (")[0]: df.value for e in at.expander for df in e.dataframe}
    missing = frames["missing_booking"]
    assert list(missing["reference"]) == ["E2E-ZEP-1"] and list(missing["counterparty"]) == ["Zeppelin Logistik GmbH"]
    assert str(missing["date"].iloc[0]) == "2026-11-02"
    at.text_input(key="recon_search").input("2026-11-02").run()
    assert set(at.dataframe[0].value["id"]) == {short, other}


def test_counts_are_true_beyond_what_a_page_lists(ui_env):
    from breakdesk.app.services import queries

    ids = _suggestions(ui_env, [0.6] * 205)
    with session_scope(ui_env) as s:
        for sid in ids:
            s.get(MatchSuggestion, sid).decision_state = "approved"
        assert queries.count_suggestions(s, decision_states=("approved",)) == 205
        assert len(queries.suggestions(s, decision_states=("approved",), limit=200)) == 200
    at = open_app("views/reconciliation.py", user="carl")
    assert any(e.label == "Decided suggestions (205), the latest 200 shown" for e in at.expander)


def test_clerk_matches_by_hand_with_a_write_off_and_a_second_clerk_approves_above_the_limit(ui_env):
    with session_scope(ui_env) as s:
        entry, item = seed_pair(s, amount="900.00", reference="E2E-ZEP-9")
        item.amount = Decimal("1000.00")
        bank_id, book_id = entry.id, item.id
    at = open_app("views/reconciliation.py", user="carl")
    at.text_input(key="recon_search").input("E2E-ZEP-9").run()
    at.multiselect(key="manual_bank").select(bank_id).run()
    at.multiselect(key="manual_book").select(book_id).run()
    assert any("difference **-100.00**" in m.value for m in at.markdown)
    at.text_input(key="manual_reason").input("partial payment agreed by letter").run()
    at.button(key="manual_match").click().run()
    assert any("write-off of 100.00" in e.value for e in at.error)  # the difference must be stated
    at.text_input(key="manual_write_off").input("100.00").run()
    at.button(key="manual_match").click().run()
    assert not at.error, [e.value for e in at.error]
    assert any("waits for a second clerk" in i.value for i in at.info)
    with session_scope(ui_env) as s:
        sid, state = s.execute(select(MatchSuggestion.id, MatchSuggestion.decision_state)).one()
    assert state == "pending"
    at.selectbox(key="one_pick").select(sid).run()
    at.button(key=f"one_approve:{sid}").click().run()
    assert any("not its maker carl" in e.value for e in at.error)
    checker = open_app("views/reconciliation.py", user="ada")  # another person (an admin decides matches too)
    checker.selectbox(key="one_pick").select(sid).run()
    checker.button(key=f"one_approve:{sid}").click().run()
    assert not checker.error, [e.value for e in checker.error]
    with session_scope(ui_env) as s:
        assert s.get(MatchSuggestion, sid).decided_by == "ada"


def test_clerk_unmatches_an_approved_match_with_a_reason(ui_env):
    [sid] = _suggestions(ui_env, [0.97])
    at = open_app("views/reconciliation.py", user="carl")
    at.button(key=f"one_approve:{sid}").click().run()
    at.button(key=f"unmatch:{sid}").click().run()
    assert any("unmatch needs a reason" in e.value for e in at.error)
    at.text_input(key=f"unmatch_reason:{sid}").input("wrong invoice, customer called").run()
    at.button(key=f"unmatch:{sid}").click().run()
    assert any(f"Match #{sid} unmatched" in m.value for m in at.success)
    with session_scope(ui_env) as s:
        assert s.get(MatchSuggestion, sid).decision_state == "unmatched"


def test_after_a_decision_the_next_suggestion_opens_and_next_previous_keep_the_place(ui_env):
    top, second, third = _suggestions(ui_env, [0.99, 0.9, 0.8])
    at = open_app("views/reconciliation.py", user="carl")
    assert at.selectbox(key="one_pick").value == top
    at.button(key="one_next").click().run()
    assert at.selectbox(key="one_pick").value == second
    at.button(key=f"one_approve:{second}").click().run()
    assert at.selectbox(key="one_pick").value == third  # not back to the top
    at.button(key="one_prev").click().run()
    assert at.selectbox(key="one_pick").value == top
    assert at.query_params["suggestion"] in (str(top), [str(top)])


def test_a_group_that_is_partly_right_is_split_in_two_with_a_reason(ui_env):
    with session_scope(ui_env) as s:
        e1, i1 = seed_pair(s, amount="100.00")
        _e2, i2 = seed_pair(s, amount="40.00")
        sid = seed_suggestion(s, bank_entry_ids=[e1.id], book_item_ids=[i1.id, i2.id], confidence=0.75).id
        keep, take = i1.id, i2.id
    at = open_app("views/reconciliation.py", user="carl")
    at.multiselect(key=f"split_part:{sid}").select(("book", take)).run()
    at.button(key=f"split:{sid}").click().run()
    assert any("split needs a reason" in e.value for e in at.error)
    at.text_input(key=f"split_reason:{sid}").input("the 40.00 invoice was paid by cheque").run()
    at.button(key=f"split:{sid}").click().run()
    assert not at.error, [e.value for e in at.error]
    with session_scope(ui_env) as s:
        parent = s.get(MatchSuggestion, sid)
        children = s.execute(select(MatchSuggestion).where(MatchSuggestion.parent_id == sid)).scalars().all()
        parts = sorted((c.bank_entry_ids, c.book_item_ids) for c in children)
    assert parent.decision_state == "split"
    assert parts == sorted([([e1.id], [keep]), ([], [take])])


def test_bulk_approval_approves_only_what_its_preview_showed(ui_env):
    """A suggestion that appears between drawing the preview and the click is not approved unseen."""
    [shown] = _suggestions(ui_env, [0.97])
    at = open_app("views/reconciliation.py", user="carl")
    at.slider(key="bulk_threshold").set_value(0.95).run()
    [late] = _suggestions(ui_env, [0.99])  # a matching run elsewhere adds one after the page was drawn
    at.button(key="bulk_approve").click().run()
    assert any("Bulk approval: 1 approved" in s.value for s in at.success)
    with session_scope(ui_env) as s:
        states = dict(s.execute(select(MatchSuggestion.id, MatchSuggestion.decision_state)).all())
    assert states == {shown: "approved", late: "pending"}
