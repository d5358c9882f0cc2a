"""Reconciliation on the store with the demo day: suggestions, breaks, break cases, auto-confirm, decisions."""

import pytest
from sqlalchemy import func, select

from breakdesk.app.services import decisions
from breakdesk.app.services.errors import PermissionDenied
from breakdesk.app.services.reconciliation import run_matching
from breakdesk.app.services.workflow import ingest_files, list_cases
from breakdesk.app.store.db import session_scope
from breakdesk.app.store.models import BankEntry, Break, MatchSuggestion
from tests.integration.test_workflow_demo_day import _cheap_bcrypt, workspace  # noqa: F401 - fixtures
from tests.support.workflow import demo_files


def _refs(s: MatchSuggestion) -> tuple[set, set]:
    return ({e.end_to_end_id or e.account_servicer_reference for e in s.bank_entries},
            {b.end_to_end_id or b.external_id for b in s.book_items})


def test_demo_day_reconciles(workspace):
    engine, _ = workspace
    with session_scope(engine) as s:
        ingest_files(s, files=demo_files(), user="olivia")
    with session_scope(engine) as s, pytest.raises(PermissionDenied):
        run_matching(s, user="olivia")  # ops may not run matching; clerks do
    seen = []
    with session_scope(engine) as s:
        summary = run_matching(s, user="carl", auto_confirm=True, threshold=0.9, progress=lambda f, t: seen.append(f))
    assert seen[-1] == 1.0 and summary["suggestions"] > 0 and summary["auto_confirmed"] > 0
    with session_scope(engine) as s:
        sugg = list(s.execute(select(MatchSuggestion)).scalars())
        by_e2e = {next(iter(_refs(x)[1])): x for x in sugg if len(x.book_items) == 1}
        # exact EndToEndId matches are confirmed automatically
        assert by_e2e["E2E-4473"].decision_state == "approved" and by_e2e["E2E-4473"].decided_by == "system:auto-confirm"
        # the salary batch: one bank line, three payments
        batch = next(x for x in sugg if len(x.book_items) == 3)
        assert {b.end_to_end_id for b in batch.book_items} == {"SAL-1126-01", "SAL-1126-02", "SAL-1126-03"}
        # Globex paid 5,000.00 less a 15.00 fee: a suggestion with the open difference, left for review
        globex = by_e2e["AR-118"]
        assert globex.decision_state == "pending" and globex.status == "review"
        assert any(r["text"] == "bank amount short by 15.00 EUR (plausible fee)" for r in globex.reasons)
        breaks = {(b.side, b.break_class) for b in s.execute(select(Break)).scalars()}
    assert ("bank", "bank_only") in breaks  # the 12.50 charge
    assert ("book", "missing_booking") in breaks  # Umbrella Ltd never paid
    with session_scope(engine) as s:
        kinds = {r["kind"] for r in list_cases(s)}
    assert {"bank_only", "missing_booking", "rejected", "returned"} <= kinds
    with session_scope(engine) as s:
        missing = [r for r in list_cases(s, kind="missing_booking")]
    # rejected payments never reached the statement: they are payment cases, not missing bookings
    assert [r["payment"]["reference"] for r in missing] == ["AR-125"]
    with session_scope(engine) as s:
        late = list_cases(s, kind="value_date_difference")
    # one case for the pair (the bank line CBK-…-0009 and ledger item AR-120), not one per side
    assert len(late) == 1 and late[0]["payment"]["reference"] in {"AR-120", "CBK-20261127-0009"}

    with session_scope(engine) as s:  # what a re-run may offer: no approved match, no pending suggestion holding it
        held = {e.id for sug in s.scalars(select(MatchSuggestion).where(MatchSuggestion.decision_state == "pending"))
                for e in sug.bank_entries}
        free = s.scalar(select(func.count()).select_from(BankEntry).where(
            BankEntry.matched_suggestion_id.is_(None), BankEntry.level == "entry", BankEntry.id.not_in(held)))
    with session_scope(engine) as s:
        rerun = run_matching(s, user="carl")
    assert held and rerun["bank"] == free  # items a pending suggestion holds stay with the clerks, not re-offered

    with session_scope(engine) as s:
        d = decisions.approve(s, suggestion_id=globex.id, user="carl", reason="fee accepted, write off 15.00")
        assert d.action == "approve"
    with session_scope(engine) as s:
        again = run_matching(s, user="carl")
    assert again["bank"] < summary["bank"]  # matched items are not offered again


# A statement of two lines and the ledger lines that book them: exact EndToEndId matches, confirmed automatically.
PAID_STATEMENT = (":20:STMT-PAID\n:25:DE89370400440532013000\n:28C:9/1\n:60F:C261129EUR1000,00\n"
                  ":61:2611291129C100,00NTRFE2E-PAID-1//CBKPAID1\n:86:/EREF/E2E-PAID-1/NAME/Dupont SARL/REMI/Invoice P1\n"
                  ":61:2611291129C200,00NTRFE2E-PAID-2//CBKPAID2\n:86:/EREF/E2E-PAID-2/NAME/Verdi Consulting Srl/REMI/Invoice P2\n"
                  ":62F:C261129EUR1300,00\n")
PAID_LEDGER = ("id,date,amount,currency,counterparty,reference,description,direction,iban,end_to_end_id,value_date\n"
               "AR-P1,2026-11-29,100.00,EUR,Dupont SARL,INV-P1,Invoice P1,CRDT,,E2E-PAID-1,2026-11-29\n"
               "AR-P2,2026-11-29,200.00,EUR,Verdi Consulting Srl,INV-P2,Invoice P2,CRDT,,E2E-PAID-2,2026-11-29\n")


def test_matching_reads_only_the_messages_its_open_rows_come_from(workspace):
    """A statement whose lines are all matched, and messages that hold no items, are not read: their
    payloads may be anything, and the items and the run come out the same."""
    from sqlalchemy import update

    from breakdesk.app.services.reconciliation import _items
    from breakdesk.app.store.models import StoredMessage

    engine, _ = workspace
    with session_scope(engine) as s:
        ingest_files(s, files=demo_files() + [("paid.sta", PAID_STATEMENT.encode()), ("paid.csv", PAID_LEDGER.encode())],
                     user="olivia")
    with session_scope(engine) as s:
        assert run_matching(s, user="carl", auto_confirm=True, threshold=0.9)["auto_confirmed"] > 0
    with session_scope(engine) as s:
        [paid] = s.scalars(select(StoredMessage.id).where(StoredMessage.file_name == "paid.sta"))
        assert s.scalars(select(BankEntry.matched_suggestion_id).where(BankEntry.message_id == paid)).all() != [None]
        assert None not in s.scalars(select(BankEntry.matched_suggestion_id).where(BankEntry.message_id == paid)).all()
        unread = [paid] + list(s.scalars(select(StoredMessage.id).where(StoredMessage.kind.not_in(("statement", "payment")))))
        bank, book, _rows = _items(s)
        assert len(unread) == 5 and bank and book
    with session_scope(engine) as s:
        s.execute(update(StoredMessage).where(StoredMessage.id.in_(unread)).values(payload={"not": "a message"}))
    with session_scope(engine) as s:
        assert _items(s)[:2] == (bank, book)
        again = run_matching(s, user="carl")
    assert (again["bank"], again["book"]) == (len(bank), len(book))


def test_two_statements_of_the_same_file_name_keep_their_own_lines(workspace):
    """A bank's daily `statement.sta`: both days' lines are offered, each with its own row (provenance names
    the file and line, not the import, so matching rows by it alone mixed the two)."""
    from breakdesk.app.services.reconciliation import _items

    engine, _ = workspace
    second = PAID_STATEMENT.replace("PAID", "NEXT").replace("C261129", "C261130").replace("2611291129", "2611301130")
    with session_scope(engine) as s:
        for text in (PAID_STATEMENT, second):
            assert ingest_files(s, files=[("statement.sta", text.encode())], user="olivia").imported
    with session_scope(engine) as s:
        bank, _book, rows = _items(s)
        assert sorted((b.id, b.end_to_end_id) for b in bank) == sorted(
            (str(r.id), r.end_to_end_id) for r in s.scalars(select(BankEntry).where(BankEntry.level == "entry")))
        assert len(bank) == 4 and set(rows) == {("bank", int(b.id)) for b in bank}


def test_a_run_does_not_select_per_suggestion_or_per_break(workspace):
    """The rows a suggestion or a break case needs are the ones the run loaded; existing case keys are read
    once. The SELECTs on items and cases do not grow with the suggestions and breaks of a run."""
    import re

    from sqlalchemy import event

    engine, _ = workspace
    with session_scope(engine) as s:
        ingest_files(s, files=demo_files(), user="olivia")
    statements: list[str] = []
    listener = lambda conn, cursor, statement, *rest: statements.append(statement)  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        with session_scope(engine) as s:
            summary = run_matching(s, user="carl")
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    on_items_or_cases = [q for q in statements
                         if re.match(r"\s*SELECT\b.*?\bFROM (bank_entries|book_items|cases)\b", q, re.S | re.I)]
    assert summary["suggestions"] >= 5 and summary["breaks"] >= 5
    # the open bank entries, the open book items, their settled look-alikes on each side (one query per 500
    # amounts), the payment cases' references, the existing break case keys
    assert len(on_items_or_cases) == 6, on_items_or_cases


# Umbrella Ltd's late payment of AR-125 (3,400.00, the demo day's missing booking), on the next day's statement.
LATE_STATEMENT = (":20:STMT-LATE\n:25:DE89370400440532013000\n:28C:10/1\n:60F:C261130EUR1000,00\n"
                  ":61:2611301130C3400,00NTRFNONREF//CBKLATE1\n:86:/NAME/Umbrella Ltd/REMI/Invoice 125 hardware INV-2026-125\n"
                  ":62F:C261130EUR4400,00\n")


def _open_breaks(s) -> list[tuple[str, int, str]]:
    return sorted((b.side, b.bank_entry_id or b.book_item_id, b.break_class)
                  for b in s.scalars(select(Break).where(Break.status == "open")))


def test_a_rerun_replaces_the_breaks_of_the_items_it_looked_at(workspace):
    """Each run classifies the open items again: their earlier breaks are superseded (kept, not deleted), so
    the open breaks are one per unmatched item, and an item a later run matched has none left open."""
    from breakdesk.app.store.models import BookItem

    engine, _ = workspace
    with session_scope(engine) as s:
        ingest_files(s, files=demo_files(), user="olivia")
    with session_scope(engine) as s:
        first = run_matching(s, user="carl")
    with session_scope(engine) as s:
        before = _open_breaks(s)
    assert first["breaks"] == len(before) and len({(side, i) for side, i, _ in before}) == len(before)
    with session_scope(engine) as s:
        again = run_matching(s, user="carl")
    with session_scope(engine) as s:
        after = _open_breaks(s)
        superseded = s.scalar(select(func.count()).select_from(Break).where(Break.status == "superseded"))
    assert len(after) == again["breaks"] and len({(side, i) for side, i, _ in after}) == len(after)
    assert superseded == len(before)
    # and the same classes: the 15,000.00 booking of E2E-4477, which the bank rejected as a duplicate (AM05),
    # stays `rejected` (not a missing booking, not a matcher's duplicate guess) run after run
    assert after == before and any(cls == "rejected" for _side, _i, cls in after)

    with session_scope(engine) as s:
        [ar125] = s.scalars(select(BookItem.id).where(BookItem.external_id == "AR-125"))
        assert ("book", ar125, "missing_booking") in after
        ingest_files(s, files=[("late.sta", LATE_STATEMENT.encode())], user="olivia")
    with session_scope(engine) as s:
        run_matching(s, user="carl")
    with session_scope(engine) as s:
        held = {b.id for sug in s.scalars(select(MatchSuggestion).where(MatchSuggestion.decision_state == "pending"))
                for b in sug.book_items}
        assert ar125 in held  # the late line is offered as AR-125's match …
        assert not [b for b in _open_breaks(s) if b[:2] == ("book", ar125)]  # … and its missing booking is not open


def test_matching_a_break_item_resolves_its_case_and_unmatching_reopens_it(workspace):
    """AR-125's 'missing booking' case follows the clerk's decisions on the late line that pays it: resolved
    when the match is approved, reopened when it is undone, each an audited state change that names the
    suggestion and the clerk."""
    from breakdesk.app.services.audit import verify_chain
    from breakdesk.app.services.workflow import explain_case
    from breakdesk.app.store.models import AuditRecord, BookItem, Case, Repair

    engine, runtime = workspace
    with session_scope(engine) as s:
        ingest_files(s, files=demo_files(), user="olivia")
    with session_scope(engine) as s:
        run_matching(s, user="carl")
    with session_scope(engine) as s:
        [case] = list_cases(s, kind="missing_booking")
        explained = explain_case(s, case_key=case["key"], runtime=runtime)
        assert explained["repair"]["kind"] == "reconciliation"
        assert explained["answer"].startswith("Reconciliation break on AR-125 (EUR 3400.00)")  # not on its CASE-… id
        key = case["key"]
        [ar125] = s.scalars(select(BookItem.id).where(BookItem.external_id == "AR-125"))
        linked = s.scalars(select(Case.key).join(Break, Break.case_id == Case.id).where(Break.book_item_id == ar125)).all()
        assert linked == [key]  # the break row names its case
        ingest_files(s, files=[("late.sta", LATE_STATEMENT.encode())], user="olivia")
    with session_scope(engine) as s:
        run_matching(s, user="carl")
    with session_scope(engine) as s:
        [sug] = [x for x in s.scalars(select(MatchSuggestion).where(MatchSuggestion.decision_state == "pending"))
                 if ar125 in x.book_item_ids]
        sug_id = sug.id
        assert s.scalar(select(Case.state).where(Case.key == key)) != "resolved"
    with session_scope(engine) as s:
        decisions.approve(s, suggestion_id=sug_id, user="carl", reason="Umbrella paid late")
    with session_scope(engine) as s:
        assert s.scalar(select(Case.state).where(Case.key == key)) == "resolved"
        case_id = s.scalar(select(Case.id).where(Case.key == key))
        rec = s.scalars(select(AuditRecord).where(AuditRecord.action == "case.state", AuditRecord.object_id == str(case_id))
                        .order_by(AuditRecord.seq.desc())).first()
        assert rec.actor == "system:reconciliation" and f"suggestion {sug_id} approved by carl" in rec.reason
        states = s.scalars(select(Repair.state).join(Case, Case.id == Repair.case_id).where(Case.key == key)).all()
        assert "proposed" not in states  # nothing left to approve on a settled break
    with session_scope(engine) as s:
        decisions.decide(s, suggestion_id=sug_id, action="unmatch", user="carl", reason="wrong customer")
    with session_scope(engine) as s:
        assert s.scalar(select(Case.state).where(Case.key == key)) == "investigating"  # analysed afresh
        assert verify_chain(s).ok
