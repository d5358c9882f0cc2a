"""Append to and verify the hash-chained audit log.

`append` runs inside the caller's transaction, next to the change it records, so either both are
committed or neither. It locks the chain head row first (`SELECT … FOR UPDATE` on PostgreSQL; SQLite
transactions already hold the database write lock, see `app.store.db`), so concurrent appends queue
and each extends the head the previous one left: the chain cannot fork.

Hash of a record = HMAC-SHA256, keyed by the audit key (`audit_key`: env or a 0600 file, never in
the database), of the canonical JSON (sorted keys, no spaces, UTF-8) of
`{seq, at, actor, action, object_type, object_id, before, after, reason, prev_hash}`. Someone who can
write the database but does not hold the key cannot re-compute the chain after editing a record.

Chains written before the key existed used plain SHA-256. The first append with a key seals such a
chain with an `audit.key_adopted` record (keyed, carrying the key's fingerprint): records before it
are checked as plain SHA-256, and since the adoption record's HMAC covers the last legacy hash, none of
them can change either. A chain with no keyed record at all is reported as `unkeyed`, so re-writing
everything as plain SHA-256 (a downgrade) does not pass. `verify_chain` also cross-checks the decision
columns of other tables against the chain (`audit_crosscheck`).
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

from breakdesk.app.services.audit_key import AuditKey, AuditKeyError, load_key
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


KEY_ADOPTED = "audit.key_adopted"
AUDIT_ACTOR = "system:audit"


def compute_hash(record: AuditRecord, key: AuditKey | None = None) -> str:
    """The record's HMAC under `key`; plain SHA-256 (legacy records only) when `key` is None."""
    data = _content(record)
    return key.mac(data) if key is not None else hashlib.sha256(data).hexdigest()


def _content(record: AuditRecord) -> bytes:
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
    return canonical_json(content).encode("utf-8")


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
    key = load_key()
    if _needs_sealing(session, head, key):
        _add(session, head, key, actor=AUDIT_ACTOR, action=KEY_ADOPTED, object_type="audit_chain", object_id=None,
             before=None, after={"key_fingerprint": key.fingerprint, "legacy_records": head.seq}, reason=None)
    return _add(session, head, key, actor=actor, action=action, object_type=object_type, object_id=object_id,
                before=before, after=after, reason=reason)


def seal_chain(session: Session) -> bool:
    """Seal a legacy (plain SHA-256) chain with the configured key now; False when already keyed."""
    head = _lock_head(session)
    key = load_key()
    if not _needs_sealing(session, head, key):
        return False
    _add(session, head, key, actor=AUDIT_ACTOR, action=KEY_ADOPTED, object_type="audit_chain", object_id=None,
         before=None, after={"key_fingerprint": key.fingerprint, "legacy_records": head.seq}, reason=None)
    return True


def _needs_sealing(session: Session, head: AuditChainHead, key: AuditKey) -> bool:
    """True for a non-empty chain whose head record is not keyed by `key` and that was never sealed.
    A chain sealed under another key refuses the append: the records it would add could not be
    verified together with the earlier ones."""
    if head.seq == 0:
        return False
    adopted = _adoption(session)
    if adopted is not None:
        fingerprint = (adopted.after or {}).get("key_fingerprint")
        if fingerprint != key.fingerprint:
            raise AuditKeyError(
                f"the configured audit key ({key.source}) is not the key this audit chain was sealed with; "
                "restore the original key"
            )
        return False
    last = session.execute(select(AuditRecord).where(AuditRecord.seq == head.seq)).scalar_one_or_none()
    if last is None or compute_hash(last, key) == last.hash:
        return False  # keyed from its first record (or damaged: verify reports that)
    return True


def _adoption(session: Session) -> AuditRecord | None:
    return session.execute(
        select(AuditRecord).where(AuditRecord.action == KEY_ADOPTED).order_by(AuditRecord.seq).limit(1)
    ).scalar_one_or_none()


def _add(session: Session, head: AuditChainHead, key: AuditKey, *, actor: str, action: str, object_type: str,
         object_id: str | int | None, before: Any, after: Any, reason: str | None) -> AuditRecord:
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
    record.hash = compute_hash(record, key)
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


def verify_chain(session: Session, *, batch_size: int = 1000, cross_check: bool = True) -> VerifyResult:
    """Re-compute every record's HMAC in order and check links, numbering and the head; then compare the
    decision columns of other tables with what the chain says (`audit_crosscheck`).

    Finds an edited record (its hash no longer matches), a deleted one (a gap in `seq`, or a
    `prev_hash` that points at nothing), a deleted tail (the head is ahead of the last record), a chain
    re-written without the key (`unkeyed`, `wrong_key`) and a decision changed outside the services.
    """
    result = VerifyResult()
    try:
        key: AuditKey | None = load_key(create=False)
    except AuditKeyError as exc:
        key = None
        key_problem = str(exc)
    adopted = _adoption(session)
    keyed_from = adopted.seq if adopted is not None else 1
    if adopted is not None and key is not None and (adopted.after or {}).get("key_fingerprint") != key.fingerprint:
        result.problems.append(ChainProblem(adopted.seq, "wrong_key", f"the configured audit key ({key.source}) is not "
                                            "the key this chain was sealed with"))
    expected_seq = 1
    prev_hash = GENESIS_HASH
    legacy_only = True
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
        if rec.seq < keyed_from:
            if compute_hash(rec) != rec.hash:
                result.problems.append(ChainProblem(rec.seq, "altered", "content does not match its hash (edited?)"))
        elif key is None:
            if adopted is None and compute_hash(rec) == rec.hash:
                pass  # a legacy record: reported once below as unkeyed
            elif not any(p.kind == "key_missing" for p in result.problems):
                legacy_only = False
                result.problems.append(ChainProblem(rec.seq, "key_missing", f"cannot check keyed records: {key_problem}"))
        elif compute_hash(rec, key) != rec.hash:
            if adopted is None and compute_hash(rec) == rec.hash:
                pass  # plain SHA-256 where a keyed hash belongs: reported once below as unkeyed
            else:
                legacy_only = False
                result.problems.append(ChainProblem(rec.seq, "altered", "content does not match its keyed hash (edited?)"))
        else:
            legacy_only = False
        expected_seq = rec.seq + 1
        prev_hash = rec.hash
    if adopted is None and result.records and legacy_only:
        result.problems.insert(0, ChainProblem(1, "unkeyed", "the chain has no keyed record: plain SHA-256 hashes can be "
                                               "re-computed by anyone with database access (seal it with "
                                               "`breakdesk audit seal`; if it was sealed, it was re-written)"))
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
    if cross_check:
        from breakdesk.app.services.audit_crosscheck import cross_check_decisions

        result.problems.extend(cross_check_decisions(session))
    return result
