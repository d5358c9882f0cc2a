"""Explanations: the deterministic one (always available) and the LLM one (shown only if grounded)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from breakdesk.agents.case_view import payment_label
from breakdesk.agents.diagnosis import RECON_BREAKS
from breakdesk.agents.grounding import GroundingResult, check_grounding
from breakdesk.agents.llm import CallRecorder, LLMError, Provider, generate
from breakdesk.agents.llm.fencing import as_evidence, fence, for_model, looks_like_injection
from breakdesk.agents.prompts import load_prompt
from breakdesk.agents.recall_outcome import recall_outcome


@dataclass
class Explanation:
    answer: str
    provider: str
    grounded: bool
    note: str | None
    citations: list[str]


def facts_block(facts: list[dict[str, Any]], free_text: dict[str, str] | None = None) -> str:
    """The facts for a prompt: each message-derived value (a name, a remittance) fenced as data."""
    lines, blocks = [], []
    for f in facts:
        text, fenced = for_model(f, len(blocks) + 1)
        lines.append(f"- {text} (source: {f['source']})")
        blocks += fenced
    for label, text in (free_text or {}).items():
        blocks.append(fence(label, text))
    return "\n".join(lines + blocks) or "- (no facts)"


#: How much reference text a provider is given: (passages, characters each). A 135M-parameter model on a
#: CPU pays for every prompt token and gains nothing from more than the two best passages.
CONTEXT_BUDGET = {"local": (2, 400)}
DEFAULT_BUDGET = (5, 900)


def passages_block(passages: list[dict[str, Any]], budget: tuple[int, int] = DEFAULT_BUDGET) -> str:
    count, chars = budget
    return "\n\n".join(f"[{p['citation_id']}] {p.get('title', '')}\n{p['text'][:chars]}" for p in passages[:count]) or "(none)"


def guarded_generate(
    provider: Provider,
    prompt_name: str,
    values: dict[str, str],
    passages: list[dict[str, Any]],
    *,
    evidence: list[str],
    case_id: str | None = None,
    recorder: CallRecorder | None = None,
    mask_names: tuple[str, ...] = (),
) -> tuple[str, GroundingResult]:
    """The model's answer and the grounding guard's verdict on it, checked against exactly the passages
    the provider's budget let it see. Raises `LLMError`; the caller falls back to its deterministic answer."""
    budget = CONTEXT_BUDGET.get(provider.name, DEFAULT_BUDGET)
    shown = passages[: budget[0]]
    gen = generate(provider, load_prompt(prompt_name), {**values, "passages": passages_block(shown, budget)},
                   case_id=case_id, recorder=recorder, mask_names=mask_names)
    return gen.text, check_grounding(gen.text, facts=evidence, passages={p["citation_id"]: p["text"] for p in shown})


#: How the first sentence says what happened to the payment (the golden answers' wording).
_HAPPENED = {"rejected": "was rejected", "returned": "was returned", "recall": "is subject to a recall"}


def deterministic_answer(case: dict[str, Any], diagnosis: dict[str, Any], passages: list[dict[str, Any]]) -> tuple[str, list[str]]:
    pay = case.get("payment") or {}
    ref = payment_label(pay) or case["case_id"]
    amount = f"{case.get('currency') or ''} {case.get('amount') or ''}".strip()
    cite_ids = [p["citation_id"] for p in passages]
    preferred = diagnosis.get("citation_id") if diagnosis.get("citation_id") in cite_ids else (cite_ids[0] if cite_ids else None)
    cite = f" [{preferred}]" if preferred else ""
    kind = case["kind"]
    if kind in RECON_BREAKS:
        first = f"Reconciliation break on {ref}" + (f" ({amount})" if amount else "") + f": {diagnosis.get('meaning')}{cite}"
    else:
        code = diagnosis.get("reason_code")
        meaning = (diagnosis.get("meaning") or "").rstrip(". ")
        happened = _HAPPENED.get(kind, f"was {kind}")
        first = (f"Payment {ref}" + (f" ({amount})" if amount else "") + f" {happened}"
                 + (f" with reason code {code}: {meaning}" if code else " without a reason code") + f".{cite}")
    parts = [first if first.endswith(("]", ".")) else first + "."]
    outcome = recall_outcome(case.get("lifecycle") or []) if kind == "recall" else None
    if outcome is not None and outcome.adds_to(case):
        parts.append(outcome.sentence())
    if diagnosis.get("root_cause"):
        parts.append(f"Likely cause: {diagnosis['root_cause']}")
    parts.append(f"Retry class: {diagnosis.get('retry_class', 'human')}.")
    if diagnosis.get("what_to_check"):
        parts.append("Check: " + "; ".join(diagnosis["what_to_check"][:3]) + ".")
    used = [preferred] if preferred else []
    return " ".join(p.strip() for p in parts), used


def explain_case(
    case: dict[str, Any],
    diagnosis: dict[str, Any],
    passages: list[dict[str, Any]],
    *,
    provider: Provider,
    recorder: CallRecorder | None = None,
) -> Explanation:
    fallback, fallback_cites = deterministic_answer(case, diagnosis, passages)
    injected = any(looks_like_injection(t) for t in (case.get("free_text") or {}).values())
    if provider.chat is None:
        return Explanation(fallback, "none", True, None, fallback_cites)
    facts = facts_block(case.get("facts", []), case.get("free_text")) + "\n" + "\n".join(
        f"- Diagnosis: {k} = {v}" for k, v in diagnosis.items() if k in ("reason_code", "meaning", "retry_class", "root_cause") and v)
    evidence = [as_evidence(f) for f in case.get("facts", [])] + [f"{k} {v}" for k, v in diagnosis.items() if isinstance(v, str)]
    try:
        text, check = guarded_generate(provider, "explain_case", {"facts": facts, "kind": case["kind"]}, passages,
                                       evidence=evidence, case_id=case["case_id"], recorder=recorder,
                                       mask_names=tuple(n for n in _party_names(case) if n))
    except LLMError as exc:
        return Explanation(fallback, provider.label, True, f"The model could not answer ({type(exc).__name__}); "
                           "showing the deterministic explanation.", fallback_cites)
    if not check.grounded:
        note = f"The {provider.label} answer was not supported by the facts ({check.reason}); showing the deterministic explanation."
        if injected:
            note += " The message text contains instruction-like content, treated as data."
        return Explanation(fallback, provider.label, False, note, fallback_cites)
    return Explanation(text, provider.label, True, None, check.citations)


def _party_names(case: dict[str, Any]) -> list[str]:
    orig = case.get("original") or {}
    return [((orig.get(role) or {}).get("name") or "") for role in ("debtor", "creditor", "ultimate_debtor", "ultimate_creditor")]
