"""The ledger CSV (our books, one line per expected payment): the one reader of its format.

The matcher (`book_items_from_ledger_csv`, for `breakdesk recon run` and the evals) and the store
(`app.services.imports.import_ledger_csv`, for `cases ingest` and the UI) both read ledgers here, so a
file is accepted or refused the same way, with the same messages, wherever it is loaded. This module
imports neither the database nor the app layer; the store maps `LedgerLine`s to its rows.

Format:

* UTF-8 (a byte-order mark is ignored). The delimiter is `,`, `;` or tab: whichever the header line
  has most of. Quoting as in RFC 4180; malformed quoting is an error, not a guess.
* A header row is required; names are matched case-insensitively, surrounding spaces ignored.
  `column_map` renames: `{"amount": "Betrag", "date": "Buchungsdatum"}` (keys are the field names below);
  outside Python it is written `amount=Betrag,date=Buchungsdatum` (`parse_column_map`).
* Required columns (cells may be empty unless said otherwise):
    id            unique within the file, not empty, at most 64 characters
    date          booking date, `YYYY-MM-DD`, not empty
    amount        `1234.50`, `-99.90`, `+7`: digits with an optional sign and `.` decimals; no
                  thousands separators (`1,234` is ambiguous), no exponent; not zero; at most the
                  currency's minor units (ISO 4217, `parsers.currency`: JPY 0, EUR 2, BHD 3)
    currency      ISO 4217 code, not empty
    counterparty  name of the other party, at most 140 characters
    reference     our reference for the payment, at most 140 characters
    description   free text
* Optional columns:
    iban           the counterparty's IBAN; must be valid (schwifty) and is kept in compact form
    end_to_end_id  the payment's EndToEndId, at most 35 characters
    direction      CRDT/DBIT, C/D, CR/DR, CREDIT/DEBIT or IN/OUT (any case). Without it the sign
                   says the direction: negative leaves the account (DBIT), positive comes in (CRDT).
                   A negative amount with a credit direction is a contradiction, hence an error.
    value_date     `YYYY-MM-DD`
    account        our own account, at most 64 characters
  Other columns are kept in `LedgerLine.raw` and otherwise ignored.
* A line whose cells are all blank is not a row. Every other line must have as many fields as the
  header, and the file must have at least one row.

Errors: the whole file is read and every problem collected first; then one `LedgerError` names the
file, the first bad line, and each (line, problem) in `problems`. Nothing is returned partially, so
callers never store or match half a ledger.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from breakdesk.agents.recon.items import BookItem, Direction
from breakdesk.agents.recon.normalize import refs_in_text
from breakdesk.parsers.currency import is_known_currency, minor_units
from breakdesk.parsers.errors import ParseError

REQUIRED = ("id", "date", "amount", "currency", "counterparty", "reference", "description")
OPTIONAL = ("iban", "end_to_end_id", "direction", "value_date", "account")
#: The longest value each text field may hold (the store's columns and ISO 20022 MaxNText sizes).
MAX_LENGTH = {"id": 64, "counterparty": 140, "reference": 140, "end_to_end_id": 35, "account": 64}
#: How many problems the message spells out; `LedgerError.problems` always has all of them.
MAX_REPORTED_PROBLEMS = 20
DELIMITERS = ",;\t"

_AMOUNT = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DIRECTIONS: dict[str, Direction] = {
    "CRDT": "CRDT", "C": "CRDT", "CR": "CRDT", "CREDIT": "CRDT", "IN": "CRDT",
    "DBIT": "DBIT", "D": "DBIT", "DR": "DBIT", "DEBIT": "DBIT", "OUT": "DBIT",
}


class LedgerError(ParseError):
    """A ledger CSV refused as a whole. `problems` lists every (line, message); `line` is the first."""

    def __init__(self, message: str, *, file: str | None, problems: list[tuple[int, str]]) -> None:
        self.problems = list(problems)
        super().__init__(message, file=file, line=self.problems[0][0] if self.problems else None)


@dataclass(frozen=True)
class LedgerLine:
    """One checked ledger row. `amount` is unsigned; `direction` carries the sign."""

    file: str
    line: int  # where the row starts (1-based; the header is line 1)
    id: str
    booking_date: date
    amount: Decimal
    currency: str
    direction: Direction
    counterparty: str | None = None
    reference: str | None = None
    description: str | None = None
    iban: str | None = None
    end_to_end_id: str | None = None
    value_date: date | None = None
    account: str | None = None
    raw: dict[str, str] = field(default_factory=dict, compare=False)  # header name -> cell, as read

    def book_item(self, *, id: str | None = None, provenance: str | None = None) -> BookItem:  # noqa: A002
        """The matcher's view of this line. The store passes its row id and stored provenance."""
        return BookItem(
            id=id or self.id,
            amount=self.amount,
            currency=self.currency,
            direction=self.direction,
            booking_date=self.booking_date,
            value_date=self.value_date,
            end_to_end_id=self.end_to_end_id,
            other_references=(self.reference,) if self.reference else (),
            text_references=refs_in_text(self.description),
            counterparty_name=self.counterparty,
            counterparty_iban=self.iban,
            remittance=self.description or "",
            provenance=provenance or f"{self.file}:{self.line}",
            source="ledger",
        )


def book_items_from_ledger_csv(
    source: str | bytes | Path, column_map: Mapping[str, str] | None = None, *, filename: str | None = None
) -> list[BookItem]:
    """Book items for the matcher from a ledger CSV (see `read_ledger_csv` for `source`)."""
    return [line.book_item() for line in read_ledger_csv(source, column_map, filename=filename)]


def read_ledger_csv(
    source: str | bytes | Path, column_map: Mapping[str, str] | None = None, *, filename: str | None = None
) -> list[LedgerLine]:
    """Every row of a ledger CSV, checked; raises `LedgerError` if any row (or the header) is bad.

    `source` is a `Path` (read as bytes), the file's bytes, or its text. `filename` names it in
    errors and provenance (default: the path, else "<ledger>"). `column_map` maps field names to
    header names; an unknown field name is a programming error (`ValueError`), not a file error.
    """
    name = filename or (str(source) if isinstance(source, Path) else "<ledger>")
    _check_fields(column_map or {})
    text = _text(source, name)
    first_line = text.split("\n", 1)[0]
    delimiter = max(DELIMITERS, key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records = _records(reader)
    header = next(records, None)
    if header is None or isinstance(header[1], csv.Error) or not any(h.strip() for h in header[1]):
        why = f"malformed header: {header[1]}" if header and isinstance(header[1], csv.Error) else "no header row"
        raise LedgerError(f"{why}; a ledger CSV starts with its column names", file=name, problems=[(1, why)])
    columns = _columns(name, header[1], column_map or {})
    return _rows(name, header[1], columns, records)


def parse_column_map(text: str) -> dict[str, str]:
    """`"amount=Betrag, date=Buchungsdatum"` -> `{"amount": "Betrag", "date": "Buchungsdatum"}`: how a
    column map is written outside Python (`BREAKDESK_LEDGER_COLUMNS`, `--ledger-columns`). Empty text
    is no renaming. A pair without `=`, an empty side, a field named twice or an unknown field is a
    `ValueError` naming it, so a typo is caught when the setting is read, not as missing columns later."""
    out: dict[str, str] = {}
    for pair in (p.strip() for p in text.split(",")):
        if not pair:
            continue
        fld, eq, header = (x.strip() for x in pair.partition("="))
        if not eq or not fld or not header:
            raise ValueError(f"ledger column map: {pair!r} is not field=Header (e.g. amount=Betrag)")
        if fld.lower() in out:
            raise ValueError(f"ledger column map: field {fld!r} is named twice")
        out[fld.lower()] = header
    _check_fields(out)
    return out


def _check_fields(column_map: Mapping[str, str]) -> None:
    unknown = sorted(set(column_map) - set(REQUIRED) - set(OPTIONAL))
    if unknown:
        raise ValueError(f"column_map names unknown ledger fields: {', '.join(unknown)} "
                         f"(known: {', '.join(REQUIRED + OPTIONAL)})")


# --------------------------------------------------------------------------------------- reading


def _text(source: str | bytes | Path, name: str) -> str:
    if isinstance(source, str):
        return source.removeprefix("\ufeff")
    data = source.read_bytes() if isinstance(source, Path) else source
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        why = f"not UTF-8 (byte {exc.start}: {exc.reason}); save the ledger as UTF-8"
        raise LedgerError(why, file=name, problems=[(line, why)]) from None


def _records(reader) -> Iterator[tuple[int, list[str] | csv.Error]]:
    """(first line of the record, its fields or the csv.Error it raised), reading on after errors."""
    previous_end = 0
    while True:
        try:
            record: list[str] | csv.Error = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            record = exc
        yield previous_end + 1, record
        previous_end = reader.line_num


def _columns(name: str, header: list[str], column_map: Mapping[str, str]) -> dict[str, int]:
    """Field name -> index in the header, for the fields the header has."""
    index: dict[str, int] = {}
    for i, h in enumerate(header):
        key = h.strip().lower()
        if key and key in index:
            why = f"column {h.strip()!r} appears twice in the header"
            raise LedgerError(why, file=name, problems=[(1, why)])
        index.setdefault(key, i)
    out: dict[str, int] = {}
    missing = []
    for fld in REQUIRED + OPTIONAL:
        wanted = column_map.get(fld, fld)
        if wanted.strip().lower() in index:
            out[fld] = index[wanted.strip().lower()]
        elif fld in REQUIRED:
            missing.append(wanted)
    if missing:
        why = f"missing column(s) {', '.join(missing)}; the header has: {', '.join(h.strip() for h in header)}"
        raise LedgerError(why, file=name, problems=[(1, why)])
    return out


def _rows(name: str, header: list[str], columns: dict[str, int], records) -> list[LedgerLine]:
    lines: list[LedgerLine] = []
    problems: list[tuple[int, str]] = []
    first_use: dict[str, int] = {}
    for line, record in records:
        if isinstance(record, csv.Error):
            problems.append((line, f"malformed CSV: {record}"))
            continue
        if not any(cell.strip() for cell in record):
            continue  # a blank line is not a row
        if len(record) != len(header):
            problems.append((line, f"{len(record)} fields, the header has {len(header)}"))
            continue
        cells = {fld: record[i].strip() for fld, i in columns.items()}
        found: list[str] = []
        parsed = _line(name, line, cells, dict(zip(header, record)), found)
        ident = cells["id"]
        if ident and ident in first_use:
            found.append(f"id {ident!r} already used on line {first_use[ident]}")
        elif ident:
            first_use[ident] = line
        problems += [(line, msg) for msg in found]
        if parsed is not None and not found:
            lines.append(parsed)
    if problems:
        raise LedgerError(_summary(problems), file=name, problems=problems)
    if not lines:
        why = "a header but no rows"
        raise LedgerError(why, file=name, problems=[(1, why)])
    return lines


def _summary(problems: list[tuple[int, str]]) -> str:
    if len(problems) == 1:
        return f"{problems[0][1]}; the ledger is refused"
    rows = len({n for n, _ in problems})
    shown = "; ".join(f"line {n}: {msg}" for n, msg in problems[:MAX_REPORTED_PROBLEMS])
    more = f" (and {len(problems) - MAX_REPORTED_PROBLEMS} more)" if len(problems) > MAX_REPORTED_PROBLEMS else ""
    return f"{len(problems)} problems in {rows} row(s); the ledger is refused: {shown}{more}"


# -------------------------------------------------------------------------------------- one row


def _line(name: str, line: int, cells: dict[str, str], raw: dict[str, str], found: list[str]) -> LedgerLine | None:
    """Check one row's cells, appending every problem to `found`; the line when there is none."""
    get = cells.get
    ident = get("id") or ""
    if not ident:
        found.append("id is empty")
    booked = _date(get("date") or "", "date", found, required=True)
    value = _date(get("value_date") or "", "value_date", found, required=False)
    currency = (get("currency") or "").upper()
    if not currency:
        found.append("currency is empty")
    elif not is_known_currency(currency):
        found.append(f"currency {currency!r} is not an ISO 4217 code")
        currency = ""
    amount = _amount(get("amount") or "", currency, found)
    direction = _direction(get("direction") or "", amount, found)
    iban = get("iban") or None
    if iban is not None:
        try:
            iban = IBAN(iban).compact
        except SchwiftyException as exc:
            found.append(f"iban {iban!r} is invalid: {exc}")
    for fld, size in MAX_LENGTH.items():
        if len(get(fld) or "") > size:
            found.append(f"{fld} is {len(get(fld) or '')} characters, more than {size}")
    if found or booked is None or amount is None or direction is None:
        return None
    return LedgerLine(
        file=name, line=line, id=ident, booking_date=booked, amount=abs(amount), currency=currency,
        direction=direction, counterparty=get("counterparty") or None, reference=get("reference") or None,
        description=get("description") or None, iban=iban, end_to_end_id=get("end_to_end_id") or None,
        value_date=value, account=get("account") or None, raw=raw,
    )


def _date(text: str, column: str, found: list[str], *, required: bool) -> date | None:
    if not text:
        if required:
            found.append(f"{column} is empty")
        return None
    try:
        if _DATE.fullmatch(text):
            return date.fromisoformat(text)
    except ValueError:
        pass
    found.append(f"{column} {text!r} is not a valid YYYY-MM-DD date")
    return None


def _amount(text: str, currency: str, found: list[str]) -> Decimal | None:
    if not text:
        found.append("amount is empty")
        return None
    if not _AMOUNT.fullmatch(text):
        found.append(f"amount {text!r} is not a decimal number like -1234.56 (no thousands separators or exponent)")
        return None
    amount = Decimal(text)
    if amount == 0:
        found.append("amount is zero")
        return None
    places = len(text.partition(".")[2])
    units = minor_units(currency) if currency else None
    if units is not None and places > units:
        found.append(f"amount {text} has {places} decimals; {currency} allows {units}")
    return amount


def _direction(text: str, amount: Decimal | None, found: list[str]) -> Direction | None:
    if not text:
        return None if amount is None else ("DBIT" if amount < 0 else "CRDT")
    direction = _DIRECTIONS.get(text.upper())
    if direction is None:
        found.append(f"direction {text!r} is not one of CRDT/DBIT, C/D, CR/DR, credit/debit, in/out")
    elif amount is not None and amount < 0 and direction != "DBIT":
        found.append(f"negative amount {amount} contradicts direction {text!r}")
    return direction
