"""CSV exports that a spreadsheet cannot execute.

Audit records carry text that came from payment messages and from users (reasons, names, narratives).
A cell such as `=HYPERLINK("http://x", "click")` or `@SUM(A1)` is run as a formula when an analyst opens
the export in Excel or LibreOffice (CSV/formula injection). Every text cell that starts with one of
`= + - @`, a tab or a carriage return is prefixed with a single quote, the OWASP-recommended neutraliser,
so the spreadsheet shows the text instead of evaluating it. Plain numbers (e.g. `-12.50`) are left alone:
they cannot be formulas and an amount should stay an amount.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")


def neutralise(text: str) -> str:
    """The text a spreadsheet will show as text: quote-prefixed when it could start a formula."""
    if text.startswith(FORMULA_TRIGGERS) and not _PLAIN_NUMBER.match(text):
        return "'" + text
    return text


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (dict, list)):
        return neutralise(json.dumps(value, sort_keys=True, ensure_ascii=False, default=str))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return neutralise(str(value))


def to_safe_csv(rows: Iterable[dict[str, Any]], columns: Sequence[str] | None = None) -> bytes:
    """UTF-8 CSV with a header row; every cell neutralised against formula injection."""
    rows = list(rows)
    cols = list(columns or (rows[0].keys() if rows else []))
    buf = io.StringIO()
    # Every cell quoted: a bare CR inside a field would otherwise be written unquoted and split the row.
    writer = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow([neutralise(c) for c in cols])
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in cols])
    return buf.getvalue().encode("utf-8")
