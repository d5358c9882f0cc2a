"""Validation findings: one parametrized table per check, valid and invalid cases side by side."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from validation_factories import bal, camt053, entry, pain001, party, prov, statement, tx

from breakdesk import parsers
from breakdesk.parsers.canonical import (
    Agent,
    EntryDetail,
    EntryReferences,
    FreeFormat,
    Header,
    Message,
    Money,
    PaymentGroup,
    PaymentReturn,
    Remittance,
    Statement,
    Status,
    TransactionsSummary,
)
from breakdesk.parsers.validation import validate_message, validate_messages


def codes(findings, severity=None):
    return [f.code for f in findings if severity is None or f.severity == severity]


def only(findings, code):
    return [f for f in findings if f.code == code]


# --- a clean message -------------------------------------------------------------------------------


def test_clean_payment_has_no_findings():
    msg = pain001([tx("100.00", i=0), tx("250.50", i=1)])
    assert validate_message(msg) == []


def test_clean_statement_has_no_findings():
    st = statement("1000.00", "1150.00", [entry("200.00", "CRDT", i=0), entry("50.00", "DBIT", i=1)],
                   servicer=Agent(bic="COBADEFFXXX"))
    assert validate_message(camt053(st)) == []


def test_validate_messages_is_exported_and_findings_are_data():
    msg = pain001([tx(creditor=party(account="DE00370400440532013000"))])
    found = parsers.validate_messages([msg])
    assert codes(found) == ["IBAN_INVALID"]
    f = found[0]
    assert f.severity == "error" and f.field == "transactions[0].creditor.account"
    assert f.value == "DE00370400440532013000"
    assert f.location.xpath == "/Document/CstmrCdtTrfInitn/PmtInf[1]/CdtTrfTxInf[1]"
    assert "test.xml" in f.describe()


# --- IBAN ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("account", "scheme", "expected"),
    [
        ("DE89370400440532013000", "IBAN", []),
        ("DE89 3704 0044 0532 0130 00", "IBAN", []),
        ("GB82WEST12345698765432", None, []),  # IBAN by shape, valid
        ("CH9300762011623852957", "IBAN", []),
        ("DE89370400440532013001", "IBAN", [("error", "IBAN_INVALID")]),  # checksum
        ("DE8937040044053201300", "IBAN", [("error", "IBAN_INVALID")]),  # length for DE
        ("XX89370400440532013000", "IBAN", [("error", "IBAN_INVALID")]),  # country
        ("GB82WEST12345698765433", None, [("warning", "IBAN_INVALID")]),  # shape only: warning
        ("US12345678901234", None, []),  # US issues no IBANs: an ordinary account number
        ("0532013000", "BBAN", []),
    ],
)
def test_iban(account, scheme, expected):
    msg = pain001([tx(creditor=party(account=account, scheme=scheme))])
    assert [(f.severity, f.code) for f in validate_message(msg)] == expected


def test_statement_account_iban_is_checked():
    st = statement("0", "0", [], account="NL91ABNA0417164301")
    assert codes(validate_message(camt053(st))) == ["IBAN_INVALID"]


# --- BIC -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bic", "expected"),
    [
        ("COBADEFFXXX", []),
        ("COBADEFF", []),
        ("DEUTDEFF500", []),
        ("TESTDE00", [("info", "BIC_TEST")]),  # location code x0: test BIC, valid
        ("COBAXXFF", [("error", "BIC_INVALID")]),  # unknown country
        ("COBADEFFX", [("error", "BIC_INVALID")]),  # length
        ("CO-ADEFF", [("error", "BIC_INVALID")]),  # structure
    ],
)
def test_agent_bic(bic, expected):
    msg = pain001([tx(instructed_agent=Agent(bic=bic))])
    assert [(f.severity, f.code) for f in validate_message(msg)] == expected


@pytest.mark.parametrize(("sender", "n"), [("BANKBEBBAXXX", 0), ("DEUTDEFF", 0), ("BANKXXBBAXXX", 1)])
def test_header_bics_accept_mt_logical_terminals(sender, n):
    msg = pain001([tx()])
    msg.header = Header(sender_bic=sender, receiver_bic="COBADEFFXXX")
    assert len(only(validate_message(msg), "BIC_INVALID")) == n


def test_statement_servicer_bic():
    st = statement("0", "0", [], servicer=Agent(bic="COBAZZFF"))
    assert codes(validate_message(camt053(st))) == ["BIC_INVALID"]


# --- ISO 4217 --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [
        ("100.00", "EUR", []),
        ("100.5", "EUR", []),
        ("100.500", "EUR", []),  # trailing zeros are not precision
        ("100.001", "EUR", ["CURRENCY_PRECISION"]),
        ("1500", "JPY", []),
        ("1500.5", "JPY", ["CURRENCY_PRECISION"]),
        ("1.234", "BHD", []),
        ("1.234", "KWD", []),
        ("1.2345", "KWD", ["CURRENCY_PRECISION"]),
        ("10.00", "EURO", ["CURRENCY_UNKNOWN"]),
        ("10.00", "XYZ", ["CURRENCY_UNKNOWN"]),
        ("10.00", "eur", ["CURRENCY_UNKNOWN"]),
        ("10.123456", "XAU", []),  # no minor unit: not precision-checked
    ],
)
def test_transaction_currency(amount, currency, expected):
    msg = pain001([tx(amount, currency)])
    assert codes(validate_message(msg), "error") == expected


def test_currency_checked_on_charges_instructed_amount_statuses_returns_entries_details_balances():
    t = tx("10.00", charges=[Money(amount=Decimal("1.001"), currency="EUR")],
           instructed_amount=Money(amount=Decimal("5"), currency="ABC"))
    pay = pain001([t])
    status = Message(message_type="pacs.002.001.10", family="pacs.002", kind="status_report", provenance=prov(),
                     statuses=[Status(provenance=prov("/S"), level="transaction", original_amount=Decimal("1.5"),
                                      original_currency="JPY")])
    ret = Message(message_type="pacs.004.001.09", family="pacs.004", kind="return", provenance=prov(),
                  returns=[PaymentReturn(provenance=prov("/R"), returned_amount=Decimal("1.0001"), currency="KWD")])
    e = entry("10.00", details=[EntryDetail(provenance=prov("/D"), amount=Decimal("10.001"), currency="EUR")])
    st = Statement(provenance=prov(), balances=[bal("OPBD", "1.234")], entries=[e])
    found = validate_messages([pay, status, ret, camt053(st)])
    fields = sorted(f.field for f in found)
    assert fields == sorted([
        "transactions[0].charges[0]",
        "transactions[0].instructed_amount",
        "statuses[0].original_amount",
        "returns[0].returned_amount",
        "statements[0].entries[0].details[0].amount",
        "statements[0].balances[0].amount",
    ])


# --- control sums ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("nb", "ctrl", "expected"),
    [
        (None, None, []),
        (3, None, ["NB_OF_TXS_MISMATCH"]),
        (None, "350.51", ["CTRL_SUM_MISMATCH"]),
        (None, "350.5", []),  # 350.50 == 350.5
        (1, "1", ["NB_OF_TXS_MISMATCH", "CTRL_SUM_MISMATCH"]),
    ],
)
def test_group_header_totals(nb, ctrl, expected):
    msg = pain001([tx("100.00", i=0), tx("250.50", i=1)], nb=nb, ctrl=ctrl)
    assert codes(validate_message(msg)) == expected


def test_control_sum_message_names_expected_and_found():
    msg = pain001([tx("100.00")], ctrl="99.99")
    (f,) = validate_message(msg)
    assert "expected 99.99" in f.message and "found 100.00" in f.message and f.field == "header.control_sum"


def test_payment_information_totals_are_per_block():
    t1, t2, t3 = tx("10", i=0), tx("20", i=1, payment_info_id="PMT-2"), tx("30", i=2, payment_info_id="PMT-2")
    groups = [
        PaymentGroup(provenance=prov("/PmtInf[1]"), payment_info_id="PMT-1", number_of_transactions=1,
                     control_sum=Decimal("10")),
        PaymentGroup(provenance=prov("/PmtInf[2]"), payment_info_id="PMT-2", number_of_transactions=3,
                     control_sum=Decimal("55")),
    ]
    found = validate_message(pain001([t1, t2, t3], groups=groups))
    assert codes(found) == ["NB_OF_TXS_MISMATCH", "CTRL_SUM_MISMATCH"]
    assert {f.location.xpath for f in found} == {"/PmtInf[2]"}
    assert {f.field for f in found} == {"payment_groups[1].number_of_transactions", "payment_groups[1].control_sum"}


def test_group_header_mirrored_as_a_group_is_reported_once():
    groups = [PaymentGroup(provenance=prov("/GrpHdr"), number_of_transactions=5, control_sum=Decimal("10"))]
    msg = pain001([tx("10")], nb=5, groups=groups)
    assert codes(validate_message(msg)) == ["NB_OF_TXS_MISMATCH"]


def test_return_totals_count_returns():
    ret = Message(message_type="pacs.004.001.09", family="pacs.004", kind="return", provenance=prov(),
                  header=Header(number_of_transactions=2),
                  returns=[PaymentReturn(provenance=prov("/R"), returned_amount=Decimal("1"), currency="EUR")])
    assert codes(validate_message(ret)) == ["NB_OF_TXS_MISMATCH"]


@pytest.mark.parametrize(
    ("summary", "expected"),
    [
        (TransactionsSummary(credit_count=1, credit_sum=Decimal("200"), debit_count=1, debit_sum=Decimal("50"),
                             total_count=2, net_amount=Decimal("150"), net_credit_debit="CRDT"), 0),
        (TransactionsSummary(credit_count=2), 1),
        (TransactionsSummary(debit_sum=Decimal("49.99")), 1),
        (TransactionsSummary(total_count=3, net_amount=Decimal("150"), net_credit_debit="DBIT"), 2),
    ],
)
def test_statement_summary(summary, expected):
    st = statement("1000", "1150", [entry("200", "CRDT", i=0), entry("50", "DBIT", i=1)], summary=summary)
    assert codes(validate_message(camt053(st))) == ["SUMMARY_MISMATCH"] * expected


def _detail(amount, cd=None):
    return EntryDetail(provenance=prov("/TxDtls"), amount=None if amount is None else Decimal(amount),
                       currency="EUR" if amount is not None else None, credit_debit=cd)


@pytest.mark.parametrize(
    ("batch_count", "details", "expected"),
    [
        (3, ["100", "50", "50"], 0),
        (3, ["100", "50", "49"], 1),  # sum
        (2, ["100", "50", "50"], 1),  # count
        (4, ["100", "50", "49"], 2),
        (None, ["150", "50"], 0),
        (None, ["150", "40"], 1),
        (3, ["100", "50", None], 0),  # a detail without amount: sum not checked
        (3, [], 0),  # batch without details: nothing to compare
        (None, ["250", "50:DBIT"], 0),  # a debit detail inside a credit batch nets off
    ],
)
def test_batch_entries(batch_count, details, expected):
    dets = [_detail(*d.split(":")) if d else _detail(None) for d in details]
    e = entry("200", batch_count=batch_count, details=dets)
    st = statement("0", "200", [e])
    assert codes(validate_message(camt053(st))) == ["BATCH_MISMATCH"] * expected


# --- balances --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("opening", "closing", "entries", "expected"),
    [
        ("1000.00", "1150.00", [("200", "CRDT", False, "BOOK"), ("50", "DBIT", False, "BOOK")], []),
        ("1000.00", "1150.01", [("200", "CRDT", False, "BOOK"), ("50", "DBIT", False, "BOOK")], ["0.01 EUR"]),
        ("-100.00", "50.00", [("150", "CRDT", False, "BOOK")], []),  # overdraft opening
        ("100.00", "150.00", [("50", "DBIT", True, "BOOK")], []),  # reversed debit adds
        ("100.00", "100.00", [("50", "CRDT", False, "PDNG")], []),  # pending does not move the balance
        ("100.00", "150.00", [("50", "CRDT", False, None)], []),  # no status: booked
        ("100.00", "150.00", [("50", "CRDT", False, "PDNG")], ["50.00 EUR"]),
    ],
)
def test_balance_continuity(opening, closing, entries, expected):
    es = [entry(a, cd, i=i, reversal=rv, status=s) for i, (a, cd, rv, s) in enumerate(entries)]
    found = validate_message(camt053(statement(opening, closing, es)))
    assert codes(found) == ["BALANCE_DISCONTINUITY"] * len(expected)
    for f, diff in zip(found, expected):
        assert f"difference {diff}" in f.message


def test_balance_continuity_is_currency_aware():
    st = statement("1000", "1150", [entry("150", "CRDT", currency="USD")])
    assert validate_message(camt053(st)) == []  # an entry in another currency: not arithmetic


def test_mt_intermediate_balances_are_checked():
    st = Statement(provenance=prov(line=3), account="NL91ABNA0417164300",
                   balances=[bal("ITBD", "100", tag="60M"), bal("ITBD", "120", tag="62M")],
                   entries=[entry("10")])
    assert codes(validate_message(camt053(st))) == ["BALANCE_DISCONTINUITY"]


@pytest.mark.parametrize(("second_opening", "expected"), [("1150.00", []), ("1100.00", ["STATEMENT_CHAIN_BREAK"])])
def test_statement_chain_across_messages(second_opening, expected):
    first = camt053(statement("1000", "1150", [entry("150")]), index=0)
    second = camt053(statement(second_opening, second_opening, []), index=1)
    other_account = camt053(statement("5", "5", [], account="NL91ABNA0417164300"), index=2)
    found = validate_messages([first, other_account, second])
    assert codes(found) == expected
    if expected:
        assert "opening balance 1100.00 EUR" in found[0].message and "closing balance 1150.00 EUR" in found[0].message


def test_statement_chain_within_one_message():
    msg = camt053(statement("0", "10", [entry("10")]), statement("11", "11", []))
    assert codes(validate_message(msg)) == ["STATEMENT_CHAIN_BREAK"]


# --- duplicates ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("second", "expected"),
    [
        ({}, 0),
        ({"end_to_end_id": "E2E-0"}, 1),
        ({"instruction_id": "INSTR-0"}, 1),
        ({"end_to_end_id": "E2E-0", "instruction_id": "INSTR-0"}, 2),
        ({"end_to_end_id": "NOTPROVIDED"}, 0),
    ],
)
def test_duplicate_transaction_references(second, expected):
    kw = {"end_to_end_id": "E2E-1", "instruction_id": "INSTR-1"} | second
    first = tx(i=0, end_to_end_id="NOTPROVIDED" if second.get("end_to_end_id") == "NOTPROVIDED" else "E2E-0")
    found = validate_message(pain001([first, tx(i=1, **kw)]))
    dups = only(found, "DUPLICATE_REFERENCE")
    assert len(dups) == expected
    for f in dups:
        assert f.severity == "warning" and "CdtTrfTxInf[1]" in f.message and "CdtTrfTxInf[2]" in f.message


def test_duplicate_uetr_across_messages_of_one_family_but_not_across_families():
    uetr = "eb6305c9-1f7f-49de-aed0-16487c27b42d"
    a = pain001([tx(i=0, uetr=uetr)])
    b = pain001([tx(i=1, uetr=uetr.upper())])
    assert sorted(codes(validate_messages([a, b]))) == ["DUPLICATE_REFERENCE", "UETR_INVALID"]
    pacs = a.model_copy(update={"message_type": "pacs.008.001.08", "family": "pacs.008"})
    assert "DUPLICATE_REFERENCE" not in codes(validate_messages([a, pacs]))


def test_duplicate_account_servicer_reference_in_a_statement():
    es = [entry("1", i=0, references=EntryReferences(account_servicer_reference="REF1")),
          entry("1", i=1, references=EntryReferences(account_servicer_reference="REF1")),
          entry("1", i=2, references=EntryReferences(account_servicer_reference="NONREF")),
          entry("1", i=3, references=EntryReferences(account_servicer_reference="NONREF"))]
    found = validate_message(camt053(statement("0", "4", es)))
    (dup,) = found
    assert dup.code == "DUPLICATE_REFERENCE" and "Ntry[1]" in dup.message and "Ntry[2]" in dup.message


# --- MT rules --------------------------------------------------------------------------------------


def _mt103(**kw) -> Message:
    t = tx(provenance=prov(line=12), settlement_date=date(2026, 11, 30), charge_bearer="SHAR", **kw)
    return Message(message_type="MT103", family="MT103", kind="payment", provenance=prov(line=1),
                   header=Header(uetr="eb6305c9-1f7f-49de-aed0-16487c27b42d"), transactions=[t])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("INVOICE 123/2026 (PART 1), REF: A-B+C'D?", 0),
        ("Müller & Söhne", 1),
        ("PAY {URGENT}", 1),
        ("50% DISCOUNT", 1),
    ],
)
def test_mt_charset(text, expected):
    msg = _mt103(remittance=Remittance(unstructured=[text]))
    found = only(validate_message(msg), "CHARSET")
    assert len(found) == expected
    if expected:
        assert found[0].severity == "warning" and found[0].field == "transactions[0].remittance.unstructured[0]"


def test_charset_is_not_applied_to_iso20022():
    msg = pain001([tx(creditor=party(name="Müller & Söhne"))])
    assert validate_message(msg) == []


def test_charset_on_mt_names_and_free_format():
    msg = _mt103(creditor=party(name="JOSÉ"))
    ff = Message(message_type="MT199", family="MT199", kind="free_format", provenance=prov(line=1),
                 free_format=FreeFormat(provenance=prov(line=5), narrative="QUERY ~ PLEASE ADVISE"))
    found = validate_messages([msg, ff])
    assert [f.field for f in found if f.code == "CHARSET"] == ["transactions[0].creditor.name", "free_format.narrative"]


@pytest.mark.parametrize(
    ("change", "missing"),
    [
        ({}, []),
        ({"settlement_date": None}, ["transactions[0].settlement_date"]),
        ({"charge_bearer": None}, ["transactions[0].charge_bearer"]),
        ({"creditor": party(name=None, account=None, bic=None)}, ["transactions[0].creditor"]),
        ({"instruction_id": None, "end_to_end_id": None}, ["transactions[0].instruction_id"]),
        ({"currency": ""}, ["transactions[0].currency"]),
    ],
)
def test_mt103_mandatory_fields(change, missing):
    msg = _mt103()
    msg.transactions[0] = msg.transactions[0].model_copy(update=change)
    assert [f.field for f in only(validate_message(msg), "MANDATORY_MISSING")] == missing


# --- payment rules ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("family", "creditor", "currency", "expected"),
    [
        ("pain.001", party(), "EUR", []),
        ("pain.001", party(account=None), "EUR", [("error", "CREDITOR_ACCOUNT_MISSING")]),
        ("pain.001", party(bic=None), "EUR", []),  # SEPA IBAN-only
        ("pain.001", party(bic=None), "USD", [("warning", "CREDITOR_AGENT_MISSING")]),
        ("pain.001", party(account="123456789", scheme=None, bic=None), "USD", [("error", "CREDITOR_AGENT_MISSING")]),
        ("pacs.008", party(bic=None), "EUR", [("error", "CREDITOR_AGENT_MISSING")]),
        ("pacs.008", party(account=None), "EUR", [("warning", "CREDITOR_ACCOUNT_MISSING")]),
    ],
)
def test_creditor_reachability(family, creditor, currency, expected):
    msg = pain001([tx(currency=currency, creditor=creditor)])
    msg = msg.model_copy(update={"family": family, "message_type": family + ".001.08"})
    assert [(f.severity, f.code) for f in validate_message(msg)] == expected


def test_cheque_payment_needs_no_creditor_account():
    msg = pain001([tx(payment_method="CHK", creditor=party(account=None))])
    assert validate_message(msg) == []


@pytest.mark.parametrize(
    ("family", "bah", "uetr", "expected"),
    [
        ("pacs.008", True, "eb6305c9-1f7f-49de-aed0-16487c27b42d", []),
        ("pacs.008", True, None, [("error", "UETR_MISSING")]),
        ("pacs.009", True, None, [("error", "UETR_MISSING")]),
        ("pacs.008", False, None, []),
        ("pacs.008", True, "not-a-uuid", [("error", "UETR_INVALID")]),
        ("pacs.008", True, "eb6305c9-1f7f-39de-aed0-16487c27b42d", [("error", "UETR_INVALID")]),  # version 3
    ],
)
def test_uetr(family, bah, uetr, expected):
    msg = pain001([tx(uetr=uetr)])
    msg = msg.model_copy(update={"family": family, "message_type": family + ".001.08",
                                 "header": msg.header.model_copy(update={"has_application_header": bah})})
    assert [(f.severity, f.code) for f in validate_message(msg)] == expected


def test_mt103_without_block3_uetr_is_a_warning_when_the_envelope_is_present():
    msg = _mt103()
    msg.header = Header(sender_bic="COBADEFFXXX", receiver_bic="BNPAFRPPXXX")
    assert [(f.severity, f.code) for f in validate_message(msg)] == [("warning", "UETR_MISSING")]


@pytest.mark.parametrize(("day", "expected"), [(date(2026, 11, 30), 0), (date(2026, 11, 28), 1), (date(2026, 11, 29), 1)])
def test_weekend_execution_date_is_info(day, expected):
    groups = [PaymentGroup(provenance=prov("/PmtInf[1]"), payment_info_id="PMT-1", requested_execution_date=day)]
    msg = pain001([tx(i=0, requested_execution_date=day), tx(i=1, requested_execution_date=day)], groups=groups)
    found = validate_message(msg)
    assert [(f.severity, f.code) for f in found] == [("info", "WEEKEND_DATE")] * expected  # once per block


def test_weekend_settlement_date_on_a_transaction():
    msg = _mt103()
    msg.transactions[0].settlement_date = date(2026, 11, 28)
    (f,) = validate_message(msg)
    assert (f.code, f.severity, f.value) == ("WEEKEND_DATE", "info", "2026-11-28") and "Saturday" in f.message
