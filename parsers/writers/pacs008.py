"""pacs.008 (FI to FI customer credit transfer) from canonical transactions.

GrpHdr NbOfTxs and CtrlSum are computed from the transactions; TtlIntrBkSttlmAmt only when they
share one currency (the element has a single Ccy). The interbank settlement date is written per
transaction, as CBPR+ requires. The settlement method is mandatory and never defaulted: it comes from
the keyword, the message header, or the transactions, and a disagreement among them is refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal

from lxml import etree

from breakdesk.parsers.canonical import Message, Money, Transaction
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

SETTLEMENT_METHODS = frozenset({"INDA", "INGA", "COVE", "CLRG"})


def write_pacs008(
    message_or_transactions: Message | Sequence[Transaction],
    *,
    version: str = "pacs.008.001.08",
    message_id: str | None = None,
    created_at: datetime | None = None,
    settlement_method: str | None = None,
    clearing_system: str | None = None,
) -> bytes:
    """Serialize credit transfers as a schema-valid pacs.008 document (UTF-8 bytes).

    Raises `WriteError` listing every problem when the result could not be valid (no creditor
    agent, no charge bearer, an amount finer than its currency …).
    """
    if version not in DIALECTS or not version.startswith("pacs.008"):
        raise ValueError(f"unsupported pacs.008 version {version!r} (pacs.008.001.08)")
    if isinstance(message_or_transactions, Message):
        msg = message_or_transactions
        transactions = list(msg.transactions)
        message_id = message_id or msg.header.message_id
        created_at = created_at or msg.header.created_at
        settlement_method = settlement_method or msg.header.settlement_method
    else:
        transactions = list(message_or_transactions)
    b = Builder(DIALECTS[version])
    if not transactions:
        raise WriteError(version, ["no transactions to write"])
    methods = {t.settlement_method for t in transactions if t.settlement_method}
    if settlement_method is None and len(methods) == 1:
        settlement_method = methods.pop()
    elif settlement_method is None and len(methods) > 1:
        b.problem("settlement_method", f"transactions disagree ({', '.join(sorted(methods))}); one message has one")
    created_at = created_at or datetime.now(UTC)

    root, body, hdr = document(b, "FIToFICstmrCdtTrf", transactions, message_id=message_id, created_at=created_at)
    currencies = {t.currency for t in transactions}
    if len(currencies) == 1:
        b.amount(hdr, "TtlIntrBkSttlmAmt", sum((t.amount for t in transactions), Decimal(0)), currencies.pop(),
                 where="total_settlement_amount")
    sttlm = b.el(hdr, "SttlmInf")
    b.code(sttlm, "SttlmMtd", settlement_method, SETTLEMENT_METHODS, where="settlement_method", required=True)
    if clearing_system:
        b.code_or_proprietary(sttlm, "ClrSys", clearing_system, code_max=3, where="clearing_system")
    for i, tx in enumerate(transactions):
        _transaction(b, body, tx, f"transactions[{i}]")
    b.raise_if_problems()
    return serialize(root)


def _charges(b: Builder, node: etree._Element, charges: list[Money], where: str) -> None:
    """ChrgsInf needs the agent that took the charge; the model does not say, so it is NOTPROVIDED."""
    for k, charge in enumerate(charges):
        ch = b.el(node, "ChrgsInf")
        b.amount(ch, "Amt", charge.amount, charge.currency, where=f"{where}.charges[{k}]", required=True)
        parts.agent(b, ch, "Agt", None, f"{where}.charges[{k}].agent", placeholder=True)


def _transaction(b: Builder, body: etree._Element, tx: Transaction, where: str) -> None:
    node = b.el(body, "CdtTrfTxInf")
    pid = b.el(node, "PmtId")
    b.text(pid, "InstrId", tx.instruction_id, max_len=35, where=f"{where}.instruction_id")
    b.text(pid, "EndToEndId", tx.end_to_end_id or parts.NOT_PROVIDED, max_len=35, where=f"{where}.end_to_end_id")
    b.text(pid, "TxId", tx.transaction_id, max_len=35, where=f"{where}.transaction_id")
    b.pattern(pid, "UETR", tx.uetr, UETR_RE, where=f"{where}.uetr", what="UUID v4 UETR")
    b.text(pid, "ClrSysRef", tx.clearing_system_reference, max_len=35, where=f"{where}.clearing_system_reference")
    parts.payment_type(b, node, tx.service_level, tx.local_instrument, tx.category_purpose, where)
    b.amount(node, "IntrBkSttlmAmt", tx.amount, tx.currency, where=f"{where}.amount", required=True)
    b.date(node, "IntrBkSttlmDt", tx.settlement_date, where=f"{where}.settlement_date")
    if tx.instructed_amount is not None:
        b.amount(node, "InstdAmt", tx.instructed_amount.amount, tx.instructed_amount.currency,
                 where=f"{where}.instructed_amount")
    if tx.exchange_rate is not None:
        b.el(node, "XchgRate").text = decimal_number(tx.exchange_rate)
    b.code(node, "ChrgBr", tx.charge_bearer, CHARGE_BEARERS, where=f"{where}.charge_bearer", required=True)
    _charges(b, node, tx.charges, where)
    parts.agent(b, node, "InstgAgt", tx.instructing_agent, f"{where}.instructing_agent")
    parts.agent(b, node, "InstdAgt", tx.instructed_agent, f"{where}.instructed_agent")
    parts.intermediaries(b, node, tx.intermediaries, f"{where}.intermediaries")
    parts.party(b, node, "UltmtDbtr", tx.ultimate_debtor, f"{where}.ultimate_debtor")
    parts.party(b, node, "InitgPty", tx.initiating_party, f"{where}.initiating_party")
    debtor, creditor = tx.debtor, tx.creditor
    parts.party(b, node, "Dbtr", debtor, f"{where}.debtor", required=True)
    parts.account(b, node, "DbtrAcct", debtor.account, debtor.account_scheme, debtor.account_currency,
                  f"{where}.debtor.account")
    parts.agent(b, node, "DbtrAgt", debtor.agent, f"{where}.debtor.agent", required=True)
    parts.agent_account(b, node, "DbtrAgtAcct", debtor.agent, f"{where}.debtor.agent")
    parts.agent(b, node, "CdtrAgt", creditor.agent, f"{where}.creditor.agent", required=True)
    parts.agent_account(b, node, "CdtrAgtAcct", creditor.agent, f"{where}.creditor.agent")
    parts.party(b, node, "Cdtr", creditor, f"{where}.creditor", required=True)
    parts.account(b, node, "CdtrAcct", creditor.account, creditor.account_scheme, creditor.account_currency,
                  f"{where}.creditor.account")
    parts.party(b, node, "UltmtCdtr", tx.ultimate_creditor, f"{where}.ultimate_creditor")
    parts.instructions_for_creditor_agent(b, node, tx.instructions_for_agents, f"{where}.instructions_for_agents")
    parts.purpose(b, node, tx.purpose, f"{where}.purpose")
    parts.regulatory_reporting(b, node, tx.regulatory_reporting, f"{where}.regulatory_reporting")
    parts.remittance(b, node, tx.remittance, f"{where}.remittance", tx.currency)
