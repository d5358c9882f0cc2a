"""One way to call a model: render a prompt file, mask if needed, invoke, unmask, record the call."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from typing import Protocol

from langchain_core.messages import HumanMessage, SystemMessage

from breakdesk.agents.llm.errors import LLMError, map_llm_errors
from breakdesk.agents.llm.masking import Masker
from breakdesk.agents.llm.providers import Provider
from breakdesk.agents.prompts import Prompt


@dataclass
class LLMCallRecord:
    prompt_id: str
    prompt_hash: str
    provider: str
    model: str | None
    input_tokens: int | None
    output_tokens: int | None
    latency_ms: int
    case_id: str | None
    ok: bool
    error: str | None = None
    masked: bool = False

    def as_dict(self) -> dict:
        return asdict(self)


class CallRecorder(Protocol):
    """Where call records go; the app layer stores them in the database (agents never import it)."""

    def record(self, call: LLMCallRecord) -> None: ...


class MemoryRecorder:
    def __init__(self) -> None:
        self.calls: list[LLMCallRecord] = []

    def record(self, call: LLMCallRecord) -> None:
        self.calls.append(call)


@dataclass
class Generation:
    text: str
    call: LLMCallRecord


def generate(
    provider: Provider,
    prompt: Prompt,
    values: dict[str, str],
    *,
    case_id: str | None = None,
    recorder: CallRecorder | None = None,
    mask_names: tuple[str, ...] = (),
) -> Generation:
    """Raises `LLMError` (already recorded) on failure; callers fall back to the deterministic answer."""
    if provider.chat is None:
        raise LLMError("provider 'none' generates nothing")
    system, user = prompt.render(**values)
    masker = Masker(mask_names) if provider.mask_pii else None
    if masker:
        system, user = masker.mask(system), masker.mask(user)
    started = time.perf_counter()
    record = LLMCallRecord(
        prompt_id=prompt.id, prompt_hash=prompt.hash, provider=provider.name, model=provider.model,
        input_tokens=None, output_tokens=None, latency_ms=0, case_id=case_id, ok=False, masked=bool(masker),
    )
    try:
        with map_llm_errors(provider.label):
            reply = provider.chat.invoke([SystemMessage(system), HumanMessage(user)])
        text = reply.content if isinstance(reply.content, str) else str(reply.content)
        usage = getattr(reply, "usage_metadata", None) or {}
        record.input_tokens = usage.get("input_tokens")
        record.output_tokens = usage.get("output_tokens")
        record.ok = True
        if masker:
            text = masker.unmask(text)
        return Generation(text=text.strip(), call=record)
    except LLMError as exc:
        record.error = str(exc)[:500]
        raise
    finally:
        record.latency_ms = int((time.perf_counter() - started) * 1000)
        if recorder is not None:
            recorder.record(record)
