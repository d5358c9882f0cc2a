from datetime import date
from decimal import Decimal

import pytest
from mt_helpers import parse, wrap

from breakdesk.parsers.errors import FieldError, MissingFieldError

MT103 = """\
:20:REF-103
:23B:CRED
:23E:SDVA
:32A:240315EUR1234,56
:33B:USD1350,
:36:0,9145
:50F:/DE89370400440532013000
1/JOHN DOE
2/MAIN STREET 1
3/DE/BERLIN
:52A:COBADEFFXXX
:56A:CHASUS33
:57A:/ES0123456789
CAIXESBBXXX
:59:/ES9121000418450200051332
JANE ROE
CALLE MAYOR 1
:70:/ROC/E2E-ABC/INV 42
:71A:SHA
:71F:EUR2,50
:72:/INS/CHASUS33
:77B:/ORDERRES/DE//REGULATORY
"""


def test_mt103_maps_onto_a_canonical_transaction():
    (msg,) = parse(wrap("103", MT103, block3="{119:STP}{121:180F1E65-90E0-44D5-A49A-92B55EB3025F}"))
    assert (msg.message_type, msg.family, msg.kind) == ("MT103", "MT103", "payment")
    h = msg.header
    assert (h.sender_bic, h.receiver_bic, h.direction, h.priority) == ("BANKBEBBXXX", "BANKDEFFXXX", "input", "N")
    assert h.validation_flag == "STP" and h.uetr == "180f1e65-90e0-44d5-a49a-92b55eb3025f"
    (tx,) = msg.transactions
    assert (tx.instruction_id, tx.transaction_id, tx.end_to_end_id, tx.uetr) == ("REF-103", "REF-103", "E2E-ABC", h.uetr)
    assert (tx.amount, tx.currency, tx.settlement_date) == (Decimal("1234.56"), "EUR", date(2024, 3, 15))
    assert tx.instructed_amount.amount == Decimal("1350.00") and tx.exchange_rate == Decimal("0.9145")
    assert tx.charge_bearer == "SHAR" and tx.charges[0].amount == Decimal("2.50")
    assert tx.service_level == "SDVA" and tx.local_instrument == "CRED"
    assert tx.debtor.name == "JOHN DOE" and tx.debtor.account_scheme == "IBAN"
    assert (tx.debtor.address.country, tx.debtor.address.town_name) == ("DE", "BERLIN")
    assert tx.debtor.agent.bic == "COBADEFFXXX"
    assert tx.creditor.name == "JANE ROE" and tx.creditor.account == "ES9121000418450200051332"
    assert tx.creditor.account_scheme == "IBAN" and tx.creditor.agent.bic == "CAIXESBBXXX"
    assert [a.bic for a in tx.intermediaries] == ["CHASUS33"]
    assert tx.remittance.unstructured == ["/ROC/E2E-ABC/INV 42"]
    assert tx.instructions_for_agents == ["/INS/CHASUS33"]
    assert tx.regulatory_reporting == ["/ORDERRES/DE//REGULATORY"]
    assert tx.provenance.line == 2 and tx.debtor.provenance.line == 8


def test_mt202cov_underlying_customer_transfer():
    text = """\
:20:COV1
:21:E2E-UND
:32A:240315USD1000,
:52A:BANKBEBB
:58A:/SG56HSBC000012345678
HSBCSGSG
:50K:/US1234567890
ACME CORP
:59:/SG56HSBC000012345678
TECH PTE
:70:INV 1
:33B:USD1000,
"""
    (msg,) = parse(wrap("202", text, block3="{119:COV}"))
    assert (msg.message_type, msg.family) == ("MT202COV", "MT202")
    (tx,) = msg.transactions
    assert tx.end_to_end_id == "E2E-UND" and tx.creditor.identifiers == ["HSBCSGSG"]
    assert tx.debtor.identifiers == ["BANKBEBB"]
    u = tx.underlying
    assert (u.debtor.name, u.creditor.name, u.remittance.unstructured) == ("ACME CORP", "TECH PTE", ["INV 1"])
    assert u.instructed_amount.amount == Decimal("1000.00")


def test_mt202_without_119_but_with_sequence_b_is_cover():
    text = ":20:C\n:21:R\n:32A:240315USD1,\n:58A:HSBCSGSG\n:50K:ACME\n:59:BENEF\n"
    (msg,) = parse(wrap("202", text))
    assert msg.message_type == "MT202COV" and msg.transactions[0].underlying.debtor.name == "ACME"


@pytest.mark.parametrize(
    "field72, kind, code, info",
    [
        ("/RETN/59\n/AC04/ACCOUNT CLOSED\n/MREF/ORIG-20\n/TREF/E2E-9\n/TEXT/CLOSED 2023", "return", "AC04", ["59", "ACCOUNT CLOSED", "CLOSED 2023"]),
        ("/REJT/\n/RC/AM05/DUPLICATE\n/MREF/ORIG-20", "reject", "AM05", ["DUPLICATE"]),
        ("/REJT/\n/ReasonCode/AC01\n/MREF/ORIG-20", "reject", "AC01", []),
    ],
)
def test_returns_and_rejects_in_field_72(field72, kind, code, info):
    text = f":20:RET-1\n:23B:CRED\n:32A:240315EUR10,\n:50K:A\n:59:B\n:71A:OUR\n:72:{field72}\n"
    (msg,) = parse(wrap("103", text))
    assert msg.kind == "return" and len(msg.transactions) == 1
    (ret,) = msg.returns
    assert (ret.kind, ret.reason_code, ret.original_instruction_id) == (kind, code, "ORIG-20")
    assert ret.additional_info == info
    assert (ret.returned_amount, ret.currency, ret.return_id) == (Decimal("10.00"), "EUR", "RET-1")
    assert ret.provenance.line == 8


def test_bare_mt103_type_is_inferred():
    (msg,) = parse(":20:X\n:23B:CRED\n:32A:240101EUR1,\n:50K:ORD\n:59:BEN\n:71A:SHA\n")
    assert msg.message_type == "MT103" and not msg.header.has_application_header


@pytest.mark.parametrize(
    "bad, tag, line",
    [
        (":32A:240230EUR1,", "32A", 3),
        (":32A:240101EUR1,234", "32A", 3),
        (":32A:240101E1R1,", "32A", 3),
        (":52A:NOTABIC!", "52A", 4),
    ],
)
def test_field_errors_name_file_line_and_tag(bad, tag, line):
    fields = {"32A": ":32A:240101EUR1,", "52A": ":52A:BANKBEBB"}
    fields[tag] = bad
    text = f":20:R\n{fields['32A']}\n{fields['52A']}\n:59:B\n"
    with pytest.raises(FieldError) as exc:
        parse(wrap("103", text), filename="pay.fin")
    err = exc.value
    assert (err.file, err.line, err.tag) == ("pay.fin", line, tag)
    assert f"pay.fin:{line}" in str(err) and err.fragment


@pytest.mark.parametrize("tag, name", [
    ("20", "20"), ("23B", "23B"), ("32A", "32A"), ("50F", "50a"), ("59", "59a"), ("71A", "71A"),
])
def test_an_mt103_without_a_mandatory_field_is_refused_naming_it(tag, name):
    """Issue #21: an MT103 without :59: was read with a warning only (6/6)."""
    lines, skip = [], False
    for ln in MT103.split("\n"):  # drop the field and its continuation lines
        if ln.startswith(":"):
            skip = ln.startswith(f":{tag}:")
        if not skip:
            lines.append(ln)
    with pytest.raises(MissingFieldError) as exc:
        parse(wrap("103", "\n".join(lines)), filename="p.fin")
    assert (exc.value.file, exc.value.tag, exc.value.message_type, exc.value.line) == ("p.fin", name, "MT103", 1)


@pytest.mark.parametrize("mt, text, name", [
    ("202", ":20:R\n:21:REL\n:32A:240101EUR1,\n", "58a"),
    ("202", ":20:R\n:32A:240101EUR1,\n:58A:BANKDEFF\n", "21"),
    ("202", ":20:R\n:21:REL\n:32A:240101EUR1,\n:58A:BANKDEFF\n:50K:ORD\n", "59a"),  # COV sequence B
    ("192", ":20:R\n:21:REL\n", "11S"),
    ("196", ":20:R\n:21:REL\n:11R:103\n240101\n", "76"),
    ("199", ":20:R\n:21:REL\n", "79"),
])
def test_other_payment_families_need_their_mandatory_fields(mt, text, name):
    with pytest.raises(MissingFieldError) as exc:
        parse(wrap(mt, text), filename="o.fin")
    assert exc.value.tag == name
