"""Field tokenizer: block-4 text → `RawField(tag, value, line)`, in one regex pass.

A field starts at a line beginning with `:TAG:` (two digits and an optional option letter, or the
few non-standard tags banks emit such as `:NS:` and Rabobank's `:940:` header). Its value runs to the
next field and may span lines. Trailing spaces and trailing blank lines are dropped: SWIFT gives
them no meaning and bank exports add them freely.

Bare block-4 text (no braces) holds several messages: a line that is only `-` (or `-}`, when an
export dropped the `{4:` but kept the terminator) ends one, and a new `:20:` starts the next one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOKEN = re.compile(r"^(?::([0-9]{2}[A-Z]?|[A-Z]{2}|[0-9]{3}):|-\}?[ \t]*$)", re.M)
_TRAILING_SPACE = re.compile(r"[ \t]+\n")


@dataclass(slots=True)
class RawField:
    tag: str
    value: str
    line: int

    @property
    def number(self) -> str:
        """The tag without its option letter ("50" for "50K")."""
        return self.tag[:2]

    @property
    def option(self) -> str:
        return self.tag[2:]


@dataclass(slots=True)
class FieldRun:
    """The fields of one message, with the stray text found before its first field (if any)."""

    fields: list[RawField]
    line: int
    preamble: list[tuple[int, str]]
    #: Bare text: a '-' line ended the run (its end is proven). A braced block 4 always has its '-}'.
    closed: bool = False


def drop_spaces_before_newlines(value: str) -> str:
    return _TRAILING_SPACE.sub("\n", value)


def _clean(value: str) -> str:
    value = value.rstrip()
    if " \n" in value or "\t\n" in value:
        value = drop_spaces_before_newlines(value)
    return value


def tokenize(text: str, first_line: int, *, bare: bool) -> list[FieldRun]:
    """Split block-4 text into field runs: one run for a braced block 4, one per message for bare text."""
    head, tokens = (_scan_fields or scan)(text, first_line)
    current = FieldRun([], first_line, [])
    if head:
        _note_preamble(current, head, first_line)
    if not bare:  # one run: every token, '-' lines as pseudo fields; its line is its first field's
        if tokens and not current.preamble and tokens[0].tag != "-":
            current.line = tokens[0].line
        current.fields = tokens
        current.closed = True
        return [current] if tokens or current.preamble else []
    runs: list[FieldRun] = []
    for f in tokens:
        if f.tag == "-":  # ends a message; text after it on its lines is stray
            if current.fields or current.preamble:
                current.closed = True
                runs.append(current)
            current = FieldRun([], f.line + 1, [])
            if f.value:
                _note_preamble(current, f.value, f.line)
            continue
        if f.tag == "20" and any(g.tag == "20" or g.tag[:2] in ("61", "60", "62") for g in current.fields):
            runs.append(current)
            current = FieldRun([], f.line, [])
        if not current.fields and not current.preamble:
            current.line = f.line
        current.fields.append(f)
    if current.fields or current.preamble:
        runs.append(current)
    return runs


def scan(text: str, first_line: int) -> tuple[str, list[RawField]]:
    """(the text before the first field, every `:TAG:` field and `-` line (tag "-") with its cleaned
    value and line), in one regex pass: the reference of the compiled `_speedups.scan_fields`."""
    tokens: list[RawField] = []
    line, pos = first_line, 0
    head_end = len(text)
    prev: tuple[str, int, int] | None = None  # (tag, where its value starts, its line)
    for m in _TOKEN.finditer(text):
        start = m.start()
        line += text.count("\n", pos, start)
        pos = start
        if prev is None:
            head_end = start
        else:
            tokens.append(RawField(prev[0], _clean(text[prev[1] : start]), prev[2]))
        prev = (m.group(1) or "-", m.end(), line)
    if prev is not None:
        tokens.append(RawField(prev[0], _clean(text[prev[1] :]), prev[2]))
    return text[:head_end], tokens


try:  # the compiled scanner (parsers/swift/_speedups.c), configured by parsers.swift.mt9xx
    from breakdesk.parsers.swift._speedups import scan_fields as _scan_fields
except ImportError:
    _scan_fields = None


def _note_preamble(run: FieldRun, chunk: str, line: int) -> None:
    for offset, raw in enumerate(chunk.split("\n")):
        if raw.strip():
            run.preamble.append((line + offset, raw.strip()))
