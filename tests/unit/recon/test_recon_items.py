from datetime import date
from decimal import Decimal

from breakdesk.agents.recon import bank_items_from_messages, book_items_from_messages
from breakdesk.parsers.canonical import Message, Party, Provenance, Remittance, Transaction
from tests.recon_factories import entry, statement


def test_bank_item_uses_servicer_reference_and_keeps_references():
    (item,) = bank_items_from_messages([statement(entry("10.00", asr="ASR1", e2e="E2E-1", text="INV 99 001",
                                                        name="ACME GMBH", iban="DE89 3704"))])
    assert item.id == "ASR1"
    assert item.end_to_end_id == "E2E-1" and item.counterparty_name == "ACME GMBH"
    assert "INV99001" in item.text_references
    assert item.id_references()["EndToEndId"] == "E2E1"


def test_derived_ids_are_stable_and_unique():
    msgs = [statement(entry("10.00", line=1), entry("10.00", line=2))]
    a = [i.id for i in bank_items_from_messages(msgs)]
    assert a == [i.id for i in bank_items_from_messages(msgs)]
    assert len(set(a)) == 2 and all(x.startswith("BANK-") for x in a)


def test_batch_booking_stays_one_item_with_its_details():
    (item,) = bank_items_from_messages([statement(entry("30.00", asr="B1", batch=[("10.00", "E1"), ("20.00", "E2")]))])
    assert item.batch_count == 2 and len(item.batch_details) == 2
    assert item.batch_details[1].references == ("E2",) and item.batch_details[1].amount == Decimal("20.00")


def test_return_is_recognised_by_reason_or_code():
    items = bank_items_from_messages([statement(
        entry("5.00", cd="CRDT", return_code="AC04", line=1),
        entry("5.00", cd="CRDT", btc="PMNT/ICDT/RRTN", line=2),
        entry("5.00", cd="CRDT", line=3),
    )])
    assert [i.is_return for i in items] == [True, True, False]
    assert items[0].return_reason == "AC04"


def test_book_items_from_sent_payments_use_end_to_end_id():
    tx = Transaction(provenance=Provenance(file="p.xml"), end_to_end_id="E2E-9", instruction_id="I-9",
                     amount=Decimal("42.00"), currency="EUR", requested_execution_date=date(2026, 11, 2),
                     creditor=Party(name="ACME", account="DE89370400440532013000"),
                     remittance=Remittance(unstructured=["INV-77"]))
    msg = Message(message_type="pain.001.001.09", family="pain.001", kind="payment",
                  provenance=Provenance(file="p.xml"), transactions=[tx, tx.model_copy(update={"end_to_end_id": None})])
    a, b = book_items_from_messages([msg])
    assert a.id == "E2E-9" and a.direction == "DBIT" and a.counterparty_iban == "DE89370400440532013000"
    assert b.id == "I-9"  # no EndToEndId: the InstrId
