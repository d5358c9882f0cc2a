from datetime import date
from decimal import Decimal

import pytest

from breakdesk.parsers.swift.processors import (
    blank_entry_date,
    rabobank_counterparty,
    split_account_identification,
    time_in_entry_date,
)
from breakdesk.parsers.swift.tags import TAG_BY_ID
from breakdesk.parsers.swift.values import ValueProblem, amount, yymmdd


def line61(value: str) -> dict:
    return TAG_BY_ID["61"].parse(value)


def test_statement_line_with_entry_date_funds_code_and_references():
    g = line61("2412311231CR1234,5NTRFMYREF//BANKREF\nSUPPLEMENTARY")
    assert g["value_date"] == date(2024, 12, 31) and g["booking_date"] == date(2024, 12, 31)
    assert (g["credit_debit"], g["reversal"], g["funds_code"]) == ("CRDT", False, "R")
    assert (g["amount"], g["type"], g["customer_reference"], g["bank_reference"]) == ("1234,5", "NTRF", "MYREF", "BANKREF")
    assert g["supplementary"] == "SUPPLEMENTARY"


def test_entry_date_rolls_over_the_year():
    assert line61("2501021231D1,NMSCX")["booking_date"] == date(2024, 12, 31)
    assert line61("2412310102D1,NMSCX")["booking_date"] == date(2025, 1, 2)


def test_reversal_marks():
    g = line61("240101RCR204,88NRTINONREF")
    assert (g["credit_debit"], g["reversal"], g["funds_code"]) == ("CRDT", True, "R")
    g = line61("240101RD5,NMSCNONREF")
    assert (g["credit_debit"], g["reversal"]) == ("DBIT", True)


def test_quirk_processors_for_statement_lines():
    assert blank_entry_date("240312    DD212,39NMSCNONREF//") == "240312DD212,39NMSCNONREF//"
    assert time_in_entry_date("2407191145D1200,50NCHGFEE") == "240719D1200,50NCHGFEE"
    assert time_in_entry_date("2407190719D1,NCHGFEE") == "2407190719D1,NCHGFEE"
    g = rabobank_counterparty(line61("110527D000000001213,28N0440121470966      W.P. Jansen"))
    assert (g["customer_reference"], g["counterparty_account"], g["counterparty_name"]) == ("0121470966", "0121470966", "W.P. Jansen")


@pytest.mark.parametrize(
    "raw, account, bic, code, ccy",
    [
        ("BPHKPLPK/320000546101", "320000546101", "BPHKPLPK", None, None),
        ("UBRTHUHB/123456789150ABCDEF002/HUF", "123456789150ABCDEF002", "UBRTHUHB", None, "HUF"),
        ("50880050/0194787400888", "0194787400888", None, "50880050", None),
        ("1291.99.348EUR", "1291.99.348", None, None, "EUR"),
        ("NL81ASNB9999999999", "NL81ASNB9999999999", None, None, None),
    ],
)
def test_account_identification_dialects(raw, account, bic, code, ccy):
    g = split_account_identification(TAG_BY_ID["25"].parse(raw))
    assert (g["account"], g["servicer_bic"], g["servicer_code"], g["currency"]) == (account, bic, code, ccy)


def test_balance_tag_converts_types():
    g = TAG_BY_ID["62F"].parse("D240229USD1,5")
    assert (g["credit_debit"], g["date"], g["amount"]) == ("DBIT", date(2024, 2, 29), Decimal("1.50"))


@pytest.mark.parametrize("text", ["230230", "240230", "241301", "2401", "24O101"])
def test_impossible_dates_are_refused(text):
    with pytest.raises(ValueProblem):
        yymmdd(text)


def test_amounts_follow_iso4217_minor_units():
    assert amount("1234,5", "EUR") == Decimal("1234.50")
    assert amount("1234,", "JPY") == Decimal("1234")
    assert amount("7,125", "BHD") == Decimal("7.125")
    assert amount("10,5", "DEM") == Decimal("10.5")  # historic currency: kept as written
    assert amount("0", "PLN", comma_required=False) == Decimal("0.00")
    for bad, ccy in (("1,234", "USD"), ("1.5", "EUR"), ("1,2,3", "EUR"), (",5", "EUR"), ("", "EUR"), ("0", "PLN")):
        with pytest.raises(ValueProblem):
            amount(bad, ccy)


@pytest.mark.parametrize("tag, value", [
    ("62F", "C240101EUR131193"), ("60F", "C240101EUR0"), ("32A", "240101EUR1000"), ("33B", "EUR5"), ("71F", "EUR5"),
    ("90D", "2EUR10"), ("36", "1"),
])
def test_an_amount_without_its_decimal_comma_is_refused(tag, value):
    """Issue #21: a closing balance cut from `131193,19` to `131193` read as 131193.00."""
    with pytest.raises(ValueProblem, match="decimal comma"):
        TAG_BY_ID[tag].parse(value)


def test_the_floor_limit_alone_is_read_without_its_comma():
    # mBank's MT942 writes `:34F:PLN0` (the corpus file wolph-mt940/mBank/mt942.sta).
    assert TAG_BY_ID["34F"].parse("PLN0")["amount"] == Decimal("0.00")


@pytest.mark.parametrize("tag, value", [("32A", "240101EU1,"), ("32A", "240101eur1,"), ("71A", "ALL"), ("11S", "10324")])
def test_tag_formats_are_enforced(tag, value):
    with pytest.raises(ValueProblem):
        TAG_BY_ID[tag].parse(value)


def test_registry_indexes_every_option():
    assert {"50A", "50F", "50K", "59", "59A", "59F", "52A", "57D", "58A"} <= set(TAG_BY_ID)
    assert TAG_BY_ID["60M"].slug == TAG_BY_ID["65"].slug == "balance"
