"""Learning the match scorer from clerks' decisions: train → backtest → a person activates.

Training never changes what the matcher does. It stores a candidate (versioned by the content hash of
its training data) with a backtest on decisions it did not train on: "would have auto-confirmed X
correctly and Y wrongly at threshold T". Only activation — a separate, audited decision by compliance
or an admin — makes `run_matching` use it; deactivating falls back to the fixed weights.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from breakdesk.agents.recon.learning import Decision, LearnedScorer, backtest, fit
from breakdesk.app.services import audit
from breakdesk.app.services.access import require
from breakdesk.app.services.errors import ConflictError, NotFound
from breakdesk.app.store.models import MatchDecision, MatchScorer, MatchSuggestion
from breakdesk.app.store.types import utcnow

MIN_DECISIONS = 40


def labelled_decisions(session: Session) -> list[Decision]:
    """People's final verdicts on suggestions that carry features, oldest first (auto-confirmations excluded)."""
    rows = session.execute(
        select(MatchSuggestion.features, MatchDecision.action)
        .join(MatchDecision, MatchDecision.suggestion_id == MatchSuggestion.id)
        .where(MatchSuggestion.features.is_not(None), MatchDecision.action.in_(("approve", "reject")),
               ~MatchDecision.decided_by.startswith("system:"))
        .order_by(MatchDecision.decided_at, MatchDecision.id)
    ).all()
    # JSON columns store a missing value as JSON null, which `IS NOT NULL` lets through: filter here too.
    return [Decision(features=f, approved=(a == "approve")) for f, a in rows if f]


def train_scorer(session: Session, *, user: str, threshold: float = 0.9, holdout: float = 0.3) -> MatchScorer:
    who = require(session, user, "scorer.train").username
    decisions = labelled_decisions(session)
    if len(decisions) < MIN_DECISIONS:
        raise ConflictError(f"need at least {MIN_DECISIONS} decided suggestions to learn from, have {len(decisions)}")
    cut = int(len(decisions) * (1 - holdout))
    train, test = decisions[:cut], decisions[cut:]  # backtest on the most recent decisions, unseen in training
    try:
        model = fit(train)
    except ValueError as exc:
        raise ConflictError(f"cannot learn from these decisions: {exc}") from exc
    result = backtest(model, test, threshold)
    existing = session.execute(select(MatchScorer).where(MatchScorer.version == model.version)).scalar_one_or_none()
    if existing is not None:
        return existing
    row = MatchScorer(version=model.version, model=model.to_bytes(), meta=model.metadata(),
                      backtest={"threshold": threshold, "auto_correct": result.auto_correct, "auto_wrong": result.auto_wrong,
                                "total": result.total, "approved_total": result.approved_total, "text": str(result)},
                      trained_by=who)
    session.add(row)
    session.flush()
    audit.append(session, actor=who, action="scorer.train", object_type="match_scorer", object_id=row.id,
                 after={"version": row.version, "n_train": len(train), "backtest": row.backtest})
    return row


def activate_scorer(session: Session, *, version: str | None, user: str, reason: str) -> MatchScorer | None:
    """Make `version` the scorer the matcher uses (None: back to the fixed weights). Audited."""
    who = require(session, user, "scorer.activate").username
    if not (reason or "").strip():
        raise ValueError("activating a scorer needs a reason")
    target = None
    if version is not None:
        target = session.execute(select(MatchScorer).where(MatchScorer.version == version).with_for_update()).scalar_one_or_none()
        if target is None:
            raise NotFound(f"no scorer {version}")
    previous = session.execute(select(MatchScorer).where(MatchScorer.active.is_(True)).with_for_update()).scalars().all()
    for row in previous:
        row.active = False
    if target is not None:
        target.active, target.activated_by, target.activated_at = True, who, utcnow()
    session.flush()
    audit.append(session, actor=who, action="scorer.activate", object_type="match_scorer",
                 object_id=target.id if target else None,
                 before={"active": [r.version for r in previous]}, after={"active": version}, reason=reason)
    return target


def active_scorer(session: Session) -> tuple[str, LearnedScorer] | None:
    row = session.execute(select(MatchScorer).where(MatchScorer.active.is_(True))).scalar_one_or_none()
    return (row.version, LearnedScorer.from_bytes(row.model)) if row else None


def list_scorers(session: Session) -> list[dict[str, Any]]:
    return [{"version": r.version, "active": r.active, "trained_by": r.trained_by, "trained_at": r.trained_at,
             "activated_by": r.activated_by, "backtest": r.backtest["text"]}
            for r in session.execute(select(MatchScorer).order_by(MatchScorer.id)).scalars()]
