from datetime import UTC, datetime
from decimal import Decimal

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, select, text

from breakdesk.app.store.db import make_engine, session_scope
from breakdesk.app.store.migrate import alembic_config, current_revision, upgrade
from breakdesk.app.store.models import AuditChainHead, Base, BookItem
from breakdesk.app.store.testing import seed_pair
from breakdesk.app.store.types import to_amount


def test_upgrade_creates_every_table_on_a_fresh_file(tmp_path):
    url = f"sqlite:///{tmp_path / 'sub' / 'fresh.sqlite3'}"
    upgrade(url)
    head = ScriptDirectory.from_config(alembic_config(url)).get_current_head()
    assert current_revision(url) == head
    engine = make_engine(url)
    try:
        assert set(inspect(engine).get_table_names()) >= set(Base.metadata.tables)
        with engine.connect() as conn:
            # Autogenerate finds nothing to do: the migration and the models agree.
            assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
        with session_scope(engine) as s:
            head_row = s.get(AuditChainHead, 1)
            assert (head_row.seq, head_row.hash) == (0, "0" * 64)
        upgrade(url)  # running it again is a no-op
    finally:
        engine.dispose()


def test_sqlite_connections_enforce_foreign_keys_and_use_wal(engine):
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_amounts_round_trip_exactly_as_decimal(scope):
    big = Decimal("12345678901234567890.12345678")  # 28 digits: more than a float can hold
    with scope() as s:
        entry, item = seed_pair(s, amount="1.00")
        item.amount = big
        item_id = item.id
    with scope() as s:
        stored = s.execute(select(BookItem.amount).where(BookItem.id == item_id)).scalar_one()
        assert stored == big and isinstance(stored, Decimal)
        raw = s.execute(text("SELECT amount FROM book_items WHERE id = :i"), {"i": item_id}).scalar_one()
        assert raw == "12345678901234567890.12345678"  # stored as exact text on SQLite, not REAL


@pytest.mark.parametrize("bad", [1.5, Decimal("0.123456789"), "abc", Decimal("NaN"), Decimal("1" * 29)])
def test_amount_refuses_floats_and_lossy_values(bad):
    with pytest.raises((TypeError, ValueError)):
        to_amount(bad)


def test_times_come_back_aware_utc(scope):
    with scope() as s:
        head = s.get(AuditChainHead, 1)
        head.updated_at = datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)
    with scope() as s:
        value = s.get(AuditChainHead, 1).updated_at
        assert value == datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC) and value.tzinfo is not None


def test_a_reader_does_not_block_a_writer_on_sqlite(engine):
    from breakdesk.app.store.db import read_scope
    from breakdesk.app.store.models import AuditChainHead as Head

    with read_scope(engine) as reader:
        assert reader.get(Head, 1).seq == 0  # read transaction open...
        with session_scope(engine) as writer:  # ...and a writer still gets the lock at once
            writer.get(Head, 1).seq = 0
        assert reader.in_transaction()
