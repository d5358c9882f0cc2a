"""People's decisions on match suggestions: approve, reject, split, unmatch.

Rules, in the order they are checked:

1. The user must be an active clerk or admin (`auto_confirm` is the one program path: the matcher's
   `auto` verdicts at or above `BREAKDESK_AUTO_CONFIRM_THRESHOLD`, recorded as `system:auto-confirm`).
2. The suggestion row is locked (`SELECT … FOR UPDATE`; on SQLite the transaction already holds the
   write lock), so two people deciding at once are served one after the other.
3. Repeating the latest decision (same user, same action, same split) returns that decision and
   writes nothing: a double click or a retried request is harmless.
4. Otherwise the state must allow the action (approve/reject/split a pending suggestion; unmatch an
   approved one) and, if the caller passes `expected_version`, nobody may have changed it since the
   person loaded it. Anything else is a `ConflictError` naming who decided what and when.
5. Approve claims every entry and item (`matched_suggestion_id`) with a conditional UPDATE; an item
   already held by another approved match makes the approval a `ConflictError`.
6. The state change is a conditional UPDATE on `version` (belt and braces beside the lock), then the
   decision row and the audit record are written in the same transaction.
7. In that transaction too, the cases of the items' reconciliation breaks follow the decision
   (`cases.follow_match`): an approval resolves them, an unmatch reopens what that approval resolved.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from breakdesk.app.services import audit, cases
from breakdesk.app.services.access import require
from breakdesk.app.services.errors import ConflictError, NotFound, PermissionDenied
from breakdesk.app.settings import get_settings
from breakdesk.app.store.models import BankEntry, BookItem, MatchDecision, MatchSuggestion, User
from breakdesk.app.store.repositories.locks import lock_by_id
from breakdesk.app.store.repositories.matching import add_suggestion, latest_decision
from breakdesk.app.store.types import utcnow

Action = Literal["approve", "reject", "split", "unmatch"]

#: action -> (states it may start from, state it leaves)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "approve": (frozenset({"pending"}), "approved"),
    "reject": (frozenset({"pending"}), "rejected"),
    "split": (frozenset({"pending"}), "split"),
    "unmatch": (frozenset({"approved"}), "unmatched"),
}
REASON_REQUIRED = frozenset({"reject", "split", "unmatch"})
AUTO_CONFIRM_ACTOR = "system:auto-confirm"


def approve(session: Session, *, suggestion_id: int, user: str | User, reason: str | None = None,
            expected_version: int | None = None) -> MatchDecision:
    return decide(session, suggestion_id=suggestion_id, action="approve", user=user, reason=reason,
                  expected_version=expected_version)


def reject(session: Session, *, suggestion_id: int, user: str | User, reason: str,
           expected_version: int | None = None) -> MatchDecision:
    return decide(session, suggestion_id=suggestion_id, action="reject", user=user, reason=reason,
                  expected_version=expected_version)


def unmatch(session: Session, *, suggestion_id: int, user: str | User, reason: str,
            expected_version: int | None = None) -> MatchDecision:
    return decide(session, suggestion_id=suggestion_id, action="unmatch", user=user, reason=reason,
                  expected_version=expected_version)


def split(session: Session, *, suggestion_id: int, user: str | User, reason: str,
          parts: Sequence[tuple[Sequence[int], Sequence[int]]], expected_version: int | None = None) -> MatchDecision:
    """Replace a suggestion by smaller ones: `parts` is a list of (bank_entry_ids, book_item_ids).

    Each part becomes a new pending suggestion (status `review`, `parent_id` set) for someone to decide.
    """
    return decide(session, suggestion_id=suggestion_id, action="split", user=user, reason=reason,
                  expected_version=expected_version, parts=parts)


def decide(
    session: Session,
    *,
    suggestion_id: int,
    action: Action,
    user: str | User,
    reason: str | None = None,
    expected_version: int | None = None,
    parts: Sequence[tuple[Sequence[int], Sequence[int]]] | None = None,
) -> MatchDecision:
    if action not in TRANSITIONS:
        raise ValueError(f"unknown action {action!r}; one of {', '.join(TRANSITIONS)}")
    actor = require(session, user, "match.decide").username
    return _decide(session, suggestion_id=suggestion_id, action=action, actor=actor, reason=reason,
                   expected_version=expected_version, parts=parts)


def auto_confirm(session: Session, *, suggestion_id: int, threshold: float | None = None) -> MatchDecision | None:
    """Approve a suggestion the matcher marked `auto` whose confidence reaches the threshold.

    The deterministic matcher's verdict, applied under the same rules as a person's approval (lock,
    claim, audit) and recorded as `system:auto-confirm`. Returns None when the suggestion does not
    qualify; raises ConflictError when someone decided it first or its items are matched elsewhere.
    """
    limit = get_settings().auto_confirm_threshold if threshold is None else threshold
    suggestion = session.get(MatchSuggestion, suggestion_id)
    if suggestion is None:
        raise NotFound(f"no match suggestion {suggestion_id}")
    if suggestion.status != "auto" or suggestion.confidence < limit:
        return None
    return _decide(session, suggestion_id=suggestion_id, action="approve", actor=AUTO_CONFIRM_ACTOR,
                   reason=f"auto-confirmed: confidence {suggestion.confidence:.4f} >= threshold {limit}",
                   expected_version=None, parts=None)


def _decide(session: Session, *, suggestion_id: int, action: str, actor: str, reason: str | None,
            expected_version: int | None, parts) -> MatchDecision:
    reason = (reason or "").strip() or None
    if action in REASON_REQUIRED and not reason:
        raise ValueError(f"{action} needs a reason")
    norm_parts = _normalise_parts(parts) if action == "split" else None

    suggestion = lock_by_id(session, MatchSuggestion, row_id=suggestion_id)
    if suggestion is None:
        raise NotFound(f"no match suggestion {suggestion_id}")

    allowed_from, target = TRANSITIONS[action]
    last = latest_decision(session, suggestion_id=suggestion_id)
    if (
        last is not None
        and suggestion.decision_state == target
        and last.action == action
        and last.decided_by == actor
        and (action != "split" or last.payload.get("parts") == norm_parts)
    ):
        return last  # the same decision again: nothing to do
    if suggestion.decision_state not in allowed_from:
        by = f" by {suggestion.decided_by} at {suggestion.decided_at:%Y-%m-%d %H:%M:%S} UTC" if suggestion.decided_by else ""
        raise ConflictError(
            f"match suggestion {suggestion_id} is already {suggestion.decision_state}{by}; "
            f"it cannot be {target} now. Reload to see the current decision."
        )
    if expected_version is not None and expected_version != suggestion.version:
        raise ConflictError(
            f"match suggestion {suggestion_id} changed since you loaded it (version {expected_version}, now "
            f"{suggestion.version}). Reload and decide again."
        )

    if action == "approve":
        _check_four_eyes(suggestion, actor)
    bank_ids = suggestion.bank_entry_ids
    book_ids = suggestion.book_item_ids
    before = {"decision_state": suggestion.decision_state, "version": suggestion.version}
    payload: dict[str, Any] = {}
    with session.begin_nested():  # a conflict below undoes this decision's writes, not the caller's
        if action == "approve":
            _claim(session, suggestion_id, BankEntry, bank_ids)
            _claim(session, suggestion_id, BookItem, book_ids)
        elif action == "unmatch":
            for model in (BankEntry, BookItem):
                session.execute(
                    update(model).where(model.matched_suggestion_id == suggestion_id).values(matched_suggestion_id=None)
                )
        elif action == "split":
            assert norm_parts is not None
            _check_parts(suggestion_id, norm_parts, bank_ids, book_ids)
            bank_rows = {e.id: e for e in suggestion.bank_entries}  # the parts are checked to be these
            book_rows = {i.id: i for i in suggestion.book_items}
            children = [
                add_suggestion(
                    session, run_id=suggestion.run_id, parent_id=suggestion_id,
                    bank_entries=[bank_rows[i] for i in b], book_items=[book_rows[i] for i in k],
                    confidence=suggestion.confidence, status="review",
                    reasons=[{"code": "split", "detail": f"split from suggestion {suggestion_id} by {actor}"}],
                )
                for b, k in norm_parts
            ]
            payload = {"parts": norm_parts, "child_suggestion_ids": [c.id for c in children]}

        now = utcnow()
        result = session.execute(
            update(MatchSuggestion)
            .where(MatchSuggestion.id == suggestion_id, MatchSuggestion.version == suggestion.version)
            .values(decision_state=target, decided_by=actor, decided_at=now, version=MatchSuggestion.version + 1)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            raise ConflictError(f"match suggestion {suggestion_id} was changed by someone else; reload and decide again")
        decision = MatchDecision(
            suggestion_id=suggestion_id, action=action, decided_by=actor, decided_at=now, reason=reason,
            from_version=suggestion.version, payload=payload,
        )
        session.add(decision)
        session.flush()
        session.refresh(suggestion)
        audit.append(
            session,
            actor=actor,
            action=f"match.{action}",
            object_type="match_suggestion",
            object_id=suggestion_id,
            before=before,
            after={
                "decision_state": target,
                "version": suggestion.version,
                "bank_entry_ids": bank_ids,
                "book_item_ids": book_ids,
                "decision_id": decision.id,
                **payload,
            },
            reason=reason,
        )
        cases.follow_match(session, suggestion_id=suggestion_id, action=action, decided_by=actor,
                           bank_entry_ids=bank_ids, book_item_ids=book_ids)
    return decision


def _check_four_eyes(suggestion: MatchSuggestion, actor: str) -> None:
    """A manual match writing off more than `BREAKDESK_WRITE_OFF_LIMIT` is approved by someone else."""
    from breakdesk.app.services.manual_match import write_off_of

    found = write_off_of(suggestion)
    if found is None:
        return
    amount, currency, maker = found
    if amount > get_settings().write_off_limit and actor == maker:
        raise PermissionDenied(
            f"match suggestion {suggestion.id} writes off {amount} {currency}, above the limit of "
            f"{get_settings().write_off_limit}: a second clerk approves it, not its maker {maker}")


def _claim(session: Session, suggestion_id: int, model: type[BankEntry] | type[BookItem], ids: list[int]) -> None:
    if not ids:
        return
    result = session.execute(
        update(model)
        .where(model.id.in_(ids), model.matched_suggestion_id.is_(None))
        .values(matched_suggestion_id=suggestion_id)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != len(ids):
        held = session.execute(
            select(model.id, model.matched_suggestion_id).where(
                model.id.in_(ids), model.matched_suggestion_id.is_not(None), model.matched_suggestion_id != suggestion_id
            )
        ).all()
        detail = ", ".join(f"{model.__tablename__} {i} (by suggestion {s})" for i, s in held) or "some items"
        raise ConflictError(f"cannot approve match suggestion {suggestion_id}: already matched: {detail}")


def _normalise_parts(parts) -> list[list[list[int]]]:
    if not parts:
        raise ValueError("split needs parts: a list of (bank_entry_ids, book_item_ids)")
    out = []
    for part in parts:
        bank, book = part
        out.append([sorted(int(i) for i in bank), sorted(int(i) for i in book)])
    return sorted(out)  # the same split given in another order is the same decision


def _check_parts(suggestion_id: int, parts, bank_ids: list[int], book_ids: list[int]) -> None:
    if len(parts) < 2:
        raise ValueError("a split needs at least two parts")
    seen_bank: set[int] = set()
    seen_book: set[int] = set()
    for bank, book in parts:
        if not bank and not book:
            raise ValueError("a split part cannot be empty")
        for ids, seen, allowed, label in ((bank, seen_bank, bank_ids, "bank entry"), (book, seen_book, book_ids, "book item")):
            for i in ids:
                if i not in allowed:
                    raise ValueError(f"{label} {i} is not part of match suggestion {suggestion_id}")
                if i in seen:
                    raise ValueError(f"{label} {i} appears in two parts of the split")
                seen.add(i)
