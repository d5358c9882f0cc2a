from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from breakdesk.agents.recon import LedgerError
from breakdesk.app.services import audit
from breakdesk.app.services.errors import ConflictError, PermissionDenied
from breakdesk.app.services.imports import import_ledger_csv, import_messages
from breakdesk.app.store.models import BankEntry, BookItem, ImportBatch, StoredMessage
from breakdesk.parsers.canonical import (
    Agent,
    Entry,
    EntryDetail,
    EntryReferences,
    Message,
    Party,
    Provenance,
    Reason,
    Remittance,
    Statement,
    Transaction,
)
from breakdesk.parsers.errors import FieldError

ACCOUNT = "DE89370400440532013000"


def _p(file="stmt.xml", xpath="/Document", index=0):
    return Provenance(file=file, message_index=index, xpath=xpath)


def statement_message(file="stmt.xml", *, e2e_batch=("E2E-B1", "E2E-B2"), extra_entries=()):
    single = Entry(
        provenance=_p(file, "/Document/BkToCstmrStmt/Stmt/Ntry[2]"), amount=Decimal("250.00"), currency="EUR",
        credit_debit="CRDT", booking_date=date(2026, 11, 2), value_date=date(2026, 11, 2),
        references=EntryReferences(account_servicer_reference="ASR-2"),
        details=[EntryDetail(
            provenance=_p(file, "/Document/BkToCstmrStmt/Stmt/Ntry[2]/NtryDtls/TxDtls"),
            references=EntryReferences(end_to_end_id="INV-2026-001", uetr="eb6305c9-1f7f-49de-aed0-16487c27b42d"),
            debtor=Party(name="Customer GmbH", account="FR1420041010050500013M02606", agent=Agent(bic="BNPAFRPPXXX")),
            remittance=Remittance(unstructured=["Invoice 2026-001"]),
        )],
    )
    batch = Entry(
        provenance=_p(file, "/Document/BkToCstmrStmt/Stmt/Ntry[3]"), amount=Decimal("300.00"), currency="EUR",
        credit_debit="DBIT", booking_date=date(2026, 11, 2), batch_count=2,
        references=EntryReferences(account_servicer_reference="ASR-3", payment_info_id="PMTINF-1"),
        details=[
            EntryDetail(provenance=_p(file, f"/Document/BkToCstmrStmt/Stmt/Ntry[3]/NtryDtls/TxDtls[{i + 1}]"),
                        references=EntryReferences(end_to_end_id=e2e), amount=Decimal(a), currency="EUR",
                        creditor=Party(name=f"Supplier {i}"))
            for i, (e2e, a) in enumerate(zip(e2e_batch, ("100.00", "200.00")))
        ],
    )
    plain = Entry(
        provenance=_p(file, "/Document/BkToCstmrStmt/Stmt/Ntry[1]"), amount=Decimal("12.34"), currency="EUR",
        credit_debit="DBIT", booking_date=date(2026, 11, 2), additional_info="Account fee",
        references=EntryReferences(account_servicer_reference="ASR-1"), return_reason=Reason(code="AC04"),
    )
    st = Statement(provenance=_p(file, "/Document/BkToCstmrStmt/Stmt"), statement_id="STMT-1", account=ACCOUNT,
                   currency="EUR", entries=[plain, single, batch, *extra_entries])
    return Message(message_type="camt.053.001.08", family="camt.053", kind="statement", provenance=_p(file), statements=[st])


def payment_message(file="pay.xml"):
    txs = [
        Transaction(provenance=_p(file, f"/Document/CstmrCdtTrfInitn/PmtInf/CdtTrfTxInf[{i + 1}]"),
                    payment_info_id="PMTINF-1", end_to_end_id=e2e, amount=Decimal(a), currency="EUR",
                    requested_execution_date=date(2026, 11, 1), debtor=Party(name="Us", account=ACCOUNT),
                    creditor=Party(name=f"Supplier {i}", account="NL91ABNA0417164300"))
        for i, (e2e, a) in enumerate((("E2E-B1", "100.00"), ("E2E-B2", "200.00")))
    ]
    return Message(message_type="pain.001.001.09", family="pain.001", kind="payment", provenance=_p(file), transactions=txs)


def _count(s, model):
    return s.execute(select(func.count()).select_from(model)).scalar_one()


def test_import_writes_messages_entries_and_items(scope, people):
    with scope() as s:
        r = import_messages(s, file_name="mixed.xml", content_bytes=b"<bytes/>", user="alice",
                            messages=[statement_message(), payment_message()])
    assert (r.created, r.messages, r.bank_entries, r.book_items, r.duplicates) == (True, 2, 5, 2, 0)
    with scope() as s:
        entries = s.query(BankEntry).order_by(BankEntry.id).all()
        plain, single, batch, d1, d2 = entries
        assert (plain.amount, plain.credit_debit, plain.return_reason, plain.account) == (Decimal("12.34"), "DBIT", "AC04", ACCOUNT)
        # one detail: merged into the entry row
        assert (single.level, single.end_to_end_id, single.account_servicer_reference) == ("entry", "INV-2026-001", "ASR-2")
        assert (single.counterparty_name, single.counterparty_bic, single.remittance_text) == ("Customer GmbH", "BNPAFRPPXXX", "Invoice 2026-001")
        assert single.provenance["xpath"] == "/Document/BkToCstmrStmt/Stmt/Ntry[2]"
        # batch booking: the entry plus its details, linked
        assert (batch.batch_count, batch.payment_info_id, [d.id for d in batch.details]) == (2, "PMTINF-1", [d1.id, d2.id])
        assert [(d.level, d.parent_id, d.end_to_end_id, d.amount, d.counterparty_name) for d in (d1, d2)] == [
            ("detail", batch.id, "E2E-B1", Decimal("100.00"), "Supplier 0"), ("detail", batch.id, "E2E-B2", Decimal("200.00"), "Supplier 1")]
        items = s.query(BookItem).order_by(BookItem.id).all()
        assert [(i.source, i.end_to_end_id, i.amount, i.credit_debit, i.account, i.counterparty_account) for i in items] == [
            ("pain.001", "E2E-B1", Decimal("100.00"), "DBIT", ACCOUNT, "NL91ABNA0417164300"),
            ("pain.001", "E2E-B2", Decimal("200.00"), "DBIT", ACCOUNT, "NL91ABNA0417164300")]
        stored = s.query(StoredMessage).order_by(StoredMessage.message_index).all()
        assert [m.family for m in stored] == ["camt.053", "pain.001"]
        assert Message.model_validate(stored[1].payload) == payment_message()  # canonical JSON round-trips
        assert s.query(audit.AuditRecord).filter_by(action="import.messages").count() == 1


def test_same_bytes_twice_add_nothing(scope, people):
    with scope() as s:
        first = import_messages(s, file_name="a.xml", content_bytes=b"same", user="alice", messages=[statement_message()])
    with scope() as s:
        again = import_messages(s, file_name="renamed.xml", content_bytes=b"same", user="bob", messages=[statement_message()])
        assert (again.created, again.batch_id, again.bank_entries) == (False, first.batch_id, 5)
        assert (_count(s, ImportBatch), _count(s, BankEntry)) == (1, 5)
        assert s.query(audit.AuditRecord).count() == len([u for u in people]) + 1  # user creations + one import


def test_same_entries_in_other_bytes_are_counted_as_duplicates(scope, people):
    with scope() as s:
        import_messages(s, file_name="a.xml", content_bytes=b"first", user="alice", messages=[statement_message()])
    twin = Entry(provenance=_p(), amount=Decimal("5.00"), currency="EUR", credit_debit="CRDT", booking_date=date(2026, 11, 2))
    with scope() as s:
        r = import_messages(s, file_name="b.xml", content_bytes=b"resent", user="alice",
                            messages=[statement_message("b.xml", extra_entries=[twin, twin.model_copy()])])
    # the 5 known rows are skipped; two identical new entries are both kept (their ordinal tells them apart)
    assert (r.created, r.bank_entries, r.duplicates) == (True, 2, 5)


def test_a_bad_value_writes_nothing_and_names_the_place(scope, people):
    bad = statement_message("bad.xml", e2e_batch=("E2E-OK", "X" * 70))
    with scope() as s, pytest.raises(FieldError) as info:
        import_messages(s, file_name="bad.xml", content_bytes=b"bad", user="alice", messages=[payment_message(), bad])
    assert info.value.file == "bad.xml" and info.value.xpath.endswith("TxDtls[2]")
    assert "end-to-end id is 70 characters" in str(info.value)
    with scope() as s:
        assert (_count(s, ImportBatch), _count(s, StoredMessage), _count(s, BookItem), _count(s, BankEntry)) == (0, 0, 0, 0)
        assert s.query(audit.AuditRecord).filter_by(action="import.messages").count() == 0


def test_import_needs_an_importing_role(scope, people):
    with scope() as s, pytest.raises(PermissionDenied):
        import_messages(s, file_name="a.xml", content_bytes=b"x", user="carl", messages=[payment_message()])


LEDGER = b"""id,date,amount,currency,counterparty,reference,description,iban,direction,value_date
L-1,2026-11-01,100.00,EUR,Supplier 0,E2E-B1,Invoice 17,NL91ABNA0417164300,DBIT,2026-11-02
L-2,2026-11-01,-200,EUR,Supplier 1,E2E-B2,,,,
L-3,2026-11-02,5000,JPY,Tokyo KK,REF-3,Fees,,credit,

"""


def test_ledger_csv_import(scope, people):
    """The store maps the ledger reader's lines (agents.recon.ledger, tested there) to book item rows."""
    with scope() as s:
        r = import_ledger_csv(s, file_name="ledger.csv", content_bytes=LEDGER, user="alice")
        assert (r.created, r.book_items) == (True, 3)
    with scope() as s:
        items = s.query(BookItem).order_by(BookItem.id).all()
        assert [(i.external_id, i.amount, i.currency, i.credit_debit, i.counterparty_account, i.line_number) for i in items] == [
            ("L-1", Decimal("100.00"), "EUR", "DBIT", "NL91ABNA0417164300", 2),
            ("L-2", Decimal("200"), "EUR", "DBIT", None, 3),
            ("L-3", Decimal("5000"), "JPY", "CRDT", None, 4)]
        first = items[0]
        assert (first.booking_date, first.value_date, items[1].value_date) == (date(2026, 11, 1), date(2026, 11, 2), None)
        assert (first.counterparty_name, first.reference, first.other_references, first.description, first.remittance_text) == (
            "Supplier 0", "E2E-B1", ["E2E-B1"], "Invoice 17", "Invoice 17")
        assert first.raw["amount"] == "100.00" and first.raw["value_date"] == "2026-11-02"
        assert first.provenance == {"file": "ledger.csv", "message_index": 0, "line": 2, "xpath": None}
        assert s.query(audit.AuditRecord).filter_by(action="import.ledger_csv").one().after["rows"] == 3
        again = import_ledger_csv(s, file_name="ledger.csv", content_bytes=LEDGER, user="alice")
        assert not again.created and _count(s, BookItem) == 3
    # The same lines in other bytes (a re-export with a blank line dropped) are duplicates, not new items.
    with scope() as s:
        resent = import_ledger_csv(s, file_name="ledger-again.csv", content_bytes=LEDGER.rstrip() + b"\n", user="alice")
        assert (resent.created, resent.book_items, resent.duplicates, _count(s, BookItem)) == (True, 0, 3, 3)


def test_ledger_csv_column_map_reaches_the_reader(scope, people):
    data = b"Buchung;Datum;Betrag;Whg;Partner;Ref;Text\nB1;2026-11-03;-9.99;EUR;ACME;R1;Office\n"
    cmap = {"id": "Buchung", "date": "Datum", "amount": "Betrag", "currency": "Whg", "counterparty": "Partner",
            "reference": "Ref", "description": "Text"}
    with scope() as s:
        assert import_ledger_csv(s, file_name="de.csv", content_bytes=data, column_map=cmap, user="alice").book_items == 1
        assert s.query(BookItem).one().external_id == "B1"


@pytest.mark.parametrize("data, line, why", [
    (b"id,date,amount,currency,counterparty,reference,description\nL-1,2026-11-01,100.00,EUR,A,R,\nL-2,01/11/2026,1.00,EUR,A,R,\n",
     3, "date '01/11/2026' is not a valid YYYY-MM-DD date"),
    (b"id,date,amount,currency\nL,2026-11-01,1,EUR\n", 1, "missing column(s) counterparty, reference, description"),
    (b"id,date,amount,currency,counterparty,reference,description\nL,2026-11-01,1,EUR,M\xfcller,R,\n", 2, "not UTF-8"),
])
def test_a_bad_ledger_writes_nothing_and_names_the_place(scope, people, data, line, why):
    with scope() as s, pytest.raises(LedgerError) as info:
        import_ledger_csv(s, file_name="bad.csv", content_bytes=data, user="alice")
    assert str(info.value).startswith(f"bad.csv:{line}: {why}")
    with scope() as s:
        assert (_count(s, ImportBatch), _count(s, BookItem)) == (0, 0)
        assert s.query(audit.AuditRecord).filter_by(action="import.ledger_csv").count() == 0


def test_reimporting_a_ledger_with_the_same_ids_adds_no_second_items(scope, people):
    """Issue 21 item 12: idempotent by ledger (account) + item id, not by the whole line's bytes."""
    with scope() as s:
        assert import_ledger_csv(s, file_name="ledger.csv", content_bytes=LEDGER, user="alice").book_items == 3
    # Same ids, descriptions and value date edited: the same lines, not new ones.
    edited = LEDGER.replace(b"Invoice 17", b"Invoice 17 (paid)").replace(b"2026-11-02\n", b"2026-11-03\n")
    with scope() as s:
        r = import_ledger_csv(s, file_name="ledger-v2.csv", content_bytes=edited, user="alice")
        assert (r.book_items, r.duplicates, _count(s, BookItem)) == (0, 3, 3)
    # Same id on another ledger (account) is another item.
    other = b"id,date,amount,currency,counterparty,reference,description,account\nL-1,2026-11-01,-100.00,EUR,S,R,D,ACC-2\n"
    with scope() as s:
        assert import_ledger_csv(s, file_name="acc2.csv", content_bytes=other, user="alice").book_items == 1


def test_reimporting_a_ledger_id_with_another_amount_is_refused_whole(scope, people):
    with scope() as s:
        import_ledger_csv(s, file_name="ledger.csv", content_bytes=LEDGER, user="alice")
    changed = LEDGER.replace(b"-200", b"-250") + b"L-4,2026-11-03,-1,EUR,X,Y,Z,,,\n"
    with scope() as s, pytest.raises(ConflictError, match="L-2 \\(line 3\\)"):
        import_ledger_csv(s, file_name="ledger-v3.csv", content_bytes=changed, user="alice")
    with scope() as s:
        assert _count(s, BookItem) == 3
