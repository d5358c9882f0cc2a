"""ORM models, split by area. Import from here: `from app.store.models import BankEntry`."""

from breakdesk.app.store.models.audit import GENESIS_HASH, AuditChainHead, AuditRecord
from breakdesk.app.store.models.base import Base
from breakdesk.app.store.models.cases import Case, CaseEvent, CaseIdent, OutboxMessage, Repair
from breakdesk.app.store.models.imports import BankEntry, BookItem, ImportBatch, MessageIdent, StoredMessage
from breakdesk.app.store.models.llm import LlmCall, Scorecard
from breakdesk.app.store.models.matching import (
    Break,
    MatchDecision,
    MatchRun,
    MatchScorer,
    MatchSuggestion,
    suggestion_bank_entries,
    suggestion_book_items,
)
from breakdesk.app.store.models.monitoring import MonitorAlert
from breakdesk.app.store.models.users import ApiToken, User, WebSession

__all__ = [
    "ApiToken",
    "OutboxMessage",
    "GENESIS_HASH",
    "AuditChainHead",
    "AuditRecord",
    "BankEntry",
    "Base",
    "BookItem",
    "Break",
    "Case",
    "CaseEvent",
    "CaseIdent",
    "ImportBatch",
    "LlmCall",
    "MatchDecision",
    "MatchRun",
    "MatchScorer",
    "MatchSuggestion",
    "MessageIdent",
    "MonitorAlert",
    "Repair",
    "Scorecard",
    "StoredMessage",
    "User",
    "WebSession",
    "suggestion_bank_entries",
    "suggestion_book_items",
]
