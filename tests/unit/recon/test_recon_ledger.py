from decimal import Decimal
from pathlib import Path

import pytest

from agents.recon import LedgerError, book_items_from_ledger_csv
from tests.recon_factories import ledger


def test_reads_default_columns_with_decimal_and_sign_direction(tmp_path: Path):
    p = tmp_path / "ledger.csv"
    p.write_text(ledger(
        "L1,2026-11-02,-1250.50,EUR,ACME GmbH,INV-1,Invoice INV-1,DE89370400440532013000,E2E-1",
        "L2,2026-11-03,99,JPY,Foo KK,,,,",
    ), encoding="utf-8")
    a, b = book_items_from_ledger_csv(p)
    assert a.amount == Decimal("1250.50") and isinstance(a.amount, Decimal)
    assert a.direction == "DBIT" and b.direction == "CRDT"
    assert a.end_to_end_id == "E2E-1" and a.other_references == ("INV-1",)
    assert a.provenance.endswith("ledger.csv:2")


def test_column_map_renames_columns():
    text = "Buchung,Datum,Betrag,Waehrung\nX1,2026-11-02,10.00,EUR\n"
    (item,) = book_items_from_ledger_csv(text, {"id": "Buchung", "date": "Datum", "amount": "Betrag",
                                                "currency": "Waehrung"})
    assert item.id == "X1" and item.amount == Decimal("10.00")


@pytest.mark.parametrize(
    "row, message",
    [
        ("L1,2026-11-02,12.3.4,EUR,,,,,", "not a decimal"),
        ("L1,2026-11-02,\"1,000.00\",EUR,,,,,", "not a decimal"),
        ("L1,2026-13-02,1.00,EUR,,,,,", "not an ISO date"),
        ("L1,2026-11-02,1.00,EURO,,,,,", "ISO 4217"),
        ("L1,2026-11-02,1.5,JPY,,,,,", "JPY has 0 decimal"),
    ],
)
def test_bad_rows_name_file_and_line(row, message):
    with pytest.raises(LedgerError) as exc:
        book_items_from_ledger_csv(ledger("L0,2026-11-01,1.00,EUR,,,,,", row), filename="books.csv")
    assert message in str(exc.value)
    assert exc.value.file == "books.csv" and exc.value.line == 3


def test_missing_column_and_repeated_id_are_errors():
    with pytest.raises(LedgerError, match="missing column 'currency'"):
        book_items_from_ledger_csv("id,date,amount\nL1,2026-11-01,1\n")
    with pytest.raises(LedgerError, match="repeats line 2"):
        book_items_from_ledger_csv(ledger("L1,2026-11-01,1.00,EUR,,,,,", "L1,2026-11-01,2.00,EUR,,,,,"))
