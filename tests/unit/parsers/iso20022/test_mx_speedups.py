"""The compiled reader of statement entries (`parsers/iso20022/_speedups.c`) against its reference,
the Python reader: on generated camt.052/053/054 entries both must give the same objects (classes,
values, fields-set, Decimal exponents, dict order, XPaths and lines) or the same located error. The
corpus is compared the same way in tests/integration/test_corpus_mx.py.
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from breakdesk.parsers import parse
from breakdesk.parsers.iso20022 import statements
from breakdesk.parsers.iso20022.stream import iter_statement_entries
from tests.support.reference_readers import assert_reads_alike, assert_same, reference_reader

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

NS = {
    "v02": "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02",
    "v08": "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08",
    "none": None,
}
ROOTS = {"camt.053": ("BkToCstmrStmt", "Stmt"), "camt.052": ("BkToCstmrAcctRpt", "Rpt"),
         "camt.054": ("BkToCstmrDbtCdtNtfctn", "Ntfctn")}


def document(entries: list[str], *, ns: str | None = NS["v02"], family: str = "camt.053", pad: int = 0) -> bytes:
    root, repeat = ROOTS[family]
    if ns is not None and family != "camt.053":
        ns = ns.replace("camt.053", family)
    xmlns = f' xmlns="{ns}"' if ns else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<Document{xmlns}>' + "\n" * pad
        + f"<{root}><GrpHdr><MsgId>M</MsgId><CreDtTm>2026-11-27T10:00:00</CreDtTm></GrpHdr>"
        f"<{repeat}><Id>S1</Id><CreDtTm>2026-11-27T10:00:00</CreDtTm>"
        "<Acct><Id><IBAN>DE89370400440532013000</IBAN></Id><Ccy>EUR</Ccy></Acct>\n"
        + "\n".join(entries) + f"\n</{repeat}></{root}></Document>\n"
    ).encode("utf-8")


def _assert_same_reading(data: bytes) -> None:
    assert_reads_alike(lambda: parse(data, filename="gen.xml"))


PLAIN = (
    '<Ntry><NtryRef>7</NtryRef><Amt Ccy="EUR">1250.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>'
    "<BookgDt><Dt>2026-11-27</Dt></BookgDt><ValDt><Dt>2026-11-27</Dt></ValDt><AcctSvcrRef>CBK1</AcctSvcrRef>"
    "<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>"
    "<NtryDtls><TxDtls><Refs><EndToEndId>E2E-1</EndToEndId></Refs>"
    '<AmtDtls><TxAmt><Amt Ccy="EUR">1250.00</Amt></TxAmt></AmtDtls>'
    "<RltdPties><Dbtr><Nm>Globex Corporation</Nm></Dbtr><DbtrAcct><Id><IBAN>DE02 1203 0000 0000 2020 51</IBAN></Id></DbtrAcct></RltdPties>"
    "<RltdAgts><DbtrAgt><FinInstnId><BIC>BYLADEM1001</BIC></FinInstnId></DbtrAgt></RltdAgts>"
    "<RmtInf><Ustrd>Invoice 118</Ustrd></RmtInf></TxDtls></NtryDtls><AddtlNtryInf>SEPA</AddtlNtryInf></Ntry>"
)


def test_the_compiled_entry_reader_is_built_and_used():
    """`make install` builds it; a missing build (or lxml's layout check failing) would pass every
    other test, only slower."""
    from breakdesk.parsers.iso20022 import _speedups

    assert statements._fast_entry is _speedups.entry and statements._fast_entries is _speedups.entries
    (msg,) = parse(document([PLAIN, PLAIN.replace("CRDT", "DBIT")]), filename="x.xml")
    first = msg.statements[0].entries[0]
    assert (first.amount, first.counterparty.name, first.counterparty.account) == (
        Decimal("1250.00"), "Globex Corporation", "DE02120300000000202051")
    assert first.provenance.xpath == "/Document/BkToCstmrStmt/Stmt[1]/Ntry[1]" and first.provenance.line == 3
    assert first.counterparty.agent.provenance.xpath.endswith("/TxDtls[1]/RltdAgts[1]/DbtrAgt[1]")
    _assert_same_reading(document([PLAIN, PLAIN.replace("CRDT", "DBIT")]))


def test_lines_past_65535_are_read_as_lxml_reports_them():
    """libxml2 keeps big line numbers beside the node (xmlGetLineNo); the compiled reader reads them the same way."""
    data = document([PLAIN, PLAIN], pad=70_000)
    (msg,) = parse(data, filename="big.xml")
    assert msg.statements[0].entries[1].provenance.line > 70_000
    _assert_same_reading(data)


def test_the_streaming_reader_takes_the_compiled_path_too(tmp_path):
    path = tmp_path / "s.xml"
    path.write_bytes(document([PLAIN] * 3))
    fast = [e for _s, e in iter_statement_entries(path)]
    with reference_reader():
        ref = [e for _s, e in iter_statement_entries(path)]
    assert_same(fast, ref, "entries")


# --- generated entries ---------------------------------------------------------------------------

TEXTS = ["Acme", " Acme  GmbH ", "", "   ", "Zahlung Köln", "a\u00a0b\u00a0", "\u2003x", "&amp; Co", "<![CDATA[ cd ]]>",
         "line\nbreak", "RF18539007547034"]
# Values the compiled reader takes come often, values it leaves to the reference (or that the
# reference refuses) now and then, so both paths and their seams are exercised.
AMOUNTS = ["1250.00", " 12.5 ", "0", "1e3", "-3.00", "000.10", "7"] * 4 + ["1,0", "abc", "NaN", "Infinity", "", "1_000.00"]
DATES = ["<Dt>2026-11-27</Dt>", "<DtTm>2026-11-27T10:00:00+01:00</DtTm>", "<Dt> 2026-11-27 </Dt>", "2026-11-27",
         "<Dt>2026-11-27Z</Dt>", "<Dt>2024-02-29</Dt>"] * 4 + [
         "<Dt>2026-02-30</Dt>", "<Dt>20261127</Dt>", "<DtTm>2026-11-27T25:00:00</DtTm>", "<Dt></Dt>", ""]


def el(name: str, inner: str) -> str:
    return f"<{name}>{inner}</{name}>"


@st.composite
def amounts(draw, name: str = "Amt") -> str:
    ccy = draw(st.sampled_from(['Ccy="EUR"', 'Ccy=" EUR "', 'Ccy=""', "", 'Ccy="JPY"']))
    return f"<{name} {ccy}>{draw(st.sampled_from(AMOUNTS))}</{name}>"


@st.composite
def maybe(draw, strategy, p: float = 0.5) -> str:
    return draw(strategy) if draw(st.floats(0, 1)) < p else ""


@st.composite
def parties(draw, role: str) -> str:
    parts = [el("Nm", draw(st.sampled_from(TEXTS)))] if draw(st.booleans()) else []
    if draw(st.integers(0, 3)) == 0:
        parts.append(el("PstlAdr", draw(st.sampled_from([
            "<StrtNm>Main</StrtNm><TwnNm>Berlin</TwnNm><Ctry>DE</Ctry>", "<AdrLine>1 Road</AdrLine><AdrLine> </AdrLine>", "",
        ]))))
    if draw(st.integers(0, 4)) == 0:
        parts.append(el("CtryOfRes", "DE"))
    if draw(st.integers(0, 15)) == 0:
        parts.append("<Id><OrgId><AnyBIC>ABCDEFGH</AnyBIC></OrgId></Id>")
    body = "".join(parts)
    if draw(st.integers(0, 3)) == 0:
        body = el("Pty", body)
    return el(role, body)


@st.composite
def tx_details(draw) -> str:
    parts = []
    if draw(st.booleans()):
        refs = draw(st.lists(st.sampled_from([
            "<EndToEndId>E2E-1</EndToEndId>", "<EndToEndId></EndToEndId>", "<TxId>TX</TxId>", "<AcctSvcrRef>A</AcctSvcrRef>",
            "<InstrId> I </InstrId>", "<UETR>174c245f-2682-4291-ad67-2a41e530cd27</UETR>", "<MndtId>M</MndtId>",
            "<Prtry><Tp>T</Tp><Ref>P1</Ref></Prtry>", "<Prtry><Tp>T</Tp></Prtry>", "<MsgId>X</MsgId>",
        ]), max_size=5))
        parts.append(el("Refs", "".join(refs)))
    parts.append(draw(maybe(amounts(), 0.2)))
    if draw(st.booleans()):
        parts.append(el("AmtDtls", draw(maybe(st.builds(el, st.just("InstdAmt"), amounts()))) + draw(maybe(st.builds(el, st.just("TxAmt"), amounts())))))
    parts.append(draw(st.sampled_from(["", "", el("CdtDbtInd", "DBIT"), el("CdtDbtInd", "CRDT"), el("CdtDbtInd", "X")])))
    parts.append(draw(st.sampled_from(["", "", "<BkTxCd><Prtry><Cd>NTRF</Cd><Issr>SWIFT</Issr></Prtry></BkTxCd>", "<BkTxCd/>"])))
    rp = "".join(draw(st.lists(st.one_of(
        parties("Dbtr"), parties("Cdtr"), parties("UltmtDbtr"), parties("UltmtCdtr"),
        st.sampled_from([
            "<DbtrAcct><Id><IBAN>DE02 1203 0000 0000 2020 51</IBAN></Id><Ccy>EUR</Ccy></DbtrAcct>",
            "<CdtrAcct><Id><Othr><Id>12345</Id><SchmeNm><Prtry>BBAN</Prtry></SchmeNm></Othr></Id></CdtrAcct>",
            "<CdtrAcct><Ccy>EUR</Ccy></CdtrAcct>",
        ])), max_size=4)))
    if rp or draw(st.booleans()):
        parts.append(el("RltdPties", rp))
    if draw(st.booleans()):
        parts.append(el("RltdAgts", "".join(draw(st.lists(st.sampled_from([
            "<DbtrAgt><FinInstnId><BIC>BYLADEM1001</BIC></FinInstnId></DbtrAgt>",
            "<CdtrAgt><FinInstnId><BICFI>COBADEFFXXX</BICFI><ClrSysMmbId><ClrSysId><Cd>DEBLZ</Cd></ClrSysId><MmbId>50040000</MmbId></ClrSysMmbId><Nm>Bank</Nm></FinInstnId></CdtrAgt>",
            "<DbtrAgt><FinInstnId><Nm>Only a name</Nm><PstlAdr><TwnNm>Paris</TwnNm></PstlAdr></FinInstnId></DbtrAgt>",
            "<CdtrAgt><FinInstnId/></CdtrAgt>",
        ]), max_size=2)))))
    if draw(st.booleans()):
        parts.append(el("RmtInf", "".join(draw(st.lists(st.sampled_from([
            "<Ustrd>Invoice 118</Ustrd>", "<Ustrd> </Ustrd>", "<Ustrd>Zahlung für Köln</Ustrd>", "<Ustrd>x</Ustrd>",
            "<Ustrd>a &lt; b</Ustrd>", "<Ustrd>Invoice 9</Ustrd>", "<Strd><CdtrRefInf><Ref>RF18</Ref></CdtrRefInf></Strd>",
        ]), max_size=3)))))
    parts.append(draw(st.sampled_from(["", "", "", "", "", "<Purp><Cd>SALA</Cd></Purp>", "<Purp><Prtry>X</Prtry></Purp>",
                                       "<RtrInf><Rsn><Cd>AC04</Cd></Rsn></RtrInf>", '<Chrgs><Amt Ccy="EUR">1</Amt></Chrgs>',
                                       "<AddtlTxInf>info</AddtlTxInf>", "<CardTx><Card/></CardTx>"])))
    return el("TxDtls", "".join(parts))


@st.composite
def entries(draw) -> str:
    parts = [draw(maybe(st.sampled_from(["<NtryRef>7</NtryRef>", "<NtryRef> </NtryRef>"])))]
    parts.append(draw(amounts()) if draw(st.integers(0, 30)) else "")
    parts.append(draw(st.sampled_from([el("CdtDbtInd", "CRDT"), el("CdtDbtInd", "DBIT"), el("CdtDbtInd", " DBIT ")] * 4
                                      + [el("CdtDbtInd", "CR"), ""])))
    parts.append(draw(st.sampled_from(["", el("RvslInd", "true"), el("RvslInd", "TRUE"), el("RvslInd", "1"), el("RvslInd", "false")])))
    parts.append(draw(st.sampled_from(["", el("Sts", "BOOK"), el("Sts", "<Cd>PDNG</Cd>"), el("Sts", "<Prtry>X</Prtry>"), el("Sts", "")])))
    parts.append(el("BookgDt", draw(st.sampled_from(DATES))) if draw(st.booleans()) else "")
    parts.append(el("ValDt", draw(st.sampled_from(DATES))) if draw(st.booleans()) else "")
    parts.append(draw(st.sampled_from(["", "<AcctSvcrRef>CBK1</AcctSvcrRef>", "<AcctSvcrRef></AcctSvcrRef>"])))
    parts.append(draw(st.sampled_from(["", "<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>",
                                       "<BkTxCd><Domn><Cd>PMNT</Cd></Domn><Prtry><Cd>166</Cd></Prtry></BkTxCd>"])))
    for _ in range(draw(st.integers(0, 2))):
        btch = draw(st.sampled_from(["", "", "", "<Btch><NbOfTxs>3</NbOfTxs></Btch>", "<Btch><NbOfTxs>x</NbOfTxs></Btch>",
                                     "<Btch><NbOfTxs></NbOfTxs></Btch>", "<Btch><MsgId>B</MsgId></Btch>"]))
        parts.append(el("NtryDtls", btch + "".join(draw(st.lists(tx_details(), max_size=3)))))
    parts.append(draw(st.sampled_from(["", "", "", "<AddtlNtryInf>SEPA</AddtlNtryInf>", "<AddtlNtryInf>a</AddtlNtryInf><AddtlNtryInf>b</AddtlNtryInf>",
                                       "<AddtlNtryInf> </AddtlNtryInf>", '<Chrgs><Rcrd><Amt Ccy="EUR">1</Amt></Rcrd></Chrgs>'])))
    if draw(st.booleans()):
        draw(st.randoms()).shuffle(parts)
    sep = draw(st.sampled_from(["", "\n  "]))
    return "<Ntry>" + sep.join(parts) + "</Ntry>"


@SETTINGS
@given(st.lists(entries(), min_size=1, max_size=3), st.sampled_from(list(NS)), st.sampled_from(list(ROOTS)))
@example([PLAIN], "v08", "camt.054")
def test_generated_entries_read_the_same_with_and_without_the_compiled_reader(ntries, ns, family):
    _assert_same_reading(document(ntries, ns=NS[ns], family=family))
