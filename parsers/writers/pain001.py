"""pain.001 (customer credit transfer initiation) from canonical transactions.

Transactions are grouped into PmtInf blocks by payment information id (or, without one, by what a
block must share: debtor, debtor account and agent, execution date, payment method). GrpHdr and each
PmtInf carry NbOfTxs and CtrlSum computed from the transactions written, never copied from input, so
a repaired file is consistent by construction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal

from lxml import etree

from breakdesk.parsers.canonical import Message, Party, PaymentGroup, Transaction
from breakdesk.parsers.writers import _parts as parts
from breakdesk.parsers.writers._build import (
    CHARGE_BEARERS,
    DIALECTS,
    UETR_RE,
    Builder,
    decimal_number,
    document,
    serialize,
)
from breakdesk.parsers.writers.errors import WriteError

PAYMENT_METHODS = frozenset({"TRF", "CHK", "TRA"})


@dataclass
class _Block:
    payment_info_id: str | None
    debtor: Party
    execution_date: date | None
    payment_method: str
    members: list[tuple[int, Transaction]] = field(default_factory=list)


def _debtor_key(p: Party) -> tuple:
    return (p.name, p.account, p.agent_bic, p.agent.clearing_system_member_id if p.agent else None)


def _blocks(transactions: Sequence[Transaction], groups: Sequence[PaymentGroup], b: Builder) -> list[_Block]:
    by_id = {g.payment_info_id: g for g in groups if g.payment_info_id}
    blocks: dict[tuple, _Block] = {}
    for i, tx in enumerate(transactions):
        group = by_id.get(tx.payment_info_id) if tx.payment_info_id else None
        debtor = tx.debtor if (tx.debtor.name or tx.debtor.account) else (group.debtor if group and group.debtor else tx.debtor)
        exec_date = tx.requested_execution_date or (group.requested_execution_date if group else None)
        method = (tx.payment_method or "TRF").upper()
        key = (tx.payment_info_id,) if tx.payment_info_id else (None, _debtor_key(debtor), exec_date, method)
        block = blocks.get(key)
        if block is None:
            block = blocks[key] = _Block(tx.payment_info_id, debtor, exec_date, method)
        elif (_debtor_key(block.debtor), block.execution_date, block.payment_method) != (
            _debtor_key(debtor), exec_date, method
        ):
            b.problem(f"transactions[{i}]", f"payment information {tx.payment_info_id!r} mixes debtors, "
                                            "execution dates or payment methods (one PmtInf cannot hold both)")
        block.members.append((i, tx))
    return list(blocks.values())


def write_pain001(
    message_or_transactions: Message | Sequence[Transaction],
    *,
    version: str = "pain.001.001.09",
    message_id: str | None = None,
    created_at: datetime | None = None,
    initiating_party: Party | None = None,
    payment_groups: Sequence[PaymentGroup] | None = None,
    batch_booking: bool | None = None,
) -> bytes:
    """Serialize credit transfers as a schema-valid pain.001 document (UTF-8 bytes).

    From a `Message`, the message id, creation time, initiating party and payment groups default to
    the message's; keyword arguments override them. Raises `WriteError` listing every problem when
    the result could not be valid (no creditor, no debtor account, an id over 35 characters …).
    """
    if version not in ("pain.001.001.09", "pain.001.001.03"):
        raise ValueError(f"unsupported pain.001 version {version!r} (pain.001.001.09 or pain.001.001.03)")
    if isinstance(message_or_transactions, Message):
        msg = message_or_transactions
        transactions = list(msg.transactions)
        message_id = message_id or msg.header.message_id
        created_at = created_at or msg.header.created_at
        initiating_party = initiating_party or msg.header.initiating_party
        payment_groups = msg.payment_groups if payment_groups is None else payment_groups
    else:
        transactions = list(message_or_transactions)
    b = Builder(DIALECTS[version])
    if not transactions:
        raise WriteError(version, ["no transactions to write"])
    initiating_party = initiating_party or next((t.initiating_party for t in transactions if t.initiating_party), None)
    created_at = created_at or datetime.now(UTC)

    root, body, hdr = document(b, "CstmrCdtTrfInitn", transactions, message_id=message_id, created_at=created_at)
    parts.party(b, hdr, "InitgPty", initiating_party, "initiating_party", required=True)

    for n, block in enumerate(_blocks(transactions, payment_groups or [], b), start=1):
        _payment_information(b, body, block, n, message_id or "MSG", batch_booking)
    b.raise_if_problems()
    return serialize(root)


def _payment_information(b: Builder, body: etree._Element, block: _Block, n: int, message_id: str,
                         batch_booking: bool | None) -> None:
    first = block.members[0][0]
    where = f"transactions[{first}]"
    pmt = b.el(body, "PmtInf")
    b.text(pmt, "PmtInfId", block.payment_info_id or f"{message_id}-{n}"[:35], max_len=35,
           where=f"{where}.payment_info_id")
    b.code(pmt, "PmtMtd", block.payment_method, PAYMENT_METHODS, where=f"{where}.payment_method", required=True)
    if batch_booking is not None:
        b.el(pmt, "BtchBookg").text = "true" if batch_booking else "false"
    txs = [t for _, t in block.members]
    b.el(pmt, "NbOfTxs").text = str(len(txs))
    b.el(pmt, "CtrlSum").text = decimal_number(sum((t.amount for t in txs), Decimal(0)))
    if block.execution_date is None:
        b.problem(f"{where}.requested_execution_date", "missing (ReqdExctnDt is mandatory)")
    elif b.dialect.exec_date_choice:
        b.date(b.el(pmt, "ReqdExctnDt"), "Dt", block.execution_date, where=f"{where}.requested_execution_date")
    else:
        b.date(pmt, "ReqdExctnDt", block.execution_date, where=f"{where}.requested_execution_date")
    debtor = block.debtor
    parts.party(b, pmt, "Dbtr", debtor, f"{where}.debtor", required=True)
    if not debtor.account:
        b.problem(f"{where}.debtor.account", "missing (DbtrAcct is mandatory)")
    parts.account(b, pmt, "DbtrAcct", debtor.account, debtor.account_scheme, debtor.account_currency,
                  f"{where}.debtor.account")
    parts.agent(b, pmt, "DbtrAgt", debtor.agent, f"{where}.debtor.agent", placeholder=True)
    parts.agent_account(b, pmt, "DbtrAgtAcct", debtor.agent, f"{where}.debtor.agent")
    for i, tx in block.members:
        _transaction(b, pmt, tx, f"transactions[{i}]", block.payment_method)


def _transaction(b: Builder, pmt: etree._Element, tx: Transaction, where: str, method: str) -> None:
    node = b.el(pmt, "CdtTrfTxInf")
    pid = b.el(node, "PmtId")
    b.text(pid, "InstrId", tx.instruction_id, max_len=35, where=f"{where}.instruction_id")
    b.text(pid, "EndToEndId", tx.end_to_end_id or parts.NOT_PROVIDED, max_len=35, where=f"{where}.end_to_end_id")
    if tx.uetr and b.dialect.has_uetr:
        b.pattern(pid, "UETR", tx.uetr, UETR_RE, where=f"{where}.uetr", what="UUID v4 UETR")
    parts.payment_type(b, node, tx.service_level, tx.local_instrument, tx.category_purpose, where)
    b.amount(b.el(node, "Amt"), "InstdAmt", tx.amount, tx.currency, where=f"{where}.amount", required=True)
    if tx.exchange_rate is not None:
        b.el(b.el(node, "XchgRateInf"), "XchgRate").text = decimal_number(tx.exchange_rate)
    b.code(node, "ChrgBr", tx.charge_bearer, CHARGE_BEARERS, where=f"{where}.charge_bearer")
    parts.party(b, node, "UltmtDbtr", tx.ultimate_debtor, f"{where}.ultimate_debtor")
    parts.intermediaries(b, node, tx.intermediaries, f"{where}.intermediaries")
    creditor = tx.creditor
    parts.agent(b, node, "CdtrAgt", creditor.agent, f"{where}.creditor.agent")
    parts.agent_account(b, node, "CdtrAgtAcct", creditor.agent, f"{where}.creditor.agent")
    parts.party(b, node, "Cdtr", creditor, f"{where}.creditor", required=True)
    if not creditor.account and method != "CHK":
        b.problem(f"{where}.creditor.account", "missing (a credit transfer needs the creditor's account)")
    parts.account(b, node, "CdtrAcct", creditor.account, creditor.account_scheme, creditor.account_currency,
                  f"{where}.creditor.account")
    parts.party(b, node, "UltmtCdtr", tx.ultimate_creditor, f"{where}.ultimate_creditor")
    parts.instructions_for_creditor_agent(b, node, tx.instructions_for_agents, f"{where}.instructions_for_agents")
    parts.purpose(b, node, tx.purpose, f"{where}.purpose")
    parts.regulatory_reporting(b, node, tx.regulatory_reporting, f"{where}.regulatory_reporting")
    parts.remittance(b, node, tx.remittance, f"{where}.remittance", tx.currency)
