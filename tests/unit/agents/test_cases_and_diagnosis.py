from datetime import date
from decimal import Decimal

from breakdesk.agents.cases import CaseBook, Placement, detect_cases, scan_cases
from breakdesk.agents.diagnosis import diagnose_code, load_catalog
from breakdesk.agents.lifecycle import thread_messages
from breakdesk.parsers.canonical import (
    Agent,
    Entry,
    EntryReferences,
    Message,
    Party,
    PaymentReturn,
    Provenance,
    Reason,
    Statement,
    Status,
    Transaction,
)


def P(f, **kw):
    return Provenance(file=f, **kw)


def pain001(e2e="E2E-4471", instr="INSTR-1"):
    tx = Transaction(provenance=P("p1.xml", xpath="/Document/CstmrCdtTrfInitn/PmtInf[1]/CdtTrfTxInf[1]"),
                     end_to_end_id=e2e, instruction_id=instr, amount=Decimal("1250.00"), currency="EUR",
                     requested_execution_date=date(2026, 11, 27),
                     creditor=Party(name="ACME Ltd", account="DE89370400440532013000", agent=Agent(bic="COBADEFFXXX")))
    return Message(message_type="pain.001.001.09", family="pain.001", kind="payment", provenance=P("p1.xml"), transactions=[tx])


def pain002(e2e="E2E-4471", status="RJCT", code="AC04"):
    st = Status(provenance=P("p2.xml", xpath="/Document/CstmrPmtStsRpt/OrgnlPmtInfAndSts[1]/TxInfAndSts[1]"),
                level="transaction", status=status, reason_code=code, original_end_to_end_id=e2e)
    return Message(message_type="pain.002.001.10", family="pain.002", kind="status_report", provenance=P("p2.xml"), statuses=[st])


def test_thread_links_status_to_payment_by_end_to_end_id():
    threads = thread_messages([pain001(), pain002(), pain001("E2E-OTHER", "INSTR-2")])
    assert sorted(len(t.steps) for t in threads) == [1, 2]


def test_rejected_case_with_facts_and_sources():
    cases = detect_cases([pain001(), pain002()])
    assert len(cases) == 1
    c = cases[0]
    assert (c.kind, c.reason_code, c.payment["end_to_end_id"], c.amount) == ("rejected", "AC04", "E2E-4471", Decimal("1250.00"))
    assert [s["stage"] for s in c.lifecycle()] == ["initiated", "status"]
    assert any("p2.xml" in f.source and "AC04" in f.text for f in c.facts)
    assert c.case_id == detect_cases([pain002(), pain001()])[0].case_id  # stable, order-independent


def test_accepted_status_is_no_case():
    assert detect_cases([pain001(), pain002(status="ACSC", code=None)]) == []


def test_return_entry_in_statement_becomes_returned_case():
    e = Entry(provenance=P("s.xml", xpath="/Document/BkToCstmrStmt/Stmt[1]/Ntry[2]"), amount=Decimal("1250.00"), currency="EUR",
              credit_debit="CRDT", references=EntryReferences(end_to_end_id="E2E-4471"), return_reason=Reason(code="AC04"))
    st = Message(message_type="camt.053.001.08", family="camt.053", kind="statement", provenance=P("s.xml"),
                 statements=[Statement(provenance=P("s.xml"), entries=[e])])
    cases = detect_cases([pain001(), st])
    assert [(c.kind, c.reason_code) for c in cases] == [("returned", "AC04")]


def test_pacs004_return_and_mt_reject():
    r = PaymentReturn(provenance=P("r.xml"), original_end_to_end_id="E2E-4471", reason_code="AM05", returned_amount=Decimal("1250.00"), currency="EUR")
    msg = Message(message_type="pacs.004.001.09", family="pacs.004", kind="return", provenance=P("r.xml"), returns=[r])
    assert [(c.kind, c.reason_code) for c in detect_cases([pain001(), msg])] == [("returned", "AM05")]
    rj = PaymentReturn(provenance=P("m.txt", line=9), kind="reject", original_instruction_id="INSTR-1", reason_code="AC01")
    msg2 = Message(message_type="MT103", family="MT103", kind="return", provenance=P("m.txt"), returns=[rj])
    assert [(c.kind, c.reason_code) for c in detect_cases([pain001(), msg2])] == [("rejected", "AC01")]



def test_a_return_of_a_payment_not_seen_is_named_by_the_ids_it_quotes():
    """Only the pacs.004 arrived: the case is about OrgnlEndToEndId E2E-0404 (its title, the Exceptions page's
    payment column, the explanation), not about its own CASE-… hash, and its amount has USD's two decimals."""
    from breakdesk.agents.case_view import case_to_dict
    from breakdesk.agents.explain import deterministic_answer

    r = PaymentReturn(provenance=P("r.xml"), original_end_to_end_id="E2E-0404", original_uetr="174c245f-2682-4291-ad67-2a41e530cd27",
                      original_instruction_id="NOTPROVIDED", reason_code="AC04", returned_amount=Decimal("136480"), currency="USD")
    msg = Message(message_type="pacs.004.001.13", family="pacs.004", kind="return", provenance=P("r.xml"), returns=[r])
    (case,) = detect_cases([msg])
    view = case_to_dict(case)
    assert {k: view["payment"][k] for k in ("end_to_end_id", "instruction_id", "uetr")} == {
        "end_to_end_id": "E2E-0404", "instruction_id": None, "uetr": "174c245f-2682-4291-ad67-2a41e530cd27"}
    assert view["amount"] == "136480.00" and "USD 136480.00" in view["lifecycle"][0]["summary"]
    answer, _ = deterministic_answer(view, {"reason_code": "AC04", "meaning": "Closed account number"}, [])
    assert answer.startswith("Payment E2E-0404 (USD 136480.00) was returned with reason code AC04")
    recall = {**view, "kind": "recall", "amount": None, "currency": None}  # an MT192 that states no amount
    answer, _ = deterministic_answer(recall, {"reason_code": "DUPL", "meaning": "Duplicate payment"}, [])
    assert answer.startswith("Payment E2E-0404 is subject to a recall with reason code DUPL: Duplicate payment.")


def _return(e2e, tx_id):
    r = PaymentReturn(provenance=P(f"{tx_id}.xml"), original_end_to_end_id=e2e, original_transaction_id=tx_id,
                      reason_code="AC04", returned_amount=Decimal("1250.00"), currency="EUR")
    return Message(message_type="pacs.004.001.09", family="pacs.004", kind="return", provenance=P(f"{tx_id}.xml"), returns=[r])


def test_a_case_keeps_its_id_when_a_late_message_adds_an_identifier():
    [first] = detect_cases([pain002()])
    [grown] = detect_cases([pain002(), _return("E2E-4471", "TX-NEW")])
    assert grown.case_id != first.case_id  # the hash of the thread's identifiers moved ...
    book = CaseBook()
    assert book.place(first).existing is False
    placed = book.place(grown)
    assert (placed.key, placed.existing, placed.new_ids, grown.case_id) == (first.case_id, True, {"TX-NEW"}, first.case_id)
    # ... the full scan, refreshing after each batch, keeps the first id as well
    assert [(c.case_id, c.kind) for c in scan_cases([[pain002()], [_return("E2E-4471", "TX-NEW")]])] == [(first.case_id, "returned")]


def test_a_thread_joining_two_cases_keeps_the_older_and_merges_the_newer():
    older, newer = detect_cases([pain002("E2E-A")])[0], detect_cases([_return("E2E-B", "TX-B")])[0]
    book = CaseBook([(older.case_id, ["E2E-A"]), (newer.case_id, ["E2E-B", "TX-B"])])
    st = Status(provenance=P("p3.xml"), level="transaction", status="RJCT", reason_code="AC04",
                original_end_to_end_id="E2E-A", original_transaction_id="TX-B")
    joined = Message(message_type="pacs.002.001.10", family="pacs.002", kind="status_report", provenance=P("p3.xml"), statuses=[st])
    [case] = detect_cases([pain002("E2E-A"), _return("E2E-B", "TX-B"), joined])
    placed = book.place(case)
    assert (placed.key, placed.merged, placed.new_ids) == (older.case_id, (newer.case_id,), {"E2E-B", "TX-B"})
    assert book.place(detect_cases([_return("E2E-B", "TX-B")])[0]).key == older.case_id  # the newer takes no more messages
    assert [c.case_id for c in scan_cases([[pain002("E2E-A")], [_return("E2E-B", "TX-B")], [joined]])] == [older.case_id]


def test_a_thread_without_identifiers_is_found_by_its_hash():
    e = Entry(provenance=P("s.xml", line=5), amount=Decimal("250.00"), currency="EUR", credit_debit="CRDT",
              return_reason=Reason(code="AC04"))
    st = Message(message_type="MT940", family="MT940", kind="statement", provenance=P("s.xml"),
                 statements=[Statement(provenance=P("s.xml"), entries=[e])])
    [case] = detect_cases([st])
    book = CaseBook([(case.case_id, [])])
    assert book.place(case) == Placement(key=case.case_id, existing=True)

def test_returns_without_identifiers_are_cases_of_their_own():
    """Two return lines with no reference (MT940 NONREF) were one case: their ids hashed alike."""
    lines = [Entry(provenance=P("s.sta", line=n), amount=Decimal(a), currency="EUR", credit_debit="CRDT",
                   return_reason=Reason(code=code)) for n, a, code in ((5, "40.00", "AC01"), (7, "60.00", "CUST"))]
    st = Message(message_type="MT940", family="MT940", kind="statement", provenance=P("s.sta"),
                 statements=[Statement(provenance=P("s.sta"), entries=lines)])
    cases = detect_cases([st])
    assert sorted((c.reason_code, str(c.amount)) for c in cases) == [("AC01", "40.00"), ("CUST", "60.00")]
    assert len({c.case_id for c in cases}) == 2
    assert [c.case_id for c in detect_cases([st])] == [c.case_id for c in cases]  # stable


def test_a_batch_booking_is_one_step_per_payment_and_its_returned_details_are_returns():
    """A direct debit batch reporting two of its collections returned (TxDtls/RtrInf AC01 and CUST, as in
    the Finnish camt.054 sample): two returned cases, and the batch's payments are not threaded together."""
    from breakdesk.parsers.canonical import EntryDetail

    details = [EntryDetail(provenance=P("n.xml", xpath=f"/Document/Ntry[1]/NtryDtls[1]/TxDtls[{i}]"),
                           references=EntryReferences(end_to_end_id=e2e), amount=Decimal(a), currency="EUR",
                           return_reason=Reason(code=code) if code else None)
               for i, (e2e, a, code) in enumerate((("DD-1", "40.00", "AC01"), ("DD-2", "60.00", "CUST"), ("DD-3", "5.00", None)), 1)]
    e = Entry(provenance=P("n.xml", xpath="/Document/Ntry[1]"), amount=Decimal("105.00"), currency="EUR",
              credit_debit="CRDT", details=details)
    msg = Message(message_type="camt.054.001.02", family="camt.054", kind="statement", provenance=P("n.xml"),
                  statements=[Statement(provenance=P("n.xml"), entries=[e])])
    threads = thread_messages([msg])
    assert sorted(sorted(t.ids) for t in threads) == [["DD-1"], ["DD-2"], ["DD-3"]]
    cases = detect_cases([msg])
    assert sorted((c.payment["end_to_end_id"], c.reason_code, str(c.amount)) for c in cases) == [
        ("DD-1", "AC01", "40.00"), ("DD-2", "CUST", "60.00")]


def test_payment_label_falls_back_from_end_to_end_id_to_any_id():
    from breakdesk.agents.case_view import payment_label

    assert payment_label({"end_to_end_id": None, "instruction_id": "I-1", "ids": ["A"]}) == "I-1"
    assert payment_label({"reference": "AR-125"}) == "AR-125"  # a reconciliation break's item
    assert payment_label({"end_to_end_id": None, "ids": ["REL-77", "X"]}) == "REL-77"
    assert payment_label({}) is None and payment_label(None) is None


def _kb(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "status.md").write_text(
        "---\nid: iso-status-reason-codes\ntitle: Status reasons\nscheme: iso20022\nkind: code-set\n---\n# Status reasons\n\n"
        "## AC04 — Closed account number {#ac04}\n\nAccount number specified has been closed.\n\n"
        "## ZZ99 — Weird {#zz99}\n\nSomething odd.\n", encoding="utf-8")
    (tmp_path / "reason_codes.yaml").write_text(
        "- code: AC04\n  name: ClosedAccountNumber\n  typical_root_cause: Beneficiary closed the account.\n"
        "  retry_class: human\n  repair_kind: correct_creditor_account\n  what_to_check: [ask debtor]\n"
        "- code: AM05\n  name: Duplication\n  retry_class: auto_retry\n", encoding="utf-8")
    return str(tmp_path)


def test_diagnosis_from_catalog(tmp_path):
    cat = load_catalog(_kb(tmp_path))
    d = diagnose_code("AC04", catalog=cat)
    assert (d.retry_class, d.repair_kind, d.known, d.citation_id) == ("human", "correct_creditor_account", True, "iso-status-reason-codes#ac04")
    assert "closed" in d.meaning.lower()
    assert diagnose_code("ZZ99", catalog=cat).retry_class == "human"  # known code without curated data
    assert diagnose_code("AM05", catalog=cat).retry_class == "final"  # never retried, whatever the data says
    assert diagnose_code("DUPL", catalog=cat).retry_class == "final"
    unknown = diagnose_code("QQ42", catalog=cat)
    assert (unknown.known, unknown.retry_class) == (False, "human")
    assert diagnose_code(None, catalog=cat).retry_class == "human"


def test_every_reconciliation_break_class_is_diagnosed_and_cites_an_existing_sop_section():
    import re

    from breakdesk.agents.diagnosis import KB_DIR, RECON_BREAKS, diagnose_case
    from breakdesk.agents.recon import BREAK_CLASSES

    sop = (KB_DIR / "docs" / "sops" / "sop-reconciliation-breaks.md").read_text(encoding="utf-8")
    anchors = {f"sop-reconciliation-breaks#{a}" for a in re.findall(r"^##.*\{#([a-z0-9-]+)\}", sop, re.M)}
    assert set(RECON_BREAKS) <= set(BREAK_CLASSES)
    for kind, (meaning, citation) in RECON_BREAKS.items():
        d = diagnose_case({"kind": kind, "reason_code": None})
        assert (d["meaning"], d["citation_id"], d["repair_kind"]) == (meaning, citation, "reconciliation")
        assert citation in anchors, citation
    d = diagnose_case({"kind": "rejected", "reason_code": "AC04", "reason_context": "status"})
    assert d == diagnose_code("AC04", context="status").as_dict()
