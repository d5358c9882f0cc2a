"""Small hand-written ISO 20022 documents for the unit tests (several versions of each family)."""

from __future__ import annotations

ISO = "urn:iso:std:iso:20022:tech:xsd:"


def document(message_type: str | None, body: str) -> str:
    ns = f' xmlns="{ISO}{message_type}"' if message_type else ""
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<Document{ns}>\n{body}\n</Document>\n'


def with_bah(message_type: str, body: str, head: str = "head.001.001.02", envelope: str | None = "urn:swift:xsd:envelope") -> str:
    bic = "BICFI" if head != "head.001.001.01" else "BICFI"
    hdr = (
        f'<AppHdr xmlns="{ISO}{head}"><Fr><FIId><FinInstnId><{bic}>SNDRGB2LXXX</{bic}></FinInstnId></FIId></Fr>'
        f"<To><FIId><FinInstnId><{bic}>RCVRDEFFXXX</{bic}></FinInstnId></FIId></To>"
        f"<BizMsgIdr>BIZ-1</BizMsgIdr><MsgDefIdr>{message_type}</MsgDefIdr><BizSvc>swift.cbprplus.02</BizSvc>"
        "<CreDt>2024-05-01T10:00:00Z</CreDt></AppHdr>"
    )
    doc = f'<Document xmlns="{ISO}{message_type}">\n{body}\n</Document>'
    root = f' xmlns="{envelope}"' if envelope else ""
    return f'<?xml version="1.0"?>\n<Envelope{root}>\n{hdr}\n{doc}\n</Envelope>\n'


def camt053_v2() -> str:
    return """<BkToCstmrStmt>
<GrpHdr><MsgId>STMT-MSG-1</MsgId><CreDtTm>2024-03-01T06:00:00</CreDtTm></GrpHdr>
<Stmt>
  <Id>S-1</Id><ElctrncSeqNb>42</ElctrncSeqNb><CreDtTm>2024-03-01T06:00:00</CreDtTm>
  <FrToDt><FrDtTm>2024-02-29T00:00:00</FrDtTm><ToDtTm>2024-02-29T23:59:59</ToDtTm></FrToDt>
  <Acct><Id><IBAN>DE89370400440532013000</IBAN></Id><Ccy>EUR</Ccy>
    <Svcr><FinInstnId><BIC>COBADEFFXXX</BIC></FinInstnId></Svcr></Acct>
  <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">1000.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2024-02-29</Dt></Dt></Bal>
  <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">850.50</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><DtTm>2024-02-29T23:59:59</DtTm></Dt></Bal>
  <TxsSummry><TtlNtries><NbOfNtries>2</NbOfNtries><Sum>249.50</Sum><TtlNetNtryAmt>149.50</TtlNetNtryAmt><CdtDbtInd>DBIT</CdtDbtInd></TtlNtries>
    <TtlCdtNtries><NbOfNtries>1</NbOfNtries><Sum>50.00</Sum></TtlCdtNtries><TtlDbtNtries><NbOfNtries>1</NbOfNtries><Sum>199.50</Sum></TtlDbtNtries></TxsSummry>
  <Ntry>
    <NtryRef>E1</NtryRef><Amt Ccy="EUR">50.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
    <BookgDt><Dt>2024-02-29</Dt></BookgDt><ValDt><Dt>2024-02-29</Dt></ValDt><AcctSvcrRef>ASR-1</AcctSvcrRef>
    <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn><Prtry><Cd>NTRF</Cd><Issr>SWIFT</Issr></Prtry></BkTxCd>
    <NtryDtls><TxDtls>
      <Refs><MsgId>M1</MsgId><EndToEndId>E2E-1</EndToEndId><TxId>TX-1</TxId><MndtId>MD-1</MndtId></Refs>
      <AmtDtls><TxAmt><Amt Ccy="EUR">50.00</Amt></TxAmt></AmtDtls>
      <RltdPties><Dbtr><Nm>Alice GmbH</Nm><PstlAdr><StrtNm>Hauptstr.</StrtNm><TwnNm>Berlin</TwnNm><Ctry>DE</Ctry><AdrLine>c/o X</AdrLine></PstlAdr></Dbtr>
        <DbtrAcct><Id><IBAN>DE02120300000000202051</IBAN></Id></DbtrAcct><Cdtr><Nm>Us</Nm></Cdtr></RltdPties>
      <RltdAgts><DbtrAgt><FinInstnId><BIC>BYLADEM1001</BIC></FinInstnId></DbtrAgt></RltdAgts>
      <RmtInf><Ustrd>Invoice 4711</Ustrd><Strd><RfrdDocInf><Nb>INV-4711</Nb></RfrdDocInf><CdtrRefInf><Ref>RF18539007547034</Ref></CdtrRefInf></Strd></RmtInf>
      <AddtlTxInf>extra</AddtlTxInf>
    </TxDtls></NtryDtls>
    <AddtlNtryInf>SEPA credit</AddtlNtryInf>
  </Ntry>
  <Ntry>
    <Amt Ccy="EUR">199.50</Amt><CdtDbtInd>DBIT</CdtDbtInd><RvslInd>true</RvslInd><Sts>PDNG</Sts>
    <BookgDt><DtTm>2024-02-29T12:00:00</DtTm></BookgDt><AcctSvcrRef>ASR-2</AcctSvcrRef>
    <NtryDtls><Btch><NbOfTxs>2</NbOfTxs></Btch>
      <TxDtls><Refs><EndToEndId>B-1</EndToEndId></Refs><Amt Ccy="EUR">99.50</Amt><CdtDbtInd>DBIT</CdtDbtInd>
        <RltdPties><Cdtr><Nm>Bob</Nm></Cdtr><CdtrAcct><Id><Othr><Id>12345</Id><SchmeNm><Cd>BBAN</Cd></SchmeNm></Othr></Id></CdtrAcct></RltdPties>
        <RtrInf><Rsn><Cd>AC04</Cd></Rsn><AddtlInf>closed</AddtlInf></RtrInf></TxDtls>
      <TxDtls><Refs><EndToEndId>B-2</EndToEndId></Refs><Amt Ccy="EUR">100.00</Amt><CdtDbtInd>DBIT</CdtDbtInd></TxDtls>
    </NtryDtls>
  </Ntry>
</Stmt>
</BkToCstmrStmt>"""


def camt053_v8() -> str:
    return """<BkToCstmrStmt>
<GrpHdr><MsgId>STMT-MSG-8</MsgId><CreDtTm>2024-03-01T06:00:00+01:00</CreDtTm></GrpHdr>
<Stmt>
  <Id>S-8</Id>
  <Acct><Id><Othr><Id>ACC-77</Id><SchmeNm><Prtry>LOCAL</Prtry></SchmeNm></Othr></Id>
    <Svcr><FinInstnId><BICFI>INGBNL2AXXX</BICFI></FinInstnId></Svcr></Acct>
  <Bal><Tp><CdOrPrtry><Prtry>XPCD</Prtry></CdOrPrtry><SubTp><Cd>INTM</Cd></SubTp></Tp><Amt Ccy="USD">5</Amt><CdtDbtInd>DBIT</CdtDbtInd><Dt><Dt>2024-02-29</Dt></Dt></Bal>
  <Ntry>
    <Amt Ccy="USD">12.34</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
    <BookgDt><Dt>2024-02-29</Dt></BookgDt>
    <NtryDtls><TxDtls>
      <Refs><EndToEndId>E2E-8</EndToEndId><UETR>eb6305c9-1f7f-49de-aed0-16487c27b42d</UETR><AcctSvcrRef>TX-ASR</AcctSvcrRef></Refs>
      <Amt Ccy="USD">12.34</Amt><CdtDbtInd>DBIT</CdtDbtInd>
      <RltdPties><Cdtr><Pty><Nm>Carol Inc</Nm></Pty></Cdtr><CdtrAcct><Id><IBAN>GB33BUKB20201555555555</IBAN></Id></CdtrAcct></RltdPties>
      <RltdAgts><CdtrAgt><FinInstnId><BICFI>BUKBGB22</BICFI></FinInstnId></CdtrAgt></RltdAgts>
      <RtrInf><Rsn><Prtry>R02</Prtry></Rsn></RtrInf>
    </TxDtls></NtryDtls>
  </Ntry>
</Stmt>
</BkToCstmrStmt>"""


def pain001(version: str) -> str:
    exec_date = "<ReqdExctnDt>2024-04-02</ReqdExctnDt>" if version == "03" else "<ReqdExctnDt><Dt>2024-04-02</Dt></ReqdExctnDt>"
    bic = "BIC" if version == "03" else "BICFI"
    return f"""<CstmrCdtTrfInitn>
<GrpHdr><MsgId>PAIN-{version}</MsgId><CreDtTm>2024-04-01T09:00:00</CreDtTm><NbOfTxs>2</NbOfTxs><CtrlSum>300.25</CtrlSum>
  <InitgPty><Nm>ACME Corp</Nm></InitgPty></GrpHdr>
<PmtInf>
  <PmtInfId>PI-1</PmtInfId><PmtMtd>TRF</PmtMtd><NbOfTxs>2</NbOfTxs><CtrlSum>300.25</CtrlSum>
  <PmtTpInf><SvcLvl><Cd>SEPA</Cd></SvcLvl></PmtTpInf>
  {exec_date}
  <Dbtr><Nm>ACME Corp</Nm></Dbtr><DbtrAcct><Id><IBAN>FR1420041010050500013M02606</IBAN></Id></DbtrAcct>
  <DbtrAgt><FinInstnId><{bic}>PSSTFRPPXXX</{bic}></FinInstnId></DbtrAgt><ChrgBr>SLEV</ChrgBr>
  <CdtTrfTxInf><PmtId><InstrId>I-1</InstrId><EndToEndId>E-1</EndToEndId></PmtId>
    <Amt><InstdAmt Ccy="EUR">100.25</InstdAmt></Amt>
    <CdtrAgt><FinInstnId><{bic}>DEUTDEFF</{bic}></FinInstnId></CdtrAgt><Cdtr><Nm>Supplier A</Nm></Cdtr>
    <CdtrAcct><Id><IBAN>DE89370400440532013000</IBAN></Id></CdtrAcct><RmtInf><Ustrd>INV 1</Ustrd></RmtInf></CdtTrfTxInf>
  <CdtTrfTxInf><PmtId><EndToEndId>E-2</EndToEndId></PmtId><Amt><InstdAmt Ccy="EUR">200.00</InstdAmt></Amt>
    <Cdtr><Nm>Supplier B</Nm></Cdtr></CdtTrfTxInf>
</PmtInf>
</CstmrCdtTrfInitn>"""


def pacs008(version: str) -> str:
    bic = "BIC" if version == "02" else "BICFI"
    uetr = "<UETR>97ed4827-7b6f-4491-a06f-b548d5a7512d</UETR>" if version != "02" else ""
    return f"""<FIToFICstmrCdtTrf>
<GrpHdr><MsgId>P8-{version}</MsgId><CreDtTm>2024-05-01T10:00:00Z</CreDtTm><NbOfTxs>1</NbOfTxs>
  <TtlIntrBkSttlmAmt Ccy="EUR">1000000.10</TtlIntrBkSttlmAmt><IntrBkSttlmDt>2024-05-02</IntrBkSttlmDt>
  <SttlmInf><SttlmMtd>INDA</SttlmMtd></SttlmInf></GrpHdr>
<CdtTrfTxInf>
  <PmtId><InstrId>INSTR-1</InstrId><EndToEndId>E2E-P8</EndToEndId><TxId>TX-P8</TxId>{uetr}</PmtId>
  <IntrBkSttlmAmt Ccy="EUR">1000000.10</IntrBkSttlmAmt><InstdAmt Ccy="USD">1100000.00</InstdAmt><XchgRate>0.9091</XchgRate>
  <ChrgBr>SHAR</ChrgBr><ChrgsInf><Amt Ccy="EUR">5.00</Amt><Agt><FinInstnId><{bic}>AAAAGB2L</{bic}></FinInstnId></Agt></ChrgsInf>
  <InstgAgt><FinInstnId><{bic}>AAAAGB2L</{bic}></FinInstnId></InstgAgt><InstdAgt><FinInstnId><{bic}>BBBBDEFF</{bic}></FinInstnId></InstdAgt>
  <Dbtr><Nm>Debtor Ltd</Nm><PstlAdr><TwnNm>London</TwnNm><Ctry>GB</Ctry></PstlAdr></Dbtr>
  <DbtrAcct><Id><IBAN>GB29NWBK60161331926819</IBAN></Id></DbtrAcct>
  <DbtrAgt><FinInstnId><{bic}>NWBKGB2L</{bic}></FinInstnId></DbtrAgt>
  <CdtrAgt><FinInstnId><{bic}>DEUTDEFF</{bic}></FinInstnId></CdtrAgt>
  <Cdtr><Nm>Creditor AG</Nm></Cdtr><CdtrAcct><Id><IBAN>DE89370400440532013000</IBAN></Id></CdtrAcct>
  <InstrForNxtAgt><InstrInf>/ACC/urgent</InstrInf></InstrForNxtAgt>
  <RmtInf><Ustrd>ORDER 9</Ustrd></RmtInf>
</CdtTrfTxInf>
</FIToFICstmrCdtTrf>"""


def pacs009_cov() -> str:
    return """<FICdtTrf>
<GrpHdr><MsgId>P9</MsgId><CreDtTm>2024-05-01T10:00:00Z</CreDtTm><NbOfTxs>1</NbOfTxs><SttlmInf><SttlmMtd>INDA</SttlmMtd></SttlmInf></GrpHdr>
<CdtTrfTxInf>
  <PmtId><InstrId>P9-I</InstrId><EndToEndId>E2E-COV</EndToEndId><UETR>7a562c67-ca16-48ba-b074-65581be6f001</UETR></PmtId>
  <IntrBkSttlmAmt Ccy="EUR">500.00</IntrBkSttlmAmt><IntrBkSttlmDt>2024-05-01</IntrBkSttlmDt>
  <Dbtr><FinInstnId><BICFI>CLYDGB2S</BICFI></FinInstnId></Dbtr>
  <Cdtr><FinInstnId><BICFI>CAIXESBB</BICFI></FinInstnId></Cdtr>
  <UndrlygCstmrCdtTrf>
    <Dbtr><Nm>A Debiter</Nm></Dbtr><DbtrAcct><Id><Othr><Id>25698745</Id></Othr></Id></DbtrAcct>
    <DbtrAgt><FinInstnId><BICFI>CLYDGB2S</BICFI></FinInstnId></DbtrAgt>
    <CdtrAgt><FinInstnId><BICFI>CAIXESBB</BICFI></FinInstnId></CdtrAgt>
    <Cdtr><Nm>A Creditor</Nm></Cdtr><CdtrAcct><Id><IBAN>ES9121000418450200051332</IBAN></Id></CdtrAcct>
    <InstdAmt Ccy="EUR">500.00</InstdAmt>
  </UndrlygCstmrCdtTrf>
</CdtTrfTxInf>
</FICdtTrf>"""


def pacs002_v3() -> str:
    return """<FIToFIPmtStsRpt>
<GrpHdr><MsgId>ST-3</MsgId><CreDtTm>2024-05-01T10:00:00</CreDtTm></GrpHdr>
<OrgnlGrpInfAndSts><OrgnlMsgId>P8-02</OrgnlMsgId><OrgnlMsgNmId>pacs.008.001.02</OrgnlMsgNmId><GrpSts>PART</GrpSts>
  <StsRsnInf><Rsn><Prtry>118</Prtry></Rsn><AddtlInf><![CDATA[<b>not markup</b>]]></AddtlInf></StsRsnInf></OrgnlGrpInfAndSts>
<TxInfAndSts><StsId>S1</StsId><OrgnlInstrId>INSTR-1</OrgnlInstrId><OrgnlEndToEndId>E2E-P8</OrgnlEndToEndId><OrgnlTxId>TX-P8</OrgnlTxId>
  <TxSts>RJCT</TxSts><StsRsnInf><Rsn><Cd>AC04</Cd></Rsn><AddtlInf>Account closed</AddtlInf></StsRsnInf>
  <OrgnlTxRef><IntrBkSttlmAmt Ccy="EUR">10.00</IntrBkSttlmAmt><Dbtr><Nm>Debtor Ltd</Nm></Dbtr></OrgnlTxRef></TxInfAndSts>
</FIToFIPmtStsRpt>"""


def pacs002_v10() -> str:
    return """<FIToFIPmtStsRpt>
<GrpHdr><MsgId>ST-10</MsgId><CreDtTm>2024-05-01T10:00:00</CreDtTm></GrpHdr>
<TxInfAndSts>
  <OrgnlGrpInf><OrgnlMsgId>P8-08</OrgnlMsgId><OrgnlMsgNmId>pacs.008.001.08</OrgnlMsgNmId></OrgnlGrpInf>
  <OrgnlInstrId>INSTR-1</OrgnlInstrId><OrgnlEndToEndId>E2E-P8</OrgnlEndToEndId>
  <OrgnlUETR>97ed4827-7b6f-4491-a06f-b548d5a7512d</OrgnlUETR><TxSts>ACSC</TxSts>
  <AccptncDtTm>2024-05-01T10:00:05Z</AccptncDtTm><FctvIntrBkSttlmDt><Dt>2024-05-02</Dt></FctvIntrBkSttlmDt>
</TxInfAndSts>
</FIToFIPmtStsRpt>"""


def pain002_v3() -> str:
    return """<CstmrPmtStsRpt>
<GrpHdr><MsgId>PS-3</MsgId><CreDtTm>2024-04-01T10:00:00</CreDtTm></GrpHdr>
<OrgnlGrpInfAndSts><OrgnlMsgId>PAIN-03</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.03</OrgnlMsgNmId><GrpSts>PART</GrpSts></OrgnlGrpInfAndSts>
<OrgnlPmtInfAndSts><OrgnlPmtInfId>PI-1</OrgnlPmtInfId><PmtInfSts>PART</PmtInfSts>
  <TxInfAndSts><OrgnlEndToEndId>E-2</OrgnlEndToEndId><TxSts>RJCT</TxSts><StsRsnInf><Rsn><Cd>AM04</Cd></Rsn></StsRsnInf></TxInfAndSts>
</OrgnlPmtInfAndSts>
</CstmrPmtStsRpt>"""


def pacs004(version: str) -> str:
    grp_in_tx = version != "02"
    grp = "<OrgnlGrpInf><OrgnlMsgId>P8-08</OrgnlMsgId><OrgnlMsgNmId>pacs.008.001.08</OrgnlMsgNmId></OrgnlGrpInf>"
    parties = (
        "<RtrChain><Dbtr><Pty><Nm>Creditor AG</Nm></Pty></Dbtr><Cdtr><Pty><Nm>Debtor Ltd</Nm></Pty></Cdtr></RtrChain>"
        if grp_in_tx
        else "<OrgnlTxRef><Dbtr><Nm>Debtor Ltd</Nm></Dbtr><Cdtr><Nm>Creditor AG</Nm></Cdtr></OrgnlTxRef>"
    )
    return f"""<PmtRtr>
<GrpHdr><MsgId>RT-{version}</MsgId><CreDtTm>2024-05-03T10:00:00</CreDtTm><NbOfTxs>1</NbOfTxs><SttlmInf><SttlmMtd>CLRG</SttlmMtd></SttlmInf></GrpHdr>
{"" if grp_in_tx else grp}
<TxInf><RtrId>R-1</RtrId>{grp if grp_in_tx else ""}<OrgnlInstrId>INSTR-1</OrgnlInstrId><OrgnlEndToEndId>E2E-P8</OrgnlEndToEndId>
  <OrgnlTxId>TX-P8</OrgnlTxId>{"<OrgnlUETR>97ed4827-7b6f-4491-a06f-b548d5a7512d</OrgnlUETR>" if grp_in_tx else ""}
  <OrgnlIntrBkSttlmAmt Ccy="EUR">1000000.10</OrgnlIntrBkSttlmAmt>
  <RtrdIntrBkSttlmAmt Ccy="EUR">999995.10</RtrdIntrBkSttlmAmt><IntrBkSttlmDt>2024-05-03</IntrBkSttlmDt><ChrgBr>CRED</ChrgBr>
  <ChrgsInf><Amt Ccy="EUR">5.00</Amt><Agt><FinInstnId><BICFI>DEUTDEFF</BICFI></FinInstnId></Agt></ChrgsInf>
  {parties if grp_in_tx else ""}
  <RtrRsnInf><Rsn><Cd>AC04</Cd></Rsn><AddtlInf>Closed account</AddtlInf></RtrRsnInf>
  {"" if grp_in_tx else parties}
</TxInf>
</PmtRtr>"""


def camt056(version: str) -> str:
    reason = "<CxlRsn><Cd>DUPL</Cd></CxlRsn>" if version == "01" else "<Rsn><Cd>DUPL</Cd></Rsn>"
    return f"""<FIToFIPmtCxlReq>
<Assgnmt><Id>ASG-{version}</Id><Assgnr><Agt><FinInstnId><BICFI>AAAAGB2L</BICFI></FinInstnId></Agt></Assgnr>
  <Assgne><Agt><FinInstnId><BICFI>BBBBDEFF</BICFI></FinInstnId></Agt></Assgne><CreDtTm>2024-05-04T09:00:00</CreDtTm></Assgnmt>
<Case><Id>CASE-1</Id><Cretr><Agt><FinInstnId><BICFI>AAAAGB2L</BICFI></FinInstnId></Agt></Cretr></Case>
<Undrlyg><TxInf><CxlId>CX-1</CxlId>
  <OrgnlGrpInf><OrgnlMsgId>P8-08</OrgnlMsgId><OrgnlMsgNmId>pacs.008.001.08</OrgnlMsgNmId></OrgnlGrpInf>
  <OrgnlInstrId>INSTR-1</OrgnlInstrId><OrgnlEndToEndId>E2E-P8</OrgnlEndToEndId><OrgnlTxId>TX-P8</OrgnlTxId>
  {"" if version == "01" else "<OrgnlUETR>97ed4827-7b6f-4491-a06f-b548d5a7512d</OrgnlUETR>"}
  <OrgnlIntrBkSttlmAmt Ccy="EUR">1000000.10</OrgnlIntrBkSttlmAmt><OrgnlIntrBkSttlmDt>2024-05-02</OrgnlIntrBkSttlmDt>
  <CxlRsnInf>{reason}<AddtlInf>sent twice</AddtlInf></CxlRsnInf>
</TxInf></Undrlyg>
</FIToFIPmtCxlReq>"""


def camt029(version: str, with_tx: bool = True) -> str:
    tx = """<CxlDtls><TxInfAndSts><CxlStsId>CS-1</CxlStsId>
  <OrgnlGrpInf><OrgnlMsgId>P8-08</OrgnlMsgId><OrgnlMsgNmId>pacs.008.001.08</OrgnlMsgNmId></OrgnlGrpInf>
  <OrgnlInstrId>INSTR-1</OrgnlInstrId><OrgnlEndToEndId>E2E-P8</OrgnlEndToEndId>
  <OrgnlUETR>97ed4827-7b6f-4491-a06f-b548d5a7512d</OrgnlUETR><TxCxlSts>RJCR</TxCxlSts>
  <CxlStsRsnInf><Rsn><Cd>LEGL</Cd></Rsn><AddtlInf>court order</AddtlInf></CxlStsRsnInf>
</TxInfAndSts></CxlDtls>"""
    return f"""<RsltnOfInvstgtn>
<Assgnmt><Id>ASG-A-{version}</Id><Assgnr><Agt><FinInstnId><BICFI>BBBBDEFF</BICFI></FinInstnId></Agt></Assgnr>
  <Assgne><Agt><FinInstnId><BICFI>AAAAGB2L</BICFI></FinInstnId></Agt></Assgne><CreDtTm>2024-05-05T09:00:00</CreDtTm></Assgnmt>
<RslvdCase><Id>CASE-1</Id><Cretr><Agt><FinInstnId><BICFI>AAAAGB2L</BICFI></FinInstnId></Agt></Cretr></RslvdCase>
<Sts><Conf>{"RJCR" if with_tx else "CNCL"}</Conf></Sts>
{tx if with_tx else ""}
</RsltnOfInvstgtn>"""
