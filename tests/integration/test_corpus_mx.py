"""Every ISO 20022 file of the shared corpus parses, and every fact its MANIFEST notes state holds.

The notes are mechanical hints computed by the corpus builder (element counts, statuses, reason codes,
header/envelope, XSD result). Where the correct value differs from the hint, `CORRECTIONS` holds the
correct one with the reason; everything else is asserted exactly as the notes say.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from breakdesk.parsers import Message, ParseError, parse_file
from breakdesk.parsers.iso20022.xsd import xsd_findings
from tests.conftest import CORPUS, load_manifest
from tests.support.reference_readers import assert_reads_alike

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("shared_dir")]

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
    # its non-ASCII bytes (invalid UTF-8, shown as U+FFFD) are in the licence comment, which is not data
    ("phoughton-cbpr/2025/CBPRplus_p.8.1.1.a_pacs.008_CtoD_1.xml", "non_ascii_only_in_comments"): True,
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


@pytest.mark.parametrize("row", [f for f in MX_FILES if f.message_type.startswith("camt.05")], ids=lambda r: r.local_path)
def test_the_compiled_entry_reader_reads_every_statement_as_the_python_reader_does(row):
    """parsers/iso20022/_speedups.c against its reference, file by file: same objects or same error."""
    assert_reads_alike(lambda: parse_file(row.path), row.local_path)


def test_every_mx_manifest_row_is_covered():
    assert len(MX_FILES) >= 60
    assert all(f.path.is_file() for f in MX_FILES)


# --- real values, spot-checked in every source folder ------------------------------------------------
def _one(name: str) -> Message:
    (msg,) = parse_file(CORPUS / name)
    return msg


def test_values_cbpr_ballerina():
    t = _one("cbpr-ballerina/CBPRplus_c.53.5_pacs.008_AtoB.xml").transactions[0]
    assert (t.amount, t.currency, t.settlement_date.isoformat()) == (Decimal("500000"), "SGD", "2020-08-05")
    assert (t.end_to_end_id, t.uetr) == ("E2E04044506271305", "174c245f-2682-4291-ad67-2a41e530cd27")
    assert (t.debtor.name, t.debtor.account, t.debtor.agent_bic) == ("Australian Submarine", "458756241", "WPACAU2S")
    cov = _one("cbpr-ballerina/CBPRplus_p.2.3.1.a_pacs.009.cov-AtoB.xml")
    assert cov.header.sender_bic == "CLYDGB2S" and cov.header.business_service == "swift.cbprplus.cov.02"
    assert cov.transactions[0].underlying.debtor.name == "A Debiter"
    s = _one("cbpr-ballerina/CBPRplus_p.2.1.2_pacs.002-DtoC.xml").statuses[0]
    assert (s.status, s.reason_code, s.original_end_to_end_id, s.original_instruction_id) == (
        "RJCT", "AC04", "E2E04044506271305", "C2D0506272708")
    c = _one("cbpr-ballerina/CBPRplus_c.29.1.1_camt.056-AtoB.xml").cancellations[0]
    assert (c.case_id, c.reason_code, c.original_amount, c.original_currency) == (
        "MYMBGB2LXXXCSE-1", "DUPL", Decimal("591636"), "RON")
    e = _one("cbpr-ballerina/CBPRplus_c.54.3.1_camt.054-BtoA.xml").statements[0].entries[0]
    assert (e.amount, e.references.end_to_end_id, e.references.uetr) == (
        Decimal("165486600"), "pacs008EndToEndId-001", "8a562c67-ca16-48ba-b074-65581be6f001")


def test_values_fednow_and_rtp():
    s = _one("fednow20022/fednow-sample-message-pacs002.xml").statuses[0]
    assert (s.status, s.original_uetr, s.original_end_to_end_id) == (
        "ACTC", "8a562c67-ca16-48ba-b074-65581be6f011", "Scenario01EtoEId001")
    c = _one("rtp20022/camt056.timeout.xml").cancellations[0]
    assert (c.reason_code, c.original_amount, c.original_currency) == ("DS24", Decimal("21838.41"), "USD")
    assert c.provenance.xpath == "/Message/ReturnOfFunds/FIToFIPmtCxlReq/Undrlyg[1]/TxInf[1]"


def test_values_genkgo():
    st = _one("genkgo-camt/camt053.v8.xml").statements[0]
    e = st.entries[0]
    assert (st.account, e.amount, e.credit_debit, str(e.booking_date)) == ("NL26VAYB8060476890", Decimal("8.85"), "CRDT", "2014-12-31")
    assert (e.references.end_to_end_id, e.references.account_servicer_reference) == (
        "MUELL/FINP/RA12345", "AAAASESS-FP-CN_98765/01")
    assert e.counterparty.account == "NL56AGDH9619008421" and e.bank_transaction_code.iso == "PMNT/RCDT/BOOK"
    five = _one("genkgo-camt/camt053.v2.five.decimals.xml").statements[0]
    # amounts keep their exact written form (trailing zeros included): Decimal strings, no rounding
    assert [format(b.amount, "f") for b in five.balances] == ["18.150", "27.050"]
    assert format(five.entries[0].amount, "f") == "8.850"
    uetr = _one("genkgo-camt/camt054.v8-with-UETR.xml").statements[0].entries[0]
    assert uetr.references.uetr == "255ae394-9965-4438-ac86-f406feada396"


def test_values_gs_devportal():
    st = _one("gs-devportal/camt053_001_02.xml").statements[0]
    assert (st.account, st.servicer.bic, len(st.entries)) == ("DD01100056869", "GSCRUS30", 15)
    assert st.opening_balance.signed_amount == Decimal("-843686.20")
    assert (st.summary.credit_count, st.summary.net_amount) == (9, Decimal("40.00"))
    t = _one("gs-devportal/pain001_001_08.xml").transactions[0]
    assert (t.amount, t.currency, t.creditor.account, t.creditor.agent_bic) == (Decimal("10"), "GBP", "12345678", "BARCGB22")
    assert str(t.requested_execution_date) == "2020-06-16"


def test_values_moov():
    msg = _one("moov-iso20022/gistfile1.xml")
    assert [t.end_to_end_id for t in msg.transactions] == [
        "ABC/4562/2009-09-08", "ABC/ABC-13679/2009-09-15", "ABC/987-AC/2009-09-27"]
    assert [(t.amount, t.currency) for t in msg.transactions][0] == (Decimal("10000000"), "JPY")
    ret = _one("moov-iso20022/camt054-returns_p_ch5109000000250092291_1110097606_0_2020112500512470.xml")
    e = ret.statements[0].entries[0]
    assert (e.return_reason.code, e.return_reason.additional_info) == ("AC01", ["Kontonummer falsch"])
    assert (e.counterparty.name, e.counterparty.account) == ("Robert Schneider SA", "CH8709000000929471495")
    rj = _one("moov-iso20022/pain002-epo_p_ch2909000000250094239_1109800799_0_2018032612092784.xml")
    assert [(s.level, s.status, s.reason_code) for s in rj.statuses] == [
        ("payment_info", "RJCT", "NARR"), ("transaction", "RJCT", "AC01")]
    assert rj.statuses[1].additional_info == ["1301813;Konto ungültig"]


def test_values_phoughton_prowide_subite_wire():
    r = _one("phoughton-cbpr/violators/pacs004_payment_return_sample__violates_pacs.004-R111_commodity_currency_XAU.xml").returns[0]
    assert (r.returned_amount, r.currency, r.reason_code, r.original_uetr) == (
        Decimal("125000"), "GBP", "AC04", "c3d4e5f6-a7b8-4012-9def-123456789012")
    g = _one("prowide-iso20022/pacs.002-CDATA-with-header.xml").statuses[0]
    assert (g.level, g.status, g.reason_proprietary) == ("group", "RJCT", "118")
    assert g.additional_info[0].startswith('<?xml version="1.0" ?><RequestPayload>')  # CDATA kept as text
    big = _one("subite-camt2coda/Other/BE68793230773034-202411.xml").statements[0]
    assert (big.account, len(big.entries), big.closing_balance.amount) == ("BE68793230773034", 268, Decimal("87539.12"))
    assert big.entries[0].references.end_to_end_id == "E2ESEKOZLQO41354223"
    w = _one("wire20022/PaymentReturn_Scenario3_Step4_pacs.004").returns[0]
    assert (w.returned_amount, w.reason_code, w.original_end_to_end_id) == (Decimal("446915.78"), "FOCR", "Scenario03EtoEId001")


# --- the CLI's JSON shape ---------------------------------------------------------------------------
def test_cli_parse_json_on_a_statement_a_status_report_and_a_payment():
    import json

    from click.testing import CliRunner

    from breakdesk.app.cli.main import cli

    files = [
        CORPUS / "genkgo-camt/camt053.v8.xml",
        CORPUS / "cbpr-ballerina/CBPRplus_p.2.1.2_pacs.002-DtoC.xml",
        CORPUS / "cbpr-ballerina/CBPRplus_c.53.5_pacs.008_AtoB.xml",
    ]
    result = CliRunner().invoke(cli, ["parse", "--json", *map(str, files)])
    assert result.exit_code == 0, result.output
    stmt, status, payment = (json.loads(line) for line in result.output.splitlines())
    top = {"message_type", "family", "kind", "provenance", "header", "payment_groups", "transactions", "statuses",
           "returns", "cancellations", "answers", "statements", "free_format", "namespace"}
    assert top <= set(stmt) and top <= set(status)
    entry = stmt["statements"][0]["entries"][0]
    assert entry["references"]["end_to_end_id"] == "MUELL/FINP/RA12345"
    assert entry["references"]["account_servicer_reference"] == "AAAASESS-FP-CN_98765/01"
    assert entry["amount"] == "8.85" and stmt["statements"][0]["opening_balance"]["type"] == "OPBD"
    s = status["statuses"][0]
    assert (s["status"], s["reason_code"], s["original_end_to_end_id"], s["original_instruction_id"], s["original_uetr"]) == (
        "RJCT", "AC04", "E2E04044506271305", "C2D0506272708", "174c245f-2682-4291-ad67-2a41e530cd27")
    d = payment["transactions"][0]["debtor"]
    assert (d["name"], d["account"], d["agent_bic"]) == ("Australian Submarine", "458756241", "WPACAU2S")
    assert payment["transactions"][0]["amount"] == "500000"
    assert status["header"]["envelope"] == "{urn:swift:xsd:envelope}Envelope"


def test_cli_reports_the_invalid_file_and_goes_on():
    from click.testing import CliRunner

    from breakdesk.app.cli.main import cli

    bad = CORPUS / "genkgo-camt/camt053.v2.wrong.xml"
    good = CORPUS / "genkgo-camt/camt053.v3.xml"
    result = CliRunner().invoke(cli, ["parse", str(bad), str(good)])  # click ≥ 8.2 keeps stderr apart
    assert result.exit_code == 2
    assert f"{bad}:3 at /Document/BkToCstmrStmt" in result.stderr
    assert "camt.053.001.03" in result.stdout


# --- the descriptive facts of the notes ---------------------------------------------------------------
def _strings(msg: Message) -> str:
    import json

    return json.dumps(msg.to_json_dict(), ensure_ascii=False)


def _lines(msg: Message) -> set[int]:
    found: set[int] = set()

    def walk(obj):
        if isinstance(obj, dict):
            if isinstance(obj.get("line"), int) and "xpath" in obj:
                found.add(obj["line"])
            for v in obj.values():
                walk(v)
        elif isinstance(obj, list):
            for v in obj:
                walk(v)

    walk(msg.to_json_dict())
    return found


@pytest.mark.parametrize("cf", [f for f in MX_FILES if "deliberately invalid" not in f.notes], ids=lambda f: f.local_path)
def test_descriptive_notes(cf):
    import hashlib

    notes, data = cf.notes, cf.path.read_bytes()
    (msg,) = parse_file(cf.path)
    entries = [e for s in msg.statements for e in s.entries]
    details = [d for e in entries for d in e.details]
    if m := re.search(r"(\d+) bytes; sha256=([0-9a-f]{64})", notes):
        assert (len(data), hashlib.sha256(data).hexdigest()) == (int(m.group(1)), m.group(2))
    if "UTF-8 BOM" in notes:
        assert data.startswith(b"\xef\xbb\xbf") and msg.transactions
    for chars in re.findall(r"non-ASCII chars \(([^)]*)\)", notes):
        assert all(c in data.decode("utf-8", errors="replace") for c in chars)
        if (cf.local_path, "non_ascii_only_in_comments") not in CORRECTIONS:
            text = _strings(msg)
            assert all(c in text for c in chars), chars
    if "single-line" in notes:
        assert len(_lines(msg)) == 1  # every located object sits on the one line of the document
    if "multiple Stmt" in notes or "multiple statements" in notes:
        assert len(msg.statements) > 1
    if "FrToDt spanning months" in notes:
        st = msg.statements[0]
        assert st.from_datetime.month != st.to_datetime.month
    if "pagination" in notes:
        assert all(s.page for s in msg.statements)
    if "proprietary BkTxCd" in notes:
        assert any(e.bank_transaction_code and e.bank_transaction_code.proprietary_code for e in entries)
    if "proprietary balance types with SubTp" in notes:
        assert any(b.sub_type for s in msg.statements for b in s.balances)
    if "many balance types" in notes:
        assert len({b.type for s in msg.statements for b in s.balances}) == 10
    if "party identifiers" in notes:
        assert any(p and p.identifiers for d in details for p in (d.debtor, d.creditor, d.ultimate_debtor, d.ultimate_creditor))
    if "ultimate debtor/creditor" in notes:
        assert any(d.ultimate_debtor or d.ultimate_creditor for d in details)
    if "UETR in TxDtls/Refs" in notes:
        assert any(d.references.uetr for d in details)
    if "commodity currency XAU" in notes:
        assert '"XAU"' in _strings(msg)
    if "Document without any namespace" in notes:
        assert msg.namespace is None and msg.message_type == "pacs.002"
    if "CDATA section" in notes:
        assert any("<" in line for s in msg.statuses for line in s.additional_info)
    if "no file extension" in notes:
        assert not cf.path.name.endswith(".xml")  # ".008" is part of the name, not an extension
    if "with reason" in notes:
        items = [*msg.statuses, *msg.returns, *msg.cancellations]
        assert any(i.reason_code or i.reason_proprietary for i in items)
