"""ISO 4217 facts (known codes and minor units), from the `iso4217` package — one place for all stages.

Parsers check amounts against them, writers pad to them, the matcher and the ledger reader validate
with them. Codes without a minor unit (XAU, XDR …) are known but have no precision limit.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

import iso4217


@lru_cache(maxsize=512)
def _lookup(code: str) -> tuple[bool, int | None]:
    try:
        return True, iso4217.Currency(code).exponent
    except (ValueError, KeyError, AttributeError):
        return False, None


def is_known_currency(code: str) -> bool:
    return _lookup(code)[0]


def minor_units(code: str) -> int | None:
    """The exponent (JPY 0, EUR 2, BHD 3), or None when the code is unknown or has no minor unit."""
    return _lookup(code)[1]


def decimals(amount: Decimal) -> int:
    """Significant decimal places: Decimal('10.50') → 1, Decimal('1.005') → 3, Decimal('100') → 0."""
    if not amount.is_finite():
        return 0
    exponent = amount.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def quantize(amount: Decimal, code: str) -> Decimal:
    """`amount` written with exactly the currency's minor units (5000.00000000 EUR → 5000.00)."""
    units = minor_units(code)
    if units is None or decimals(amount) > units:
        return amount.normalize() if decimals(amount) else amount.quantize(Decimal(1))
    return amount.quantize(Decimal(1).scaleb(-units))


def money_text(amount: Decimal, code: str | None) -> str:
    """The amount written with the currency's minor units (`136480` USD → `136480.00`, not `136480` or
    the store's `136480.00000000`); as given when the currency is unknown."""
    return format(quantize(amount, code) if code else amount, "f")


def format_money(amount: Decimal | None, code: str | None) -> str:
    """`CCY amount` as people read it (`USD 136480.00`); an unknown amount or currency is left out rather
    than guessed."""
    if amount is None:
        return code or ""
    return f"{code} {money_text(amount, code)}" if code else money_text(amount, code)
