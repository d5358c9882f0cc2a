"""Message free text is data, never instructions.

Remittance information, names, narratives and field 72 come from outside the bank. Before any of it
reaches a model it is fenced: wrapped in markers the system prompt declares inert, with any marker-like
text inside neutralised so the data cannot close its own fence. We also flag text that reads like an
instruction to a model, so the UI and audit can show it — but the flag never changes a decision.
"""

from __future__ import annotations

import re
import unicodedata

OPEN = "<<<DATA"
CLOSE = "<<<END DATA>>>"

_INJECTION = re.compile(
    r"(ignore (all |any )?(previous|prior|above) (instructions|prompts?)|disregard .{0,30}instructions|"
    r"you are now|system prompt|approve (this|the) (repair|payment|match)|act as|jailbreak|"
    r"do not (follow|obey)|new instructions?)",
    re.IGNORECASE,
)


def _clean(text: str) -> str:
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    return text.replace("<<<", "«««").replace(">>>", "»»»")


def fence(label: str, text: str | None) -> str:
    label = re.sub(r"[^A-Za-z0-9_ .:-]", "", label)[:40]
    return f"{OPEN} {label}>>>\n{_clean(text or '')}\n{CLOSE}"


def looks_like_injection(text: str | None) -> bool:
    return bool(text and _INJECTION.search(text))
