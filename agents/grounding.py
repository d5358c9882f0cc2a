"""The grounding guard: generated text is shown as fact only if the case facts and passages support it.

Deterministic on purpose (no second model as judge): a small model paraphrases at best and invents at
worst, so every checkable token — reason codes, amounts, ids, IBANs, dates — must occur in the evidence
(a reason code in the facts, when the facts name any: a passage lists every code, the facts the payment's),
every citation must name a passage we retrieved, and every sentence must share most of its content words
with the evidence. Anything else fails the guard and the deterministic answer is shown instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache

CITATION_RE = re.compile(r"\[([a-z0-9][a-z0-9._-]*#[a-z0-9][a-z0-9._-]*)\]")
CODE_RE = re.compile(r"\b(?:[A-Z]{2}\d{2}|R\d{2}|[A-Z]{4})\b")
AMOUNT_RE = re.compile(r"(?<![\w.])\d{1,3}(?:[,'\u00a0]\d{3})*(?:\.\d+)?(?![\w])|(?<![\w.])\d+\.\d+(?![\w])")
DATE_RE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
ID_RE = re.compile(r"\b(?=[A-Za-z0-9/_-]*\d)(?=[A-Za-z0-9/_-]*[A-Za-z])[A-Za-z0-9][A-Za-z0-9/_-]{5,}\b")
WORD_RE = re.compile(r"[a-zA-Z][a-zA-Z'-]{3,}")
SENTENCE_RE = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\[])")

# Words that carry no claim; everything else in a sentence must be backed by the evidence.
STOPWORDS = frozenset(
    """this that with from have has were was been being which what when where while their there these those
    into onto about above below after before because could would should shall will than then them they
    your yours ours also only just very more most some such each other both either neither does done
    payment payments case analyst please note here following next step steps following therefore however
    according passage passages fact facts message messages field fields says said indicates means mean""".split()
)
# Four-letter uppercase words that are ordinary English or formatting, not ISO codes.
NOT_CODES = frozenset({"THIS", "THAT", "WITH", "FROM", "NOTE", "DATA", "TRUE", "NONE", "NULL", "WHAT", "WHEN"})


@cache
def reason_codes() -> frozenset[str]:
    """Every reason code Breakdesk's catalogue knows (ISO external codes, SWIFT, NACHA, scheme codes)."""
    from breakdesk.agents.diagnosis import load_catalog

    return frozenset(load_catalog())


@dataclass
class GroundingResult:
    grounded: bool
    unsupported_sentences: list[str] = field(default_factory=list)
    unsupported_tokens: list[str] = field(default_factory=list)
    unknown_citations: list[str] = field(default_factory=list)
    citations: list[str] = field(default_factory=list)

    @property
    def reason(self) -> str:
        bits = []
        if self.unsupported_tokens:
            bits.append("unsupported values: " + ", ".join(self.unsupported_tokens[:5]))
        if self.unknown_citations:
            bits.append("unknown citations: " + ", ".join(self.unknown_citations[:5]))
        if self.unsupported_sentences:
            bits.append(f"{len(self.unsupported_sentences)} sentence(s) without support")
        return "; ".join(bits) or "grounded"


def _norm_number(token: str) -> str:
    return re.sub(r"[,'\u00a0]", "", token)


def _numbers_in(text: str) -> set[str]:
    out = set()
    for m in AMOUNT_RE.finditer(text):
        n = _norm_number(m.group(0))
        out.add(n)
        if "." in n:
            out.add(n.rstrip("0").rstrip("."))
    return out


def check_grounding(
    answer: str,
    *,
    facts: Iterable[str],
    passages: Mapping[str, str],
    min_overlap: float = 0.6,
    require_citation: bool = True,
) -> GroundingResult:
    facts = list(facts)
    evidence = "\n".join(facts + list(passages.values()))
    evidence_upper = evidence.upper()
    # A code the facts know of is the payment's own: once the facts name any code, a code found only in a
    # passage (the rulebook lists them all) is not this payment's reason and supports no claim.
    fact_codes = {c for c in CODE_RE.findall("\n".join(facts).upper()) if c in reason_codes()}
    evidence_words = {w.lower() for w in WORD_RE.findall(evidence)}
    evidence_numbers = _numbers_in(evidence)
    result = GroundingResult(grounded=True)

    result.citations = CITATION_RE.findall(answer)
    result.unknown_citations = [c for c in result.citations if c not in passages]
    text = CITATION_RE.sub(" ", answer)

    codes = [c for c in CODE_RE.findall(text) if c not in NOT_CODES]
    if fact_codes:
        foreign = [c for c in dict.fromkeys(codes) if c.upper() in reason_codes() and c.upper() not in fact_codes]
        result.unsupported_tokens += foreign
        codes = [c for c in codes if c not in foreign]
    tokens: list[str] = list(codes)
    tokens += DATE_RE.findall(text)
    tokens += ID_RE.findall(DATE_RE.sub(" ", text))
    for tok in dict.fromkeys(tokens):
        if tok.upper() not in evidence_upper:
            result.unsupported_tokens.append(tok)
    for m in AMOUNT_RE.finditer(DATE_RE.sub(" ", text)):
        n = _norm_number(m.group(0))
        if len(n.replace(".", "")) >= 2 and n not in evidence_numbers and n.rstrip("0").rstrip(".") not in evidence_numbers:
            result.unsupported_tokens.append(m.group(0))

    for sentence in SENTENCE_RE.split(text.strip()):
        words = [w.lower() for w in WORD_RE.findall(sentence) if w.lower() not in STOPWORDS]
        if len(words) < 3:
            continue
        support = sum(1 for w in words if w in evidence_words or w.rstrip("s") in evidence_words)
        if support / len(words) < min_overlap:
            result.unsupported_sentences.append(sentence.strip())

    if require_citation and passages and not [c for c in result.citations if c in passages]:
        result.unknown_citations.append("(no citation of a retrieved passage)")
    result.grounded = not (result.unsupported_tokens or result.unknown_citations or result.unsupported_sentences)
    if not answer.strip():
        result.grounded = False
        result.unsupported_sentences.append("(empty answer)")
    return result
