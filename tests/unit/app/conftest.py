"""Fixtures for app/ unit tests: a migrated SQLite file per test (copied from one template)."""

from __future__ import annotations

import pytest

from breakdesk.app.settings import get_settings, reload_settings
from breakdesk.app.store.db import make_engine, make_session_factory, session_scope
from breakdesk.app.store.testing import copy_sqlite, migrated_sqlite_template, seed_users


@pytest.fixture(autouse=True)
def _fast_bcrypt(monkeypatch):
    monkeypatch.setenv("BREAKDESK_BCRYPT_ROUNDS", "4")
    reload_settings()
    yield
    get_settings.cache_clear()  # re-read lazily, after monkeypatch has restored the environment


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    return migrated_sqlite_template(tmp_path_factory.mktemp("template"))


@pytest.fixture
def db_url(sqlite_template, tmp_path):
    return copy_sqlite(sqlite_template, tmp_path / "breakdesk.sqlite3")


@pytest.fixture
def engine(db_url):
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def scope(engine):
    """`with scope() as s:` one committed unit of work."""
    return lambda: session_scope(engine)


@pytest.fixture
def Session(engine):  # noqa: N802 - a factory, named like one
    return make_session_factory(engine)


@pytest.fixture
def people(scope):
    """alice and bob (clerks), olga and oscar (ops), carl (compliance), ada (admin)."""
    with scope() as s:
        seed_users(s, alice="clerk", bob="clerk", olga="ops", oscar="ops", carl="compliance", ada="admin")
    return {"alice": "clerk", "bob": "clerk", "olga": "ops", "oscar": "ops", "carl": "compliance", "ada": "admin"}
