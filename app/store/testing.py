"""Throw-away databases for tests (used by tests/unit/app and tests/integration).

`migrated_sqlite_template` migrates once; `copy_sqlite` clones it per test (a file copy is far
faster than running the migrations again). `temporary_postgres_database` creates a uniquely named
database on the configured server, migrates it, and drops it afterwards.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.engine import make_url

from breakdesk.app.store.migrate import upgrade

#: Server for integration tests; any database on it works as the admin connection.
TEST_POSTGRES_URL = os.environ.get("BREAKDESK_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def migrated_sqlite_template(directory: Path) -> Path:
    path = directory / "template.sqlite3"
    upgrade(sqlite_url(path))
    return path


def copy_sqlite(template: Path, target: Path) -> str:
    shutil.copyfile(template, target)
    return sqlite_url(target)


def postgres_available(url: str = TEST_POSTGRES_URL) -> str | None:
    """None when the server answers, else the reason it does not."""
    import psycopg

    u = make_url(url)
    try:
        with psycopg.connect(host=u.host, port=u.port or 5432, user=u.username, dbname=u.database, connect_timeout=3):
            return None
    except psycopg.Error as exc:
        return f"PostgreSQL at {u.host}:{u.port} not reachable: {exc}"


@contextmanager
def temporary_postgres_database(url: str = TEST_POSTGRES_URL, *, migrate: bool = True) -> Iterator[str]:
    """Yield the SQLAlchemy URL of a fresh database, dropped (with its connections) on exit."""
    import psycopg

    u = make_url(url)
    name = f"breakdesk_test_{uuid.uuid4().hex[:12]}"
    params = dict(host=u.host, port=u.port or 5432, user=u.username, password=u.password, dbname=u.database, autocommit=True)
    with psycopg.connect(**params) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        db_url = u.set(drivername="postgresql+psycopg", database=name).render_as_string(hide_password=False)
        if migrate:
            upgrade(db_url)
        yield db_url
    finally:
        with psycopg.connect(**params) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# ------------------------------------------------------------------------------ seed helpers


def seed_users(session, *, password: str = "correct horse battery", **users: str) -> None:
    """`seed_users(s, alice="clerk", ada="admin")`: create users directly (bootstrap path, audited)."""
    from breakdesk.app.services.users import bootstrap_user

    for username, role in users.items():
        bootstrap_user(session, username=username, role=role, password=password, origin="test")


def seed_pair(session, *, amount: str = "100.00", currency: str = "EUR", reference: str | None = None):
    """One bank entry and one book item that match, in a batch of their own. Returns (entry, item)."""
    import hashlib
    from datetime import date
    from decimal import Decimal

    from breakdesk.app.store.models import BankEntry, BookItem, ImportBatch, StoredMessage

    ref = reference or uuid.uuid4().hex[:16]
    batch = ImportBatch(file_name=f"seed-{ref}", sha256=hashlib.sha256(ref.encode()).hexdigest(), kind="seed",
                        size_bytes=0, imported_by="system:test")
    session.add(batch)
    session.flush()
    msg = StoredMessage(batch_id=batch.id, file_name=batch.file_name, message_index=0, message_type="camt.053.001.08",
                        family="camt.053", kind="statement", payload={})
    session.add(msg)
    session.flush()
    common = dict(batch_id=batch.id, account="DE89370400440532013000", amount=Decimal(amount), currency=currency,
                  booking_date=date(2026, 11, 2), end_to_end_id=ref, provenance={"file": batch.file_name})
    entry = BankEntry(message_id=msg.id, level="entry", statement_kind="statement", credit_debit="DBIT",
                      idempotency_key=hashlib.sha256(f"b{ref}".encode()).hexdigest(), **common)
    item = BookItem(source="pain.001", credit_debit="DBIT", idempotency_key=hashlib.sha256(f"k{ref}".encode()).hexdigest(),
                    **common)
    session.add_all([entry, item])
    session.flush()
    return entry, item


def seed_suggestion(session, *, bank_entry_ids=None, book_item_ids=None, confidence: float = 0.9):
    """A pending suggestion over the given items (or a fresh matching pair)."""
    from breakdesk.app.store.models import BankEntry, BookItem
    from breakdesk.app.store.repositories.matching import add_suggestion, create_run

    if bank_entry_ids is None and book_item_ids is None:
        entry, item = seed_pair(session)
        bank_entry_ids, book_item_ids = [entry.id], [item.id]
    run = create_run(session, started_by="system:test", matcher_version="test")
    return add_suggestion(session, run_id=run.id, bank_entries=[session.get(BankEntry, i) for i in bank_entry_ids or []],
                          book_items=[session.get(BookItem, i) for i in book_item_ids or []],
                          confidence=confidence, reasons=[{"code": "e2e_id", "detail": "same end-to-end id"}], status="review")
