"""LLM call log and evaluation scorecards."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from breakdesk.app.store.models import LlmCall, Scorecard


def record_llm_call(
    session: Session, *, prompt_id: str, prompt_hash: str, provider: str, model: str, tokens_in: int | None = None,
    tokens_out: int | None = None, latency_ms: int | None = None, case_id: int | None = None, error: str | None = None,
) -> LlmCall:
    call = LlmCall(prompt_id=prompt_id, prompt_hash=prompt_hash, provider=provider, model=model, tokens_in=tokens_in,
                   tokens_out=tokens_out, latency_ms=latency_ms, case_id=case_id, error=error)
    session.add(call)
    session.flush()
    return call


def list_llm_calls(session: Session, *, case_id: int | None = None, limit: int = 200) -> list[LlmCall]:
    q = select(LlmCall).order_by(LlmCall.id.desc()).limit(limit)
    if case_id is not None:
        q = q.where(LlmCall.case_id == case_id)
    return list(session.execute(q).scalars())


def add_scorecard(
    session: Session, *, suite: str, payload: dict[str, Any], prompt_hashes: dict[str, str] | None = None,
    model: str | None = None, passed: bool | None = None,
) -> Scorecard:
    card = Scorecard(suite=suite, payload=payload, prompt_hashes=prompt_hashes or {}, model=model, passed=passed)
    session.add(card)
    session.flush()
    return card


def get_scorecard(session: Session, *, scorecard_id: int) -> Scorecard | None:
    return session.get(Scorecard, scorecard_id)


def latest_approved_scorecard(session: Session, *, suite: str) -> Scorecard | None:
    """The baseline a new run is gated against."""
    return session.execute(
        select(Scorecard).where(Scorecard.suite == suite, Scorecard.approved_at.is_not(None))
        .order_by(Scorecard.approved_at.desc()).limit(1)
    ).scalar_one_or_none()
