"""Book items from a ledger export (CSV).

Default columns (header row required, names case-insensitive):

    id, date, amount, currency, counterparty, reference, description
    optional: iban, end_to_end_id, value_date, direction

`amount` is a decimal with a dot (`1234.50`, `-99.90`; thousands separators are refused, because
'1,234' is ambiguous). Without a `direction` column, the sign says the direction: negative amounts
leave the account (`DBIT`), positive ones come in (`CRDT`). `direction` accepts CRDT/DBIT, C/D,
CREDIT/DEBIT, IN/OUT. Dates are ISO (`2026-11-28`). The amount may not carry more decimals than the
currency has (ISO 4217). `column_map` renames: `{"amount": "Betrag", "date": "Buchungsdatum"}`.

Any bad row raises `LedgerError` naming the file and the line; nothing is returned partially.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from parsers.currency import is_known_currency, minor_units

from agents.recon.items import BookItem
from agents.recon.normalize import refs_in_text
from parsers.errors import ParseError

REQUIRED = ("id", "date", "amount", "currency")
OPTIONAL = ("counterparty", "reference", "description", "iban", "end_to_end_id", "value_date", "direction")
_DIRECTIONS = {
    "CRDT": "CRDT", "C": "CRDT", "CR": "CRDT", "CREDIT": "CRDT", "IN": "CRDT",
    "DBIT": "DBIT", "D": "DBIT", "DR": "DBIT", "DEBIT": "DBIT", "OUT": "DBIT",
}


class LedgerError(ParseError):
    """A ledger CSV that cannot be read: missing column, bad amount, date or currency."""


def book_items_from_ledger_csv(
    path_or_text: str | Path, column_map: dict[str, str] | None = None, *, filename: str | None = None
) -> list[BookItem]:
    """Parse a ledger CSV (a `Path`, or the CSV text itself) into book items."""
    if isinstance(path_or_text, Path):
        name = filename or str(path_or_text)
        try:
            text = path_or_text.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            raise LedgerError(f"not UTF-8 ({exc.reason})", file=name) from exc
    else:
        name = filename or "<ledger>"
        text = path_or_text
    cmap = {k: k for k in REQUIRED + OPTIONAL}
    cmap.update(column_map or {})
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames:
        raise LedgerError("empty file: a header row is required", file=name, line=1)
    header = {h.strip().lower(): h for h in reader.fieldnames if h}
    cols: dict[str, str] = {}
    for key in REQUIRED + OPTIONAL:
        src = cmap[key].strip().lower()
        if src in header:
            cols[key] = header[src]
        elif key in REQUIRED:
            raise LedgerError(
                f"missing column {cmap[key]!r} (have: {', '.join(reader.fieldnames)})", file=name, line=1
            )
    items: list[BookItem] = []
    ids: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        items.append(_row(row, cols, name, line, ids))
    return items


def _get(row: dict, cols: dict[str, str], key: str) -> str:
    col = cols.get(key)
    v = row.get(col) if col else None
    return (v or "").strip()


def _date(value: str, name: str, line: int, column: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise LedgerError(f"column {column!r}: not an ISO date", file=name, line=line, fragment=value) from None


def _row(row: dict, cols: dict[str, str], name: str, line: int, ids: dict[str, int]) -> BookItem:
    if None in row:
        raise LedgerError("more values than header columns", file=name, line=line)
    item_id = _get(row, cols, "id")
    if not item_id:
        raise LedgerError("empty id", file=name, line=line)
    if item_id in ids:
        raise LedgerError(f"id {item_id!r} repeats line {ids[item_id]}", file=name, line=line)
    ids[item_id] = line
    raw_amount = _get(row, cols, "amount")
    try:
        amount = Decimal(raw_amount)
        if not amount.is_finite() or "," in raw_amount:
            raise InvalidOperation
    except InvalidOperation:
        raise LedgerError("column 'amount': not a decimal number", file=name, line=line,
                          fragment=raw_amount) from None
    currency = _get(row, cols, "currency").upper()
    if not is_known_currency(currency):
        raise LedgerError("column 'currency': not an ISO 4217 code", file=name, line=line, fragment=currency)
    digits = minor_units(currency)
    exponent = -amount.as_tuple().exponent if amount.as_tuple().exponent < 0 else 0
    if digits is not None and exponent > digits:
        raise LedgerError(f"column 'amount': {currency} has {digits} decimal(s)", file=name, line=line,
                          fragment=raw_amount)
    raw_dir = _get(row, cols, "direction").upper()
    if raw_dir:
        if raw_dir not in _DIRECTIONS:
            raise LedgerError("column 'direction': expected CRDT/DBIT", file=name, line=line, fragment=raw_dir)
        direction = _DIRECTIONS[raw_dir]
    else:
        direction = "DBIT" if amount < 0 else "CRDT"
    booking = _date(_get(row, cols, "date"), name, line, "date")
    if booking is None:
        raise LedgerError("column 'date': empty", file=name, line=line)
    value = _date(_get(row, cols, "value_date"), name, line, "value_date")
    reference = _get(row, cols, "reference")
    description = _get(row, cols, "description")
    return BookItem(
        id=item_id,
        amount=abs(amount),
        currency=currency,
        direction=direction,  # type: ignore[arg-type]
        booking_date=booking,
        value_date=value,
        end_to_end_id=_get(row, cols, "end_to_end_id") or None,
        other_references=(reference,) if reference else (),
        text_references=refs_in_text(description),
        counterparty_name=_get(row, cols, "counterparty") or None,
        counterparty_iban=_get(row, cols, "iban") or None,
        remittance=description,
        provenance=f"{name}:{line}",
        source="ledger",
    )
