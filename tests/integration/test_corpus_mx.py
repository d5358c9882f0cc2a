"""Every ISO 20022 file of the shared corpus parses, and every fact its MANIFEST notes state holds.

The notes are mechanical hints computed by the corpus builder (element counts, statuses, reason codes,
header/envelope, XSD result). Where the correct value differs from the hint, `CORRECTIONS` holds the
correct one with the reason; everything else is asserted exactly as the notes say.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from parsers import Message, ParseError, parse_file
from parsers.iso20022.xsd import xsd_findings
from tests.conftest import CORPUS, load_manifest

pytestmark = pytest.mark.integration

MX_FILES = [f for f in load_manifest() if not f.message_type.startswith("MT")] if CORPUS.is_dir() else []

#: (file, fact) → the correct value where the manifest's mechanical hint is not it, and why.
CORRECTIONS: dict[tuple[str, str], object] = {
    # The manifest validated the Document re-serialised on its own, so its line numbers are relative to
    # that copy; we report lines of the real file. wrong.xml: <BkToCstmrStmt> is on line 3 (line 1 is
    # the XML declaration, line 2 <Document>).
    ("genkgo-camt/camt053.v2.wrong.xml", "xsd_first_line"): 3,
    # single-line document after an XML declaration on line 1: everything is on line 2 of the file.
    ("subite-camt2coda/LT625883379695428516/CAMT_053/2024-03-07.xml", "xsd_first_line"): 2,
    # the pacs.002 Document starts on line 14 of the file (after the $ahV10 AppHdr); the first
    # over-long AddtlInf is on file line 28 (line 15 of the Document on its own).
    ("prowide-iso20022/pacs.002-CDATA-with-header.xml", "xsd_first_line"): 28,
    # TCH wraps a head.001.001.01 header: its children are in the head.001.001.01 namespace, the
    # AppHdr element itself in urn:tch ("BAH tch" in the notes).
    ("rtp20022/camt056.timeout.xml", "bah"): "head.001.001.01",
    ("rtp20022/pacs002.ACTC.xml", "bah"): "head.001.001.01",
    # six Btch elements, but the sixth (entry 6) holds only a MsgId and no NbOfTxs, and batch_count is
    # "Btch/NbOfTxs of a batch booking": five entries have one.
    ("moov-iso20022/FI_camt_054_sample.xml.xml", "btch"): 5,
    # AppHdr and Document need a common parent; the notes name only namespaced wrappers. These files
    # use an ad-hoc root without a namespace (<Envelope> resp. <message>).
    ("phoughton-cbpr/y2025/camt.054.max.xml", "envelope"): "Envelope",
    ("phoughton-cbpr/y2025/pacs.008.max.xml", "envelope"): "Envelope",
    ("phoughton-cbpr/y2025/pain.001.min.xml", "envelope"): "Envelope",
    ("prowide-iso20022/camt.053.001.07.xml", "envelope"): "message",
    ("prowide-iso20022/pacs.008.001.07.xml", "envelope"): "message",
    ("prowide-iso20022/pacs.009.001.07.xml", "envelope"): "message",
    ("prowide-iso20022/pacs.002-CDATA-with-header.xml", "envelope"): "message",
}

ENVELOPES = {
    "SWIFT Envelope wrapper": "{urn:swift:xsd:envelope}Envelope",
    "FedNow envelope": "{urn:fednow:incoming:v001}FedNowIncoming",
    "TCH RTP wrapper": "{urn:tch}Message",
}


def _expected(path: str, fact: str, hinted):
    return CORRECTIONS.get((path, fact), hinted)


def _reason_codes(msg: Message) -> set[str]:
    out: set[str] = set()

    def add(code, prtry):
        if code:
            out.add(f"Cd:{code}")
        if prtry:
            out.add(f"Prtry:{prtry}")

    for s in msg.statuses:
        for r in s.reasons:
            add(r.code, r.proprietary)
    for group in (msg.returns, msg.cancellations, msg.answers):
        for item in group:
            add(item.reason_code, item.reason_proprietary)
    for st in msg.statements:
        for e in st.entries:
            for d in e.details:
                if d.return_reason:
                    add(d.return_reason.code, d.return_reason.proprietary)
    return out


def _ids(files):
    return [f.local_path for f in files]


@pytest.mark.parametrize("cf", MX_FILES, ids=_ids(MX_FILES))
def test_corpus_file_matches_manifest_notes(cf):
    notes, path = cf.notes, cf.local_path
    if "deliberately invalid: no Stmt" in notes:
        with pytest.raises(ParseError) as info:
            parse_file(cf.path)
        err = info.value
        assert err.file and err.file.endswith("camt053.v2.wrong.xml")
        assert err.xpath == "/Document/BkToCstmrStmt" and err.line == 3
        assert str(cf.path) in str(err) and "Stmt" in str(err)
        _check_xsd(cf)
        return

    messages = parse_file(cf.path)
    assert len(messages) == 1
    msg = messages[0]
    expected_type = cf.message_type.split(" ")[0]  # "pacs.002 (no namespace)" → "pacs.002"
    assert msg.message_type == expected_type
    assert msg.provenance.file == str(cf.path)

    statements = msg.statements
    for kind in ("statement", "report", "notification"):
        if m := re.search(rf"(\d+) {kind}\(s\)", notes):
            assert [s.kind for s in statements] == [kind] * int(m.group(1))
    if m := re.search(r"(\d+) entries", notes):
        assert sum(len(s.entries) for s in statements) == int(m.group(1))
    if m := re.search(r"(\d+) TxDtls", notes):
        assert sum(len(e.details) for s in statements for e in s.entries) == int(m.group(1))
    if m := re.search(r"(\d+) balances", notes):
        assert sum(len(s.balances) for s in statements) == int(m.group(1))
    if m := re.search(r"(\d+) Btch", notes):
        batches = sum(e.batch_count is not None for s in statements for e in s.entries)
        assert batches == _expected(path, "btch", int(m.group(1)))
    if m := re.search(r"statuses=\[([^\]]*)\]", notes):
        hinted = set(re.findall(r"'([A-Z]+)'", m.group(1)))
        assert {s.status for s in msg.statuses} == hinted
    if m := re.search(r"Sts/Conf=\[([^\]]*)\]", notes):
        assert {a.status for a in msg.answers} == set(re.findall(r"'([A-Z]+)'", m.group(1)))
    if m := re.search(r"reason codes=([^;]+)", notes):
        assert _reason_codes(msg) == set(m.group(1).strip().split(","))
    if m := re.search(r"(\d+) TxInfAndSts", notes):
        assert sum(s.level == "transaction" for s in msg.statuses) == int(m.group(1))
    if m := re.search(r"(\d+) OrgnlPmtInfAndSts", notes):
        # a block becomes a status of its own only when it has PmtInfSts; its transactions' statuses
        # name it in original_payment_info_id, so count the distinct blocks either way
        blocks = {s.original_payment_info_id for s in msg.statuses if s.level != "group"}
        assert len(blocks - {None}) == int(m.group(1))
    if m := re.search(r"(\d+) PmtInf\b", notes):
        assert len(msg.payment_groups) == int(m.group(1))
    if m := re.search(r"(\d+) CdtTrfTxInf", notes):
        assert len(msg.transactions) == int(m.group(1))
    if m := re.search(r"NbOfTxs=(\d+)", notes):
        assert msg.header.number_of_transactions == int(m.group(1))
    if m := re.search(r"CtrlSum=([\d.]+)", notes):
        assert msg.header.control_sum == Decimal(m.group(1))
    if m := re.search(r"(\d+) returned tx", notes):
        assert len(msg.returns) == int(m.group(1))
    if m := re.search(r"(\d+) underlying TxInf", notes):
        assert len(msg.cancellations) == int(m.group(1))
    if "UETR present" in notes:
        assert any(t.uetr for t in msg.transactions)
    if "COV" in notes:
        assert msg.transactions[0].underlying is not None
        assert msg.transactions[0].underlying.debtor.name

    if m := re.search(r"BAH (\S+?);", notes):
        assert msg.header.has_application_header
        assert msg.header.application_header_type == _expected(path, "bah", m.group(1))
    else:
        assert not msg.header.has_application_header
    wrappers = [env for hint, env in ENVELOPES.items() if hint in notes]
    assert msg.header.envelope == _expected(path, "envelope", wrappers[0] if wrappers else None)
    _check_xsd(cf)


def _check_xsd(cf):
    notes, path = cf.notes, cf.local_path
    findings = xsd_findings(cf.path.read_bytes(), str(cf.path))
    if "XSD-valid against" in notes:
        assert findings == []
    elif m := re.search(r"XSD-INVALID .*?\((\d+) errors; first: line (\d+)", notes):
        errors = [f for f in findings if f.code == "XSD_INVALID"]
        assert all(f.severity == "error" for f in errors) and len(errors) == len(findings)
        assert len(errors) == int(m.group(1))
        assert errors[0].location.line == _expected(path, "xsd_first_line", int(m.group(2)))
        assert errors[0].location.xpath and errors[0].location.xpath.startswith(("/Document", "/message"))
    elif "no XSD in reference/xsd" in notes or "not XSD-validatable" in notes:
        assert [(f.severity, f.code) for f in findings] == [("info", "XSD_NOT_AVAILABLE")]


def test_every_mx_manifest_row_is_covered():
    assert len(MX_FILES) >= 60
    assert all(f.path.is_file() for f in MX_FILES)
