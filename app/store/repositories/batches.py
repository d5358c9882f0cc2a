"""Import batches and the messages they stored."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from breakdesk.app.store.models import ImportBatch, StoredMessage
from breakdesk.app.store.repositories.chunks import in_chunks


def get_batch(session: Session, *, batch_id: int) -> ImportBatch | None:
    return session.get(ImportBatch, batch_id)


def find_batch(session: Session, *, sha256: str, kind: str) -> ImportBatch | None:
    return session.execute(
        select(ImportBatch).where(ImportBatch.sha256 == sha256, ImportBatch.kind == kind)
    ).scalar_one_or_none()


def list_batches(session: Session, *, limit: int = 100) -> list[ImportBatch]:
    return list(session.execute(select(ImportBatch).order_by(ImportBatch.id.desc()).limit(limit)).scalars())


def list_messages(session: Session, *, batch_id: int) -> list[StoredMessage]:
    return list(
        session.execute(select(StoredMessage).where(StoredMessage.batch_id == batch_id).order_by(StoredMessage.message_index)).scalars()
    )


def message_payloads(session: Session, *, ids: Iterable[int]) -> list[tuple[int, dict[str, Any]]]:
    """(row id, canonical JSON) of the stored messages among `ids`, in storage order (by id), a few
    hundred ids per query. For readers that need some messages, not the whole history."""
    found: list[tuple[int, dict[str, Any]]] = []
    for chunk in in_chunks(ids):
        rows = session.execute(select(StoredMessage.id, StoredMessage.payload)
                               .where(StoredMessage.id.in_(chunk)).order_by(StoredMessage.id))
        found.extend((row_id, payload) for row_id, payload in rows)
    return found
