"""Match runs, suggestions and breaks: what the matcher (agents/recon) writes and the UI reads.

Writing a suggestion is not a decision: people decide through `app.services.decisions`.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from breakdesk.app.store.models import (
    BankEntry,
    BookItem,
    Break,
    MatchDecision,
    MatchRun,
    MatchSuggestion,
    suggestion_bank_entries,
    suggestion_book_items,
)
from breakdesk.app.store.repositories.chunks import in_chunks
from breakdesk.app.store.types import utcnow

SUGGESTION_STATUSES = ("auto", "review", "none")


def suggestion_link(model: type[BankEntry] | type[BookItem]):
    """The association table that links suggestions to rows of `model`, and its column for their ids."""
    table = suggestion_bank_entries if model is BankEntry else suggestion_book_items
    return table, table.c.bank_entry_id if model is BankEntry else table.c.book_item_id


def create_run(
    session: Session, *, started_by: str, matcher_version: str | None = None, parameters: dict[str, Any] | None = None
) -> MatchRun:
    run = MatchRun(started_by=started_by, matcher_version=matcher_version, parameters=parameters or {})
    session.add(run)
    session.flush()
    return run


def finish_run(session: Session, *, run: MatchRun, stats: dict[str, Any] | None = None, error: str | None = None) -> MatchRun:
    run.finished_at = utcnow()
    run.status = "failed" if error else "done"
    run.stats = stats or {}
    run.error = error
    session.flush()
    return run


def add_suggestion(
    session: Session,
    *,
    run_id: int,
    bank_entries: Sequence[BankEntry],
    book_items: Sequence[BookItem],
    confidence: float,
    reasons: list[Any],
    status: str,
    parent_id: int | None = None,
    features: dict[str, float] | None = None,
    flush: bool = True,
) -> MatchSuggestion:
    """A suggestion over rows the caller holds: a matching run writes thousands, and the rows are the
    ones it matched, so there is no SELECT per suggestion. A row listed twice counts once.

    `flush=False` leaves the INSERTs to the caller's next flush, which sends a run's suggestions in
    batches instead of one round trip each; their ids are unset until then."""
    if status not in SUGGESTION_STATUSES:
        raise ValueError(f"suggestion status must be one of {SUGGESTION_STATUSES}, not {status!r}")
    if not 0.0 <= float(confidence) <= 1.0:
        raise ValueError(f"confidence must be within 0..1, not {confidence}")
    suggestion = MatchSuggestion(
        run_id=run_id, parent_id=parent_id, confidence=float(confidence), reasons=reasons, status=status, features=features,
        bank_entries=list({r.id: r for r in bank_entries}.values()), book_items=list({r.id: r for r in book_items}.values()),
    )
    session.add(suggestion)
    if flush:
        session.flush()
    return suggestion


def get_suggestion(session: Session, *, suggestion_id: int) -> MatchSuggestion | None:
    return session.get(MatchSuggestion, suggestion_id)


def list_suggestions(
    session: Session, *, run_id: int | None = None, decision_state: str | None = None, status: str | None = None,
    limit: int = 500, offset: int = 0,
) -> list[MatchSuggestion]:
    q = select(MatchSuggestion).order_by(MatchSuggestion.id)
    if run_id is not None:
        q = q.where(MatchSuggestion.run_id == run_id)
    if decision_state is not None:
        q = q.where(MatchSuggestion.decision_state == decision_state)
    if status is not None:
        q = q.where(MatchSuggestion.status == status)
    return list(session.execute(q.limit(limit).offset(offset)).scalars())


def latest_decision(session: Session, *, suggestion_id: int) -> MatchDecision | None:
    return session.execute(
        select(MatchDecision).where(MatchDecision.suggestion_id == suggestion_id).order_by(MatchDecision.id.desc()).limit(1)
    ).scalar_one_or_none()


def add_break(
    session: Session,
    *,
    side: str,
    break_class: str,
    run_id: int | None = None,
    bank_entry_id: int | None = None,
    book_item_id: int | None = None,
    reason_code: str | None = None,
    description: str | None = None,
    amount: Decimal | None = None,
    currency: str | None = None,
    details: dict[str, Any] | None = None,
    case_id: int | None = None,
) -> Break:
    if side not in ("bank", "book"):
        raise ValueError("break side must be 'bank' or 'book'")
    if (side == "bank" and bank_entry_id is None) or (side == "book" and book_item_id is None):
        raise ValueError(f"a {side}-side break needs its {'bank_entry_id' if side == 'bank' else 'book_item_id'}")
    row = Break(
        run_id=run_id, side=side, bank_entry_id=bank_entry_id, book_item_id=book_item_id, break_class=break_class,
        reason_code=reason_code, description=description, amount=amount, currency=currency, details=details or {},
        case_id=case_id,
    )
    session.add(row)
    session.flush()
    return row


def supersede_breaks(session: Session, *, bank_entry_ids: Sequence[int], book_item_ids: Sequence[int]) -> int:
    """Mark the open breaks of these items `superseded`; returns how many.

    A matching run classifies every open item again, into a suggestion or a new break, so the breaks earlier
    runs recorded for those items are history, not the current state: left open, each re-run added another
    copy of every break, and an item a later run matched kept its old "missing booking"."""
    count = 0
    for column, ids in ((Break.bank_entry_id, bank_entry_ids), (Break.book_item_id, book_item_ids)):
        for chunk in in_chunks(ids):
            result = session.execute(update(Break).where(Break.status == "open", column.in_(chunk))
                                     .values(status="superseded").execution_options(synchronize_session="fetch"))
            count += result.rowcount or 0
    return count


def list_breaks(session: Session, *, status: str | None = "open", limit: int = 500, offset: int = 0) -> list[Break]:
    q = select(Break).order_by(Break.id)
    if status is not None:
        q = q.where(Break.status == status)
    return list(session.execute(q.limit(limit).offset(offset)).scalars())
