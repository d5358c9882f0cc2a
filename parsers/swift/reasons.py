"""Reason codes written inside free text (:79:, :76:, :72:), found by pattern, never by a lookup of
external files: ISO external codes look like `AC01`/`AM04`, cancellation reasons are four letters."""

from __future__ import annotations

import re

#: ISO 20022 cancellation reason codes used in MT192/292 and camt.056 (ExternalCancellationReason1Code).
CANCELLATION_REASONS = frozenset({"AGNT", "AM09", "COVR", "CURR", "CUST", "CUTA", "DUPL", "FRAD", "FRTR", "INDM", "NOAS", "NOOR", "PAID", "SYAD", "TECH", "UPAY"})

_LEADING_CODE = re.compile(r"\s*/?([A-Z]{4}|[A-Z]{2}\d{2})/?(?=\s|$)")
_SLASHED_ISO = re.compile(r"/([A-Z]{2}\d{2})/")
_SAID_ISO = re.compile(r"\bREASON(?:\s+CODE)?\s*[:=]?\s*([A-Z]{2}\d{2})\b", re.I)


def leading_code(text: str) -> str | None:
    """The code a narrative starts with: `/DUPL/ Duplicate…`, `DUPL`, `/CNCL/`, `CANC`."""
    m = _LEADING_CODE.match(text)
    return m.group(1) if m else None


def mentioned_codes(text: str) -> list[str]:
    """ISO reason codes a free text mentions (`/AC01/`, `REASON CODE AC03`), in order, without repeats."""
    found: list[str] = []
    for rx in (_SLASHED_ISO, _SAID_ISO):
        for m in rx.finditer(text):
            code = m.group(1).upper()
            if code not in found:
                found.append(code)
    lead = leading_code(text)
    if lead and lead in CANCELLATION_REASONS and lead not in found:
        found.insert(0, lead)
    return found
