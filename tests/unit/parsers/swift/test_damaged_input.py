"""Issue #21 items 10 and 12: control characters and UTF-16 in MT input.

A NUL or other control character is refused as a located `ForbiddenCharacterError` (file, line, field
tag), never stored; a UTF-16 MT file with a byte-order mark is read like its UTF-8 twin, and one that
is not valid UTF-16 is an `EncodingError` naming the file, never an "XML error".
"""

from __future__ import annotations

import pytest
from mt_helpers import STATEMENT, wrap

from breakdesk import parsers
from breakdesk.parsers.errors import EncodingError, ForbiddenCharacterError


@pytest.mark.parametrize("char", ["\x00", "\x1b", "\x7f", "\x0c", "\x08"])
@pytest.mark.parametrize("bare", [True, False], ids=["bare", "blocks"])
def test_a_control_character_in_86_is_a_located_data_error(char, bare):
    text = STATEMENT.replace("NAME/ACME BV", f"NAME/ACME{char}BV")
    text = text if bare else wrap("940", text)
    with pytest.raises(ForbiddenCharacterError) as exc:
        parsers.parse(text.encode(), filename="nul.sta")
    err = exc.value
    assert (err.file, err.line, err.tag) == ("nul.sta", 6 if bare else 7, "86")
    assert f"U+{ord(char):04X}" in str(err) and "nul.sta:" in str(err)


def test_a_nul_in_another_field_names_that_field():
    with pytest.raises(ForbiddenCharacterError) as exc:
        parsers.parse(STATEMENT.replace(":25:DE89", ":25:DE\x0089").encode(), filename="f.sta")
    assert (exc.value.line, exc.value.tag) == (2, "25") and "NUL" in str(exc.value)


def test_tab_and_host_to_host_framing_are_not_refused():
    text = "\x01\n" + STATEMENT.replace("REMI/INVOICE 77", "REMI/INVOICE\t77") + "-\x03\n"
    (msg,) = parsers.parse(text.encode(), filename="tab.sta")
    assert "INVOICE\t77" in msg.statements[0].entries[0].additional_info


@pytest.mark.parametrize("encoding, bom", [("utf-16", b""), ("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff")])
@pytest.mark.parametrize("bare", [True, False], ids=["bare", "blocks"])
def test_utf16_mt_with_a_bom_reads_like_utf8(encoding, bom, bare):
    text = STATEMENT.replace("ACME BV", "ACME Köln BV")
    text = text if bare else wrap("940", text)
    got = parsers.parse(bom + text.encode(encoding), filename="u16.sta")
    want = parsers.parse(text.encode("utf-8"), filename="u16.sta")
    assert [m.model_dump() for m in got] == [m.model_dump() for m in want]
    assert got[0].statements[0].entries[0].counterparty.name == "ACME Köln BV"


def test_broken_utf16_is_an_encoding_error_naming_the_file():
    data = b"\xff\xfe" + STATEMENT.encode("utf-16-le") + b"\x00"  # odd length: cut mid-character
    with pytest.raises(EncodingError, match="UTF-16") as exc:
        parsers.parse(data, filename="cut16.sta")
    assert exc.value.file == "cut16.sta" and "XML" not in str(exc.value)


def test_utf16_without_a_bom_is_an_encoding_error_not_nul_data():
    with pytest.raises(EncodingError, match="UTF-16 without a byte-order mark") as exc:
        parsers.parse(STATEMENT.encode("utf-16-le"), filename="nobom.sta")
    assert exc.value.file == "nobom.sta"


def test_utf16_xml_is_still_xml():
    from tests.unit.parsers.iso20022 import docs

    xml = docs.document("camt.053.001.02", docs.camt053_v2()).replace('encoding="UTF-8"', 'encoding="UTF-16"')
    (msg,) = parsers.parse(xml.encode("utf-16"), filename="u16.xml")
    assert msg.family == "camt.053"


def test_a_text_hook_that_adds_a_control_character_is_still_caught():
    """The fast byte pre-check is skipped for a caller's own text hooks: what they return is searched."""
    from breakdesk.parsers.swift import parse_mt

    add_nul = lambda text: text.replace("ACME BV", "ACME\x00BV")  # noqa: E731
    with pytest.raises(ForbiddenCharacterError) as exc:
        list(parse_mt(STATEMENT.encode(), filename="hook.sta", processors={"pre_text": [add_nul]}))
    assert (exc.value.line, exc.value.tag) == (6, "86")


def test_controls_are_found_in_every_decoding():
    from breakdesk.parsers.controls import may_hold_controls

    assert not may_hold_controls(STATEMENT.replace("ACME", "AÇMÉ").encode("utf-8"))
    assert not may_hold_controls(STATEMENT.replace("ACME", "AÇMÉ").encode("cp1252"))
    for char in ("\x00", "\x1b", "\x7f"):
        assert may_hold_controls(STATEMENT.replace("ACME", f"A{char}").encode("latin-1"))
