"""SWIFT MT reader (blocks 1-5, field grammar, one module per message family)."""

from __future__ import annotations

from collections.abc import Iterator

from parsers.canonical import Message
from parsers.errors import UnknownMessageTypeError


def parse_mt(data: bytes, *, filename: str | None = None) -> Iterator[Message]:
    raise UnknownMessageTypeError("SWIFT MT reading is not available in this build", file=filename)
    yield  # pragma: no cover
