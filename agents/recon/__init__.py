"""Deterministic reconciliation matcher: bank statement lines against book items.

No LLM and no database here: graph nodes, services and the CLI call these functions.
"""

from breakdesk.agents.recon.config import MatchConfig, Weights
from breakdesk.agents.recon.engine import explain_pair, match
from breakdesk.agents.recon.items import (
    BankItem,
    BatchDetail,
    BookItem,
    bank_items_from_messages,
    book_items_from_messages,
)
from breakdesk.agents.recon.ledger import LedgerError, LedgerLine, book_items_from_ledger_csv, read_ledger_csv
from breakdesk.agents.recon.results import BREAK_CLASSES, Break, MatchResult, Reason, Suggestion

__all__ = [
    "BREAK_CLASSES",
    "BankItem",
    "BatchDetail",
    "BookItem",
    "Break",
    "LedgerError",
    "LedgerLine",
    "MatchConfig",
    "MatchResult",
    "Reason",
    "Suggestion",
    "Weights",
    "bank_items_from_messages",
    "book_items_from_ledger_csv",
    "book_items_from_messages",
    "explain_pair",
    "match",
    "read_ledger_csv",
]
