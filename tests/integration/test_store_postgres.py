"""The schema on a real PostgreSQL: migrations from scratch, no drift, exact NUMERIC(28, 8)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select, text

from breakdesk.app.store.db import make_engine, session_scope
from breakdesk.app.store.migrate import current_revision, upgrade
from breakdesk.app.store.models import AuditChainHead, Base, BookItem
from breakdesk.app.store.testing import seed_pair, temporary_postgres_database
from tests.conftest import require_postgres

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def pg_url():
    require_postgres()
    with temporary_postgres_database(migrate=False) as url:
        yield url


def test_upgrade_fresh_database_and_no_drift(pg_url):
    upgrade(pg_url)
    assert current_revision(pg_url) is not None
    upgrade(pg_url)  # idempotent
    engine = make_engine(pg_url)
    try:
        assert set(inspect(engine).get_table_names()) >= set(Base.metadata.tables)
        with engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
            amount_type = conn.execute(text(
                "SELECT numeric_precision, numeric_scale FROM information_schema.columns "
                "WHERE table_name = 'bank_entries' AND column_name = 'amount'")).one()
            assert tuple(amount_type) == (28, 8)
            assert conn.execute(text("SELECT data_type FROM information_schema.columns WHERE table_name = 'messages' "
                                     "AND column_name = 'payload'")).scalar_one() == "jsonb"
        with session_scope(engine) as s:
            assert s.get(AuditChainHead, 1).seq == 0
            _, item = seed_pair(s, amount="1.00")
            item.amount = Decimal("12345678901234567890.12345678")
            item_id = item.id
        with session_scope(engine) as s:
            assert s.execute(select(BookItem.amount).where(BookItem.id == item_id)).scalar_one() == Decimal(
                "12345678901234567890.12345678")
    finally:
        engine.dispose()
