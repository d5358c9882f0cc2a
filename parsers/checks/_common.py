"""Shared helpers for the checks: building findings and locating the object they point at.

Canonical sub-objects (parties, agents) carry an optional provenance; a finding must always be
located, so each helper takes the nearest enclosing provenance as a fallback.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from breakdesk.parsers.canonical import Message, Provenance
from breakdesk.parsers.currency import minor_units
from breakdesk.parsers.findings import Finding, Severity

#: Placeholder references that say "no reference" and must never count as duplicates or matches.
NO_REFERENCE = frozenset({"NOTPROVIDED", "NONREF", "NONE", "N/A", "NA", "UNKNOWN"})


def finding(
    severity: Severity,
    code: str,
    message: str,
    location: Provenance | None,
    *,
    fallback: Provenance,
    field: str | None = None,
    value: object = None,
) -> Finding:
    return Finding(
        severity=severity,
        code=code,
        message=message,
        location=location or fallback,
        field=field,
        value=None if value is None else _as_text(value),
    )


def _as_text(value: object) -> str:
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def is_reference(value: str | None) -> bool:
    """True for a real reference, False for empty or placeholder values like NOTPROVIDED."""
    return bool(value and value.strip() and value.strip().upper() not in NO_REFERENCE)


def is_mt(message: Message) -> bool:
    return message.message_type.upper().startswith("MT")


def money(amount: Decimal, currency: str | None) -> str:
    """'1150 EUR' shown as '1150.00 EUR': padded to the minor unit for people, never rounded."""
    shown = amount
    units = minor_units(currency) if currency else None
    if units is not None and amount.is_finite():
        exponent = amount.as_tuple().exponent
        if isinstance(exponent, int) and -exponent < units:
            shown = amount.quantize(Decimal(1).scaleb(-units))
    return f"{format(shown, 'f')} {currency or ''}".strip()


@dataclass(frozen=True)
class Located:
    """A value with the dotted field path and provenance it was found at."""

    field: str
    value: object
    location: Provenance


def iter_nonempty(items: Iterable[Located]) -> Iterator[Located]:
    return (i for i in items if i.value not in (None, ""))
