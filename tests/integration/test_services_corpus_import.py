"""Import the whole sample corpus through the real parsers: every entry and payment lands once.

A sample the parsers refuse is left to the parser tests; if none parses at all, the test fails.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from breakdesk import parsers
from breakdesk.app.services.imports import import_messages
from breakdesk.app.settings import get_settings, reload_settings
from breakdesk.app.store.db import make_engine, session_scope
from breakdesk.app.store.models import BankEntry, BookItem, StoredMessage
from breakdesk.app.store.testing import copy_sqlite, migrated_sqlite_template, seed_users
from breakdesk.parsers.errors import ParseError
from tests.conftest import load_manifest

pytestmark = pytest.mark.integration


def _expected_rows(messages) -> tuple[int, int]:
    bank = book = 0
    for m in messages:
        for st in m.statements:
            for e in st.entries:
                bank += 1 + (len(e.details) if len(e.details) > 1 else 0)
        if m.kind == "payment":
            book += len(m.transactions)
    return bank, book


def test_corpus_imports_completely_and_idempotently(shared_dir, tmp_path, monkeypatch):
    parsed = []
    for item in load_manifest():
        try:
            messages = parsers.parse_file(item.path)
        except ParseError:
            continue  # refusing a bad sample is the parsers' business, tested there
        parsed.append((item, messages))
    assert parsed, "no corpus file parses"
    monkeypatch.setenv("BREAKDESK_BCRYPT_ROUNDS", "4")
    reload_settings()
    url = copy_sqlite(migrated_sqlite_template(tmp_path), tmp_path / "corpus.sqlite3")
    engine = make_engine(url)
    try:
        with session_scope(engine) as s:
            seed_users(s, importer="ops")
        for item, messages in parsed:
            content = item.path.read_bytes()
            bank, book = _expected_rows(messages)
            with session_scope(engine) as s:
                r = import_messages(s, file_name=item.local_path, content_bytes=content, messages=messages, user="importer")
            assert r.created and r.messages == len(messages), item.local_path
            # every entry and payment is stored, or recognised as already stored by an earlier file
            assert r.bank_entries + r.book_items + r.duplicates == bank + book, item.local_path
            with session_scope(engine) as s:
                again = import_messages(s, file_name=item.local_path, content_bytes=content, messages=messages, user="importer")
            assert not again.created and again.batch_id == r.batch_id
        with session_scope(engine) as s:
            n_msgs = s.execute(select(func.count()).select_from(StoredMessage)).scalar_one()
            assert n_msgs == sum(len(m) for _, m in parsed)
            assert s.execute(select(func.count()).select_from(BankEntry)).scalar_one() + s.execute(
                select(func.count()).select_from(BookItem)).scalar_one() > 0
    finally:
        engine.dispose()
        get_settings.cache_clear()
