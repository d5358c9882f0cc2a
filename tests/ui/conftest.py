"""Fixtures for the UI tests: a data dir with users.toml (one user per role, two ops), a migrated SQLite
database, the offline runtime (provider none, keyword retrieval over the real knowledge base), and an
AppTest factory that can start signed in."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from breakdesk.app.services.users_file import add_to_users_file, users_file_path
from breakdesk.app.settings import get_settings, reload_settings
from breakdesk.app.store.db import make_engine, session_scope
from breakdesk.app.store.testing import copy_sqlite, migrated_sqlite_template

APP = Path(__file__).resolve().parents[2] / "app" / "ui" / "streamlit_app.py"
PASSWORD = "correct horse battery"
USERS = {"olivia": "ops", "oscar": "ops", "carl": "clerk", "chloe": "compliance", "ada": "admin"}


@pytest.fixture(scope="session")
def ui_template(tmp_path_factory):
    return migrated_sqlite_template(tmp_path_factory.mktemp("ui-template"))


@pytest.fixture
def ui_env(tmp_path, monkeypatch, ui_template):
    """Environment of one UI test; yields the engine on its database."""
    from tests.support.workflow import keyword_retrieve

    url = copy_sqlite(ui_template, tmp_path / "breakdesk.sqlite3")
    monkeypatch.setenv("BREAKDESK_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("BREAKDESK_BCRYPT_ROUNDS", "4")
    monkeypatch.setenv("BREAKDESK_LLM", "none")
    settings = reload_settings()
    for name, role in USERS.items():
        add_to_users_file(users_file_path(settings), username=name, role=role, password=PASSWORD)

    from breakdesk.agents.llm import LLMSettings, load_chat_model
    from breakdesk.app.services.workflow import Runtime
    from breakdesk.app.ui import state

    runtime = Runtime(provider=load_chat_model(LLMSettings(provider="none")), retrieve=keyword_retrieve(),
                      checkpoint_url=f"sqlite:///{tmp_path / 'checkpoints.sqlite3'}", outbox=tmp_path / "outbox")
    monkeypatch.setattr(state, "runtime", lambda: runtime)
    engine = make_engine(url)
    yield engine
    engine.dispose()
    get_settings.cache_clear()


@pytest.fixture
def demo_day(ui_env):
    """The demo-day files imported (cases opened) by olivia."""
    from breakdesk.app.services.workflow import ingest_files
    from tests.support.workflow import demo_files

    with session_scope(ui_env) as s:
        # users.toml is synced by the app at start-up; do it here too so the import has its user
        from breakdesk.app.services.users_file import sync_users_file

        sync_users_file(s)
        report = ingest_files(s, files=demo_files(), user="olivia")
    assert not report.errors, report.errors
    return report


def open_app(page: str | None = None, *, user: str | None = None) -> AppTest:
    """Run the app (signed in as `user` when given), then switch to `page` (e.g. "views/audit.py")."""
    at = AppTest.from_file(str(APP), default_timeout=60)
    if user is not None:
        now = time.time()
        at.session_state["user"] = {"username": user, "role": USERS[user], "display_name": user,
                                    "signed_in_at": now, "seen_at": now}
    at.run()
    if page is not None:
        at.switch_page(page).run()
    return at
