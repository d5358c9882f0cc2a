"""The validation checks, one module per concern.

Two kinds of check:

* message checks look at one message (`Message -> Iterable[Finding]`);
* collection checks compare objects across messages of one file (`Sequence[Message] -> ...`); run
  on a single message they still catch what lies inside it (two statements of one account in one
  camt.053, a duplicate end-to-end id within one pain.001).

`parsers.validation` runs them; add a check by writing a function and listing it here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from breakdesk.parsers.canonical import Message
from breakdesk.parsers.checks.balances import check_balance_continuity, check_statement_chain
from breakdesk.parsers.checks.control_sums import check_message_totals, check_statement_totals
from breakdesk.parsers.checks.currency import check_currencies
from breakdesk.parsers.checks.duplicates import check_duplicate_references
from breakdesk.parsers.checks.identifiers import check_identifiers
from breakdesk.parsers.checks.mt_rules import check_charset, check_mt_mandatory
from breakdesk.parsers.checks.payments import check_payments
from breakdesk.parsers.findings import Finding

MessageCheck = Callable[[Message], Iterable[Finding]]
CollectionCheck = Callable[[Sequence[Message]], Iterable[Finding]]

MESSAGE_CHECKS: tuple[MessageCheck, ...] = (
    check_identifiers,
    check_currencies,
    check_message_totals,
    check_statement_totals,
    check_balance_continuity,
    check_charset,
    check_mt_mandatory,
    check_payments,
)

COLLECTION_CHECKS: tuple[CollectionCheck, ...] = (
    check_statement_chain,
    check_duplicate_references,
)

__all__ = ["COLLECTION_CHECKS", "MESSAGE_CHECKS", "CollectionCheck", "MessageCheck"]
