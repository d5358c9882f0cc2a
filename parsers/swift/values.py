"""The value grammar every MT field shares: YYMMDD dates, comma-decimal amounts, currencies, BICs, IBANs.

Field parsers raise `ValueProblem` (no location known yet); the family readers turn it into a
`FieldError` carrying file, line, tag and the raw fragment.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from functools import lru_cache

from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from breakdesk.parsers.currency import minor_units


class ValueProblem(ValueError):
    """A field value that breaks the MT grammar; located by the caller."""


BIC_RE = re.compile(r"[A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?\Z")
CURRENCY_RE = re.compile(r"[A-Z]{3}\Z")
_AMOUNT_RE = re.compile(r"(\d{1,15})(?:,(\d*))?\Z")
_IBAN_SHAPE = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}\Z")
_UETR_RE = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z")

_DATES: dict[str, date] = {}


def yymmdd(text: str) -> date:
    """SWIFT YYMMDD; years 80-99 are 19xx, 00-79 are 20xx. Impossible dates (Feb 30) are refused."""
    cached = _DATES.get(text)
    if cached is not None:
        return cached
    if len(text) != 6 or not text.isdigit() or not text.isascii():
        raise ValueProblem(f"date {text!r} is not YYMMDD")
    yy, mm, dd = int(text[:2]), int(text[2:4]), int(text[4:])
    try:
        value = date(1900 + yy if yy >= 80 else 2000 + yy, mm, dd)
    except ValueError:
        raise ValueProblem(f"impossible date {text!r}") from None
    if len(_DATES) < 100_000:
        _DATES[text] = value
    return value


_NEAR: dict[tuple[str, date], date | None] = {}


def month_day_near(mmdd: str, anchor: date) -> date | None:
    """An MMDD entry date placed in the year (anchor's, or the one before/after) closest to `anchor`.

    Returns None when MMDD is impossible; the caller decides whether that is an error.
    """
    key = (mmdd, anchor)
    if key in _NEAR:
        return _NEAR[key]
    value = _month_day_near(mmdd, anchor)
    if len(_NEAR) < 100_000:
        _NEAR[key] = value
    return value


def _month_day_near(mmdd: str, anchor: date) -> date | None:
    if len(mmdd) != 4 or not mmdd.isdigit() or not mmdd.isascii():
        return None
    mm, dd = int(mmdd[:2]), int(mmdd[2:])
    best: date | None = None
    for year in (anchor.year, anchor.year - 1, anchor.year + 1):
        try:
            candidate = date(year, mm, dd)
        except ValueError:
            continue
        if best is None or abs((candidate - anchor).days) < abs((best - anchor).days):
            best = candidate
    return best


def currency(text: str) -> str:
    if not CURRENCY_RE.match(text):
        raise ValueProblem(f"currency {text!r} is not three capital letters")
    return text


def amount(text: str, ccy: str | None = None, *, comma_required: bool = True) -> Decimal:
    """Comma-decimal MT amount → Decimal, padded to the currency's ISO 4217 minor units.

    The decimal comma is mandatory (SWIFT amount format `15d`, network rule T40/T43): `131193` is
    refused, never read as `131193,00`, because a closing balance cut from `131193,19` looks exactly
    like that. Only a caller that documents a bank habit passes `comma_required=False` (the :34F:
    floor limit, see `tags.FloorLimit`). More decimals than the currency allows is an error (rule C03).
    """
    m = _AMOUNT_RE.match(text)
    if m is None:
        raise ValueProblem(f"amount {text!r} is not digits with one decimal comma")
    whole, frac = m.group(1), m.group(2)
    if frac is None and comma_required:
        raise ValueProblem(f"amount {text!r} has no decimal comma (SWIFT amounts always carry one, e.g. '{text},')")
    frac = frac or ""
    units = minor_units(ccy) if ccy else None
    if units is not None:
        if len(frac) > units:
            raise ValueProblem(f"amount {text!r} has {len(frac)} decimals; {ccy} allows {units}")
        frac = frac.ljust(units, "0")
    return Decimal(f"{whole}.{frac}" if frac else whole)


def bic(text: str) -> str:
    if not BIC_RE.match(text):
        raise ValueProblem(f"BIC {text!r} is not 8 or 11 characters of the BIC shape")
    return text


def looks_like_bic(text: str) -> bool:
    return BIC_RE.match(text) is not None


@lru_cache(maxsize=8192)
def is_iban(text: str) -> bool:
    """True for a checksum-valid IBAN of a known country (schwifty)."""
    if not _IBAN_SHAPE.match(text):
        return False
    try:
        IBAN(text)
    except SchwiftyException:
        return False
    return True


def account_scheme(account: str | None) -> str | None:
    return "IBAN" if account and is_iban(account) else None


def uetr(text: str) -> str:
    if not _UETR_RE.match(text):
        raise ValueProblem(f"UETR {text!r} is not a UUID (8-4-4-4-12 hex)")
    return text.lower()
