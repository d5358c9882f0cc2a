"""Validation of canonical messages into structured findings."""

from __future__ import annotations

from parsers.canonical import Message
from parsers.findings import Finding


def validate_message(message: Message) -> list[Finding]:
    return []
