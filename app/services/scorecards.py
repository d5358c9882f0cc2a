"""Approving an evaluation scorecard as the new baseline is a person's decision: role-checked and audited."""

from __future__ import annotations

from sqlalchemy.orm import Session

from breakdesk.app.services import audit
from breakdesk.app.services.access import require
from breakdesk.app.services.errors import ConflictError, InvalidInput, NotFound
from breakdesk.app.store.models import Scorecard, User
from breakdesk.app.store.repositories.locks import lock_by_id
from breakdesk.app.store.types import utcnow


def approve_scorecard(session: Session, *, scorecard_id: int, user: str | User, reason: str | None = None,
                      accept_failed: bool = False) -> Scorecard:
    """Every approval gives a reason (it is what an auditor reads); a run its gate failed becomes the
    baseline only with `accept_failed` (the regression then becomes what later runs are held to)."""
    who = require(session, user, "scorecard.approve").username
    card = lock_by_id(session, Scorecard, row_id=scorecard_id)
    if card is None:
        raise NotFound(f"no scorecard {scorecard_id}")
    if card.approved_by is not None:
        if card.approved_by == who:
            return card
        raise ConflictError(f"scorecard {scorecard_id} was already approved by {card.approved_by}")
    if not (reason or "").strip():
        raise InvalidInput(f"approving scorecard {scorecard_id} as a baseline needs a reason (kept in the audit log)")
    if card.passed is False and not accept_failed:
        raise ConflictError(f"scorecard {scorecard_id} FAILED its gate ({failed_metrics(card) or 'see its metrics'}); "
                            "approving it makes the regression the baseline: confirm with --accept-failed "
                            "(web UI: 'approve although it failed')")
    card.approved_by = who
    card.approved_at = utcnow()
    session.flush()
    audit.append(session, actor=who, action="scorecard.approve", object_type="scorecard", object_id=card.id,
                 after={"suite": card.suite, "model": card.model, "prompt_hashes": card.prompt_hashes, "passed": card.passed,
                        "accepted_failed": card.passed is False},
                 reason=reason)
    return card


def failed_metrics(card: Scorecard) -> str:
    """The gate's failing metrics of a scorecard, as people read them ("ragas_rouge_l 0.212 < 0.253")."""
    bits = []
    for name, m in ((card.payload or {}).get("metrics") or {}).items():
        if isinstance(m, dict) and m.get("passed") is False:
            bits.append(f"{name} {m.get('value'):.3f}" if isinstance(m.get("value"), float) else name)
    for v in (card.payload or {}).get("gate") or []:
        if isinstance(v, dict) and v.get("verdict") in ("REGRESSION", "regression", "fail", "FAIL"):
            bits.append(f"{v.get('metric')}: {v.get('reason') or v.get('verdict')}")
    return "; ".join(bits)
