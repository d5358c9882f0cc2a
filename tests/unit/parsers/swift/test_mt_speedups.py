"""The compiled fast path of MT statement lines (`parsers/swift/_speedups.c`) against its reference,
the Python reader: on generated statement lines and :86: narratives both must give the same objects
(classes, values, fields-set, Decimal exponents) or the same located error, and on block-4 texts the
compiled scanner must give what `fields.scan` gives.
The corpus is compared the same way in tests/integration/test_corpus_mt.py.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from mt_helpers import STATEMENT, parse, wrap

from breakdesk.parsers.swift import fields, mt9xx, parse_mt
from breakdesk.parsers.swift.fields import scan, tokenize
from breakdesk.parsers.swift.processors import DEFAULT_PROCESSORS
from tests.support.reference_readers import assert_reads_alike, assert_same

SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def test_the_compiled_fast_path_is_built_and_used():
    """`make install` builds it; a missing build would pass every other test, only slower."""
    from breakdesk.parsers.swift import _speedups

    assert mt9xx._speedups is _speedups and fields._scan_fields is _speedups.scan_fields
    entry = _speedups.statement_line("2402010201D250,50NTRFINV-77//BANKREF1", "/EREF/E2E-1/NAME/ACME BV", "EUR", 2, "f", 0, 9)
    assert entry.amount == Decimal("250.50") and entry.references.end_to_end_id == "E2E-1"
    assert entry.counterparty.name == "ACME BV" and entry.provenance.line == 9
    entries: list = []
    run = parse(wrap("940", STATEMENT))[0]
    fields_ = tokenize(wrap("940", STATEMENT).split("{4:\n")[1].rsplit("\n-}", 1)[0], 2, bare=False)[0].fields
    assert _speedups.statement_lines(fields_, 4, "EUR", 2, "t.fin", 0, entries) == 7  # both lines taken
    assert_same(entries, run.statements[0].entries)


@pytest.mark.parametrize(
    "value, text86, why",
    [
        ("2402010201D250,50NTRFX", "166?00SEPA?20Zahlung Köln", "a German ?NN narrative with non-ASCII text"),
        ("240201    D250,50NTRFX", None, "Citi's blank entry date (a processor rewrites it)"),
        ("2402011145D250,50NTRFX", None, "a time where the entry date belongs (a processor drops it)"),
        ("2402010230D250,50NTRFX", None, "an impossible entry date: the reference reports it"),
        ("2402310201D250,50NTRFX", None, "an impossible value date"),
        ("2402010201D250,505NTRFX", None, "more decimals than EUR has"),
        ("2402010201D2,50,5NTRFX", None, "two decimal commas"),
        ("2402010201D250NTRFX", None, "no decimal comma: the reference refuses it (issue #21)"),
        ("2402010201X250,50NTRFX", None, "no credit/debit mark"),
        ("2402010201D250,50NTRF0440121470966      W.P. Jansen", None, "Rabobank's counterparty after the type"),
        ("2402010201D250,50NTRFKÖLN", None, "non-ASCII in :61:"),
    ],
)
def test_lines_left_to_the_reference_reader(value, text86, why):
    from breakdesk.parsers.swift import _speedups

    assert _speedups.statement_line(value, text86, "EUR", 2, "f", 0, 1) is None, why


def test_custom_statement_line_processors_turn_the_fast_path_off():
    seen = []

    def record(value: str) -> str:
        seen.append(value)
        return value

    text = wrap("940", STATEMENT).encode()
    msgs = list(parse_mt(text, processors={"pre_statement_line": [*DEFAULT_PROCESSORS["pre_statement_line"], record]}))
    assert len(seen) == 2 and len(msgs[0].statements[0].entries) == 2


# --- generated statement lines ------------------------------------------------------------------

KEYS = ["EREF", "NAME", "IBAN", "BIC", "REMI", "MARF", "MREF", "RTRN", "ORDP", "BENM", "ULTD", "CNTP", "ADDR", "ID",
        "TRTP", "CSID", "PURP", "SVCL", "XYZ", "E", "REMIX"]
WORDS = ["E2E-1", "NOTPROVIDED", "nonref", "NONE", "ACME BV", " ACME  ", "NL91ABNA0417164300", "DE89370400440532013000",
         "ABNANL2A", "STRD", "USTD", "CUR", "RF18539007547034", "AC04", "MD06", "ZZ", "Köln", "ünïcode", "nıne", "",
         " ", "/", "//", "x/y", "INV 77", "\n", "\u2003", "12", "?20", "SCOR"]


@st.composite
def narratives(draw) -> str | None:
    kind = draw(st.sampled_from(["slash", "slash", "slash", "plain", "german", "none", "odd"]))
    if kind == "none":
        return None
    if kind == "plain":
        return draw(st.sampled_from(["SEPA CREDIT TRANSFER", "  ", "text /EREF/ later", "/NOTAKEY/x", "Zahlung ÄÖÜ"]))
    if kind == "german":
        return draw(german())
    parts = []
    for _ in range(draw(st.integers(1, 8))):
        parts.append("/" + draw(st.sampled_from(KEYS)) + "/")
        parts.append("".join(draw(st.lists(st.sampled_from(WORDS), max_size=3))))
    text = "".join(parts)
    if kind == "odd" and text:
        pos = draw(st.integers(0, len(text)))
        text = text[:pos] + draw(st.sampled_from(["\n", " ", "/", "//", "ß"])) + text[pos:]
    return draw(st.sampled_from(["", " ", "\n "])) + text


GERMAN_KEYS = ["00", "10", "20", "21", "22", "23", "24", "25", "26", "27", "28", "29", "30", "31", "32", "33", "34",
               "38", "60", "61", "62", "63", "99"]
GERMAN_WORDS = ["EREF+", "MREF+", "SVWZ+", "IBAN+", "BIC+", "KREF+", "CRED+", "ABWA+", "E2E-1", "NOTPROVIDED",
                "RETOURE", "Rueckbuchung", "SEPA GUTSCHRIFT", "BANKDEFF", "BANKDEFFXXX", "50010517",
                "DE89 3704 0044 0532 0130 00", "DE89370400440532013000", "ACME", "  GmbH  ", "AC04", "", " ",
                "X" * 27, "Y" * 26, "?", "?2", "\n", "\t", "ü", "+"]


@st.composite
def german(draw) -> str:
    text = draw(st.sampled_from(["", "166", "108", "159", " 051 ", "12"]))
    for _ in range(draw(st.integers(1, 10))):
        text += "?" + draw(st.sampled_from(GERMAN_KEYS)) + "".join(draw(st.lists(st.sampled_from(GERMAN_WORDS), max_size=3)))
    if draw(st.booleans()):  # wrapped at a fixed width, as exports do
        width = draw(st.sampled_from([27, 20, 35]))
        text = "\n".join(text[i : i + width] for i in range(0, len(text), width))
    return text


@st.composite
def statement_lines(draw) -> str:
    value_date = draw(st.sampled_from(["240201", "991231", "000229", "240230", "24020", "2402a1"]))
    entry_date = draw(st.sampled_from(["", "0201", "1231", "0101", "0229", "0230", "1145", "    ", "13"]))
    mark = draw(st.sampled_from(["C", "D", "RC", "RD", "X", "R", "CR"]))
    funds = draw(st.sampled_from(["", "", "R", "F"]))
    amount = draw(st.sampled_from(["250,50", "1,", "0,5", "100", "1,234", "1234567890123456,", ",5", "1,2,3", "12345678901234567890"]))
    type_ = draw(st.sampled_from(["NTRF", "NMSC", "S   ", "N0AB", "ntrf", "NTR"]))
    customer = draw(st.sampled_from(["INV-77", "NONREF", "", " nonref ", "A  B", "0440121470966      W.P. Jansen", "a/b", "Ä"]))
    bank = draw(st.sampled_from([None, "BANKREF1", "", "NONREF", "X//Y", " R "]))
    supplementary = draw(st.sampled_from([None, "SUPPLEMENTARY", "  DETAILS  ", "two\nlines"]))
    line = f"{value_date}{entry_date}{mark}{funds}{amount}{type_}{customer}"
    if bank is not None:
        line += f"//{bank}"
    if supplementary is not None:
        line += f"\n{supplementary}"
    return line


@st.composite
def statements(draw) -> str:
    currency = draw(st.sampled_from(["EUR", "JPY", "BHD", "XAU", "ABC"]))
    body = [":20:STMT1", ":25:NL91ABNA0417164300", ":28C:1/1", f":60F:C240131{currency}1000,"]
    for _ in range(draw(st.integers(1, 4))):
        body.append(":61:" + draw(statement_lines()))
        text86 = draw(narratives())
        if text86 is not None:
            body.append(":86:" + text86)
        if draw(st.integers(0, 9)) == 0:
            body.append(":NS:22Name\n33Other")
    body.append(f":62F:C240202{currency}1000,")
    return "\n".join(body) + "\n"


@SETTINGS
@given(statements())
@example(":20:S\n:25:X\n:28C:1\n:60F:C240131EUR1,\n:61:2402010201D250,50NTRFINV//B\n:86:/ORDP//NAME/A/IBAN/NL91ABNA0417164300/REMI/STRD/CUR/RF18539007547034/X\n:62F:C240131EUR1,\n")
@example(":20:S\n:25:X\n:28C:1\n:60F:C240131EUR1,\n:61:2402010201C1,NTRF\n:86:/RTRN/MD06/reason/ /BENM//NAME/B/CNTP/NL91ABNA0417164300/ABNANL2A/Shop/AMS/\n:62F:C240131EUR1,\n")
def test_generated_statements_read_the_same_with_and_without_the_fast_path(text):
    assert_reads_alike(lambda: list(parse_mt(text.encode("utf-8"), filename="gen.sta")))


@st.composite
def block4_texts(draw) -> str:
    pieces = [":20:R", ":61:X ", ":86:a \t", "-", "-}", "- \t", ":NS:1", ":940:", ":25P:A", ":2X:", "text", "  ", "",
              "ü:61:", ":AB:", ":123:", ":12C:", "\t\n", "x \n", ":61:\n\n"]
    return "\n".join(draw(st.lists(st.sampled_from(pieces), max_size=14))) + draw(st.sampled_from(["", "\n", " \n "]))


@SETTINGS
@given(block4_texts(), st.integers(1, 50))
def test_scanned_fields_match_the_python_scanner(text, first_line):
    from breakdesk.parsers.swift._speedups import scan_fields

    (head, tokens), (ref_head, ref_tokens) = scan_fields(text, first_line), scan(text, first_line)
    assert head == ref_head
    assert [(f.tag, f.value, f.line) for f in tokens] == [(f.tag, f.value, f.line) for f in ref_tokens]
