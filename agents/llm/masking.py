"""Mask account numbers and party names before text leaves the machine; unmask the reply.

Masking is reversible within one call (a per-call token map), so the analyst still sees real values.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# IBAN: country, check digits, 11-30 alphanumerics, optionally grouped by 4 with spaces.
IBAN_RE = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b")


class Masker:
    def __init__(self, names: Iterable[str] = ()) -> None:
        self._forward: dict[str, str] = {}
        self._names = sorted({n.strip() for n in names if n and len(n.strip()) >= 3}, key=len, reverse=True)

    def _token(self, kind: str, value: str) -> str:
        if value not in self._forward:
            n = sum(1 for t in self._forward.values() if t.startswith(f"[{kind}_")) + 1
            self._forward[value] = f"[{kind}_{n}]"
        return self._forward[value]

    def mask(self, text: str) -> str:
        text = IBAN_RE.sub(lambda m: self._token("IBAN", m.group(0)), text)
        for name in self._names:
            pattern = re.compile(re.escape(name), re.IGNORECASE)
            text = pattern.sub(lambda m, n=name: self._token("PARTY", n), text)
        return text

    def unmask(self, text: str) -> str:
        for value, token in self._forward.items():
            text = text.replace(token, value)
        return text

    @property
    def mapping(self) -> dict[str, str]:
        return {t: v for v, t in self._forward.items()}
