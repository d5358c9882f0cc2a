import json
from decimal import Decimal

from breakdesk import parsers
from breakdesk.parsers.canonical import Agent, Balance, Entry, Message, Party, Provenance, Statement, Transaction


def _prov(**kw):
    return Provenance(file="f.xml", **kw)


def test_amounts_serialize_as_exact_decimal_strings():
    tx = Transaction(provenance=_prov(xpath="/Document"), amount=Decimal("1000000.10"), currency="EUR")
    msg = Message(message_type="pacs.008.001.08", family="pacs.008", kind="payment", provenance=_prov(), transactions=[tx])
    data = json.loads(json.dumps(msg.to_json_dict()))
    assert data["transactions"][0]["amount"] == "1000000.10"
    assert data["transactions"][0]["currency"] == "EUR"


def test_party_json_has_name_account_and_agent_bic():
    p = Party(name="ACME", account="DE89370400440532013000", agent=Agent(bic="COBADEFFXXX"))
    data = p.model_dump(mode="json")
    assert (data["name"], data["account"], data["agent_bic"]) == ("ACME", "DE89370400440532013000", "COBADEFFXXX")


def test_statement_picks_opening_and_closing_balances_by_type():
    def bal(t, amt, cd="CRDT"):
        return Balance(provenance=_prov(), type=t, amount=Decimal(amt), currency="EUR", credit_debit=cd)

    st = Statement(provenance=_prov(), balances=[bal("CLAV", "5"), bal("CLBD", "7"), bal("PRCD", "1", "DBIT")])
    assert st.opening_balance.type == "PRCD" and st.opening_balance.signed_amount == Decimal("-1")
    assert st.closing_balance.amount == Decimal("7")


def test_entry_signed_amount_honours_reversal():
    e = Entry(provenance=_prov(), amount=Decimal("5"), currency="EUR", credit_debit="DBIT", reversal=True)
    assert e.signed_amount == Decimal("5")


def test_json_dump_loads_back_into_equal_model():
    st = Statement(provenance=_prov(), account="NL91ABNA0417164300", balances=[])
    msg = Message(message_type="MT940", family="MT940", kind="statement", provenance=_prov(line=1), statements=[st])
    again = Message.model_validate_json(json.dumps(msg.to_json_dict()))
    assert again == msg


def test_json_schema_is_exported():
    schema = parsers.message_json_schema()
    assert schema["title"] == "Message"
    assert "Transaction" in schema["$defs"] and "Statement" in schema["$defs"]


PUBLIC = {
    "Agent", "Balance", "BankTransactionCode", "CancellationAnswer", "CancellationRequest", "EncodingError", "Entry",
    "EntryDetail", "EntryReferences", "FieldError", "Finding", "FreeFormat", "Header", "InputTooLargeError",
    "MalformedMessageError", "Message", "Money", "ParseError", "Party", "PaymentGroup", "PaymentReturn",
    "PostalAddress", "Provenance", "Reason", "Remittance", "SchemaViolation", "Statement", "Status",
    "StructuredRemittance", "Transaction", "UnknownMessageTypeError", "UnsafeXMLError", "iter_messages",
    "message_json_schema", "parse", "parse_file", "validate", "validate_messages",
    # Issue #21: specific, located damage types, so per-entry leniency (issue #16) can tell them apart.
    "ForbiddenCharacterError", "MissingFieldError", "TruncatedMessageError",
}


def test_public_surface_is_pinned():
    # Widening the package's surface is a decision: this list changes with it, on purpose.
    assert set(parsers.__all__) == PUBLIC
    assert all(hasattr(parsers, name) for name in PUBLIC)
    assert issubclass(parsers.ParseError, ValueError)


def test_mt_intermediate_balances_open_and_close_a_statement_page():
    def bal(tag, amt):
        return Balance(provenance=_prov(line=3), type="ITBD", mt_tag=tag, amount=Decimal(amt), currency="EUR", credit_debit="CRDT")

    st = Statement(provenance=_prov(), balances=[bal("60M", "1"), bal("62M", "2")])
    assert (st.opening_balance.amount, st.closing_balance.amount) == (Decimal("1"), Decimal("2"))
