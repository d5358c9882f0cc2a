"""ISO 4217: every currency code must exist, and no amount may be finer than its minor unit.

Minor units come from the `iso4217` package (JPY 0, EUR 2, BHD/KWD 3, CLF 4). Codes without a minor
unit (XAU, XDR, XXX …) are known but not precision-checked. Trailing zeros are not a precision
problem ("10.500 EUR" is 10.50 EUR); only significant digits beyond the minor unit are.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from breakdesk.parsers.canonical import Message, Money, Provenance, Transaction
from breakdesk.parsers.checks._common import finding
from breakdesk.parsers.currency import decimals, is_known_currency, minor_units
from breakdesk.parsers.findings import Finding


def _money_points(message: Message) -> Iterator[tuple[str, Decimal | None, str | None, Provenance]]:
    def tx_points(tx: Transaction, prefix: str) -> Iterator[tuple[str, Decimal | None, str | None, Provenance]]:
        yield f"{prefix}.amount", tx.amount, tx.currency, tx.provenance
        yield from money_list(tx.charges, f"{prefix}.charges", tx.provenance)
        if tx.instructed_amount:
            yield f"{prefix}.instructed_amount", tx.instructed_amount.amount, tx.instructed_amount.currency, tx.provenance
        for p, party in (("debtor", tx.debtor), ("creditor", tx.creditor)):
            if party.account_currency:
                yield f"{prefix}.{p}.account_currency", None, party.account_currency, tx.provenance
        for i, s in enumerate(tx.remittance.structured):
            if s.currency or s.amount is not None:
                yield f"{prefix}.remittance.structured[{i}].amount", s.amount, s.currency, tx.provenance
        if tx.underlying is not None:
            yield from tx_points(tx.underlying, f"{prefix}.underlying")

    def money_list(items: list[Money], prefix: str, where: Provenance):
        for i, m in enumerate(items):
            yield f"{prefix}[{i}]", m.amount, m.currency, where

    h = message.header
    if h.total_settlement_amount:
        yield "header.total_settlement_amount", h.total_settlement_amount.amount, h.total_settlement_amount.currency, message.provenance
    for i, tx in enumerate(message.transactions):
        yield from tx_points(tx, f"transactions[{i}]")
    for name in ("statuses", "cancellations", "answers"):
        for i, obj in enumerate(getattr(message, name)):
            if obj.original_currency or obj.original_amount is not None:
                yield f"{name}[{i}].original_amount", obj.original_amount, obj.original_currency, obj.provenance
    for i, r in enumerate(message.returns):
        if r.original_currency or r.original_amount is not None:
            yield f"returns[{i}].original_amount", r.original_amount, r.original_currency, r.provenance
        if r.currency or r.returned_amount is not None:
            yield f"returns[{i}].returned_amount", r.returned_amount, r.currency, r.provenance
        yield from money_list(r.charges, f"returns[{i}].charges", r.provenance)
    for s, st in enumerate(message.statements):
        sp = f"statements[{s}]"
        if st.currency:
            yield f"{sp}.currency", None, st.currency, st.provenance
        for b, bal in enumerate(st.balances):
            yield f"{sp}.balances[{b}].amount", bal.amount, bal.currency, bal.provenance
        yield from money_list(st.floor_limits, f"{sp}.floor_limits", st.provenance)
        for e, entry in enumerate(st.entries):
            ep = f"{sp}.entries[{e}]"
            yield f"{ep}.amount", entry.amount, entry.currency, entry.provenance
            yield from money_list(entry.charges, f"{ep}.charges", entry.provenance)
            for d, det in enumerate(entry.details):
                dp = f"{ep}.details[{d}]"
                if det.currency or det.amount is not None:
                    yield f"{dp}.amount", det.amount, det.currency, det.provenance
                if det.instructed_amount:
                    yield f"{dp}.instructed_amount", det.instructed_amount.amount, det.instructed_amount.currency, det.provenance
                yield from money_list(det.charges, f"{dp}.charges", det.provenance)


def check_currencies(message: Message) -> Iterator[Finding]:
    for field, amount, currency, where in _money_points(message):
        if not currency:
            if amount is not None:
                yield finding("error", "CURRENCY_UNKNOWN", f"amount {amount} has no currency", where,
                              fallback=message.provenance, field=field, value=amount)
            continue
        units = minor_units(currency)
        if not is_known_currency(currency):
            yield finding("error", "CURRENCY_UNKNOWN", f"{currency!r} is not an ISO 4217 currency code", where,
                          fallback=message.provenance, field=field, value=currency)
            continue
        if amount is None or units is None:
            continue
        if decimals(amount) > units:  # type: ignore[operator]
            yield finding(
                "error",
                "CURRENCY_PRECISION",
                f"{format(amount, 'f')} {currency} has {decimals(amount)} decimal(s); {currency} allows {units}",
                where,
                fallback=message.provenance,
                field=field,
                value=amount,
            )
