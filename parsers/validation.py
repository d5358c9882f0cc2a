"""Validation of canonical messages into structured findings (never exceptions).

`validate_message` checks one message; `validate_messages` checks a file: every message, plus what
only shows across messages (statement chains, duplicate references). The checks live in
`parsers.checks`, one module per concern.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from parsers.canonical import Message
from parsers.checks import COLLECTION_CHECKS, MESSAGE_CHECKS
from parsers.findings import Finding


def validate_message(message: Message) -> list[Finding]:
    """All findings for one message, in check order."""
    return _run([message])


def validate_messages(messages: Iterable[Message]) -> list[Finding]:
    """All findings for the messages of one file: per message, then across messages."""
    return _run(list(messages))


def _run(messages: Sequence[Message]) -> list[Finding]:
    findings: list[Finding] = []
    for message in messages:
        for check in MESSAGE_CHECKS:
            findings.extend(check(message))
    for collection_check in COLLECTION_CHECKS:
        findings.extend(collection_check(messages))
    return findings


__all__ = ["validate_message", "validate_messages"]
