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


def drop_spaces_before_newlines(value: str) -> str:
    return _TRAILING_SPACE.sub("\n", value)


def _clean(value: str) -> str:
    value = value.rstrip()
    if " \n" in value or "\t\n" in value:
        value = drop_spaces_before_newlines(value)
    return value


def tokenize(text: str, first_line: int, *, bare: bool) -> list[FieldRun]:
    """Split block-4 text into field runs: one run for a braced block 4, one per message for bare text."""
    if _scan_fields is None:
        return _tokenize(text, first_line, bare=bare)
    head, tokens = _scan_fields(text, first_line)
    runs: list[FieldRun] = []
    current = FieldRun([], first_line, [])
    if head:
        _note_preamble(current, head, first_line)
    if not bare:  # one run: every token, '-' lines as pseudo fields; its line is its first field's
        if tokens and not current.preamble and tokens[0].tag != "-":
            current.line = tokens[0].line
        current.fields = tokens
        return [current] if tokens or current.preamble else []
    for f in tokens:
        tag = f.tag
        if tag == "-":
            if current.fields or current.preamble:
                runs.append(current)
            current = FieldRun([], f.line + 1, [])
            if f.value:
                _note_preamble(current, f.value, f.line)
            continue
        if tag == "20" and any(g.tag == "20" or g.tag[:2] in ("61", "60", "62") for g in current.fields):
            runs.append(current)
            current = FieldRun([], f.line, [])
        if not current.fields and not current.preamble:
            current.line = f.line
        current.fields.append(f)
    if current.fields or current.preamble:
        runs.append(current)
    return runs


def _tokenize(text: str, first_line: int, *, bare: bool) -> list[FieldRun]:
    """`tokenize` in Python: the reference of `_speedups.scan_fields`, used where it is not built."""
    runs: list[FieldRun] = []
    current = FieldRun([], first_line, [])
    line = first_line
    pos = 0
    prev_tag: str | None = None
    prev_start = 0
    prev_line = first_line

    for m in _TOKEN.finditer(text):
        start = m.start()
        line += text.count("\n", pos, start)
        pos = start
        if prev_tag is None:
            if start > prev_start:
                _note_preamble(current, text[prev_start:start], line - text.count("\n", prev_start, start))
        else:  # the previous field's value ends here
            current.fields.append(RawField(prev_tag, _clean(text[prev_start:start]), prev_line))
        tag = m.group(1)
        if tag is None:  # a "-" separator line
            if not bare:
                prev_tag = "-"  # kept as a pseudo field so the family reader can refuse it with a line
                prev_start, prev_line = m.end(), line
                continue
            if current.fields or current.preamble:
                runs.append(current)
            current = FieldRun([], line + 1, [])
            prev_tag = None
            prev_start = m.end()
            continue
        if bare and tag == "20" and any(f.tag == "20" or f.tag[:2] in ("61", "60", "62") for f in current.fields):
            runs.append(current)
            current = FieldRun([], line, [])
        if not current.fields and not current.preamble:
            current.line = line
        prev_tag, prev_start, prev_line = tag, m.end(), line
    if prev_tag is None:
        rest = text[prev_start:]
        if rest.strip():
            _note_preamble(current, rest, line + text.count("\n", pos, prev_start))
    else:
        current.fields.append(RawField(prev_tag, _clean(text[prev_start:]), prev_line))
    if current.fields or current.preamble:
        runs.append(current)
    return runs


try:  # the compiled scanner (parsers/swift/_speedups.c), configured by parsers.swift.mt9xx
    from parsers.swift._speedups import scan_fields as _scan_fields
except ImportError:
    _scan_fields = None


def _note_preamble(run: FieldRun, chunk: str, line: int) -> None:
    for offset, raw in enumerate(chunk.split("\n")):
        if raw.strip():
            run.preamble.append((line + offset, raw.strip()))
