"""Shared reader of camt.052 (report), camt.053 (statement) and camt.054 (notification).

The three differ only in the names of the repeating element (`Rpt`, `Stmt`, `Ntfctn`) and its
additional-info element; entries (`Ntry`) and their details (`NtryDtls/TxDtls`) are the same. Version
differences handled here: entry status is text up to v07 (`<Sts>BOOK</Sts>`) and `<Sts><Cd>` from v08;
related parties are direct up to v07 (`RltdPties/Dbtr/Nm`) and wrapped from v08 (`Dbtr/Pty/Nm`);
the net total is `TtlNetNtryAmt` in v02 and `TtlNetNtry/Amt` later.

`read_statement_head` and `read_entry` are separate so the streaming reader can use them on a
statement whose entries it has not read yet.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from lxml import etree

from breakdesk.parsers.canonical import (
    Agent,
    Balance,
    BankTransactionCode,
    Entry,
    EntryDetail,
    EntryReferences,
    Finding,
    Message,
    Money,
    Party,
    PostalAddress,
    Provenance,
    Remittance,
    Statement,
    StatementKind,
    TransactionsSummary,
)
from breakdesk.parsers.construct import construct, exact, model_spec
from breakdesk.parsers.errors import ParseError
from breakdesk.parsers.iso20022.common import account, agent, charges, money, party, reason, remittance
from breakdesk.parsers.iso20022.node import Node, parse_xs_datetime
from breakdesk.parsers.iso20022.xml import make_parser

#: message element → (repeating element, kind, additional-info element)
STATEMENT_SHAPES: dict[str, tuple[str, StatementKind, str]] = {
    "BkToCstmrAcctRpt": ("Rpt", "report", "AddtlRptInf"),
    "BkToCstmrStmt": ("Stmt", "statement", "AddtlStmtInf"),
    "BkToCstmrDbtCdtNtfctn": ("Ntfctn", "notification", "AddtlNtfctnInf"),
}


def _credit_debit(node: Node, path: str = "CdtDbtInd", *, default: str | None = None) -> str | None:
    value = node.text(path)
    if value is None:
        return default
    if value not in ("CRDT", "DBIT"):
        raise node.find(path).error("credit/debit indicator must be CRDT or DBIT")  # type: ignore[union-attr]
    return value


def _bool(node: Node, path: str) -> bool:
    return (node.text(path) or "").lower() in ("true", "1")


def read_balance(b: Node) -> Balance:
    amt_node = b.child("Amt")
    if amt_node is None or amt_node.value is None:
        raise b.error("balance without Amt")
    amt, ccy = b.amount("Amt")
    return Balance(
        provenance=b.provenance(),
        type=b.text("Tp/CdOrPrtry/Cd", "Tp/CdOrPrtry/Prtry") or "UNKNOWN",
        sub_type=b.text("Tp/SubTp/Cd", "Tp/SubTp/Prtry"),
        amount=amt,
        currency=ccy or "",
        # CdtDbtInd is mandatory; a few real exports omit it on zero/positive balances: read as credit.
        credit_debit=_credit_debit(b, default="CRDT"),
        date=b.date("Dt"),
    )


def _summary(node: Node | None) -> TransactionsSummary | None:
    if node is None:
        return None
    net = node.find("TtlNtries/TtlNetNtry")
    return TransactionsSummary(
        total_count=node.integer("TtlNtries/NbOfNtries"),
        net_amount=(net.decimal("Amt") if net is not None else node.decimal("TtlNtries/TtlNetNtryAmt")),
        net_credit_debit=(
            _credit_debit(net) if net is not None else _credit_debit(node, "TtlNtries/CdtDbtInd")
        ),
        credit_count=node.integer("TtlCdtNtries/NbOfNtries"),
        credit_sum=node.decimal("TtlCdtNtries/Sum"),
        debit_count=node.integer("TtlDbtNtries/NbOfNtries"),
        debit_sum=node.decimal("TtlDbtNtries/Sum"),
    )


def message_page(root: Node) -> str | None:
    """`GrpHdr/MsgPgntn/PgNb`: a statement split over several messages has its page here only."""
    return root.text("GrpHdr/MsgPgntn/PgNb")


def read_statement_head(st: Node, kind: StatementKind, info_tag: str, message_page: str | None = None) -> Statement:
    """A statement with account, balances and summary, without its entries."""
    acct = st.child("Acct")
    acct_id, scheme, ccy = account(acct)
    return Statement(
        provenance=st.provenance(),
        kind=kind,
        statement_id=st.text("Id"),
        sequence_number=st.text("ElctrncSeqNb"),
        legal_sequence_number=st.text("LglSeqNb"),
        page=st.text("StmtPgntn/PgNb", "RptPgntn/PgNb", "NtfctnPgntn/PgNb") or message_page,
        created_at=st.datetime("CreDtTm"),
        from_datetime=st.datetime("FrToDt/FrDtTm"),
        to_datetime=st.datetime("FrToDt/ToDtTm"),
        account=acct_id,
        account_scheme=scheme,
        account_owner=party(acct.child("Ownr")) if acct is not None else None,
        servicer=agent(acct.child("Svcr")) if acct is not None else None,
        currency=ccy,
        balances=[read_balance(b) for b in st.children("Bal")],
        summary=_summary(st.child("TxsSummry")),
        additional_info=" ".join(st.texts(info_tag)) or None,
    )


_BTC_EMPTY = dict.fromkeys(("domain", "family", "sub_family", "proprietary_code", "proprietary_issuer"))


def bank_transaction_code(node: Node | None) -> BankTransactionCode | None:
    if node is None:
        return None
    values = dict(_BTC_EMPTY)
    domain = node.child("Domn")
    if domain is not None:
        values["domain"] = domain.text("Cd")
        family = domain.child("Fmly")
        if family is not None:
            values["family"] = family.text("Cd")
            values["sub_family"] = family.text("SubFmlyCd")
    proprietary = node.child("Prtry")
    if proprietary is not None:
        values["proprietary_code"] = proprietary.text("Cd")
        values["proprietary_issuer"] = proprietary.text("Issr")
    return exact(BankTransactionCode, values) if any(values.values()) else None


#: TxDtls/Refs element → EntryReferences field (every one read as `Refs.text(element)`)
_REFERENCE_FIELDS = {
    "MsgId": "message_id",
    "AcctSvcrRef": "account_servicer_reference",
    "PmtInfId": "payment_info_id",
    "InstrId": "instruction_id",
    "EndToEndId": "end_to_end_id",
    "UETR": "uetr",
    "TxId": "transaction_id",
    "MndtId": "mandate_id",
    "ChqNb": "cheque_number",
    "ClrSysRef": "clearing_system_reference",
}


def _references(refs: Node | None) -> EntryReferences:
    if refs is None:
        return construct(EntryReferences)
    values = {field: refs.text(tag) for tag in refs.kids() if (field := _REFERENCE_FIELDS.get(tag))}
    values["proprietary"] = [v for p in refs.children("Prtry") if (v := p.text("Ref"))] if refs.has("Prtry") else []
    return construct(EntryReferences, **values)


#: related-party role → (its account element, its agent element)
_ROLES = {role: (f"{role}Acct", f"{role}Agt") for role in ("Dbtr", "Cdtr", "UltmtDbtr", "UltmtCdtr")}


def read_detail(tx: Node) -> EntryDetail:
    k = tx.kids()
    amt, ccy = tx.amount("Amt", "AmtDtls/TxAmt/Amt", "AmtDtls/InstdAmt/Amt")
    parties = tx.child("RltdPties") if "RltdPties" in k else None
    agents = tx.child("RltdAgts") if "RltdAgts" in k else None
    party_kids = parties.kids() if parties is not None else {}
    agent_kids = agents.kids() if agents is not None else {}

    def p(role: str, *, with_accounts: bool) -> object:
        acct_tag, agt_tag = _ROLES[role]
        if parties is None:
            return None
        with_account = with_accounts and acct_tag in party_kids
        with_agent = with_accounts and agt_tag in agent_kids
        if role not in party_kids and not with_account and not with_agent:
            return None  # what party() gives for nothing
        return party(
            parties.child(role),
            account_node=parties.child(acct_tag) if with_account else None,
            agent_node=agents.child(agt_tag) if with_agent else None,  # type: ignore[union-attr]
        )

    def bank_only(agt_tag: str) -> object:
        return party(None, agent_node=agents.child(agt_tag)) if agt_tag in agent_kids else None  # type: ignore[union-attr]

    return construct(
        EntryDetail,
        provenance=tx.provenance(),
        references=_references(tx.child("Refs")) if "Refs" in k else construct(EntryReferences),
        amount=amt,
        currency=ccy,
        credit_debit=_credit_debit(tx) if "CdtDbtInd" in k else None,
        instructed_amount=money(tx.find("AmtDtls/InstdAmt/Amt")) if "AmtDtls" in k else None,
        bank_transaction_code=bank_transaction_code(tx.child("BkTxCd")) if "BkTxCd" in k else None,
        debtor=p("Dbtr", with_accounts=True) or bank_only("DbtrAgt"),
        creditor=p("Cdtr", with_accounts=True) or bank_only("CdtrAgt"),
        ultimate_debtor=p("UltmtDbtr", with_accounts=False),
        ultimate_creditor=p("UltmtCdtr", with_accounts=False),
        remittance=remittance(tx.child("RmtInf")) if "RmtInf" in k else construct(Remittance),
        purpose=tx.text("Purp/Cd", "Purp/Prtry") if "Purp" in k else None,
        return_reason=reason(tx.child("RtrInf")) if "RtrInf" in k else None,
        charges=_entry_charges(tx) if "Chrgs" in k else [],
        additional_info=tx.text("AddtlTxInf"),
    )


def _entry_charges(node: Node) -> list[Money]:
    chrgs = node.child("Chrgs")
    if chrgs is None:
        return []
    out = [m for r in chrgs.children("Rcrd") if (m := money(r.child("Amt")))]  # v04+
    out += [m for a in chrgs.children("Amt") if (m := money(a))]  # v02: Chrgs/Amt directly
    return out or charges(chrgs)


def _status(ntry: Node, kind: StatementKind) -> str | None:
    if not ntry.has("Sts"):
        return "BOOK" if kind == "statement" else None
    return ntry.text("Sts") or ntry.child("Sts").text("Cd", "Prtry")  # type: ignore[union-attr]  # text up to v07


def _compiled_entry():
    """`_speedups.entry` (parsers/iso20022/_speedups.c, built by `pip install`), configured with the
    canonical classes; None where it is not built or its check of lxml's tree layout fails."""
    try:
        from breakdesk.parsers.iso20022 import _speedups
    except ImportError:  # an install without a C compiler: the reference reads every entry
        return None, None

    probe = etree.fromstring(b'<a>\n<Bb Ccy="EUR">t</Bb></a>', parser=make_parser())[0]
    on = _speedups.configure({
        **{cls.__name__: model_spec(cls) for cls in (
            Entry, EntryDetail, EntryReferences, Party, Agent, PostalAddress, Money, Remittance,
            BankTransactionCode, Provenance,
        )},
        "Decimal": Decimal, "InvalidOperation": InvalidOperation, "parse_datetime": parse_xs_datetime,
        "Element": etree._Element, "probe": probe,
    })
    return (_speedups.entry, _speedups.entries) if on else (None, None)


#: The compiled readers of plainly well-formed entries (one entry; a statement's entries);
#: `read_entry` below is their reference.
_fast_entry, _fast_entries = _compiled_entry()


def read_entry(ntry: Node, kind: StatementKind = "statement") -> Entry:
    """One Ntry → Entry: the compiled `_fast_entry` when it reads it, else the reference below."""
    if _fast_entry is not None:
        ctx = ntry.ctx
        entry = _fast_entry(ntry.el, ntry.xpath, ctx.file, ctx.message_index, kind == "statement")
        if entry is not None:
            return entry
    return _reference_entry(ntry, kind)


def _reference_entry(ntry: Node, kind: StatementKind) -> Entry:
    """The reference of the compiled reader: reads what it leaves (charges, structured remittance,
    return information, party identifiers …) and raises every error with its XPath."""
    k = ntry.kids()
    amt, ccy = ntry.amount("Amt")
    if amt is None:
        raise ntry.error("entry without Amt")
    cd = _credit_debit(ntry)
    if cd is None:
        raise ntry.error("entry without CdtDbtInd")
    details: list[EntryDetail] = []
    batch_count: int | None = None
    for nd in ntry.children("NtryDtls"):
        if nd.has("Btch"):
            btch = nd.child("Btch")
            if btch.has("NbOfTxs"):  # type: ignore[union-attr]
                batch_count = (batch_count or 0) + (btch.integer("NbOfTxs") or 0)  # type: ignore[union-attr]
        details.extend(read_detail(tx) for tx in nd.children("TxDtls"))
    btc = bank_transaction_code(ntry.child("BkTxCd")) if "BkTxCd" in k else None
    account_servicer_reference = ntry.text("AcctSvcrRef")
    if len(details) == 1:
        # One TxDtls: its references, counterparty, remittance and return reason describe the entry.
        d = details[0]
        refs = dict(d.references.__dict__)
        refs["proprietary"] = list(refs["proprietary"])
        refs["account_servicer_reference"] = account_servicer_reference or refs["account_servicer_reference"]
        references = exact(EntryReferences, refs)
        counterparty = d.debtor if cd == "CRDT" else d.creditor
        remittance_, return_reason = d.remittance, d.return_reason
        btc = btc or d.bank_transaction_code
    else:
        references = construct(EntryReferences, account_servicer_reference=account_servicer_reference)
        counterparty, remittance_, return_reason = None, construct(Remittance), None
    return construct(
        Entry,
        provenance=ntry.provenance(),
        entry_reference=ntry.text("NtryRef"),
        amount=amt,
        currency=ccy or "",
        credit_debit=cd,
        reversal=_bool(ntry, "RvslInd") if "RvslInd" in k else False,
        status=_status(ntry, kind),
        booking_date=ntry.date("BookgDt") if "BookgDt" in k else None,
        value_date=ntry.date("ValDt") if "ValDt" in k else None,
        bank_transaction_code=btc,
        references=references,
        counterparty=counterparty,
        remittance=remittance_,
        return_reason=return_reason,
        additional_info=(" ".join(ntry.texts("AddtlNtryInf")) or None) if "AddtlNtryInf" in k else None,
        charges=_entry_charges(ntry) if "Chrgs" in k else [],
        batch_count=batch_count,
        details=details,
    )


def _read_entries(st: Node, kind: StatementKind) -> list[Entry]:
    """A statement's entries: the compiled reader's, with the reference reading those it leaves."""
    if _fast_entries is not None:
        ctx = st.ctx
        got, left = _fast_entries(st.el, st.xpath, ctx.file, ctx.message_index, kind == "statement")
        if not left:
            return got
        if ctx.findings is not None:
            return [e for e in (e if e is not None else _lenient(n, kind, _reference_entry)
                                for e, n in zip(got, st.children("Ntry"), strict=True)) if e is not None]
        return [e if e is not None else _reference_entry(n, kind) for e, n in zip(got, st.children("Ntry"), strict=True)]
    if st.ctx.findings is not None:
        return [e for e in (_lenient(n, kind, read_entry) for n in st.children("Ntry")) if e is not None]
    return [read_entry(n, kind) for n in st.children("Ntry")]


def _lenient(ntry: Node, kind: StatementKind, read) -> Entry | None:
    """Lenient reading (issue #16): an entry that cannot be read is left out as an `UNREADABLE_ENTRY`
    error finding holding its XML, and the statement's other entries are read."""
    try:
        return read(ntry, kind)
    except ParseError as exc:
        raw = etree.tostring(ntry.el, encoding="unicode", with_tail=False)
        where = Provenance(file=ntry.ctx.file, message_index=ntry.ctx.message_index,
                           line=exc.line or ntry.el.sourceline, xpath=exc.xpath or ntry.xpath)
        ntry.ctx.findings.append(Finding(  # type: ignore[union-attr]
            severity="error", code="UNREADABLE_ENTRY", message=f"{exc.reason}; left out", location=where,
            value=raw[:20000]))
        return None


def read_statements(root: Node, message: Message) -> None:
    repeat, kind, info_tag = STATEMENT_SHAPES[root.name]
    found = False
    page = message_page(root)
    for st in root.children(repeat):
        found = True
        statement = read_statement_head(st, kind, info_tag, page)
        statement.entries = _read_entries(st, kind)
        message.statements.append(statement)
    if not found:
        raise root.error(f"<{root.name}> has no <{repeat}> element")
