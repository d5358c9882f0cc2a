"""Append to and verify the hash-chained audit log.

`append` runs inside the caller's transaction, next to the change it records, so either both are
committed or neither. It locks the chain head row first (`SELECT … FOR UPDATE` on PostgreSQL; SQLite
transactions already hold the database write lock, see `app.store.db`), so concurrent appends queue
and each extends the head the previous one left: the chain cannot fork.

Hash of a record = sha256 of the canonical JSON (sorted keys, no spaces, UTF-8) of
`{seq, at, actor, action, object_type, object_id, before, after, reason, prev_hash}`.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from breakdesk.app.store.models import GENESIS_HASH, AuditChainHead, AuditRecord
from breakdesk.app.store.repositories.locks import lock_by_id
from breakdesk.app.store.types import utcnow

HEAD_ID = 1


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        return _format_time(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=str)
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    raise TypeError(f"cannot put {type(value).__name__} into the audit log")


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_json_default)


def _format_time(value: datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def jsonable(value: Any) -> Any:
    """What the database will give back: plain JSON types (so the stored value hashes the same)."""
    return None if value is None else json.loads(canonical_json(value))


def compute_hash(record: AuditRecord) -> str:
    content = {
        "seq": record.seq,
        "at": _format_time(record.at),
        "actor": record.actor,
        "action": record.action,
        "object_type": record.object_type,
        "object_id": record.object_id,
        "before": record.before,
        "after": record.after,
        "reason": record.reason,
        "prev_hash": record.prev_hash,
    }
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()


def _lock_head(session: Session) -> AuditChainHead:
    head = lock_by_id(session, AuditChainHead, row_id=HEAD_ID)
    if head is None:
        raise RuntimeError("audit chain head row missing: run `breakdesk db upgrade` on this database")
    return head


def hold_chain(session: Session) -> None:
    """Take the audit chain's lock now rather than at the first `append`: for a use case whose reads
    decide what it writes and must not interleave with another's (case refresh). It is the lock every
    audited write takes anyway, so holding it earlier adds no lock order that could deadlock."""
    _lock_head(session)


def append(
    session: Session,
    *,
    actor: str,
    action: str,
    object_type: str,
    object_id: str | int | None = None,
    before: Any = None,
    after: Any = None,
    reason: str | None = None,
) -> AuditRecord:
    """Add one record after the current head, in the caller's transaction. Call it last in a use case."""
    head = _lock_head(session)
    now = utcnow()
    # Microseconds are what both databases keep; the hash must see exactly what is stored.
    record = AuditRecord(
        seq=head.seq + 1,
        at=now,
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        before=jsonable(before),
        after=jsonable(after),
        reason=reason,
        prev_hash=head.hash,
    )
    record.hash = compute_hash(record)
    session.add(record)
    head.seq = record.seq
    head.hash = record.hash
    head.updated_at = now
    session.flush()
    return record


@dataclass(frozen=True)
class ChainProblem:
    seq: int | None
    kind: str  # altered | broken_link | gap | head_mismatch
    detail: str


@dataclass
class VerifyResult:
    records: int = 0
    head_seq: int = 0
    head_hash: str = GENESIS_HASH
    problems: list[ChainProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        if self.ok:
            return f"audit chain intact: {self.records} records, head {self.head_hash[:12]}…"
        return f"audit chain BROKEN: {len(self.problems)} problem(s); first: seq {self.problems[0].seq}: {self.problems[0].detail}"


def verify_chain(session: Session, *, batch_size: int = 1000) -> VerifyResult:
    """Re-hash every record in order and check links, numbering and the head.

    Finds an edited record (its hash no longer matches), a deleted one (a gap in `seq`, or a
    `prev_hash` that points at nothing), and a deleted tail (the head is ahead of the last record).
    """
    result = VerifyResult()
    expected_seq = 1
    prev_hash = GENESIS_HASH
    rows = session.execute(select(AuditRecord).order_by(AuditRecord.seq).execution_options(yield_per=batch_size)).scalars()
    for rec in rows:
        result.records += 1
        if rec.seq != expected_seq:
            result.problems.append(
                ChainProblem(rec.seq, "gap", f"records {expected_seq}..{rec.seq - 1} are missing (deleted?)")
            )
        if rec.prev_hash != prev_hash:
            result.problems.append(
                ChainProblem(rec.seq, "broken_link", "prev_hash does not match the previous record's hash")
            )
        actual = compute_hash(rec)
        if actual != rec.hash:
            result.problems.append(ChainProblem(rec.seq, "altered", "content does not match its hash (edited?)"))
        expected_seq = rec.seq + 1
        prev_hash = rec.hash
    head = session.get(AuditChainHead, HEAD_ID)
    if head is None:
        result.problems.append(ChainProblem(None, "head_mismatch", "chain head row is missing"))
    else:
        result.head_seq, result.head_hash = head.seq, head.hash
        if head.seq != expected_seq - 1 or head.hash != prev_hash:
            result.problems.append(
                ChainProblem(
                    head.seq,
                    "head_mismatch",
                    f"head says seq {head.seq} but the log ends at {expected_seq - 1} (records deleted at the end?)",
                )
            )
    return result
