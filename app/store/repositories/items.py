"""Bank entries and book items: the two sides the matcher reads."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from breakdesk.app.store.models import BankEntry, BookItem


def get_bank_entry(session: Session, *, entry_id: int) -> BankEntry | None:
    return session.get(BankEntry, entry_id)


def get_book_item(session: Session, *, item_id: int) -> BookItem | None:
    return session.get(BookItem, item_id)


def list_bank_entries(
    session: Session, *, unmatched_only: bool = False, account: str | None = None, batch_id: int | None = None,
    booked_from: date | None = None, booked_to: date | None = None, level: str | None = None,
) -> list[BankEntry]:
    """Entries for matching. `level="entry"` gives statement lines only; `"detail"` batch details only."""
    q = select(BankEntry).order_by(BankEntry.id)
    if unmatched_only:
        q = q.where(BankEntry.matched_suggestion_id.is_(None))
    if account is not None:
        q = q.where(BankEntry.account == account)
    if batch_id is not None:
        q = q.where(BankEntry.batch_id == batch_id)
    if booked_from is not None:
        q = q.where(BankEntry.booking_date >= booked_from)
    if booked_to is not None:
        q = q.where(BankEntry.booking_date <= booked_to)
    if level is not None:
        q = q.where(BankEntry.level == level)
    return list(session.execute(q).scalars())


def list_book_items(
    session: Session, *, unmatched_only: bool = False, account: str | None = None, batch_id: int | None = None,
    source: str | None = None,
) -> list[BookItem]:
    q = select(BookItem).order_by(BookItem.id)
    if unmatched_only:
        q = q.where(BookItem.matched_suggestion_id.is_(None))
    if account is not None:
        q = q.where(BookItem.account == account)
    if batch_id is not None:
        q = q.where(BookItem.batch_id == batch_id)
    if source is not None:
        q = q.where(BookItem.source == source)
    return list(session.execute(q).scalars())
