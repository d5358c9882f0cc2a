"""Values a person types into a repair, checked before anything is stored.

An IBAN with a wrong checksum used to be saved (with a green "edited" message) and only the
re-validation of the regenerated message showed it was unusable. Each field is now checked as
typed, with the library the rest of Breakdesk uses (schwifty), and normalised (spaces out, upper
case), so what is stored is what will be sent.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException

from breakdesk.app.services.errors import InvalidInput
from breakdesk.parsers.currency import minor_units

_COUNTRY = re.compile(r"^[A-Z]{2}$")


def _iban(value: str) -> str:
    try:
        return str(IBAN(value))  # compact form, checksum and country length verified
    except SchwiftyException as exc:
        raise InvalidInput(f"creditor.account {value!r} is not a valid IBAN: {exc}") from exc


def _bic(value: str) -> str:
    try:
        return str(BIC(value))
    except SchwiftyException as exc:
        raise InvalidInput(f"creditor.agent_bic {value!r} is not a valid BIC: {exc}") from exc


def _amount(value: str, currency: str | None) -> str:
    try:
        amount = Decimal(value.replace(" ", ""))
    except InvalidOperation as exc:
        raise InvalidInput(f"amount {value!r} is not a number (use a dot for decimals, e.g. 4985.00)") from exc
    if not amount.is_finite() or amount <= 0:
        raise InvalidInput(f"amount {value!r} must be greater than zero")
    digits = minor_units(currency) if currency else None
    if digits is not None and -amount.as_tuple().exponent > digits:  # type: ignore[operator]
        raise InvalidInput(f"amount {value!r} has more decimals than {currency} allows ({digits})")
    return str(amount)


def checked_corrections(corrections: dict[str, str], *, currency: str | None) -> dict[str, str]:
    """The corrections normalised, or InvalidInput naming the first field that is not valid."""
    out: dict[str, str] = {}
    for field, raw in corrections.items():
        value = (raw or "").strip()
        if not value:
            continue
        if field == "creditor.account":
            value = _iban(value)
        elif field == "creditor.agent_bic":
            value = _bic(value)
        elif field == "amount":
            value = _amount(value, currency)
        elif field == "creditor.address.country":
            value = value.upper()
            if not _COUNTRY.match(value):
                raise InvalidInput(f"creditor.address.country {raw!r} is not an ISO 3166 two-letter country code")
        elif len(value) > 140:
            raise InvalidInput(f"{field} is longer than the 140 characters a payment message allows")
        out[field] = value
    return out
