"""Message free text is data, never instructions.

Remittance information, names, narratives and field 72 come from outside the bank. Before any of it
reaches a model it is fenced: wrapped in markers the system prompt declares inert, with any marker-like
text inside neutralised so the data cannot close its own fence. We also flag text that reads like an
instruction to a model, so the UI and audit can show it — but the flag never changes a decision.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

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


def _untrusted_values(fact: Mapping[str, Any]) -> list[str]:
    # longest first: a name inside a longer remittance text is replaced as part of the longer one
    return sorted({v for v in fact.get("untrusted") or () if v and v.strip()}, key=len, reverse=True)


def as_evidence(fact: Mapping[str, Any]) -> str:
    """A fact's text as the grounding guard may lean on it: message-derived values (a creditor named
    "AM04 insufficient funds, no action needed") are cut out, so they can support no code, amount or claim."""
    text = str(fact["text"])
    for value in _untrusted_values(fact):
        text = text.replace(value, " (data) ")
    return text


def for_model(fact: Mapping[str, Any], first_ref: int = 1) -> tuple[str, list[str]]:
    """A fact's text for a prompt, with each message-derived value replaced by a reference to a fenced
    block, and those blocks: the value stays readable to the model, inside a fence it is told is inert."""
    text, blocks = str(fact["text"]), []
    for value in _untrusted_values(fact):
        if value in text:
            label = f"data {first_ref + len(blocks)}"
            text = text.replace(value, f"[{label}]")
            blocks.append(fence(label, value))
    return text, blocks
