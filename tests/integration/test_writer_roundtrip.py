"""parse → write → parse gives the same transactions, for constructed payments and real corpus files.

The writers feed repairs: a repaired message is the parsed one with a field changed, written back. Any
business field the writer drops or alters (ids, amounts, parties, agents, remittance …) would silently
change a payment, so both parses must agree on everything but where the fields sit (provenance).

"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from breakdesk import parsers
from breakdesk.parsers.canonical import (
    Agent,
    Header,
    Message,
    Money,
    Party,
    PostalAddress,
    Provenance,
    Remittance,
    StructuredRemittance,
    Transaction,
)
from breakdesk.parsers.writers import write_pacs008, write_pain001
from tests.conftest import CORPUS, load_manifest

pytestmark = [pytest.mark.integration]

CREATED = datetime(2026, 11, 27, 9, 15, tzinfo=UTC)
UETR = "eb6305c9-1f7f-49de-aed0-16487c27b42d"

#: Fields each family carries per transaction; anything else is not the writer's to keep.
COMMON_FIELDS = {
    "instruction_id", "end_to_end_id", "amount", "currency", "exchange_rate", "charge_bearer", "service_level",
    "local_instrument", "category_purpose", "purpose", "debtor", "creditor", "ultimate_debtor",
    "ultimate_creditor", "intermediaries", "remittance", "instructions_for_agents", "regulatory_reporting",
}
PAIN_FIELDS = COMMON_FIELDS | {"payment_info_id", "payment_method", "requested_execution_date"}
PACS_FIELDS = COMMON_FIELDS | {
    "transaction_id", "uetr", "clearing_system_reference", "instructed_amount", "charges", "settlement_date",
    "instructing_agent", "instructed_agent", "initiating_party",
}


def _strip_provenance(value):
    if isinstance(value, dict):
        return {k: _strip_provenance(v) for k, v in value.items() if k != "provenance"}
    if isinstance(value, list):
        return [_strip_provenance(v) for v in value]
    return value


def business_view(tx: Transaction, version: str) -> dict:
    """The transaction's business content for `version`, without provenance (where it sat in the file)."""
    fields = set(PACS_FIELDS if version.startswith("pacs.008") else PAIN_FIELDS)
    if version.startswith("pain.001") and not version.endswith(".03"):
        fields.add("uetr")
    # Python mode: amounts compare as Decimals (the writer pads 500000 to 500000.00 for EUR, same value).
    data = _strip_provenance(tx.model_dump(mode="python"))
    return {k: data[k] for k in sorted(fields)}


def write(message: Message, version: str) -> bytes:
    if version.startswith("pacs.008"):
        return write_pacs008(message, version=version)
    return write_pain001(message, version=version)


def assert_roundtrip(first: Message, version: str) -> Message:
    second_messages = parsers.parse(write(first, version), filename=f"rewritten.{version}.xml")
    assert len(second_messages) == 1
    second = second_messages[0]
    assert second.message_type == version
    assert second.header.message_id == first.header.message_id
    assert second.header.number_of_transactions == len(first.transactions)
    assert len(second.transactions) == len(first.transactions)
    for a, b in zip(first.transactions, second.transactions):
        assert business_view(b, version) == business_view(a, version)
    return second


# --- constructed payments --------------------------------------------------------------------------


def _party(name, account, bic, scheme="IBAN", **kw) -> Party:
    return Party(name=name, account=account, account_scheme=scheme, agent=Agent(bic=bic), **kw)


def _tx(i: int, amount: str, currency: str, **kw) -> Transaction:
    base = dict(
        provenance=Provenance(file="built", xpath=f"/tx[{i}]"), payment_info_id="PMT-A",
        instruction_id=f"INSTR-{i}", end_to_end_id=f"E2E-{i}", requested_execution_date=date(2026, 11, 30),
        charge_bearer="SHAR",
        debtor=_party("Müller & Söhne GmbH", "DE89370400440532013000", "COBADEFFXXX",
                      address=PostalAddress(street_name="Hauptstrasse", building_number="1", post_code="10115",
                                            town_name="Berlin", country="DE")),
        creditor=_party("Łódź Trading Sp. z o.o.", "PL61109010140000071219812874", "WBKPPLPPXXX",
                        address=PostalAddress(address_lines=["ul. Piotrkowska 1", "90-001 Łódź"], country="PL")),
        remittance=Remittance(unstructured=[f"Invoice {i}"], structured=[
            StructuredRemittance(creditor_reference="RF18539007547034", creditor_reference_type="SCOR")]),
    )
    base.update(kw)
    return Transaction(amount=Decimal(amount), currency=currency, **base)


def _built_pain001() -> Message:
    txs = [
        _tx(1, "1234.56", "EUR", purpose="GDDS", ultimate_debtor=Party(name="Parent Holding")),
        _tx(2, "150000", "JPY", creditor=_party("株式会社 東京商事", "0012345678", "MHCBJPJTXXX", scheme=None)),
        _tx(3, "99.99", "EUR", payment_info_id="PMT-B", instructions_for_agents=["PHOB +49 30 1234"],
            remittance=Remittance(structured=[StructuredRemittance(
                referred_document_type="CINV", referred_document_number="INV-77",
                referred_document_date=date(2026, 11, 1))])),
    ]
    header = Header(message_id="RT-PAIN-1", created_at=CREATED, initiating_party=Party(name="Müller & Söhne GmbH"))
    return Message(message_type="pain.001.001.09", family="pain.001", kind="payment",
                   provenance=Provenance(file="built"), header=header, transactions=txs)


def _built_pacs008() -> Message:
    txs = [
        _tx(1, "1000.00", "EUR", uetr=UETR, transaction_id="TX-1", settlement_date=date(2026, 11, 30),
            settlement_method="INDA", instructing_agent=Agent(bic="COBADEFFXXX"),
            instructed_agent=Agent(bic="WBKPPLPPXXX"), requested_execution_date=None, payment_info_id=None,
            instructed_amount=Money(amount=Decimal("1000.00"), currency="EUR"),
            intermediaries=[Agent(bic="DEUTDEFFXXX")], regulatory_reporting=["TRADE GOODS"]),
    ]
    header = Header(message_id="RT-PACS-1", created_at=CREATED, settlement_method="INDA")
    return Message(message_type="pacs.008.001.08", family="pacs.008", kind="payment",
                   provenance=Provenance(file="built"), header=header, transactions=txs)


@pytest.mark.parametrize("version", ["pain.001.001.09", "pain.001.001.03"])
def test_constructed_pain001_survives_write_parse_write_parse(version):
    built = _built_pain001()
    first = parsers.parse(write(built, version), filename="built.xml")[0]
    # The reader sees what was built (the UETR only where the version carries one) …
    for original, parsed in zip(built.transactions, first.transactions):
        assert parsed.end_to_end_id == original.end_to_end_id and parsed.amount == original.amount
        assert parsed.currency == original.currency
        assert parsed.creditor.name == original.creditor.name
        assert parsed.creditor.account == original.creditor.account
        assert parsed.creditor.agent_bic == original.creditor.agent_bic
        assert parsed.remittance.unstructured == original.remittance.unstructured
    # … and writing what was read loses nothing.
    assert_roundtrip(first, version)


def test_constructed_pacs008_survives_write_parse_write_parse():
    first = parsers.parse(write(_built_pacs008(), "pacs.008.001.08"), filename="built.xml")[0]
    tx = first.transactions[0]
    assert (tx.uetr, tx.transaction_id, tx.amount, tx.settlement_date) == (UETR, "TX-1", Decimal("1000.00"),
                                                                          date(2026, 11, 30))
    assert tx.instructing_agent.bic == "COBADEFFXXX" and tx.instructed_agent.bic == "WBKPPLPPXXX"
    assert_roundtrip(first, "pacs.008.001.08")


# --- real corpus files ------------------------------------------------------------------------------

WRITABLE = {"pain.001.001.03", "pain.001.001.09", "pacs.008.001.08"}
#: A minimal example whose parties are empty elements: schema-valid, but the writer refuses nameless
#: parties (a repaired payment must name its debtor and creditor), so it is checked for that refusal.
NAMELESS = {"phoughton-cbpr/y2025/pain.001.min.xml"}
CORPUS_CASES = [f for f in load_manifest() if f.message_type in WRITABLE and "schema-maximal" not in f.notes
                and f.local_path not in NAMELESS] if (CORPUS / "MANIFEST.tsv").is_file() else []


def test_nameless_minimal_example_is_refused_with_every_problem(shared_dir):
    from breakdesk.parsers.writers import WriteError

    message = parsers.parse_file(CORPUS / "phoughton-cbpr/y2025/pain.001.min.xml")[0]
    with pytest.raises(WriteError) as err:
        write(message, "pain.001.001.09")
    assert {"initiating_party: missing (name or identification)", "transactions[0].debtor: missing (name or identification)",
            "transactions[0].creditor: missing (name or identification)"} <= set(err.value.problems)


@pytest.mark.parametrize("corpus_file", CORPUS_CASES, ids=[f.local_path for f in CORPUS_CASES])
def test_corpus_payment_survives_parse_write_parse(corpus_file, shared_dir):
    messages = parsers.parse_file(corpus_file.path)
    payments = [m for m in messages if m.kind == "payment" and m.message_type == corpus_file.message_type]
    assert payments, f"{corpus_file.local_path}: no {corpus_file.message_type} payment parsed"
    for message in payments:
        assert_roundtrip(message, corpus_file.message_type)
