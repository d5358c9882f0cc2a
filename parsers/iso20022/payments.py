"""Shared reader of credit transfer transactions (pacs.008, pacs.009, pain.001 CdtTrfTxInf).

pacs.009 debtors and creditors are banks (`Dbtr/FinInstnId`): `common.party` turns them into a party
whose agent is that bank. A pacs.009 COV carries the customer payment it covers in
`UndrlygCstmrCdtTrf`, read into `Transaction.underlying`.
"""

from __future__ import annotations

from decimal import Decimal

from breakdesk.parsers.canonical import Agent, Message, Party, Transaction
from breakdesk.parsers.iso20022.common import agent, charges, money, party, remittance
from breakdesk.parsers.iso20022.node import Node


def _code(node: Node, path: str) -> str | None:
    return node.text(f"{path}/Cd", f"{path}/Prtry")


def _instructions(tx: Node) -> list[str]:
    out = []
    for tag in ("InstrForCdtrAgt", "InstrForNxtAgt"):
        for n in tx.children(tag):
            text = " ".join(v for v in (n.text("Cd"), n.text("InstrInf")) if v)
            if text:
                out.append(text)
    return out


def _regulatory(tx: Node) -> list[str]:
    out = []
    for r in tx.children("RgltryRptg"):
        out.extend(r.texts("Dtls/Inf"))
        out.extend(v for v in (r.text("Dtls/Cd"),) if v)
    return out


def _intermediaries(tx: Node) -> list[Agent]:
    return [a for tag in ("IntrmyAgt1", "IntrmyAgt2", "IntrmyAgt3") if (a := agent(tx.child(tag)))]


def _parties(tx: Node, *, debtor_from: Node | None = None) -> dict:
    src = debtor_from or tx
    return dict(
        debtor=party(src.child("Dbtr"), account_node=src.child("DbtrAcct"), agent_node=src.child("DbtrAgt"))
        or Party(),
        creditor=party(tx.child("Cdtr"), account_node=tx.child("CdtrAcct"), agent_node=tx.child("CdtrAgt"))
        or Party(),
        ultimate_debtor=party(tx.child("UltmtDbtr")) or (party(src.child("UltmtDbtr")) if debtor_from else None),
        ultimate_creditor=party(tx.child("UltmtCdtr")),
    )


def read_transaction(tx: Node, message: Message) -> Transaction:
    """One pacs.008/pacs.009 CdtTrfTxInf."""
    amt_node = tx.child("IntrBkSttlmAmt")
    if amt_node is None or amt_node.value is None:
        raise tx.error("transaction without IntrBkSttlmAmt")
    amount, currency = tx.amount("IntrBkSttlmAmt")
    parts = _parties(tx)
    t = Transaction(
        provenance=tx.provenance(),
        message_id=message.header.message_id,
        instruction_id=tx.text("PmtId/InstrId"),
        end_to_end_id=tx.text("PmtId/EndToEndId"),
        transaction_id=tx.text("PmtId/TxId"),
        uetr=tx.text("PmtId/UETR"),
        clearing_system_reference=tx.text("PmtId/ClrSysRef"),
        amount=amount,
        currency=currency or "",
        instructed_amount=money(tx.child("InstdAmt")),
        exchange_rate=tx.decimal("XchgRate"),
        charge_bearer=tx.text("ChrgBr"),
        charges=charges(tx),
        service_level=_code(tx, "PmtTpInf/SvcLvl"),
        local_instrument=_code(tx, "PmtTpInf/LclInstrm"),
        category_purpose=_code(tx, "PmtTpInf/CtgyPurp"),
        purpose=_code(tx, "Purp"),
        settlement_date=tx.date("IntrBkSttlmDt") or message.header.settlement_date,
        settlement_method=message.header.settlement_method,
        initiating_party=party(tx.child("InitgPty")),
        instructing_agent=agent(tx.child("InstgAgt")),
        instructed_agent=agent(tx.child("InstdAgt")),
        intermediaries=_intermediaries(tx),
        remittance=remittance(tx.child("RmtInf")),
        instructions_for_agents=_instructions(tx),
        regulatory_reporting=_regulatory(tx),
        **parts,
    )
    cov = tx.child("UndrlygCstmrCdtTrf")
    if cov is not None:
        t.underlying = read_underlying(cov, amount, currency or "")
    return t


def read_underlying(cov: Node, cover_amount: Decimal, cover_currency: str) -> Transaction:
    """The customer credit transfer a COV covers; its amount is InstdAmt, else the cover's amount."""
    instructed = money(cov.child("InstdAmt"))
    return Transaction(
        provenance=cov.provenance(),
        instruction_id=cov.text("PmtId/InstrId"),
        end_to_end_id=cov.text("PmtId/EndToEndId"),
        uetr=cov.text("PmtId/UETR"),
        amount=instructed.amount if instructed else cover_amount,
        currency=instructed.currency if instructed else cover_currency,
        instructed_amount=instructed,
        intermediaries=_intermediaries(cov),
        remittance=remittance(cov.child("RmtInf")),
        instructions_for_agents=_instructions(cov),
        **_parties(cov),
    )


def read_credit_transfers(root: Node, message: Message) -> None:
    txs = list(root.children("CdtTrfTxInf"))
    if not txs:
        raise root.error(f"<{root.name}> has no <CdtTrfTxInf> element")
    message.transactions.extend(read_transaction(tx, message) for tx in txs)
