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
    failed = failed_metrics(card) if card.passed is False else ""
    if failed and not accept_failed:
        raise ConflictError(f"scorecard {scorecard_id} FAILED its gate ({failed}); "
                            "approving it makes the regression the baseline: confirm with --accept-failed "
                            "(web UI: 'approve although it failed')")
    card.approved_by = who
    card.approved_at = utcnow()
    session.flush()
    audit.append(session, actor=who, action="scorecard.approve", object_type="scorecard", object_id=card.id,
                 after={"suite": card.suite, "model": card.model, "prompt_hashes": card.prompt_hashes, "passed": card.passed,
                        "accepted_failed": bool(failed)},
                 reason=reason)
    return card


FAILED_VERDICTS = ("REGRESSION", "BELOW FLOOR", "ABOVE CEILING", "NOT SCORED", "PASS^K LOW", "MISSING")


def failed_metrics(card: Scorecard) -> str:
    """The metrics its gate failed ("ragas_rouge_l: REGRESSION (worse by 0.072)"); empty when the gate
    failed only because the run is not comparable with the baseline (another model, prompt or dataset),
    which is what approving a new baseline is for."""
    payload = card.payload or {}
    gate = payload.get("gate")
    if not isinstance(gate, dict):  # a scorecard without an eval gate's verdict: its metrics say
        bits = [name for name, m in (payload.get("metrics") or {}).items() if isinstance(m, dict) and m.get("passed") is False]
        return ", ".join(bits) or ("the gate failed" if card.passed is False else "")
    if gate.get("problems"):  # not comparable: another model, prompt or dataset
        return ""
    rows = gate.get("rows") or []
    return "; ".join(f"{r.get('metric')}: {r.get('verdict')}" + (f" ({r['detail']})" if r.get("detail") else "")
                     for r in rows if isinstance(r, dict) and r.get("verdict") in FAILED_VERDICTS)
