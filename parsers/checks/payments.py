"""Payment-specific rules for pain.001, pacs.008/009 and MT103/202.

* The creditor must be reachable: an account (except cheques), and for interbank messages a creditor
  agent (pacs.008 CdtrAgt is mandatory). A pain.001 may omit the creditor agent only under the SEPA
  IBAN-only rule (EUR to an IBAN); outside it the debtor's bank cannot route the payment.
* CBPR+ makes the UETR mandatory for pacs.008/pacs.009 on the SWIFT network (with a business
  application header); SWIFT gpi made field 121 mandatory in block 3 of MT103/202/202COV in 2018.
* A settlement or execution date on a weekend is legal but usually moves to the next business day:
  worth an info, not a warning.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from breakdesk.parsers.canonical import Agent, Message, Provenance, Transaction
from breakdesk.parsers.checks._common import finding
from breakdesk.parsers.findings import Finding

_UETR = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
_PAYMENT_FAMILIES = {"pain.001", "pacs.008", "MT103"}
_UETR_MX = {"pacs.008", "pacs.009"}
_UETR_MT = {"MT103", "MT202", "MT202COV", "MT205", "MT205COV"}


def _agent_identified(agent: Agent | None) -> bool:
    return bool(agent and (agent.bic or agent.clearing_system_member_id))


def _creditor_findings(message: Message, tx: Transaction, field: str) -> Iterator[Finding]:
    family = message.family
    creditor = tx.creditor
    if not creditor.account and (tx.payment_method or "").upper() != "CHK":
        yield finding(
            "error" if family == "pain.001" else "warning", "CREDITOR_ACCOUNT_MISSING",
            f"{family}: the creditor has no account", creditor.provenance,
            fallback=tx.provenance, field=f"{field}.creditor.account",
        )
    if _agent_identified(creditor.agent):
        return
    is_iban = (creditor.account_scheme or "").upper() == "IBAN"
    if family == "pacs.008":
        severity, why = "error", "CdtrAgt is mandatory in pacs.008"
    elif family == "pain.001" and creditor.account and not is_iban:
        severity, why = "error", "a non-IBAN account needs the creditor agent's BIC or clearing id"
    elif family == "pain.001" and creditor.account and tx.currency != "EUR":
        severity, why = "warning", "IBAN-only is a SEPA (EUR) rule; other currencies need the creditor agent"
    else:
        return
    yield finding(
        severity, "CREDITOR_AGENT_MISSING", f"{family}: creditor agent BIC missing ({why})",
        creditor.provenance, fallback=tx.provenance, field=f"{field}.creditor.agent.bic",
    )


def _uetr_findings(message: Message, tx: Transaction, field: str) -> Iterator[Finding]:
    if tx.uetr:
        if not _UETR.match(tx.uetr):
            yield finding("error", "UETR_INVALID", f"UETR {tx.uetr!r} is not a lower-case UUID version 4",
                          tx.provenance, fallback=message.provenance, field=f"{field}.uetr", value=tx.uetr)
        return
    if message.family in _UETR_MX and message.header.has_application_header:
        yield finding("error", "UETR_MISSING", f"{message.family} with a business application header must "
                      "carry a UETR (CBPR+)", tx.provenance, fallback=message.provenance, field=f"{field}.uetr")
    elif message.family.upper() in _UETR_MT and message.header.sender_bic and not message.header.uetr:
        yield finding("warning", "UETR_MISSING", f"{message.family} has no field 121 UETR in block 3 "
                      "(mandatory on FIN since SWIFT gpi, November 2018)", tx.provenance,
                      fallback=message.provenance, field=f"{field}.uetr")


def _weekend(day: date | None, label: str, where: Provenance, field: str) -> Iterator[Finding]:
    if day is not None and day.weekday() >= 5:
        yield finding("info", "WEEKEND_DATE", f"{label} {day.isoformat()} is a {day.strftime('%A')}",
                      where, fallback=where, field=field, value=day.isoformat())


def check_payments(message: Message) -> Iterator[Finding]:
    if message.kind != "payment":
        return
    group_dates = {g.payment_info_id: g.requested_execution_date for g in message.payment_groups}
    for g, group in enumerate(message.payment_groups):
        yield from _weekend(group.requested_execution_date, "requested execution date", group.provenance,
                            f"payment_groups[{g}].requested_execution_date")
    yield from _weekend(message.header.settlement_date, "interbank settlement date", message.provenance,
                        "header.settlement_date")
    for i, tx in enumerate(message.transactions):
        field = f"transactions[{i}]"
        if message.family in _PAYMENT_FAMILIES:
            yield from _creditor_findings(message, tx, field)
        yield from _uetr_findings(message, tx, field)
        if tx.requested_execution_date != group_dates.get(tx.payment_info_id):
            yield from _weekend(tx.requested_execution_date, "requested execution date", tx.provenance,
                                f"{field}.requested_execution_date")
        if tx.settlement_date != message.header.settlement_date:
            yield from _weekend(tx.settlement_date, "settlement date", tx.provenance, f"{field}.settlement_date")
