"""Type detection, wrappers, multi-document files and the error boundary."""

from __future__ import annotations

import pytest
from lxml import etree

from breakdesk import parsers
from breakdesk.parsers.errors import (
    FieldError,
    InputTooLargeError,
    MalformedMessageError,
    ParseError,
    UnknownMessageTypeError,
    UnsafeXMLError,
)
from breakdesk.parsers.iso20022 import parse_mx
from breakdesk.parsers.iso20022.locate import message_type_from_namespace
from breakdesk.parsers.iso20022.registry import READERS, ROOT_NAMES
from breakdesk.parsers.iso20022.xml import LXML_ERROR_MAP, map_lxml_errors, mapped_error_class
from tests.unit.parsers.iso20022 import docs


@pytest.mark.parametrize(
    "namespace, expected",
    [
        ("urn:iso:std:iso:20022:tech:xsd:camt.053.001.02", ("camt.053.001.02", "camt.053")),
        ("http://www.six-interbank-clearing.com/de/pain.001.001.03.ch.02.xsd", ("pain.001.001.03.ch.02", "pain.001")),
        ("urn:iso:std:iso:20022:tech:xsd:pain.001.003.03", ("pain.001.003.03", "pain.001")),
        ("urn:swift:xsd:envelope", None),
        (None, None),
    ],
)
def test_message_type_from_namespace(namespace, expected):
    assert message_type_from_namespace(namespace) == expected


def test_every_family_is_registered_by_its_own_module():
    assert set(READERS) == {
        "pain.001", "pain.002", "pacs.002", "pacs.004", "pacs.008", "pacs.009",
        "camt.029", "camt.052", "camt.053", "camt.054", "camt.056",
    }
    assert ROOT_NAMES["FIToFIPmtStsRpt"] == "pacs.002" and ROOT_NAMES["BkToCstmrStmt"] == "camt.053"


def test_six_namespace_keeps_its_variant():
    text = docs.pain001("03")
    data = f'<Document xmlns="http://www.six-interbank-clearing.com/de/pain.001.001.03.ch.02.xsd">{text}</Document>'
    (msg,) = parse_mx(data.encode())
    assert (msg.message_type, msg.family) == ("pain.001.001.03.ch.02", "pain.001")


def test_tch_wrapper_without_document_and_prefixed_payload():
    body = docs.pacs002_v10().replace("<", "<ps:").replace("<ps:/", "</ps:")
    data = (
        '<Message xmlns="urn:tch" xmlns:head="urn:iso:std:iso:20022:tech:xsd:head.001.001.01" '
        'xmlns:ps="urn:iso:std:iso:20022:tech:xsd:pacs.002.001.10"><AppHdr><head:BizMsgIdr>B</head:BizMsgIdr></AppHdr>'
        f"<MessageStatusReport>{body}</MessageStatusReport></Message>"
    )
    (msg,) = parse_mx(data.encode())
    assert (msg.message_type, msg.header.envelope, msg.header.application_header_type) == (
        "pacs.002.001.10", "{urn:tch}Message", "head.001.001.01")
    assert msg.statuses[0].provenance.xpath == "/Message/MessageStatusReport/FIToFIPmtStsRpt/TxInfAndSts[1]"


def test_several_documents_in_one_file_give_several_messages_each_with_its_header():
    one = docs.with_bah("pacs.002.001.10", docs.pacs002_v10())
    two = docs.with_bah("pacs.004.001.09", docs.pacs004("09")).replace("BIZ-1", "BIZ-2")
    inner = lambda t: t.split("\n", 1)[1].split(">", 1)[1].rsplit("</Envelope>", 1)[0]  # noqa: E731
    data = f'<Batch xmlns="urn:example:batch">{inner(one)}{inner(two)}</Batch>'
    msgs = list(parse_mx(data.encode(), filename="batch.xml"))
    assert [(m.family, m.provenance.message_index, m.header.business_message_id) for m in msgs] == [
        ("pacs.002", 0, "BIZ-1"), ("pacs.004", 1, "BIZ-2")]
    assert msgs[1].returns[0].provenance.xpath == "/Batch/Document[2]/PmtRtr/TxInf[1]"
    assert msgs[1].returns[0].provenance.message_index == 1


def test_old_ahv10_header_gives_sender_from_distinguished_name():
    data = (
        "<message><AppHdr xmlns='urn:swift:xsd:$ahV10'><From><Type>DN</Type><Id>cn=x,ou=abcdchzz,o=swift</Id></From>"
        "<To><Type>DN</Type><Id>ou=dcbadeff,o=swift</Id></To><MsgRef>REF1</MsgRef><CrDate>2013-12-23T15:50:00</CrDate></AppHdr>"
        f'<Doc:Document xmlns:Doc="urn:iso:std:iso:20022:tech:xsd:pacs.002.001.03">'
        f'{docs.pacs002_v3().replace("<", "<Doc:").replace("<Doc:/", "</Doc:").replace("<Doc:![CDATA[<Doc:b>", "<![CDATA[<b>").replace("<Doc:/b>", "</b>")}'
        "</Doc:Document></message>"
    )
    (msg,) = parse_mx(data.encode())
    h = msg.header
    assert (h.application_header_type, h.sender_bic, h.receiver_bic, h.business_message_id, h.envelope) == (
        "$ahV10", "ABCDCHZZ", "DCBADEFF", "REF1", "message")


def test_unknown_message_type_names_file_and_element():
    data = b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:acmt.001.001.08"><AcctOpngInstr/></Document>'
    with pytest.raises(UnknownMessageTypeError) as info:
        list(parse_mx(data, filename="acmt.xml"))
    assert info.value.file == "acmt.xml" and "AcctOpngInstr" in str(info.value) and "acmt.001.001.08" in str(info.value)
    with pytest.raises(UnknownMessageTypeError, match="Foo"):
        list(parse_mx(b"<Document><Foo/></Document>", filename="x.xml"))
    with pytest.raises(UnknownMessageTypeError, match="no ISO 20022 Document"):
        list(parse_mx(b"<html><body/></html>", filename="x.xml"))


def test_namespace_and_element_must_agree():
    data = docs.document("pacs.002.001.10", docs.camt053_v8()).encode()
    with pytest.raises(UnknownMessageTypeError, match="BkToCstmrStmt"):
        list(parse_mx(data))


def test_malformed_xml_names_file_and_line():
    with pytest.raises(MalformedMessageError) as info:
        list(parse_mx(b"<Document>\n<BkToCstmrStmt>\n</Document>", filename="broken.xml"))
    assert info.value.file == "broken.xml" and info.value.line == 3
    assert isinstance(info.value.__cause__, etree.XMLSyntaxError)


def test_bad_amount_is_a_field_error_at_its_xpath():
    data = docs.document("camt.053.001.02", docs.camt053_v2().replace(">50.00</Amt><CdtDbtInd>CRDT", ">5O.00</Amt><CdtDbtInd>CRDT"))
    with pytest.raises(FieldError) as info:
        list(parse_mx(data.encode(), filename="amt.xml"))
    err = info.value
    assert err.xpath == "/Document/BkToCstmrStmt/Stmt[1]/Ntry[1]/Amt[1]" and err.line and err.fragment == "5O.00"
    assert err.message_type == "camt.053.001.02"


def test_missing_mandatory_elements_are_field_errors():
    no_cd = docs.camt053_v8().replace("<CdtDbtInd>DBIT</CdtDbtInd><Sts>", "<Sts>")
    with pytest.raises(FieldError, match="CdtDbtInd"):
        list(parse_mx(docs.document("camt.053.001.08", no_cd).encode()))
    bad_date = docs.camt053_v8().replace("<BookgDt><Dt>2024-02-29", "<BookgDt><Dt>2024-02-30")
    with pytest.raises(FieldError, match="date"):
        list(parse_mx(docs.document("camt.053.001.08", bad_date).encode()))


@pytest.mark.parametrize("junk", ["2024-02-2912", "2024-02-29junk", "20240229", "2024-W09-4"])
@pytest.mark.parametrize("compiled", [True, False], ids=["compiled", "reference"])
def test_a_date_with_anything_after_it_is_an_error_at_its_xpath_not_a_prefix_read(junk, compiled, monkeypatch):
    """Issue #21: `2026-11-2712` and `2026-11-27junk` used to read as 2026-11-27 (a `[:10]` slice)."""
    if not compiled:
        from breakdesk.parsers.iso20022 import statements

        monkeypatch.setattr(statements, "_fast_entries", None)
        monkeypatch.setattr(statements, "_fast_entry", None)
    text = docs.camt053_v2().replace("<ValDt><Dt>2024-02-29</Dt>", f"<ValDt><Dt>{junk}</Dt>")
    with pytest.raises(FieldError, match="date") as info:
        list(parse_mx(docs.document("camt.053.001.02", text).encode(), filename="dates.xml"))
    assert info.value.xpath == "/Document/BkToCstmrStmt/Stmt[1]/Ntry[1]/ValDt[1]/Dt[1]"
    assert info.value.file == "dates.xml" and info.value.line


@pytest.mark.parametrize("junk", ["2024-03-01T06:00:00junk", "2024-03-01T06", "2024-03-01T06:00:00+01:00x"])
def test_a_date_time_with_anything_after_it_is_an_error_at_its_xpath(junk):
    text = docs.camt053_v2().replace("<GrpHdr><MsgId>STMT-MSG-1</MsgId><CreDtTm>2024-03-01T06:00:00",
                                     f"<GrpHdr><MsgId>STMT-MSG-1</MsgId><CreDtTm>{junk}")
    with pytest.raises(FieldError, match="date-time") as info:
        list(parse_mx(docs.document("camt.053.001.02", text).encode(), filename="dt.xml"))
    assert info.value.xpath == "/Document/BkToCstmrStmt/GrpHdr[1]/CreDtTm[1]"


@pytest.mark.parametrize("junk", ["5e1", "5_0.00", "50.00e0", "Infinity", "0x32"])
@pytest.mark.parametrize("compiled", [True, False], ids=["compiled", "reference"])
def test_an_amount_that_is_not_an_xs_decimal_is_an_error_at_its_xpath(junk, compiled, monkeypatch):
    """`Decimal()` alone reads 5e1 and 5_0.00 as 50: an amount parses exactly or not at all (issue #21)."""
    if not compiled:
        from breakdesk.parsers.iso20022 import statements

        monkeypatch.setattr(statements, "_fast_entries", None)
        monkeypatch.setattr(statements, "_fast_entry", None)
    text = docs.camt053_v2().replace(">50.00</Amt><CdtDbtInd>CRDT", f">{junk}</Amt><CdtDbtInd>CRDT")
    with pytest.raises(FieldError, match="decimal") as info:
        list(parse_mx(docs.document("camt.053.001.02", text).encode(), filename="amt.xml"))
    assert info.value.xpath == "/Document/BkToCstmrStmt/Stmt[1]/Ntry[1]/Amt[1]" and info.value.fragment == junk


@pytest.mark.parametrize("junk", ["1_0", "+2", "2.0", "٢"])
def test_a_count_that_is_not_digits_is_an_error_at_its_xpath(junk):
    text = docs.camt053_v2().replace("<TtlNtries><NbOfNtries>2</NbOfNtries>", f"<TtlNtries><NbOfNtries>{junk}</NbOfNtries>")
    with pytest.raises(FieldError, match="integer") as info:
        list(parse_mx(docs.document("camt.053.001.02", text).encode(), filename="n.xml"))
    assert info.value.xpath == "/Document/BkToCstmrStmt/Stmt[1]/TxsSummry[1]/TtlNtries[1]/NbOfNtries[1]"


def test_exact_dates_with_a_time_zone_still_read():
    text = docs.camt053_v2().replace("<ValDt><Dt>2024-02-29</Dt>", "<ValDt><Dt>2024-02-29+01:00</Dt>")
    (msg,) = parse_mx(docs.document("camt.053.001.02", text).encode())
    assert str(msg.statements[0].entries[0].value_date) == "2024-02-29"


def test_size_limit():
    with pytest.raises(InputTooLargeError):
        list(parse_mx(b"<Document/>" + b" " * 100, filename="big.xml", max_bytes=50))


def test_public_parse_routes_xml_to_the_mx_reader():
    (msg,) = parsers.parse(docs.document("pacs.008.001.08", docs.pacs008("08")), filename="p.xml")
    assert msg.family == "pacs.008" and msg.provenance.file == "p.xml"


# --- the lxml error boundary (httpx-style: every upstream class has a counterpart) -----------------
def _lxml_error_classes():
    return sorted(
        {c for c in vars(etree).values() if isinstance(c, type) and issubclass(c, etree.LxmlError)},
        key=lambda c: c.__name__,
    )


@pytest.mark.parametrize("cls", _lxml_error_classes(), ids=lambda c: c.__name__)
def test_every_lxml_error_class_maps_to_a_parse_error(cls):
    ours = mapped_error_class(cls)
    assert ours is not None and issubclass(ours, ParseError)


def test_mapping_table_is_most_specific_first_and_covers_what_parsing_raises():
    keys = [k for k, _ in LXML_ERROR_MAP]
    for i, k in enumerate(keys):
        assert not any(issubclass(later, k) and later is not k for later in keys[i + 1 :]), k
    assert mapped_error_class(etree.XMLSyntaxError) is MalformedMessageError
    assert mapped_error_class(etree.XIncludeError) is UnsafeXMLError
    with pytest.raises(MalformedMessageError) as info:
        with map_lxml_errors("f.xml"):
            etree.fromstring(b"<a>")
    assert info.value.file == "f.xml" and info.value.line == 1


@pytest.mark.parametrize("compiled", [True, False], ids=["compiled", "reference"])
def test_lenient_reading_leaves_out_an_unreadable_entry_and_keeps_the_others(compiled, monkeypatch):
    """Issue #16: one camt entry no schema allows (an amount with a decimal comma) no longer loses the
    statement: it is left out as an error finding holding its XML, at its XPath; strict refuses as before."""
    if not compiled:
        from breakdesk.parsers.iso20022 import statements

        monkeypatch.setattr(statements, "_fast_entries", None)
    entry = docs.camt053_v8().split("<Ntry>", 1)[1].split("</Ntry>", 1)[0]
    bad = entry.replace('<Amt Ccy="USD">12.34</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>',
                        '<Amt Ccy="USD">12,34</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>', 1)
    body = docs.camt053_v8().replace("</Ntry>", f"</Ntry>\n  <Ntry>{bad}</Ntry>\n  <Ntry>{entry}</Ntry>", 1)
    data = docs.document("camt.053.001.08", body).encode()
    with pytest.raises(FieldError) as info:
        parsers.parse(data, filename="odd.xml", strict=True)
    assert info.value.xpath.startswith("/Document/BkToCstmrStmt/Stmt[1]/Ntry[2]")
    (msg,) = parsers.parse(data, filename="odd.xml")
    assert len(msg.statements[0].entries) == 2
    (finding,) = msg.findings
    assert (finding.severity, finding.code) == ("error", "UNREADABLE_ENTRY")
    assert finding.location.xpath.startswith("/Document/BkToCstmrStmt/Stmt[1]/Ntry[2]") and finding.location.line
    assert "12,34" in finding.value and finding.value.startswith("<Ntry")
    assert parsers.validate_messages([msg])[0].code == "UNREADABLE_ENTRY"
