"""Typed repair values: IBAN/BIC via schwifty, amounts as Decimal at the currency's precision, normalised."""

import pytest

from breakdesk.app.services.corrections import checked_corrections
from breakdesk.app.services.errors import InvalidInput


def test_valid_values_are_normalised():
    out = checked_corrections({"creditor.account": "de74 1002 0030 0987 6543 21", "creditor.agent_bic": "deutdeff",
                               "amount": "4985.00", "creditor.address.town_name": " Hamburg ",
                               "creditor.address.country": "de"}, currency="EUR")
    assert out == {"creditor.account": "DE74100200300987654321", "creditor.agent_bic": "DEUTDEFF",
                   "amount": "4985.00", "creditor.address.town_name": "Hamburg", "creditor.address.country": "DE"}


@pytest.mark.parametrize("field,value,message", [
    ("creditor.account", "DE00123", "'DE00123' is not a valid IBAN"),
    ("creditor.account", "DE00123456780000000000", "is not a valid IBAN"),
    ("creditor.agent_bic", "XX", "is not a valid BIC"),
    ("amount", "12.345", "more decimals than EUR allows (2)"),
    ("amount", "-5", "must be greater than zero"),
    ("amount", "abc", "is not a number"),
    ("creditor.address.country", "Germany", "not an ISO 3166 two-letter country code"),
])
def test_invalid_values_are_refused(field, value, message):
    with pytest.raises(InvalidInput, match=message.replace("(", r"\(").replace(")", r"\)")):
        checked_corrections({field: value}, currency="EUR")


def test_yen_takes_no_decimals():
    with pytest.raises(InvalidInput):
        checked_corrections({"amount": "100.5"}, currency="JPY")
    assert checked_corrections({"amount": "100"}, currency="JPY") == {"amount": "100"}
