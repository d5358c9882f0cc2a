"""Author `cases.jsonl`: break cases with their input messages inline, and the truth to score against.

    python -m breakdesk.evals.datasets.build_cases            # rewrites evals/datasets/cases.jsonl

Messages are written here from small templates (fictitious parties; IBANs with valid check digits
from schwifty). The truth does NOT come from the code under test: retry class and repair kind come
from `knowledge_base/reason_codes.yaml` read directly, with the two policies that file states in its
header (AM05 and DUPL are never retried; an `auto_retry` code's repair is the resend itself), and a
recall answer reads the entry's `as_cancellation_rejection` block. Reference citations are the
code-set passage for the context the code was found in plus the SOP step that says what to do.
The output is committed; its content hash versions the dataset.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from schwifty import IBAN

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
OUT = HERE / "cases.jsonl"
NEVER_RETRY = {"AM05", "DUPL"}
CONTEXT_DOC = {"status": "iso-status-reason-codes", "return": "iso-return-reason-codes",
               "cancellation": "iso-cancellation-reason-codes", "cancellation_answer": "iso-cancellation-rejection-codes"}
SOP = {"rejected": ["sop-rejected-payment#step-2", "sop-rejected-payment#step-4"],
       "returned": ["sop-handling-return#step-3", "sop-handling-return#step-5"],
       "recall": ["sop-recall-cancellation#step-1", "sop-recall-cancellation#step-4"]}
RECON_SOP = {"missing_booking": "unmatched-book-item", "bank_only": "unmatched-bank-item",
             "fee_difference": "fee-difference", "duplicate": "duplicate", "value_date_difference": "value-date-break",
             "amount_difference": "partial-payment"}

DEBTOR = {"name": "ACME Trading GmbH", "iban": "DE89370400440532013000", "bic": "COBADEFFXXX",
          "street": "Hafenstrasse", "bldg": "12", "pc": "20457", "town": "Hamburg", "ctry": "DE"}


@dataclass(frozen=True)
class Creditor:
    name: str
    ctry: str
    iban: str
    bic: str
    town: str
    pc: str
    street: str

    def __post_init__(self) -> None:
        IBAN(self.iban)  # raises on a bad check digit: the dataset must not test our typos


CREDITORS = [
    Creditor("Nordwind Logistik GmbH", "DE", "DE94500700100123456789", "DEUTDEFFXXX", "Frankfurt am Main", "60325", "Mainzer Landstrasse"),
    Creditor("Lumiere SARL", "FR", "FR1420041010050500013M02606", "BNPAFRPPXXX", "Paris", "75001", "Rue de Rivoli"),
    Creditor("Verdi Consulting Srl", "IT", "IT60X0542811101000000123456", "BCITITMMXXX", "Milano", "20121", "Via Dante"),
    Creditor("Hoffmann Elektro KG", "DE", "DE46700202700015123456", "HYVEDEMMXXX", "Muenchen", "80804", "Leopoldstrasse"),
    Creditor("Rotterdam Haven BV", "NL", "NL91ABNA0417164300", "ABNANL2AXXX", "Rotterdam", "3011", "Coolsingel"),
    Creditor("Iberia Componentes SL", "ES", "ES9121000418450200051332", "CAIXESBBXXX", "Barcelona", "08001", "Carrer de Pelai"),
    Creditor("Wiener Druck GmbH", "AT", "AT611904300234573201", "BKAUATWWXXX", "Wien", "1010", "Kaerntner Strasse"),
    Creditor("Baltic Supplies UAB", "LT", "LT887300010002345678", "CBVILT2XXXX", "Vilnius", "01103", "Gedimino pr."),
]


def _money(amount: str, ccy: str = "EUR") -> str:
    return f'Ccy="{ccy}">{amount}'


def _ids(n: int) -> dict[str, str]:
    return {"e2e": f"E2E-{7000 + n}", "instr": f"ACME-I-{7000 + n}", "tx": f"CBK-TX-{7000 + n}",
            "uetr": f"7d1b2c3e-4f50-4c21-9e0a-{n:012d}", "msg": f"ACME-2026112{n % 10}-{n:02d}"}


def _cdtr_xml(c: Creditor, *, address: bool = True) -> str:
    addr = (f"<PstlAdr><StrtNm>{c.street}</StrtNm><PstCd>{c.pc}</PstCd><TwnNm>{c.town}</TwnNm><Ctry>{c.ctry}</Ctry></PstlAdr>"
            if address else "")
    return f"<Cdtr><Nm>{c.name}</Nm>{addr}</Cdtr><CdtrAcct><Id><IBAN>{c.iban}</IBAN></Id></CdtrAcct>"


def pain001(n: int, c: Creditor, amount: str, *, address: bool = True, remittance: str | None = None) -> str:
    i = _ids(n)
    rmt = remittance or f"Invoice INV-{n:04d}"
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09">
  <CstmrCdtTrfInitn>
    <GrpHdr><MsgId>{i['msg']}</MsgId><CreDtTm>2026-11-27T08:15:00</CreDtTm><NbOfTxs>1</NbOfTxs><CtrlSum>{amount}</CtrlSum>
      <InitgPty><Nm>{DEBTOR['name']}</Nm></InitgPty></GrpHdr>
    <PmtInf>
      <PmtInfId>ACME-PMT-{n:04d}</PmtInfId><PmtMtd>TRF</PmtMtd><NbOfTxs>1</NbOfTxs><CtrlSum>{amount}</CtrlSum>
      <PmtTpInf><SvcLvl><Cd>SEPA</Cd></SvcLvl></PmtTpInf>
      <ReqdExctnDt><Dt>2026-11-27</Dt></ReqdExctnDt>
      <Dbtr><Nm>{DEBTOR['name']}</Nm><PstlAdr><StrtNm>{DEBTOR['street']}</StrtNm><BldgNb>{DEBTOR['bldg']}</BldgNb><PstCd>{DEBTOR['pc']}</PstCd><TwnNm>{DEBTOR['town']}</TwnNm><Ctry>{DEBTOR['ctry']}</Ctry></PstlAdr></Dbtr>
      <DbtrAcct><Id><IBAN>{DEBTOR['iban']}</IBAN></Id></DbtrAcct>
      <DbtrAgt><FinInstnId><BICFI>{DEBTOR['bic']}</BICFI></FinInstnId></DbtrAgt>
      <ChrgBr>SLEV</ChrgBr>
      <CdtTrfTxInf>
        <PmtId><InstrId>{i['instr']}</InstrId><EndToEndId>{i['e2e']}</EndToEndId></PmtId>
        <Amt><InstdAmt {_money(amount)}</InstdAmt></Amt>
        <CdtrAgt><FinInstnId><BICFI>{c.bic}</BICFI></FinInstnId></CdtrAgt>
        {_cdtr_xml(c, address=address)}
        <RmtInf><Ustrd>{rmt}</Ustrd></RmtInf>
      </CdtTrfTxInf>
    </PmtInf>
  </CstmrCdtTrfInitn>
</Document>
"""


def pain002(n: int, code: str, info: str) -> str:
    i = _ids(n)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10">
  <CstmrPmtStsRpt>
    <GrpHdr><MsgId>CBK-STS-{n:04d}</MsgId><CreDtTm>2026-11-27T11:02:13</CreDtTm>
      <DbtrAgt><FinInstnId><BICFI>{DEBTOR['bic']}</BICFI></FinInstnId></DbtrAgt></GrpHdr>
    <OrgnlGrpInfAndSts><OrgnlMsgId>{i['msg']}</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.09</OrgnlMsgNmId></OrgnlGrpInfAndSts>
    <OrgnlPmtInfAndSts>
      <OrgnlPmtInfId>ACME-PMT-{n:04d}</OrgnlPmtInfId>
      <TxInfAndSts>
        <StsId>CBK-RJ-{n:04d}</StsId><OrgnlInstrId>{i['instr']}</OrgnlInstrId><OrgnlEndToEndId>{i['e2e']}</OrgnlEndToEndId>
        <TxSts>RJCT</TxSts>
        <StsRsnInf><Rsn><Cd>{code}</Cd></Rsn><AddtlInf>{info}</AddtlInf></StsRsnInf>
      </TxInfAndSts>
    </OrgnlPmtInfAndSts>
  </CstmrPmtStsRpt>
</Document>
"""


def pacs008(n: int, c: Creditor, amount: str, *, address: bool = True) -> str:
    i = _ids(n)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08">
  <FIToFICstmrCdtTrf>
    <GrpHdr><MsgId>CBK-PACS8-{n:04d}</MsgId><CreDtTm>2026-11-27T09:00:00</CreDtTm><NbOfTxs>1</NbOfTxs>
      <SttlmInf><SttlmMtd>CLRG</SttlmMtd><ClrSys><Cd>ST2</Cd></ClrSys></SttlmInf></GrpHdr>
    <CdtTrfTxInf>
      <PmtId><InstrId>{i['instr']}</InstrId><EndToEndId>{i['e2e']}</EndToEndId><TxId>{i['tx']}</TxId><UETR>{i['uetr']}</UETR></PmtId>
      <IntrBkSttlmAmt {_money(amount)}</IntrBkSttlmAmt>
      <IntrBkSttlmDt>2026-11-27</IntrBkSttlmDt>
      <ChrgBr>SLEV</ChrgBr>
      <InstgAgt><FinInstnId><BICFI>{DEBTOR['bic']}</BICFI></FinInstnId></InstgAgt>
      <InstdAgt><FinInstnId><BICFI>{c.bic}</BICFI></FinInstnId></InstdAgt>
      <Dbtr><Nm>{DEBTOR['name']}</Nm><PstlAdr><TwnNm>{DEBTOR['town']}</TwnNm><Ctry>{DEBTOR['ctry']}</Ctry></PstlAdr></Dbtr>
      <DbtrAcct><Id><IBAN>{DEBTOR['iban']}</IBAN></Id></DbtrAcct>
      <DbtrAgt><FinInstnId><BICFI>{DEBTOR['bic']}</BICFI></FinInstnId></DbtrAgt>
      <CdtrAgt><FinInstnId><BICFI>{c.bic}</BICFI></FinInstnId></CdtrAgt>
      {_cdtr_xml(c, address=address)}
      <RmtInf><Ustrd>Invoice INV-{n:04d}</Ustrd></RmtInf>
    </CdtTrfTxInf>
  </FIToFICstmrCdtTrf>
</Document>
"""


def pacs002(n: int, c: Creditor, code: str, info: str) -> str:
    i = _ids(n)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.002.001.10">
  <FIToFIPmtStsRpt>
    <GrpHdr><MsgId>{c.bic[:4]}-STS-{n:04d}</MsgId><CreDtTm>2026-11-27T09:30:00</CreDtTm></GrpHdr>
    <OrgnlGrpInfAndSts><OrgnlMsgId>CBK-PACS8-{n:04d}</OrgnlMsgId><OrgnlMsgNmId>pacs.008.001.08</OrgnlMsgNmId></OrgnlGrpInfAndSts>
    <TxInfAndSts>
      <StsId>{c.bic[:4]}-RJ-{n:04d}</StsId><OrgnlInstrId>{i['instr']}</OrgnlInstrId><OrgnlEndToEndId>{i['e2e']}</OrgnlEndToEndId>
      <OrgnlTxId>{i['tx']}</OrgnlTxId><OrgnlUETR>{i['uetr']}</OrgnlUETR>
      <TxSts>RJCT</TxSts>
      <StsRsnInf><Rsn><Cd>{code}</Cd></Rsn><AddtlInf>{info}</AddtlInf></StsRsnInf>
    </TxInfAndSts>
  </FIToFIPmtStsRpt>
</Document>
"""


def pacs004(n: int, c: Creditor, amount: str, code: str, info: str) -> str:
    i = _ids(n)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.004.001.09">
  <PmtRtr>
    <GrpHdr><MsgId>{c.bic[:4]}-RTN-{n:04d}</MsgId><CreDtTm>2026-11-28T09:41:00</CreDtTm><NbOfTxs>1</NbOfTxs>
      <SttlmInf><SttlmMtd>CLRG</SttlmMtd><ClrSys><Cd>ST2</Cd></ClrSys></SttlmInf>
      <InstgAgt><FinInstnId><BICFI>{c.bic}</BICFI></FinInstnId></InstgAgt>
      <InstdAgt><FinInstnId><BICFI>{DEBTOR['bic']}</BICFI></FinInstnId></InstdAgt></GrpHdr>
    <TxInf>
      <RtrId>{c.bic[:4]}-RTN-{n:04d}</RtrId>
      <OrgnlGrpInf><OrgnlMsgId>CBK-PACS8-{n:04d}</OrgnlMsgId><OrgnlMsgNmId>pacs.008.001.08</OrgnlMsgNmId></OrgnlGrpInf>
      <OrgnlInstrId>{i['instr']}</OrgnlInstrId><OrgnlEndToEndId>{i['e2e']}</OrgnlEndToEndId><OrgnlTxId>{i['tx']}</OrgnlTxId>
      <OrgnlUETR>{i['uetr']}</OrgnlUETR>
      <OrgnlIntrBkSttlmAmt {_money(amount)}</OrgnlIntrBkSttlmAmt>
      <RtrdIntrBkSttlmAmt {_money(amount)}</RtrdIntrBkSttlmAmt>
      <IntrBkSttlmDt>2026-11-28</IntrBkSttlmDt>
      <ChrgBr>SLEV</ChrgBr>
      <RtrRsnInf><Rsn><Cd>{code}</Cd></Rsn><AddtlInf>{info}</AddtlInf></RtrRsnInf>
    </TxInf>
  </PmtRtr>
</Document>
"""


def camt054_return(n: int, c: Creditor, amount: str, code: str, info: str) -> str:
    i = _ids(n)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08">
  <BkToCstmrDbtCdtNtfctn>
    <GrpHdr><MsgId>CBK-NTF-{n:04d}</MsgId><CreDtTm>2026-11-28T10:05:00</CreDtTm></GrpHdr>
    <Ntfctn>
      <Id>CBK-NTF-{n:04d}-1</Id><CreDtTm>2026-11-28T10:05:00</CreDtTm>
      <Acct><Id><IBAN>{DEBTOR['iban']}</IBAN></Id><Ccy>EUR</Ccy></Acct>
      <Ntry>
        <Amt {_money(amount)}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
        <BookgDt><Dt>2026-11-28</Dt></BookgDt><ValDt><Dt>2026-11-28</Dt></ValDt>
        <AcctSvcrRef>CBK-20261128-{n:04d}</AcctSvcrRef>
        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>ICDT</Cd><SubFmlyCd>RRTN</SubFmlyCd></Fmly></Domn></BkTxCd>
        <NtryDtls><TxDtls>
          <Refs><InstrId>{i['instr']}</InstrId><EndToEndId>{i['e2e']}</EndToEndId></Refs>
          <Amt {_money(amount)}</Amt><CdtDbtInd>CRDT</CdtDbtInd>
          <RltdPties><Dbtr><Pty><Nm>{c.name}</Nm></Pty></Dbtr></RltdPties>
          <RtrInf><Rsn><Cd>{code}</Cd></Rsn><AddtlInf>{info}</AddtlInf></RtrInf>
        </TxDtls></NtryDtls>
        <AddtlNtryInf>Return of SEPA credit transfer {i['e2e']}</AddtlNtryInf>
      </Ntry>
    </Ntfctn>
  </BkToCstmrDbtCdtNtfctn>
</Document>
"""


def camt056(n: int, c: Creditor, amount: str, code: str, info: str) -> str:
    i = _ids(n)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.056.001.08">
  <FIToFIPmtCxlReq>
    <Assgnmt><Id>ACME-RCL-{n:04d}</Id>
      <Assgnr><Agt><FinInstnId><BICFI>{DEBTOR['bic']}</BICFI></FinInstnId></Agt></Assgnr>
      <Assgne><Agt><FinInstnId><BICFI>{c.bic}</BICFI></FinInstnId></Agt></Assgne>
      <CreDtTm>2026-11-27T15:20:00</CreDtTm></Assgnmt>
    <Case><Id>CASE-RCL-{n:04d}</Id><Cretr><Pty><Nm>{DEBTOR['name']}</Nm></Pty></Cretr></Case>
    <Undrlyg><TxInf>
      <CxlId>RCL-{n:04d}-1</CxlId>
      <OrgnlGrpInf><OrgnlMsgId>CBK-PACS8-{n:04d}</OrgnlMsgId><OrgnlMsgNmId>pacs.008.001.08</OrgnlMsgNmId></OrgnlGrpInf>
      <OrgnlInstrId>{i['instr']}</OrgnlInstrId><OrgnlEndToEndId>{i['e2e']}</OrgnlEndToEndId><OrgnlTxId>{i['tx']}</OrgnlTxId>
      <OrgnlUETR>{i['uetr']}</OrgnlUETR>
      <OrgnlIntrBkSttlmAmt {_money(amount)}</OrgnlIntrBkSttlmAmt><OrgnlIntrBkSttlmDt>2026-11-27</OrgnlIntrBkSttlmDt>
      <CxlRsnInf><Rsn><Cd>{code}</Cd></Rsn><AddtlInf>{info}</AddtlInf></CxlRsnInf>
    </TxInf></Undrlyg>
  </FIToFIPmtCxlReq>
</Document>
"""


def camt029_reject(n: int, c: Creditor, code: str, info: str) -> str:
    i = _ids(n)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.029.001.09">
  <RsltnOfInvstgtn>
    <Assgnmt><Id>{c.bic[:4]}-ANS-{n:04d}</Id>
      <Assgnr><Agt><FinInstnId><BICFI>{c.bic}</BICFI></FinInstnId></Agt></Assgnr>
      <Assgne><Agt><FinInstnId><BICFI>{DEBTOR['bic']}</BICFI></FinInstnId></Agt></Assgne>
      <CreDtTm>2026-11-28T08:05:00</CreDtTm></Assgnmt>
    <RslvdCase><Id>CASE-RCL-{n:04d}</Id><Cretr><Pty><Nm>{DEBTOR['name']}</Nm></Pty></Cretr></RslvdCase>
    <Sts><Conf>RJCR</Conf></Sts>
    <CxlDtls><TxInfAndSts>
      <CxlStsId>ANS-{n:04d}-1</CxlStsId>
      <OrgnlGrpInf><OrgnlMsgId>CBK-PACS8-{n:04d}</OrgnlMsgId><OrgnlMsgNmId>pacs.008.001.08</OrgnlMsgNmId></OrgnlGrpInf>
      <OrgnlInstrId>{i['instr']}</OrgnlInstrId><OrgnlEndToEndId>{i['e2e']}</OrgnlEndToEndId><OrgnlTxId>{i['tx']}</OrgnlTxId>
      <OrgnlUETR>{i['uetr']}</OrgnlUETR>
      <TxCxlSts>RJCR</TxCxlSts>
      <CxlStsRsnInf><Rsn><Cd>{code}</Cd></Rsn><AddtlInf>{info}</AddtlInf></CxlStsRsnInf>
    </TxInfAndSts></CxlDtls>
  </RsltnOfInvstgtn>
</Document>
"""


def _mt_amount(amount: str) -> str:
    return amount.replace(".", ",")


def mt103(n: int, c: Creditor, amount: str) -> str:
    i = _ids(n)
    return f"""{{1:F01COBADEFFAXXX0000000000}}{{2:I103{c.bic[:8]}XXXXN}}{{3:{{121:{i['uetr']}}}}}{{4:
:20:ACME-MT-{n:04d}
:23B:CRED
:32A:261127EUR{_mt_amount(amount)}
:50K:/{DEBTOR['iban']}
{DEBTOR['name'].upper()}
{DEBTOR['street'].upper()} {DEBTOR['bldg']}
{DEBTOR['pc']} {DEBTOR['town'].upper()} {DEBTOR['ctry']}
:52A:{DEBTOR['bic']}
:57A:{c.bic}
:59:/{c.iban}
{c.name.upper()}
{c.pc} {c.town.upper()} {c.ctry}
:70:INVOICE INV-{n:04d}
:71A:SHA
-}}
"""


def mt103_return(n: int, c: Creditor, amount: str, code: str) -> str:
    i = _ids(n)
    return f"""{{1:F01COBADEFFAXXX0000000000}}{{2:O1031030261128{c.bic[:8]}AXXX00000000002611281030N}}{{3:{{121:{i['uetr']}}}}}{{4:
:20:{c.bic[:4]}-RTN-{n:04d}
:21:ACME-MT-{n:04d}
:23B:CRED
:32A:261128EUR{_mt_amount(amount)}
:50K:/{c.iban}
{c.name.upper()}
:59:/{DEBTOR['iban']}
{DEBTOR['name'].upper()}
:71A:SHA
:72:/RETN/59
/{code}/
/MREF/ACME-MT-{n:04d}
-}}
"""


def mt192(n: int, c: Creditor, code: str, info: str) -> str:
    return f"""{{1:F01COBADEFFAXXX0000000000}}{{2:I192{c.bic[:8]}XXXXN}}{{4:
:20:ACME-RCL-{n:04d}
:21:ACME-MT-{n:04d}
:11S:103
261127
:79:/{code}/
{info.upper()}
-}}
"""


def camt053_statement(n: int, entries: list[dict]) -> str:
    rows = []
    for k, e in enumerate(entries, 1):
        refs = f"<Refs><EndToEndId>{e['e2e']}</EndToEndId></Refs>" if e.get("e2e") else ""
        party = (f"<RltdPties><Dbtr><Pty><Nm>{e['name']}</Nm></Pty></Dbtr></RltdPties>" if e["dir"] == "CRDT" and e.get("name")
                 else f"<RltdPties><Cdtr><Pty><Nm>{e['name']}</Nm></Pty></Cdtr></RltdPties>" if e.get("name") else "")
        rmt = f"<RmtInf><Ustrd>{e['rmt']}</Ustrd></RmtInf>" if e.get("rmt") else ""
        rows.append(f"""      <Ntry>
        <Amt {_money(e['amount'])}</Amt><CdtDbtInd>{e['dir']}</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
        <BookgDt><Dt>{e['date']}</Dt></BookgDt><ValDt><Dt>{e.get('value_date', e['date'])}</Dt></ValDt>
        <AcctSvcrRef>CBK-{n:04d}-{k:04d}</AcctSvcrRef>
        <BkTxCd><Domn><Cd>{e.get('domain', 'PMNT')}</Cd><Fmly><Cd>{e.get('family', 'RCDT')}</Cd><SubFmlyCd>{e.get('sub', 'ESCT')}</SubFmlyCd></Fmly></Domn></BkTxCd>
        <NtryDtls><TxDtls>{refs}<Amt {_money(e['amount'])}</Amt><CdtDbtInd>{e['dir']}</CdtDbtInd>{party}{rmt}</TxDtls></NtryDtls>
      </Ntry>""")
    total_cr = sum(float(e["amount"]) for e in entries if e["dir"] == "CRDT") - sum(float(e["amount"]) for e in entries if e["dir"] == "DBIT")
    opening = 100000.00
    closing = f"{opening + total_cr:.2f}"
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>CBK-STMT-{n:04d}</MsgId><CreDtTm>2026-11-28T22:05:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>CBK-STMT-{n:04d}-1</Id><ElctrncSeqNb>{n}</ElctrncSeqNb><CreDtTm>2026-11-28T22:05:00</CreDtTm>
      <Acct><Id><IBAN>{DEBTOR['iban']}</IBAN></Id><Ccy>EUR</Ccy><Svcr><FinInstnId><BICFI>{DEBTOR['bic']}</BICFI></FinInstnId></Svcr></Acct>
      <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">{opening:.2f}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-11-28</Dt></Dt></Bal>
      <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">{closing}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-11-28</Dt></Dt></Bal>
{chr(10).join(rows)}
    </Stmt>
  </BkToCstmrStmt>
</Document>
"""


def ledger_csv(rows: list[dict]) -> str:
    head = "id,date,amount,currency,counterparty,reference,description,direction,iban,end_to_end_id,value_date"
    lines = [head] + [",".join([r["id"], r["date"], r["amount"], "EUR", r["name"], r.get("ref", ""), r.get("desc", ""),
                                r.get("dir", "CRDT"), r.get("iban", ""), r.get("e2e", ""), r.get("value_date", r["date"])])
                      for r in rows]
    return "\n".join(lines) + "\n"


# --- truth ------------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def catalogue() -> dict[str, dict]:
    raw = yaml.safe_load((REPO / "knowledge_base" / "reason_codes.yaml").read_text(encoding="utf-8"))
    return {str(r["code"]).upper(): r for r in raw["codes"]}


def expected_for(code: str, context: str) -> dict:
    entry = dict(catalogue()[code])
    if context == "cancellation_answer" and entry.get("as_cancellation_rejection"):
        entry.update(entry["as_cancellation_rejection"])
    retry = "final" if code in NEVER_RETRY else entry.get("retry_class", "human")
    repair = entry.get("repair_kind") or "none"
    if retry == "auto_retry" and repair == "none":
        repair = "new_end_to_end_id_resend"
    return {"name": entry.get("name", code), "definition": entry.get("definition", ""), "root": entry.get("typical_root_cause", ""),
            "retry_class": retry, "repair_kind": repair}


def reference_answer(kind: str, ref: str, amount: str, code: str, context: str, exp: dict, cite: str) -> str:
    verb = {"rejected": "was rejected", "returned": "was returned", "recall": "is subject to a recall"}[kind]
    where = {"status": "in the status report", "return": "in the return", "cancellation": "in the cancellation request",
             "cancellation_answer": "in the answer to the recall"}[context]
    do = {"auto_retry": "it can be resent with a new EndToEndId once the cause has passed",
          "human": "a person must decide or correct data before anything is sent again",
          "final": "the payment must not be resent"}[exp["retry_class"]]
    return (f"Payment {ref} (EUR {amount}) {verb} with reason code {code} {where}: {exp['name']}. "
            f"Likely cause: {exp['root']} Retry class {exp['retry_class']}: {do}. [{cite}]")


def _case(cid: str, category: str, kind: str, code: str | None, context: str | None, messages: list[dict], target: dict,
          description: str, *, amount: str, source: str = "authored") -> dict:
    exp = expected_for(code, context) if code else None
    ref = target.get("end_to_end_id") or next(iter(target.values()), cid)
    cite = f"{CONTEXT_DOC[context]}#{code.lower()}" if code else None
    refs = [cite] if cite else []
    contexts = refs + SOP.get(kind, [])
    return {
        "id": cid, "source": source, "category": category, "description": description, "messages": messages,
        "target": target,
        "expected": {"kind": kind, "reason_code": code, "reason_context": context,
                     "retry_class": exp["retry_class"] if exp else "human",
                     "repair_kind": exp["repair_kind"] if exp else "reconciliation"},
        "reference_answer": reference_answer(kind, ref, amount, code, context, exp, cite) if exp else "",
        "reference_citations": refs,
        "reference_contexts": contexts,
    }


def _xml(name: str, text: str) -> dict:
    return {"name": name, "format": "xml", "text": text}


def _mt(name: str, text: str) -> dict:
    return {"name": name, "format": "mt", "text": text}


INFO = {
    "AC01": "Account number format invalid", "AC03": "Creditor account number invalid", "AC04": "Account closed",
    "AC06": "Account blocked", "AC13": "Debtor account is a consumer account", "AG01": "Transaction forbidden on this account",
    "AGNT": "Incorrect agent in the payment chain", "AM04": "Insufficient funds", "AM05": "Duplicate payment",
    "AM09": "Amount not as agreed", "BE01": "Name does not match the account holder", "BE04": "Creditor address missing",
    "BE06": "Unknown end customer", "CNOR": "Creditor bank not registered", "DUPL": "Payment sent twice",
    "FF01": "Invalid file format", "MD07": "Account holder deceased", "MS02": "Reason not specified by customer",
    "MS03": "Reason not specified by agent", "RC01": "BIC format incorrect", "RR01": "Debtor account or identification missing",
    "RR02": "Debtor name or address missing", "RR03": "Creditor name or address missing", "RR04": "Regulatory reason",
    "TM01": "Received after cut-off", "AB05": "Clearing timeout at instructed agent", "AB08": "Offline creditor agent",
    "ED05": "Settlement failed", "NARR": "See narrative", "SL01": "Specific service offered by the debtor agent",
    "RC08": "Clearing system member unknown", "AM02": "Amount exceeds allowed maximum", "FOCR": "Following cancellation request",
    "CUST": "Requested by customer", "CUTA": "Cancel upon unable to apply", "ARDT": "Already returned", "FRAD": "Fraudulent origin", "TECH": "Technical problem",
    "UPAY": "Undue payment", "NOAS": "No answer from beneficiary", "LEGL": "Legal decision", "NOOR": "Original payment never received",
    "RUTA": "Return upon unable to apply", "BE05": "Unrecognised initiating party", "MD01": "No mandate", "DT01": "Invalid date",
    "AC02": "Debtor account invalid", "RR05": "Regulatory information invalid", "CURR": "Incorrect currency", "FRTR": "Final response",
    "AM01": "Zero amount", "AM06": "Amount too low", "AG02": "Invalid operation code", "FF05": "Invalid local instrument",
}


def build() -> list[dict]:
    cases: list[dict] = []
    n = 0

    def creditor(k: int) -> Creditor:
        return CREDITORS[k % len(CREDITORS)]

    amounts = ["1250.00", "980.50", "15000.00", "2300.00", "4999.99", "760.00", "12875.40", "310.25", "8450.00", "64.90"]

    # 1. pain.001 → pain.002 RJCT (status reports to the initiating customer)
    for code in ["AC01", "AC04", "AC06", "AG01", "AM04", "AM05", "BE04", "RR04", "TM01", "MD07", "CNOR", "RC01", "FF01",
                 "AC13", "RR01", "DUPL", "AM01", "DT01"]:
        n += 1
        c, amt, e2e = creditor(n), amounts[n % 10], _ids(n)["e2e"]
        cases.append(_case(f"rej-pain002-{code.lower()}", "status_reject", "rejected", code, "status",
                           [_xml("pain001.xml", pain001(n, c, amt, address=code not in ("BE04", "RR03"))),
                            _xml("pain002.xml", pain002(n, code, INFO[code]))],
                           {"end_to_end_id": e2e}, f"pain.002 rejects {e2e} with {code}", amount=amt))
    # 2. pacs.008 → pacs.002 RJCT (interbank)
    for code in ["AC03", "AGNT", "AM09", "RR02", "RR03", "BE01", "BE06", "AB08", "ED05", "NARR", "SL01", "RC08", "AM02", "AB05"]:
        n += 1
        c, amt, e2e = creditor(n), amounts[n % 10], _ids(n)["e2e"]
        cases.append(_case(f"rej-pacs002-{code.lower()}", "status_reject", "rejected", code, "status",
                           [_xml("pacs008.xml", pacs008(n, c, amt, address=code != "RR03")),
                            _xml("pacs002.xml", pacs002(n, c, code, INFO[code]))],
                           {"end_to_end_id": e2e}, f"pacs.002 rejects {e2e} with {code}", amount=amt))
    # 3. pacs.008 → pacs.004 return
    for code in ["AC04", "MD07", "BE04", "AC01", "AC06", "FOCR", "CUST", "MS02", "AG01", "RR04", "ARDT", "MS03"]:
        n += 1
        c, amt, e2e = creditor(n), amounts[n % 10], _ids(n)["e2e"]
        cases.append(_case(f"ret-pacs004-{code.lower()}", "return", "returned", code, "return",
                           [_xml("pacs008.xml", pacs008(n, c, amt, address=code != "BE04")),
                            _xml("pacs004.xml", pacs004(n, c, amt, code, INFO[code]))],
                           {"end_to_end_id": e2e}, f"pacs.004 returns {e2e} with {code}", amount=amt))
    # 4. pain.001 → camt.054 credit notification carrying the return
    for code in ["AC04", "AC01", "MD07", "BE04", "MS03", "RUTA"]:
        n += 1
        c, amt, e2e = creditor(n), amounts[n % 10], _ids(n)["e2e"]
        cases.append(_case(f"ret-camt054-{code.lower()}", "return", "returned", code, "return",
                           [_xml("pain001.xml", pain001(n, c, amt, address=code != "BE04")),
                            _xml("camt054.xml", camt054_return(n, c, amt, code, INFO[code]))],
                           {"end_to_end_id": e2e}, f"camt.054 books the return of {e2e} with {code}", amount=amt))
    # 5. MT103 → MT103 /RETN/
    for code in ["AC01", "AC04", "BE01", "MD07", "MS03"]:
        n += 1
        c, amt = creditor(n), amounts[n % 10]
        ref = f"ACME-MT-{n:04d}"
        cases.append(_case(f"ret-mt103-{code.lower()}", "return", "returned", code, "return",
                           [_mt("mt103.txt", mt103(n, c, amt)), _mt("mt103_retn.txt", mt103_return(n, c, amt, code))],
                           {"instruction_id": ref}, f"MT103 /RETN/ returns {ref} with {code}", amount=amt))
    # 6. pacs.008 → camt.056 recall (our request)
    for code in ["DUPL", "FRAD", "CUST", "TECH", "UPAY", "AM09", "CUTA"]:
        n += 1
        c, amt, e2e = creditor(n), amounts[n % 10], _ids(n)["e2e"]
        cases.append(_case(f"rcl-camt056-{code.lower()}", "recall", "recall", code, "cancellation",
                           [_xml("pacs008.xml", pacs008(n, c, amt)), _xml("camt056.xml", camt056(n, c, amt, code, INFO.get(code, code)))],
                           {"end_to_end_id": e2e}, f"camt.056 recalls {e2e} with {code}", amount=amt))
    # 7. pacs.008 → camt.029 rejecting a recall (the answer's code has its own meaning)
    for code in ["AC04", "AM04", "CUST", "NOAS", "LEGL", "ARDT", "NOOR"]:
        n += 1
        c, amt, e2e = creditor(n), amounts[n % 10], _ids(n)["e2e"]
        cases.append(_case(f"rcl-camt029-{code.lower()}", "recall", "recall", code, "cancellation_answer",
                           [_xml("pacs008.xml", pacs008(n, c, amt)), _xml("camt029.xml", camt029_reject(n, c, code, INFO[code]))],
                           {"end_to_end_id": e2e}, f"camt.029 refuses the recall of {e2e} with {code}", amount=amt))
    # 8. MT103 → MT192 recall
    for code in ["DUPL", "FRAD", "CUST", "TECH"]:
        n += 1
        c, amt = creditor(n), amounts[n % 10]
        ref = f"ACME-MT-{n:04d}"
        cases.append(_case(f"rcl-mt192-{code.lower()}", "recall", "recall", code, "cancellation",
                           [_mt("mt103.txt", mt103(n, c, amt)), _mt("mt192.txt", mt192(n, c, code, INFO[code]))],
                           {"instruction_id": ref}, f"MT192 requests cancellation of {ref} with {code}", amount=amt))
    # 9. reconciliation breaks: a statement and a ledger that disagree in one way each
    for kind, (entries, books) in _recon_scenarios().items():
        n += 1
        target = {"item_id": books[0]["id"] if kind in ("missing_booking",) else f"CBK-{n:04d}-0001"}
        cases.append(_recon_case(f"rec-{kind.replace('_', '-')}", kind, n, entries, books, target))
    # 10. corpus files (skipped when ../shared/corpus is absent)
    for cid, path, kind, code, context, target in [
        ("corpus-mt103-rejt-ac01", "goplasmatic-swiftmt/mt103_rejt.txt", "rejected", "AC01", "return", {"instruction_id": "FT23001234567890"}),
        ("corpus-mt202-retn-ag01", "goplasmatic-swiftmt/mt202_retn.txt", "returned", "AG01", "return", {"instruction_id": "FI2024123456789"}),
        ("corpus-pacs004-ac04", "cbpr-ballerina/CBPRplus_p.2.1.2_pacs.004-BtoA.xml", "returned", "AC04", "return", {"end_to_end_id": "E2E04044506271305"}),
        ("corpus-camt056-dupl", "cbpr-ballerina/CBPRplus_c.29.1.1_camt.056-AtoB.xml", "recall", "DUPL", "cancellation", {"end_to_end_id": "E2E04044506271305"}),
        ("corpus-mt192-dupl", "goplasmatic-swiftmt/mt192_norm.txt", "recall", "DUPL", "cancellation", {"instruction_id": "TRX103REF0001"}),
    ]:
        fmt = "xml" if path.endswith(".xml") else "mt"
        cases.append(_case(cid, {"rejected": "status_reject", "returned": "return", "recall": "recall"}[kind], kind, code, context,
                           [{"name": Path(path).name, "format": fmt, "path": f"../shared/corpus/{path}"}], target,
                           f"corpus file {path}", amount="(see message)", source="corpus"))
    return cases


def _recon_scenarios() -> dict[str, tuple[list[dict], list[dict]]]:
    d = "2026-11-28"
    return {
        "missing_booking": ([{"amount": "1800.00", "dir": "CRDT", "date": d, "e2e": "INV-8101", "name": "Globex Corporation", "rmt": "INV-8101"}],
                            [{"id": "AR-8102", "date": d, "amount": "3400.00", "name": "Umbrella Ltd", "ref": "INV-8102", "desc": "Invoice 8102 hardware"},
                             {"id": "AR-8101", "date": d, "amount": "1800.00", "name": "Globex Corporation", "ref": "INV-8101", "e2e": "INV-8101"}]),
        "bank_only": ([{"amount": "12.50", "dir": "DBIT", "date": d, "domain": "ACMT", "family": "MDOP", "sub": "CHRG", "rmt": "Account maintenance fee"}],
                      [{"id": "AR-8201", "date": d, "amount": "950.00", "name": "Initech SARL", "ref": "INV-8201", "e2e": "INV-8201"}]),
        "bank_only_interest": ([{"amount": "3.17", "dir": "CRDT", "date": d, "domain": "ACMT", "family": "MCOP", "sub": "INTR", "rmt": "Credit interest November"}],
                               [{"id": "AR-8301", "date": d, "amount": "720.00", "name": "Stark Industries", "ref": "INV-8301", "e2e": "INV-8301"}]),
        "missing_booking_partial": ([{"amount": "600.00", "dir": "CRDT", "date": d, "e2e": "INV-8401", "name": "Wayne Enterprises", "rmt": "INV-8401"}],
                                    [{"id": "AR-8402", "date": d, "amount": "2150.00", "name": "Cyberdyne Systems", "ref": "INV-8402", "desc": "Invoice 8402 robotics"},
                                     {"id": "AR-8401", "date": d, "amount": "600.00", "name": "Wayne Enterprises", "ref": "INV-8401", "e2e": "INV-8401"}]),
    }


def _recon_case(cid: str, scenario: str, n: int, entries: list[dict], books: list[dict], target: dict) -> dict:
    kind = "missing_booking" if scenario.startswith("missing_booking") else "bank_only"
    anchor = RECON_SOP[kind]
    if kind == "missing_booking":
        target = {"item_id": books[0]["id"]}
    return {
        "id": cid, "source": "authored", "category": "reconciliation",
        "description": f"statement vs ledger: {kind.replace('_', ' ')}",
        "messages": [_xml("camt053.xml", camt053_statement(n, entries)),
                     {"name": "ledger.csv", "format": "csv", "text": ledger_csv(books)}],
        "target": target,
        "expected": {"kind": kind, "reason_code": None, "reason_context": None, "retry_class": "human", "repair_kind": "reconciliation"},
        "reference_answer": ("A payment in the books has no matching line on the bank statement: check with the payer whether it was "
                             "sent and keep the item open." if kind == "missing_booking" else
                             "The bank statement has a line (a fee or interest) that the books do not have: book it after review."),
        "reference_citations": [f"sop-reconciliation-breaks#{anchor}"],
        "reference_contexts": [f"sop-reconciliation-breaks#{anchor}", "sop-reconciliation-breaks#general-steps"],
    }


def main() -> int:
    cases = build()
    OUT.write_text("".join(json.dumps(c, ensure_ascii=False, sort_keys=True) + "\n" for c in cases), encoding="utf-8")
    print(f"wrote {len(cases)} cases to {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
