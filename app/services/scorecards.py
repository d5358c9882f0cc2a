"""Approving an evaluation scorecard as the new baseline is a person's decision: role-checked and audited."""

from __future__ import annotations

from sqlalchemy.orm import Session

from breakdesk.app.services import audit
from breakdesk.app.services.access import require
from breakdesk.app.services.errors import ConflictError, NotFound
from breakdesk.app.store.models import Scorecard, User
from breakdesk.app.store.repositories.locks import lock_by_id
from breakdesk.app.store.types import utcnow


def approve_scorecard(session: Session, *, scorecard_id: int, user: str | User, reason: str | None = None) -> Scorecard:
    who = require(session, user, "scorecard.approve").username
    card = lock_by_id(session, Scorecard, row_id=scorecard_id)
    if card is None:
        raise NotFound(f"no scorecard {scorecard_id}")
    if card.approved_by is not None:
        if card.approved_by == who:
            return card
        raise ConflictError(f"scorecard {scorecard_id} was already approved by {card.approved_by}")
    card.approved_by = who
    card.approved_at = utcnow()
    session.flush()
    audit.append(session, actor=who, action="scorecard.approve", object_type="scorecard", object_id=card.id,
                 after={"suite": card.suite, "model": card.model, "prompt_hashes": card.prompt_hashes, "passed": card.passed},
                 reason=reason)
    return card
