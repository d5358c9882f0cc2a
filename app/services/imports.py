"""Importing parsed messages and ledger CSV files: all or nothing, and idempotent.

* The whole import runs in one savepoint: any error leaves nothing behind.
* The same bytes imported twice (same sha256, same kind) return the first import's result and add
  nothing (`ImportResult.created` is False).
* Each bank entry and book item gets an idempotency key (a hash of what identifies it, plus its
  ordinal among identical items of the same file). An item already stored by an earlier import of
  a different file, e.g. the same statement re-sent, is not stored again; `duplicates` counts them.

Bank entries come from statements, one row per entry. A batch booking (an entry with more than one
transaction detail) keeps the entry row and adds one row per detail, linked by `parent_id`. An entry
with a single detail is one row that merges the detail's references and parties into the entry.
Book items come from payment messages (pain.001, pacs.008/009, MT103/202: payments we sent, so
DBIT on the debtor's account) and from ledger CSV lines.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from breakdesk.agents.recon.ledger import LedgerError, read_ledger_csv
from breakdesk.app.services import audit
from breakdesk.app.services.access import require
from breakdesk.app.services.errors import ConflictError
from breakdesk.app.store.models import BankEntry, BookItem, ImportBatch, StoredMessage, User
from breakdesk.app.store.repositories.batches import find_batch
from breakdesk.app.store.repositories.chunks import in_chunks
from breakdesk.parsers.canonical import (
    Entry,
    EntryDetail,
    Message,
    Party,
    Provenance,
    Remittance,
    Statement,
    Transaction,
)
from breakdesk.parsers.controls import CONTROL, describe, may_hold_controls
from breakdesk.parsers.errors import FieldError

KIND_MESSAGES = "messages"
KIND_LEDGER = "ledger_csv"


@dataclass(frozen=True)
class ImportResult:
    batch_id: int
    created: bool
    sha256: str
    messages: int
    bank_entries: int
    book_items: int
    duplicates: int

    @classmethod
    def of(cls, batch: ImportBatch, *, created: bool) -> ImportResult:
        return cls(batch.id, created, batch.sha256, batch.message_count, batch.bank_entry_count,
                   batch.book_item_count, batch.duplicate_count)


# --------------------------------------------------------------------------------------- helpers


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class _Keys:
    """Idempotency keys: the identifying fields hashed, plus the ordinal among identical ones.

    What was seen is kept as a 16-byte digest of the fields, not the fields: a streamed import of a
    million entries keeps 16 MB of digests instead of the text of every entry's identifying fields."""

    def __init__(self) -> None:
        self._seen: Counter[bytes] = Counter()

    def key(self, *parts: Any) -> str:
        base = "\x1f".join("" if p is None else str(p) for p in parts)
        seen = hashlib.blake2b(base.encode(), digest_size=16).digest()
        n = self._seen[seen]
        self._seen[seen] += 1
        return hashlib.sha256(f"{base}\x1e{n}".encode()).hexdigest()


def _existing_keys(session: Session, model, keys: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for chunk in in_chunks(keys):
        found.update(session.execute(select(model.idempotency_key).where(model.idempotency_key.in_(chunk))).scalars())
    return found


def _fit(value: str | None, size: int, what: str, where: Provenance) -> str | None:
    """Refuse (never truncate) a value longer than its column, naming where it came from."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    if len(value) > size:
        raise FieldError(f"{what} is {len(value)} characters, more than the {size} Breakdesk stores",
                         file=where.file, line=where.line, xpath=where.xpath, fragment=value,
                         message_index=where.message_index)
    return value


def _text(remittance: Remittance | None) -> str | None:
    if remittance is None or remittance.is_empty():
        return None
    return remittance.text or None


def _party_columns(party: Party | None, where: Provenance) -> dict[str, str | None]:
    if party is None:
        return {"counterparty_name": None, "counterparty_account": None, "counterparty_bic": None}
    return {
        "counterparty_name": _fit(party.name, 255, "counterparty name", where),
        "counterparty_account": _fit(party.account, 64, "counterparty account", where),
        "counterparty_bic": _fit(party.agent_bic, 35, "counterparty BIC", where),
    }


# ----------------------------------------------------------------------------------- messages


def import_messages(
    session: Session, *, file_name: str, content_bytes: bytes, messages: list[Message], user: str | User
) -> ImportResult:
    """Store a parsed file: batch, messages, bank entries, book items, and one audit record."""
    actor = require(session, user, "import").username
    return _import(session, file_name=file_name, digest=_sha256(content_bytes), size=len(content_bytes),
                   messages=messages, actor=actor)


def import_message_pages(
    session: Session, *, file_name: str, digest: str, size: int, pages: Iterable[Message], user: str | User,
    after_page: Callable[[Message, list[Any]], None],
) -> ImportResult:
    """Store a file read page by page (`app.services.statement_stream`): each page's message and rows are
    written and flushed, then handed to `after_page` (which threads them into cases and drops them from
    the session) before the next page is read. Still one savepoint for the whole file."""
    actor = require(session, user, "import").username
    return _import(session, file_name=file_name, digest=digest, size=size, messages=pages, actor=actor,
                   after_page=after_page)


def _import(session: Session, *, file_name: str, digest: str, size: int, messages: Iterable[Message], actor: str,
            after_page: Callable[[Message, list[Any]], None] | None = None) -> ImportResult:
    existing = find_batch(session, sha256=digest, kind=KIND_MESSAGES)
    if existing is not None:
        return ImportResult.of(existing, created=False)
    with session.begin_nested():
        batch = _claim_batch(session, file_name=file_name, digest=digest, size=size, kind=KIND_MESSAGES, actor=actor)
        if isinstance(batch, ImportResult):
            return batch
        bank_keys, book_keys = _Keys(), _Keys()
        counts = Counter[str]()
        for index, message in enumerate(messages):
            written = _write_message(session, batch, file_name, index, message, bank_keys, book_keys, counts)
            counts["messages"] += 1
            if after_page is not None:
                _flush_or_conflict(session, file_name)
                after_page(message, written)
        batch.message_count = counts["messages"]
        batch.bank_entry_count = counts["bank"]
        batch.book_item_count = counts["book"]
        batch.duplicate_count = counts["duplicates"]
        _flush_or_conflict(session, file_name)
        result = ImportResult.of(batch, created=True)
        audit.append(session, actor=actor, action="import.messages", object_type="import_batch", object_id=batch.id,
                     after={"file_name": file_name, "sha256": digest, "messages": result.messages,
                            "bank_entries": result.bank_entries, "book_items": result.book_items,
                            "duplicates": result.duplicates})
    return result


def _write_message(session: Session, batch: ImportBatch, file_name: str, index: int, message: Message,
                   bank_keys: _Keys, book_keys: _Keys, counts: Counter[str]) -> list[Any]:
    """One message's row, bank entries and book items (those not stored by an earlier file); returns
    the objects written."""
    stored = StoredMessage(
        batch_id=batch.id, file_name=file_name, message_index=index, message_type=message.message_type,
        family=message.family, kind=message.kind,
        message_ref=_fit(message.header.message_id, 64, "message id", message.provenance),
        payload=message.model_dump(mode="json"),
        findings=[f.model_dump(mode="json") for f in message.findings],
    )
    session.add(stored)
    session.flush()
    written: list[Any] = [stored]
    bank_rows = [_bank_rows(batch.id, stored.id, statement, entry, bank_keys)
                 for statement in message.statements for entry in statement.entries]
    book_rows = [_book_row(batch.id, stored.id, message, tx, book_keys)
                 for tx in (message.transactions if message.kind == "payment" else ())]
    known = _existing_keys(session, BankEntry, [r.idempotency_key for parent, kids in bank_rows for r in (parent, *kids)])
    for parent, kids in bank_rows:
        if parent.idempotency_key in known:
            counts["duplicates"] += 1 + len(kids)
            continue
        if kids:
            parent.details = kids  # their parent_id once the parent has its id; one flush for the message
        session.add(parent)
        counts["bank"] += 1 + len(kids)
        written += [parent, *kids]
    known_book = _existing_keys(session, BookItem, [r.idempotency_key for r in book_rows])
    for row in book_rows:
        if row.idempotency_key in known_book:
            counts["duplicates"] += 1
            continue
        session.add(row)
        counts["book"] += 1
        written.append(row)
    return written


def _claim_batch(session: Session, *, file_name: str, digest: str, size: int, kind: str, actor: str) -> ImportBatch | ImportResult:
    """Insert the batch row; if a concurrent import of the same bytes won, return its result."""
    batch = ImportBatch(file_name=file_name, sha256=digest, kind=kind, size_bytes=size, imported_by=actor)
    try:
        with session.begin_nested():
            session.add(batch)
            session.flush()
    except IntegrityError:
        existing = find_batch(session, sha256=digest, kind=kind)
        if existing is None:
            raise
        return ImportResult.of(existing, created=False)
    return batch


def _flush_or_conflict(session: Session, file_name: str) -> None:
    try:
        session.flush()
    except IntegrityError as exc:
        # Only the idempotency keys can collide here: another import stored the same items meanwhile.
        raise ConflictError(f"{file_name}: another import stored some of the same items meanwhile; import again") from exc


def _bank_rows(batch_id: int, message_id: int, st: Statement, entry: Entry, keys: _Keys) -> tuple[BankEntry, list[BankEntry]]:
    where = entry.provenance
    refs = entry.references
    single = entry.details[0] if len(entry.details) == 1 else None
    if single is not None:
        # One detail: fill what the entry lacks from it (camt puts the payment ids in TxDtls).
        d = single.references
        refs = refs.model_copy(update={k: v for k, v in d.model_dump().items() if v and not getattr(refs, k)})
    counterparty = entry.counterparty or (_detail_party(single, entry.credit_debit) if single else None)
    remittance = entry.remittance if not entry.remittance.is_empty() else (single.remittance if single else None)
    reason = entry.return_reason or (single.return_reason if single else None)
    btc = entry.bank_transaction_code or (single.bank_transaction_code if single else None)
    batch_count = entry.batch_count if entry.batch_count is not None else (len(entry.details) if len(entry.details) > 1 else None)
    account = _fit(st.account, 64, "statement account", where)
    statement_ref = _fit(st.statement_id, 64, "statement id", where)
    parent = BankEntry(
        batch_id=batch_id, message_id=message_id, level="entry", statement_kind=st.kind, statement_ref=statement_ref,
        account=account, amount=entry.amount, currency=entry.currency, credit_debit=entry.credit_debit,
        reversal=entry.reversal, entry_status=entry.status, booking_date=entry.booking_date, value_date=entry.value_date,
        entry_reference=_fit(entry.entry_reference, 64, "entry reference", where),
        **_ref_columns(refs, where), **_party_columns(counterparty, where),
        remittance_text=_text(remittance), return_reason=_fit(reason.best if reason else None, 35, "return reason", where),
        bank_transaction_code=_fit((btc.iso or btc.proprietary_code) if btc else None, 64, "bank transaction code", where),
        batch_count=batch_count, additional_info=entry.additional_info,
        provenance=entry.provenance.model_dump(mode="json"),
    )
    parent.idempotency_key = keys.key(
        "entry", account, st.kind, entry.currency, entry.credit_debit, entry.reversal, entry.status, entry.amount,
        entry.booking_date, entry.value_date, refs.account_servicer_reference, entry.entry_reference,
        refs.end_to_end_id, refs.instruction_id, refs.uetr, refs.account_owner_reference,
    )
    kids: list[BankEntry] = []
    if len(entry.details) > 1:
        for i, detail in enumerate(entry.details):
            kids.append(_detail_row(batch_id, message_id, st, entry, detail, i, parent.idempotency_key, account, statement_ref))
    return parent, kids


def _detail_party(detail: EntryDetail, credit_debit: str) -> Party | None:
    # For money in, the other side is the debtor; for money out, the creditor.
    if credit_debit == "CRDT":
        return detail.debtor or detail.creditor
    return detail.creditor or detail.debtor


def _detail_row(batch_id: int, message_id: int, st: Statement, entry: Entry, detail: EntryDetail, index: int,
                parent_key: str, account: str | None, statement_ref: str | None) -> BankEntry:
    where = detail.provenance
    cd = detail.credit_debit or entry.credit_debit
    btc = detail.bank_transaction_code
    row = BankEntry(
        batch_id=batch_id, message_id=message_id, level="detail", detail_index=index, statement_kind=st.kind,
        statement_ref=statement_ref, account=account, amount=detail.amount, currency=detail.currency or entry.currency,
        credit_debit=cd, reversal=entry.reversal, entry_status=entry.status, booking_date=entry.booking_date,
        value_date=entry.value_date, entry_reference=_fit(entry.entry_reference, 64, "entry reference", where),
        **_ref_columns(detail.references, where), **_party_columns(_detail_party(detail, cd), where),
        remittance_text=_text(detail.remittance),
        return_reason=_fit(detail.return_reason.best if detail.return_reason else None, 35, "return reason", where),
        bank_transaction_code=_fit((btc.iso or btc.proprietary_code) if btc else None, 64, "bank transaction code", where),
        additional_info=detail.additional_info, provenance=detail.provenance.model_dump(mode="json"),
    )
    # A detail is identified by its entry and its position in it.
    row.idempotency_key = hashlib.sha256(f"{parent_key}\x1fdetail\x1f{index}".encode()).hexdigest()
    return row


def _ref_columns(refs, where: Provenance) -> dict[str, Any]:
    return {
        "account_servicer_reference": _fit(refs.account_servicer_reference, 64, "account servicer reference", where),
        "account_owner_reference": _fit(refs.account_owner_reference, 64, "account owner reference", where),
        "end_to_end_id": _fit(refs.end_to_end_id, 64, "end-to-end id", where),
        "instruction_id": _fit(refs.instruction_id, 64, "instruction id", where),
        "transaction_id": _fit(refs.transaction_id, 64, "transaction id", where),
        "payment_info_id": _fit(refs.payment_info_id, 64, "payment information id", where),
        "message_ref": _fit(refs.message_id, 64, "message id", where),
        "uetr": _fit(refs.uetr, 36, "UETR", where),
        "clearing_system_reference": _fit(refs.clearing_system_reference, 64, "clearing system reference", where),
        "mandate_id": _fit(refs.mandate_id, 64, "mandate id", where),
        "cheque_number": _fit(refs.cheque_number, 64, "cheque number", where),
        "other_references": [p for p in refs.proprietary if p],
    }


def _book_row(batch_id: int, message_id: int, message: Message, tx: Transaction, keys: _Keys) -> BookItem:
    where = tx.provenance
    message_ref = tx.message_id or message.header.message_id
    row = BookItem(
        batch_id=batch_id, message_id=message_id, source=message.family,
        account=_fit(tx.debtor.account, 64, "debtor account", where), amount=tx.amount, currency=tx.currency,
        credit_debit="DBIT", booking_date=tx.requested_execution_date or tx.settlement_date, value_date=tx.settlement_date,
        end_to_end_id=_fit(tx.end_to_end_id, 64, "end-to-end id", where),
        instruction_id=_fit(tx.instruction_id, 64, "instruction id", where),
        transaction_id=_fit(tx.transaction_id, 64, "transaction id", where),
        payment_info_id=_fit(tx.payment_info_id, 64, "payment information id", where),
        message_ref=_fit(message_ref, 64, "message id", where), uetr=_fit(tx.uetr, 36, "UETR", where),
        clearing_system_reference=_fit(tx.clearing_system_reference, 64, "clearing system reference", where),
        other_references=[], **_party_columns(tx.creditor, where), remittance_text=_text(tx.remittance),
        provenance=tx.provenance.model_dump(mode="json"),
    )
    row.idempotency_key = keys.key(
        "payment", message.family, message_ref, tx.payment_info_id, tx.instruction_id, tx.end_to_end_id,
        tx.transaction_id, tx.uetr, tx.amount, tx.currency, tx.debtor.account, row.booking_date,
    )
    return row


# ---------------------------------------------------------------------------------- ledger CSV


def refuse_ledger_controls(content: bytes, file_name: str, *, limit: int = 20) -> None:
    """A NUL or other control character (not TAB/CR/LF) anywhere in a ledger is a `LedgerError` listing
    the lines (up to `limit`), before anything is read or written.

    PostgreSQL cannot store NUL in text: such a ledger used to crash the import with a traceback and
    take the other files of the same `ingest_files` call down with it. SQLite would have stored it.
    Either way it is damage, not data, so every backend refuses it the same way. Controls are single
    bytes in UTF-8 (never inside a multi-byte sequence), so the bytes can be searched as latin-1."""
    if content[:2] in (b"\xff\xfe", b"\xfe\xff") or not may_hold_controls(content):
        return  # none; or UTF-16, which the ledger reader refuses as not UTF-8 (the real problem)
    text = content.decode("latin-1")
    problems: list[tuple[int, str]] = []
    for m in CONTROL.finditer(text):
        line = text.count("\n", 0, m.start()) + 1
        if problems and problems[-1][0] == line:
            continue
        column = m.start() - text.rfind("\n", 0, m.start())
        problems.append((line, f"{describe(m.group())} at column {column}: control characters are not ledger data"))
        if len(problems) >= limit:
            break
    if problems:
        line, why = problems[0]
        more = f" (and {len(problems) - 1} more line(s))" if len(problems) > 1 else ""
        raise LedgerError(f"{why}{more}", file=file_name, problems=problems)


def import_ledger_csv(
    session: Session, *, file_name: str, content_bytes: bytes, column_map: Mapping[str, str] | None = None,
    user: str | User,
) -> ImportResult:
    """Import ledger lines as book items. The file is read by the one ledger reader
    (`agents.recon.ledger`, which documents the format); any bad row, or a control character anywhere
    (`refuse_ledger_controls`), refuses the whole file with a `LedgerError` before anything is written."""
    actor = require(session, user, "import").username
    digest = _sha256(content_bytes)
    existing = find_batch(session, sha256=digest, kind=KIND_LEDGER)
    if existing is not None:
        return ImportResult.of(existing, created=False)
    refuse_ledger_controls(content_bytes, file_name)
    lines = read_ledger_csv(content_bytes, column_map, filename=file_name)
    with session.begin_nested():
        batch = _claim_batch(session, file_name=file_name, digest=digest, size=len(content_bytes), kind=KIND_LEDGER, actor=actor)
        if isinstance(batch, ImportResult):
            return batch
        keys = _Keys()
        items = []
        for ln in lines:
            item = BookItem(
                batch_id=batch.id, source=KIND_LEDGER, external_id=ln.id, account=ln.account, amount=ln.amount,
                currency=ln.currency, credit_debit=ln.direction, booking_date=ln.booking_date, value_date=ln.value_date,
                end_to_end_id=ln.end_to_end_id, counterparty_name=ln.counterparty, counterparty_account=ln.iban,
                reference=ln.reference, description=ln.description, remittance_text=ln.description,
                other_references=[ln.reference] if ln.reference else [], line_number=ln.line, raw=ln.raw,
                provenance={"file": file_name, "message_index": 0, "line": ln.line, "xpath": None},
            )
            # A ledger line is identified by its ledger (our account) and its id, nothing else: a re-export
            # whose descriptions or dates moved is the same line, not a second book item.
            item.idempotency_key = keys.key("ledger-id", ln.account, ln.id)
            items.append(item)
        known = _existing_keys(session, BookItem, [i.idempotency_key for i in items])
        stored = _stored_ledger_items(session, items)
        _refuse_changed_money(file_name, items, stored)
        fresh = [i for i in items if i.idempotency_key not in known and (i.account, i.external_id) not in stored]
        session.add_all(fresh)
        batch.book_item_count = len(fresh)
        batch.duplicate_count = len(items) - len(fresh)
        _flush_or_conflict(session, file_name)
        result = ImportResult.of(batch, created=True)
        audit.append(session, actor=actor, action="import.ledger_csv", object_type="import_batch", object_id=batch.id,
                     after={"file_name": file_name, "sha256": digest, "book_items": result.book_items,
                            "duplicates": result.duplicates, "rows": len(lines)})
    return result


def _stored_ledger_items(session: Session, items: Sequence[BookItem]) -> dict[tuple[str | None, str], BookItem]:
    """Ledger book items already stored under the same (account, id), whatever key an older version
    of this module gave them (keys once hashed the amount and date too, so they cannot be relied on)."""
    found: dict[tuple[str | None, str], BookItem] = {}
    wanted = {(i.account, i.external_id) for i in items}
    for chunk in in_chunks(sorted({i.external_id for i in items})):
        rows = session.execute(
            select(BookItem).where(BookItem.source == KIND_LEDGER, BookItem.external_id.in_(chunk))
        ).scalars()
        for row in rows:
            if (row.account, row.external_id) in wanted:
                found.setdefault((row.account, row.external_id), row)
    return found


def _refuse_changed_money(file_name: str, items: Sequence[BookItem], stored: Mapping[tuple[str | None, str], BookItem]) -> None:
    """A line id already booked with another amount, currency, direction or booking date is not a
    duplicate to skip quietly nor a new item to add: the books disagree, and a person must decide."""
    changed = []
    for item in items:
        old = stored.get((item.account, item.external_id))
        if old is None:
            continue
        was = (old.amount, old.currency, old.credit_debit, old.booking_date)
        now = (item.amount, item.currency, item.credit_debit, item.booking_date)
        if was != now:
            changed.append(f"{item.external_id} (line {item.line_number})")
    if changed:
        raise ConflictError(
            f"{file_name}: ledger line id(s) already imported with a different amount, currency, direction or "
            f"booking date: {', '.join(changed[:10])}{' …' if len(changed) > 10 else ''}; nothing imported"
        )


__all__ = ["ImportResult", "import_ledger_csv", "import_message_pages", "import_messages", "refuse_ledger_controls"]
