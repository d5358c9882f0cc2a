"""A clerk's own match: any bank entries against any book items, summed, with a write-off of what differs.

The matcher cannot see everything a clerk knows (a phone call, a remittance advice by mail). A manual
match is recorded as a match suggestion of its own run (`matcher_version="manual"`, started by the
clerk) so it is decided, audited, unmatched and followed by cases exactly like the matcher's:

* every item must be an open statement entry or book item (not matched elsewhere), in one currency and
  one direction, at least one on each side;
* the sums must agree, or the clerk states the difference as a write-off (the exact amount) with a reason;
* without a write-off, or with one up to `BREAKDESK_WRITE_OFF_LIMIT`, the maker's match is approved at
  once; above the limit it waits for a second clerk, and the maker cannot approve it (maker-checker,
  enforced by `decisions`).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from breakdesk.app.services import audit, decisions
from breakdesk.app.services.access import require
from breakdesk.app.services.errors import ConflictError, InvalidInput, NotFound
from breakdesk.app.settings import get_settings
from breakdesk.app.store.models import BankEntry, BookItem, MatchSuggestion, User
from breakdesk.app.store.repositories.matching import add_suggestion, create_run, finish_run
from breakdesk.parsers.currency import money_text

MANUAL = "manual"


def write_off_of(suggestion: MatchSuggestion) -> tuple[Decimal, str, str] | None:
    """(amount, currency, maker) of a manual match's write-off, or None."""
    for r in suggestion.reasons or ():
        if isinstance(r, dict) and r.get("signal") == "write_off":
            return Decimal(str(r["amount"])), str(r["currency"]), str(r["maker"])
    return None


def _parse(value: Decimal | str | None) -> Decimal | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        out = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        raise InvalidInput(f"write-off {value!r} is not an amount") from None
    if not out.is_finite() or out < 0:
        raise InvalidInput(f"write-off {value!r} is not an amount")
    return out


def manual_match(
    session: Session,
    *,
    bank_entry_ids: Sequence[int],
    book_item_ids: Sequence[int],
    user: str | User,
    reason: str,
    write_off: Decimal | str | None = None,
) -> MatchSuggestion:
    """Record a clerk's match (see the module docstring); returns its suggestion, approved or pending."""
    actor = require(session, user, "match.decide").username
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("a manual match needs a reason (what tells you these belong together)")
    if not bank_entry_ids or not book_item_ids:
        raise InvalidInput("a manual match needs at least one statement entry and one book item")
    entries = list(session.execute(select(BankEntry).where(BankEntry.id.in_(list(bank_entry_ids)))).scalars())
    items = list(session.execute(select(BookItem).where(BookItem.id.in_(list(book_item_ids)))).scalars())
    missing = sorted(set(bank_entry_ids) - {e.id for e in entries}) + sorted(set(book_item_ids) - {i.id for i in items})
    if missing:
        raise NotFound(f"no such statement entry or book item: {', '.join(map(str, missing))}")
    if any(e.level != "entry" for e in entries):
        raise InvalidInput("a detail of a batch booking is matched through its booking, not alone")
    held = [f"statement entry {e.id}" for e in entries if e.matched_suggestion_id is not None]
    held += [f"book item {i.id}" for i in items if i.matched_suggestion_id is not None]
    if held:
        raise ConflictError(f"already matched: {', '.join(held)}; unmatch it first")
    currencies = {x.currency for x in (*entries, *items)}
    directions = {x.credit_debit for x in (*entries, *items)}
    if len(currencies) != 1 or len(directions) != 1:
        raise InvalidInput(f"a match is in one currency and one direction; the selection has "
                           f"{', '.join(sorted(currencies))} and {', '.join(sorted(directions))}")
    currency = currencies.pop()
    difference = sum((e.amount for e in entries), Decimal(0)) - sum((i.amount for i in items), Decimal(0))
    stated = _parse(write_off)
    if difference and stated != abs(difference):
        raise InvalidInput(
            f"the statement side is {money_text(difference, currency)} {currency} "
            f"{'above' if difference > 0 else 'below'} the books: state a write-off of "
            f"{money_text(abs(difference), currency)} with the reason, or change the selection")
    if not difference and stated:
        raise InvalidInput("the sums agree: there is nothing to write off")

    run = create_run(session, started_by=actor, matcher_version=MANUAL, parameters={"reason": reason})
    reasons: list[dict] = [{"signal": MANUAL, "text": f"matched by hand by {actor}: {reason}", "contribution": 0.0}]
    if difference:
        reasons.append({"signal": "write_off", "amount": money_text(abs(difference), currency), "currency": currency,
                        "maker": actor,
                        "text": f"write-off {money_text(difference, currency)} {currency} (statement − books)",
                        "contribution": 0.0})
    else:
        reasons.append({"signal": "amount", "text": "sums equal", "contribution": 0.0})
    suggestion = add_suggestion(session, run_id=run.id, bank_entries=entries, book_items=items, confidence=1.0,
                                reasons=reasons, status="review")
    finish_run(session, run=run, stats={"suggestions": 1, "manual": True})
    audit.append(session, actor=actor, action="match.manual", object_type="match_suggestion", object_id=suggestion.id,
                 after={"bank_entry_ids": sorted(e.id for e in entries), "book_item_ids": sorted(i.id for i in items),
                        "currency": currency, "write_off": money_text(abs(difference), currency) if difference else None},
                 reason=reason)
    limit = get_settings().write_off_limit
    if abs(difference) <= limit:
        decisions.approve(session, suggestion_id=suggestion.id, user=actor, reason=reason)
    session.refresh(suggestion)
    return suggestion
