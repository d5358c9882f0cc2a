from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.store.models import ImportBatch, StoredMessage


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
