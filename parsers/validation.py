"""Validation of canonical messages into structured findings (never exceptions).

`validate_message` checks one message; `validate_messages` checks a file: every message, plus what
only shows across messages (statement chains, duplicate references). The checks live in
`parsers.checks`, one module per concern.

Finding codes (stable: the agent, the UI and the evals key on them):

    BANK_DEVIATION          warning: a known bank quirk the reader tolerated       parsers.swift.processors
    TEXT_OUTSIDE_FIELDS     warning: stray text kept, not read as data              parsers.swift (lenient)
    UNKNOWN_FIELD           warning: a field that does not belong, kept, not read   parsers.swift (lenient)
    UNREADABLE_ENTRY        error: a statement line left out, its text kept         parsers.swift (lenient)
    UNREADABLE_MESSAGE      error: a message left out, its error and text kept      parsers.swift (lenient)

    IBAN_INVALID            error (scheme IBAN) / warning (only IBAN-shaped)     checks.identifiers
    BIC_INVALID             error; BIC_TEST info for test BICs (location x0)     checks.identifiers
    CURRENCY_UNKNOWN        error: not ISO 4217, or an amount without currency  checks.currency
    CURRENCY_PRECISION      error: more decimals than the minor unit            checks.currency
    NB_OF_TXS_MISMATCH      error: GrpHdr/PmtInf NbOfTxs vs items                checks.control_sums
    CTRL_SUM_MISMATCH       error: GrpHdr/PmtInf CtrlSum vs amounts              checks.control_sums
    SUMMARY_MISMATCH        error: TxsSummry / MT942 90D-90C vs entries          checks.control_sums
    BATCH_MISMATCH          error: Btch NbOfTxs or TxDtls amounts vs the entry   checks.control_sums
    BALANCE_DISCONTINUITY   error: opening ± booked entries ≠ closing            checks.balances
    STATEMENT_CHAIN_BREAK   error: closing ≠ next statement's opening            checks.balances
    DUPLICATE_REFERENCE     warning: EndToEndId/InstrId/UETR/AcctSvcrRef reused  checks.duplicates
    CHARSET                 warning: outside the SWIFT X set (MT only)           checks.mt_rules
    MANDATORY_MISSING       error: MT103 mandatory field absent                  checks.mt_rules
    CREDITOR_ACCOUNT_MISSING / CREDITOR_AGENT_MISSING   error or warning         checks.payments
    UETR_MISSING / UETR_INVALID                          error (MX) / warning (MT)  checks.payments
    WEEKEND_DATE            info: execution/settlement date on a weekend         checks.payments
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from breakdesk.parsers.canonical import Message
from breakdesk.parsers.checks import COLLECTION_CHECKS, MESSAGE_CHECKS
from breakdesk.parsers.findings import Finding


def validate_message(message: Message) -> list[Finding]:
    """All findings for one message, in check order."""
    return _run([message])


def validate_messages(messages: Iterable[Message]) -> list[Finding]:
    """All findings for the messages of one file: per message, then across messages."""
    return _run(list(messages))


def _run(messages: Sequence[Message]) -> list[Finding]:
    findings: list[Finding] = []
    for message in messages:
        findings.extend(message.findings)  # what the reader tolerated or left out, where it did
        for check in MESSAGE_CHECKS:
            findings.extend(check(message))
    for collection_check in COLLECTION_CHECKS:
        findings.extend(collection_check(messages))
    return findings


__all__ = ["validate_message", "validate_messages"]
