"""Learning the match scorer from clerks' decisions: train → backtest → a person activates.

Training never changes what the matcher does. It stores a candidate (versioned by the content hash of
its training data) with a backtest on decisions it did not train on: "would have auto-confirmed X
correctly and Y wrongly at threshold T". Only activation — a separate, audited decision by compliance
or an admin — makes `run_matching` use it; deactivating falls back to the fixed weights.
"""

from __future__ import annotations

import hashlib
import json
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
    return [d for d, _ in _labelled_rows(session)]


def _labelled_rows(session: Session) -> list[tuple[Decision, Any]]:
    """Each labelled decision with when its suggestion was made (the data's time, for the training window)."""
    rows = session.execute(
        select(MatchSuggestion.features, MatchDecision.action, MatchSuggestion.created_at)
        .join(MatchDecision, MatchDecision.suggestion_id == MatchSuggestion.id)
        .where(MatchSuggestion.features.is_not(None), MatchDecision.action.in_(("approve", "reject")),
               ~MatchDecision.decided_by.startswith("system:"))
        .order_by(MatchDecision.decided_at, MatchDecision.id)
    ).all()
    # JSON columns store a missing value as JSON null, which `IS NOT NULL` lets through: filter here too.
    return [(Decision(features=f, approved=(a == "approve")), at) for f, a, at in rows if f]


def train_scorer(session: Session, *, user: str, threshold: float = 0.9, holdout: float = 0.3) -> MatchScorer:
    who = require(session, user, "scorer.train").username
    labelled = _labelled_rows(session)
    decisions = [d for d, _ in labelled]
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
    times = sorted(at for _, at in labelled if at is not None)
    meta = {**model.metadata(), "training": {
        "data_hash": _data_hash(decisions), "n_train": len(train), "n_test": len(test), "holdout": holdout,
        # the suggestions it learned from were made in this window: the drift reference while it is active
        "window": [times[0].isoformat(), times[-1].isoformat()] if times else None}}
    row = MatchScorer(version=model.version, model=model.to_bytes(), meta=meta,
                      backtest={"threshold": threshold, "auto_correct": result.auto_correct, "auto_wrong": result.auto_wrong,
                                "total": result.total, "approved_total": result.approved_total, "text": str(result)},
                      trained_by=who)
    session.add(row)
    session.flush()
    audit.append(session, actor=who, action="scorer.train", object_type="match_scorer", object_id=row.id,
                 after={"version": row.version, "n_train": len(train), "backtest": row.backtest})
    return row


def _data_hash(decisions: list[Decision]) -> str:
    """SHA-256 of the labelled decisions alone (the version also covers the parameters)."""
    h = hashlib.sha256()
    for d in decisions:
        h.update(json.dumps([sorted((k, float(v)) for k, v in d.features.items()), d.approved]).encode())
    return h.hexdigest()


def compare_backtests(candidate: LearnedScorer, champion: LearnedScorer, *, threshold: float,
                      holdout: float = 0.3, session: Session) -> dict[str, Any]:
    """Both models on the same, most recent decisions (the last `holdout` share): champion/challenger.

    "At least as good" = no more wrong auto-confirmations and no fewer correct ones at the candidate's
    threshold. Comparing each model's own stored backtest would compare different decisions."""
    decisions = labelled_decisions(session)
    test = decisions[int(len(decisions) * (1 - holdout)):]
    new, old = backtest(candidate, test, threshold), backtest(champion, test, threshold)
    return {"decisions": len(test), "threshold": threshold,
            "candidate": {"auto_correct": new.auto_correct, "auto_wrong": new.auto_wrong},
            "active": {"auto_correct": old.auto_correct, "auto_wrong": old.auto_wrong},
            "at_least_as_good": new.auto_wrong <= old.auto_wrong and new.auto_correct >= old.auto_correct}


def activate_scorer(session: Session, *, version: str | None, user: str, reason: str,
                    rollback: bool = False) -> MatchScorer | None:
    """Make `version` the scorer the matcher uses (None: back to the fixed weights). Audited.

    Governance (model-risk rules): whoever trained a version may not activate it (maker-checker); a
    new version must do at least as well as the active one on the same recent decisions; `rollback`
    returns to a version that was active before, without that comparison (the emergency lever), and
    is audited as such."""
    who = require(session, user, "scorer.activate").username
    if not (reason or "").strip():
        raise ValueError("activating a scorer needs a reason")
    target = None
    if version is not None:
        target = session.execute(select(MatchScorer).where(MatchScorer.version == version).with_for_update()).scalar_one_or_none()
        if target is None:
            raise NotFound(f"no scorer {version}")
        if target.trained_by == who:
            raise ConflictError(f"{who} trained scorer {version}; another person must activate it (maker-checker)")
    previous = session.execute(select(MatchScorer).where(MatchScorer.active.is_(True)).with_for_update()).scalars().all()
    comparison = None
    if target is not None and rollback:
        if not _was_active(session, target):
            raise ConflictError(f"scorer {version} was never active; roll back only to an earlier active version")
    elif target is not None and previous and previous[0].id != target.id:
        comparison = compare_backtests(LearnedScorer.from_bytes(target.model), LearnedScorer.from_bytes(previous[0].model),
                                       threshold=float(target.backtest.get("threshold", 0.9)), session=session)
        if not comparison["at_least_as_good"]:
            raise ConflictError(f"scorer {version} does worse than the active {previous[0].version} on the same "
                                f"{comparison['decisions']} recent decisions: {comparison['candidate']} vs {comparison['active']}")
    for row in previous:
        row.active = False
    if target is not None:
        target.active, target.activated_by, target.activated_at = True, who, utcnow()
    session.flush()
    audit.append(session, actor=who, action="scorer.rollback" if rollback else "scorer.activate", object_type="match_scorer",
                 object_id=target.id if target else None,
                 before={"active": [r.version for r in previous]},
                 after={"active": version, "comparison": comparison}, reason=reason)
    return target


def _was_active(session: Session, row: MatchScorer) -> bool:
    from breakdesk.app.store.models import AuditRecord

    if row.activated_at is not None:
        return True
    return session.execute(select(AuditRecord.seq).where(
        AuditRecord.object_type == "match_scorer", AuditRecord.object_id == str(row.id),
        AuditRecord.action.in_(("scorer.activate", "scorer.rollback"))).limit(1)).first() is not None


def active_scorer(session: Session) -> tuple[str, LearnedScorer] | None:
    row = session.execute(select(MatchScorer).where(MatchScorer.active.is_(True))).scalar_one_or_none()
    return (row.version, LearnedScorer.from_bytes(row.model)) if row else None


def list_scorers(session: Session) -> list[dict[str, Any]]:
    return [{"version": r.version, "active": r.active, "trained_by": r.trained_by, "trained_at": r.trained_at,
             "activated_by": r.activated_by, "activated_at": r.activated_at, "backtest": r.backtest["text"],
             "backtest_metrics": {k: v for k, v in r.backtest.items() if k != "text"},
             "params": (r.meta or {}).get("params"), "training": (r.meta or {}).get("training")}
            for r in session.execute(select(MatchScorer).order_by(MatchScorer.id)).scalars()]
