"""NUL and other control characters in text data: found, located and refused, never stored.

No payment format carries them inside a value: SWIFT FIN allows CR and LF only (the X and Z character
sets), a ledger CSV is text. A NUL in a :86: line or a ledger cell is damage (a bad export, a binary
file renamed, an attack), and PostgreSQL cannot store it at all: a text value with NUL used to crash
the import with a traceback. So the readers look for them once, over the whole decoded text, and raise
`ForbiddenCharacterError` with the line (and, for MT, the field tag). Tab is not refused: exports
align columns with it and it carries no hidden meaning. Host-to-host framing (SOH/ETX around an MT
message, mBank) is removed by a documented processor before the check.
"""

from __future__ import annotations

import re

from breakdesk.parsers.errors import ForbiddenCharacterError

#: C0 controls except TAB, LF and CR, plus DEL.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_MT_FIELD = re.compile(r"^:([0-9]{2}[A-Z]?|NS):", re.M)


def describe(char: str) -> str:
    """`NUL (U+0000)`, `control character U+001B` …: how a message names the character."""
    code = f"U+{ord(char):04X}"
    return f"NUL ({code})" if char == "\x00" else f"control character {code}"


def refuse_controls(text: str, *, file: str | None, mt_fields: bool = False) -> None:
    """Raise `ForbiddenCharacterError` at the first control character of `text` (newlines already LF).

    `mt_fields` names the MT field the character sits in (the last `:TAG:` line before it)."""
    m = CONTROL.search(text)
    if m is None:
        return
    pos = m.start()
    line = text.count("\n", 0, pos) + 1
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    fragment = text[start : end if end >= 0 else len(text)]
    tag = None
    if mt_fields:
        last = None
        for last in _MT_FIELD.finditer(text, 0, pos + 1):
            pass
        tag = last.group(1) if last is not None else None
    raise ForbiddenCharacterError(
        f"{describe(m.group())} at column {pos - start + 1}: control characters are not data",
        file=file, line=line, tag=tag, fragment=fragment,
    )
