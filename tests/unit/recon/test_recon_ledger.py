"""The one ledger CSV reader (`agents.recon.ledger`), used by the matcher and by the store import."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from breakdesk.agents.recon import LedgerError, book_items_from_ledger_csv, read_ledger_csv
from breakdesk.agents.recon.ledger import MAX_REPORTED_PROBLEMS, parse_column_map
from tests.recon_factories import LEDGER_HEADER, ledger

FULL_HEADER = "id,date,amount,currency,counterparty,reference,description,iban,direction,value_date,account\n"


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
    assert a.counterparty_name == "ACME GmbH" and a.remittance == "Invoice INV-1"
    assert a.provenance == f"{p}:2" and b.provenance == f"{p}:3"
    assert (b.other_references, b.counterparty_iban, b.remittance) == ((), None, "")


def test_every_field_of_a_line():
    text = FULL_HEADER + "L1,2026-11-02,-5.00,EUR,Shop,R1,Coffee,de89 3704 0044 0532 0130 00,dbit,2026-11-03,ACC-1\n"
    (line,) = read_ledger_csv(text.encode(), filename="full.csv")
    assert (line.file, line.line, line.id, line.booking_date, line.value_date) == (
        "full.csv", 2, "L1", date(2026, 11, 2), date(2026, 11, 3))
    assert (line.amount, line.currency, line.direction) == (Decimal("5.00"), "EUR", "DBIT")
    assert (line.counterparty, line.reference, line.description) == ("Shop", "R1", "Coffee")
    assert (line.iban, line.account) == ("DE89370400440532013000", "ACC-1")  # IBAN kept compact
    assert line.raw["amount"] == "-5.00" and line.raw["direction"] == "dbit"  # cells as read
    item = line.book_item()
    assert (item.value_date, item.match_date, item.provenance) == (date(2026, 11, 3), date(2026, 11, 3), "full.csv:2")


def test_path_bytes_and_text_read_alike(tmp_path: Path):
    text = ledger("L1,2026-11-02,10.00,EUR,X,R,,,")
    p = tmp_path / "l.csv"
    p.write_bytes(b"\xef\xbb\xbf" + text.encode())  # a byte-order mark is ignored
    got = [read_ledger_csv(s, filename="l.csv") for s in (p, text.encode(), "\ufeff" + text)]
    assert got[0] == got[1] == got[2] and got[0][0].id == "L1"


def test_column_map_semicolons_tabs_and_crlf():
    text = "Buchung;Datum;Betrag;Whg;Partner;Ref;Text\r\nB1;2026-11-03;-9.99;eur;ACME;R1;Office\r\n"
    cmap = {"id": "Buchung", "date": "Datum", "amount": "Betrag", "currency": "Whg", "counterparty": "Partner",
            "reference": "Ref", "description": "Text"}
    (item,) = book_items_from_ledger_csv(text, cmap)
    assert (item.id, item.amount, item.currency, item.direction) == ("B1", Decimal("9.99"), "EUR", "DBIT")
    tabbed = "ID\tDate\tAmount\tCurrency\tCounterparty\tReference\tDescription\nT1\t2026-11-03\t1,5\tEUR\tA\tR\t\n"
    with pytest.raises(LedgerError, match="amount '1,5' is not a decimal number"):
        read_ledger_csv(tabbed)  # tab-separated, header names in any case; a decimal comma is refused
    with pytest.raises(ValueError, match="unknown ledger fields: amonut"):
        read_ledger_csv(text, {"amonut": "Betrag"})


def test_directions_and_their_contradictions():
    text = LEDGER_HEADER.rstrip() + ",direction\n" + "".join(
        f"L{i},2026-11-02,{amount},EUR,,,,,,{word}\n" for i, (amount, word) in enumerate(
            [("1", "C"), ("1", "credit"), ("1", "In"), ("1", "cr"), ("1", "D"), ("1", "DEBIT"), ("-1", "out"), ("-1", "dr"),
             ("1", "")]))
    assert [i.direction for i in book_items_from_ledger_csv(text)] == ["CRDT"] * 4 + ["DBIT"] * 4 + ["CRDT"]
    bad = LEDGER_HEADER.rstrip() + ",direction\nL1,2026-11-02,-1,EUR,,,,,,CRDT\nL2,2026-11-02,1,EUR,,,,,,sideways\n"
    with pytest.raises(LedgerError) as info:
        read_ledger_csv(bad)
    assert [n for n, _ in info.value.problems] == [2, 3]
    assert "negative amount -1 contradicts direction 'CRDT'" in str(info.value)
    assert "direction 'sideways' is not one of CRDT/DBIT" in str(info.value)


def test_bad_rows_are_all_named_with_file_and_line_and_nothing_is_returned():
    rows = [
        "L1,2026-11-02,100.00,EUR,A,R,,,",
        "L2,01/11/2026,100.00,EUR,A,R,,,",
        "L3,2026-11-01,100.001,EUR,A,R,,,",
        "L4,2026-11-01,12,XXQ,A,R,,,",
        "L1,2026-11-01,1.00,EUR,A,R,,,",
        "L6,2026-11-01,1.5,JPY,A,R,,,",
        "L7,2026-11-01,1e3,EUR,A,R,,,",
        "L8,2026-11-01,1.00,EUR,A",
        "L9,2026-11-02,12.3.4,EUR,,,,,",
        'L10,2026-11-02,"1,000.00",EUR,,,,,',
        "L11,2026-13-02,1.00,EUR,,,,,",
        "L12,2026-11-02,1.00,EURO,,,,,",
        "L13,2026-11-02,0.00,EUR,,,,,",
        "L14,20261102,1 000.00,EUR,,,,,",
        ",2026-11-02,,,,,,,",
        "L16,2026-11-02,1.00,EUR,,,,,,extra",
        "L17,2026-11-02,1.00,EUR,,,,DE00123,",
        f"L18,2026-11-02,1.00,EUR,{'N' * 141},,,,{'E' * 36}",
    ]
    with pytest.raises(LedgerError) as info:
        read_ledger_csv(ledger(*rows).encode(), filename="books.csv")
    err = info.value
    assert err.file == "books.csv" and err.line == 3
    assert [n for n, _ in err.problems] == [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 15, 16, 16, 16, 17, 18, 19, 19]
    assert str(err).startswith("books.csv:3: 21 problems in 17 row(s); the ledger is refused: line 3: date '01/11/2026'")
    assert str(err).endswith("(and 1 more)")  # the message shows 20; `problems` keeps every one
    text = "; ".join(message for _, message in err.problems)
    for fragment in ("date '01/11/2026' is not a valid YYYY-MM-DD date", "has 3 decimals; EUR allows 2",
                     "currency 'XXQ' is not an ISO 4217 code", "id 'L1' already used on line 2", "JPY allows 0",
                     "'1e3' is not a decimal", "5 fields, the header has 9", "'12.3.4' is not a decimal",
                     "'1,000.00' is not a decimal", "'2026-13-02' is not a valid", "'EURO' is not an ISO 4217",
                     "amount is zero", "date '20261102'", "amount '1 000.00'", "id is empty", "amount is empty",
                     "currency is empty", "10 fields, the header has 9", "iban 'DE00123' is invalid",
                     "counterparty is 141 characters, more than 140", "end_to_end_id is 36 characters, more than 35"):
        assert fragment in text, fragment


def test_one_bad_row_reads_plainly_and_many_are_capped_in_the_message():
    with pytest.raises(LedgerError) as info:
        read_ledger_csv(ledger("L1,2026-11-02,1.00,EUR,,,,,", "L2,2026-11-02,12.x,EUR,,,,,"), filename="b.csv")
    assert str(info.value) == ("b.csv:3: amount '12.x' is not a decimal number like -1234.56 "
                               "(no thousands separators or exponent); the ledger is refused")
    many = [f"L{i},2026-11-02,x,EUR,,,,," for i in range(MAX_REPORTED_PROBLEMS + 5)]
    with pytest.raises(LedgerError) as info:
        read_ledger_csv(ledger(*many))
    assert len(info.value.problems) == MAX_REPORTED_PROBLEMS + 5 and str(info.value).endswith("(and 5 more)")


def test_blank_lines_are_skipped_and_a_quoted_line_break_keeps_the_starting_line():
    text = ledger("", "L1,2026-11-02,1.00,EUR,,,\"two\nlines\",,", ",,,,,,,,", "L2,2026-11-02,2.00,EUR,,,,,")
    a, b = read_ledger_csv(text)
    assert (a.line, a.description, b.line) == (3, "two\nlines", 6)
    with pytest.raises(LedgerError) as info:
        read_ledger_csv(ledger("L1,2026-11-02,1.00,EUR,,,\"two\nlines\",,", "L2,2026-11-02,x,EUR,,,,,"))
    assert info.value.line == 4


def test_malformed_quoting_is_an_error_not_a_guess():
    with pytest.raises(LedgerError) as info:
        read_ledger_csv(ledger('L1,2026-11-02,"1.00"0,EUR,,,,,', "L2,2026-11-02,2.00,EUR,,,,,", 'L3,2026-11-02,3.00,EUR,"x'))
    assert [(n, m.split(":")[0]) for n, m in info.value.problems] == [(2, "malformed CSV"), (4, "malformed CSV")]


def test_header_problems():
    with pytest.raises(LedgerError, match=r"<ledger>:1: missing column\(s\) counterparty, reference, description; "
                                          r"the header has: id, date, amount, currency"):
        read_ledger_csv("id,date,amount,currency\nL1,2026-11-01,1,EUR\n")
    with pytest.raises(LedgerError, match="missing column\\(s\\) Betrag"):
        read_ledger_csv(ledger("L1,2026-11-01,1,EUR,,,,,"), {"amount": "Betrag"})
    with pytest.raises(LedgerError, match="column 'Amount' appears twice"):
        read_ledger_csv(ledger("L1,2026-11-01,1,EUR,,,,,").replace("iban", "Amount", 1))
    for empty in ("", "\n\n"):
        with pytest.raises(LedgerError, match="e.csv:1: no header row"):
            read_ledger_csv(empty, filename="e.csv")
    with pytest.raises(LedgerError, match="e.csv:1: a header but no rows"):
        read_ledger_csv(ledger("", ",,,,,,,,"), filename="e.csv")


def test_not_utf8_names_the_line(tmp_path: Path):
    p = tmp_path / "latin1.csv"
    p.write_bytes(ledger("L1,2026-11-02,1.00,EUR,M\u00fcller,,,,").encode("latin-1"))
    with pytest.raises(LedgerError, match=r"latin1\.csv:2: not UTF-8 \(byte \d+"):
        read_ledger_csv(p)


def test_column_map_as_written_in_settings_and_options():
    assert parse_column_map("") == {}
    assert parse_column_map(" amount = Betrag , Date=Buchungsdatum,") == {"amount": "Betrag", "date": "Buchungsdatum"}
    for bad, why in (("amount", "not field=Header"), ("amount=", "not field=Header"), ("=Betrag", "not field=Header"),
                     ("amount=A,amount=B", "named twice"), ("amonut=Betrag", "unknown ledger fields: amonut")):
        with pytest.raises(ValueError, match=why):
            parse_column_map(bad)
