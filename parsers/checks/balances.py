"""Statement balance continuity: opening ± booked entries = closing, and closing → next opening.

Only booked entries move the booked balance (status BOOK, or None when the source has no status);
pending and information-only entries do not. `Entry.signed_amount` honours reversals (MT RC/RD,
camt RvslInd). When an entry is in another currency than the balances, the arithmetic is meaningless
and the statement is not checked.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from decimal import Decimal

from breakdesk.parsers.canonical import Message, Statement
from breakdesk.parsers.checks._common import finding, money
from breakdesk.parsers.findings import Finding

BOOKED = (None, "BOOK")


def _continuity(st: Statement, field: str) -> Iterator[Finding]:
    opening, closing = st.opening_balance, st.closing_balance
    if opening is None or closing is None or opening.currency != closing.currency:
        return
    booked = [e for e in st.entries if e.status in BOOKED]
    if any(e.currency != opening.currency for e in booked):
        return
    movement = sum((e.signed_amount for e in booked), Decimal(0))
    expected = opening.signed_amount + movement
    found = closing.signed_amount
    if expected != found:
        diff = found - expected
        yield finding(
            "error", "BALANCE_DISCONTINUITY",
            f"opening {money(opening.signed_amount, opening.currency)} + booked entries "
            f"{money(movement, opening.currency)} = {money(expected, opening.currency)}, but the closing "
            f"balance is {money(found, closing.currency)} (difference {money(diff, closing.currency)})",
            closing.provenance, fallback=st.provenance, field=f"{field}.closing_balance", value=diff,
        )


def check_balance_continuity(message: Message) -> Iterator[Finding]:
    for s, st in enumerate(message.statements):
        yield from _continuity(st, f"statements[{s}]")


def _account_key(st: Statement, currency: str) -> tuple[str, str] | None:
    if not st.account:
        return None
    return st.account.replace(" ", "").lstrip("/").upper(), currency


def check_statement_chain(messages: Sequence[Message]) -> Iterator[Finding]:
    """Consecutive statements of one account (in file order) must hand over closing → opening."""
    last_closing: dict[tuple[str, str], tuple[Statement, str]] = {}
    for message in messages:
        for s, st in enumerate(message.statements):
            if st.kind != "statement":
                continue
            opening, closing = st.opening_balance, st.closing_balance
            if opening is not None:
                key = _account_key(st, opening.currency)
                previous = last_closing.get(key) if key else None
                if previous is not None:
                    prev_st, prev_where = previous
                    prev_close = prev_st.closing_balance
                    assert prev_close is not None
                    if prev_close.signed_amount != opening.signed_amount:
                        diff = opening.signed_amount - prev_close.signed_amount
                        yield finding(
                            "error", "STATEMENT_CHAIN_BREAK",
                            f"account {st.account}: opening balance {money(opening.signed_amount, opening.currency)} "
                            f"does not equal the previous statement's closing balance "
                            f"{money(prev_close.signed_amount, prev_close.currency)} at {prev_where} "
                            f"(difference {money(diff, opening.currency)})",
                            opening.provenance, fallback=st.provenance,
                            field=f"statements[{s}].opening_balance", value=diff,
                        )
            if closing is not None:
                key = _account_key(st, closing.currency)
                if key:
                    last_closing[key] = (st, (closing.provenance or st.provenance).describe())
