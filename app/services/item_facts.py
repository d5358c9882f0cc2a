"""One sentence for a stored statement line or book item: how break cases and the chat quote them.

Both quote the same item the same way, so a person who reads it on the Exceptions page finds the same
words in the chat, with the file and line or XPath it came from as the source.
"""

from __future__ import annotations

from typing import Any

from breakdesk import parsers
from breakdesk.app.store.models import BankEntry, BookItem
from breakdesk.parsers.currency import format_money

_NO_REF = ("NOTPROVIDED", "NONREF")


def item_ref(row: BankEntry | BookItem) -> str:
    """The reference a person knows the item by: its EndToEndId, ledger id or the bank's reference."""
    for value in (row.end_to_end_id, getattr(row, "external_id", None), getattr(row, "account_servicer_reference", None)):
        if value and value.upper() not in _NO_REF:
            return value
    return str(row.id)


def describe_provenance(prov: dict[str, Any] | None) -> str:
    """A stored provenance as people read it: `file:line XPath`."""
    return parsers.Provenance.model_validate(prov or {}).describe()


def item_text(row: BankEntry | BookItem, *, note: str | None = None) -> str:
    """`Statement line CBK-…: DBIT EUR 12.50 on 2026-11-27, counterparty …, remittance '…'. Matcher: …`"""
    bank = isinstance(row, BankEntry)
    ref = item_ref(row)
    others = [f"{label} {value}" for label, value in (
        ("EndToEndId", row.end_to_end_id), ("bank reference", getattr(row, "account_servicer_reference", None)))
        if value and value != ref and value.upper() not in _NO_REF]
    return (f"{'Statement line' if bank else 'Book item'} {ref}: {row.credit_debit} {format_money(row.amount, row.currency)} "
            f"on {row.value_date or row.booking_date}, counterparty {row.counterparty_name or 'unknown'}"
            + (f", remittance '{row.remittance_text}'" if row.remittance_text else "")
            + "".join(f", {o}" for o in others)
            + (f". Matcher: {note}" if note else "") + ".")


def item_fact(row: BankEntry | BookItem, *, note: str | None = None) -> dict[str, Any]:
    """The item as a fact: its sentence, where it came from, the party name to mask for an external model, and
    the message-derived text in it (name, remittance) that is data, never evidence (`fencing.as_evidence`)."""
    return {"text": item_text(row, note=note), "source": describe_provenance(row.provenance),
            "names": [row.counterparty_name] if row.counterparty_name else [],
            "untrusted": [v for v in (row.counterparty_name, row.remittance_text) if v], "ref": item_ref(row)}
