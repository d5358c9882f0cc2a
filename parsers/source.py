"""Reading input: paths, bytes, text or file objects, with a size limit and encoding fallbacks.

MT files come from many bank exports: UTF-8 with or without BOM, latin-1, CRLF or LF. We try the
encodings in a fixed order so the same bytes always decode the same way. XML is handed to lxml as
bytes, because the XML declaration (not us) says how it is encoded.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Literal

from breakdesk.parsers.errors import EncodingError, InputTooLargeError, UnknownMessageTypeError

Source = str | bytes | Path | IO[bytes] | IO[str]
Syntax = Literal["mt", "mx"]

#: Largest input parsed in one go (bytes). Bigger statements go through the streaming reader.
DEFAULT_MAX_BYTES = int(os.environ.get("BREAKDESK_MAX_INPUT_MB", "256")) * 1024 * 1024

MT_ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")


@dataclass(frozen=True)
class RawInput:
    data: bytes
    filename: str | None


def read_source(source: Source, *, filename: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> RawInput:
    """Load any accepted source as bytes, refusing inputs over `max_bytes` before reading them whole."""
    if isinstance(source, Path):
        path = source
        size = path.stat().st_size
        if size > max_bytes:
            raise InputTooLargeError(
                f"file is {size} bytes, over the {max_bytes}-byte limit (use the streaming reader)",
                file=filename or str(path),
            )
        return RawInput(path.read_bytes(), filename or str(path))
    if isinstance(source, bytes):
        data = source
    elif isinstance(source, str):
        data = source.encode("utf-8")
    else:
        chunk = source.read(max_bytes + 1)
        data = chunk.encode("utf-8") if isinstance(chunk, str) else chunk
        filename = filename or getattr(source, "name", None)
    if len(data) > max_bytes:
        raise InputTooLargeError(f"input is over the {max_bytes}-byte limit", file=filename)
    return RawInput(data, filename)


UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def decode_mt(data: bytes, *, filename: str | None = None) -> str:
    """Decode MT bytes: UTF-16 when a byte-order mark says so, else UTF-8 (BOM stripped), then
    Windows-1252, then latin-1.

    UTF-16 without a byte-order mark cannot be told from damage reliably; its every other byte is NUL,
    so it is refused as an encoding error here rather than as NUL characters later."""
    if data[:2] in UTF16_BOMS:
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise EncodingError(
                f"starts with a UTF-16 byte-order mark but is not UTF-16 (byte {exc.start}: {exc.reason})",
                file=filename,
            ) from None
    head = data[:64]
    if head.count(b"\x00") * 3 >= len(head) > 0 and (head[0::2].count(b"\x00") == 0 or head[1::2].count(b"\x00") == 0):
        raise EncodingError("looks like UTF-16 without a byte-order mark; save it as UTF-8 (or UTF-16 with BOM)",
                            file=filename)
    for enc in MT_ENCODINGS:
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise EncodingError("bytes are not UTF-8, Windows-1252 or latin-1", file=filename)  # pragma: no cover


def sniff_syntax(data: bytes, *, filename: str | None = None) -> Syntax:
    """Tell ISO 20022 XML from SWIFT MT by the first meaningful characters."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf").lstrip()
    if head[:2] in UTF16_BOMS:
        # UTF-16 XML or UTF-16 MT: the decoded text tells (an odd cut at 4096 bytes is dropped).
        text = head.decode("utf-16", errors="ignore").lstrip("\ufeff").lstrip()
        if text.startswith("<"):
            return "mx"
    elif head.startswith(b"<"):
        return "mx"
    else:
        text = head.decode("latin-1")
    if text.startswith("{") or text.startswith(":") or "\n:20:" in text or text.startswith("-}") or "{4:" in text:
        return "mt"
    raise UnknownMessageTypeError(
        "neither an ISO 20022 XML document nor SWIFT MT text (expected '<' or '{1:' / ':20:')",
        file=filename,
        line=1,
        fragment=text[:40],
    )
