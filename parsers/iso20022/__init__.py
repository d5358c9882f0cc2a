"""ISO 20022 reader (version-agnostic by local element names)."""

from __future__ import annotations

from collections.abc import Iterator

from parsers.canonical import Message
from parsers.errors import UnknownMessageTypeError


def parse_mx(data: bytes, *, filename: str | None = None) -> Iterator[Message]:
    raise UnknownMessageTypeError("ISO 20022 reading is not available in this build", file=filename)
    yield  # pragma: no cover
