"""Breakdesk parsers: SWIFT MT and ISO 20022 into one canonical model.

Public surface (kept small on purpose; see tests/unit/parsers/test_exports.py):

* `parse(source, filename=...)` / `parse_file(path)` → list of `Message`
* `iter_messages(...)` → the same, lazily
* `validate(message)` → list of `Finding`; `validate_messages(messages)` adds the cross-message checks
* the canonical model classes and the errors
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from breakdesk.parsers import speedups  # noqa: E402  (the public switch of the compiled readers)
from breakdesk.parsers.canonical import (
    Agent,
    Balance,
    BankTransactionCode,
    CancellationAnswer,
    CancellationRequest,
    Entry,
    EntryDetail,
    EntryReferences,
    FreeFormat,
    Header,
    Message,
    Money,
    Party,
    PaymentGroup,
    PaymentReturn,
    PostalAddress,
    Provenance,
    Reason,
    Remittance,
    Statement,
    Status,
    StructuredRemittance,
    Transaction,
    message_json_schema,
)
from breakdesk.parsers.collector import collector_paused
from breakdesk.parsers.errors import (
    EncodingError,
    FieldError,
    ForbiddenCharacterError,
    InputTooLargeError,
    MalformedMessageError,
    MissingFieldError,
    ParseError,
    SchemaViolation,
    TruncatedMessageError,
    UnknownMessageTypeError,
    UnsafeXMLError,
)
from breakdesk.parsers.findings import Finding
from breakdesk.parsers.source import Source, read_source, sniff_syntax

speedups.apply_environment()


def iter_messages(source: Source, *, filename: str | None = None, strict: bool = False) -> Iterator[Message]:
    """Parse MT or MX input lazily. `str` is message text; pass a `Path` for a file.

    Read leniently unless `strict`: in MT a bank's deviation, stray text or an unreadable entry or message,
    in ISO 20022 an unreadable statement entry, becomes a finding on `Message.findings` and the rest of the
    file is read (`parsers.swift.parse_mt`, `parsers.iso20022.parse_mx`)."""
    raw = read_source(source, filename=filename)
    syntax = sniff_syntax(raw.data, filename=raw.filename)
    if syntax == "mt":
        from breakdesk.parsers.swift import parse_mt

        yield from parse_mt(raw.data, filename=raw.filename, strict=strict)
    else:
        from breakdesk.parsers.iso20022 import parse_mx

        yield from parse_mx(raw.data, filename=raw.filename, strict=strict)


def parse(source: Source, *, filename: str | None = None, strict: bool = False) -> list[Message]:
    """Parse every message in `source` (all or nothing: a parse error loses no partial result; what
    lenient reading tolerates or leaves out is on `Message.findings`, see `iter_messages`).

    The cyclic garbage collector is paused meanwhile (see `parsers.collector`): at 100k entries it
    otherwise costs more than the parsing."""
    with collector_paused():
        return list(iter_messages(source, filename=filename, strict=strict))


def parse_file(path: str | Path) -> list[Message]:
    return parse(Path(path))


def validate(message: Message) -> list[Finding]:
    from breakdesk.parsers.validation import validate_message

    return validate_message(message)


def validate_messages(messages: Iterable[Message]) -> list[Finding]:
    """Findings for all messages of one file, including statement chains and duplicate references."""
    from breakdesk.parsers.validation import validate_messages as _validate_messages

    return _validate_messages(messages)


__all__ = [
    "Agent",
    "Balance",
    "BankTransactionCode",
    "CancellationAnswer",
    "CancellationRequest",
    "EncodingError",
    "Entry",
    "EntryDetail",
    "EntryReferences",
    "FieldError",
    "Finding",
    "ForbiddenCharacterError",
    "FreeFormat",
    "Header",
    "InputTooLargeError",
    "MalformedMessageError",
    "Message",
    "MissingFieldError",
    "Money",
    "ParseError",
    "Party",
    "PaymentGroup",
    "PaymentReturn",
    "PostalAddress",
    "Provenance",
    "Reason",
    "Remittance",
    "SchemaViolation",
    "Statement",
    "Status",
    "StructuredRemittance",
    "Transaction",
    "TruncatedMessageError",
    "UnknownMessageTypeError",
    "UnsafeXMLError",
    "iter_messages",
    "message_json_schema",
    "parse",
    "parse_file",
    "validate",
    "validate_messages",
]
