"""Reading a row to change it: `SELECT … FOR UPDATE`, refreshed from the database.

Every state change that checks the row first (a decision, an approval, the audit chain head) must
read it under the lock and see the committed values, not the session's cached copy; otherwise two
people deciding at once both pass the check. On PostgreSQL this takes the row lock; SQLite ignores
FOR UPDATE, and its transactions already hold the write lock (`BEGIN IMMEDIATE`, see `app.store.db`).
"""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

M = TypeVar("M")


def lock_by_id(session: Session, model: type[M], *, row_id: int) -> M | None:
    """The row of `model` with this id, locked until the transaction ends; None when there is none."""
    return session.execute(
        select(model).where(model.id == row_id).with_for_update().execution_options(populate_existing=True)  # type: ignore[attr-defined]
    ).scalar_one_or_none()
