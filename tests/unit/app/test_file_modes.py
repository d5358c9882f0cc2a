"""Files with personal data or secrets are 0600 (issue 21 item 12)."""

from __future__ import annotations

import os
import stat

from sqlalchemy import text

from breakdesk.app.store.db import make_engine
from breakdesk.app.store.file_modes import create_private


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_a_new_sqlite_database_and_its_wal_are_0600(tmp_path):
    old = os.umask(0o022)
    try:
        db = tmp_path / "data" / "breakdesk.sqlite3"
        engine = make_engine(f"sqlite:///{db}")
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE t (x INTEGER)"))
            conn.execute(text("INSERT INTO t VALUES (1)"))
        assert _mode(db) == 0o600
        assert _mode(tmp_path / "data") == 0o700
        wal = db.with_name(db.name + "-wal")
        if wal.exists():
            assert _mode(wal) == 0o600
        engine.dispose()
    finally:
        os.umask(old)


def test_an_older_world_readable_database_is_tightened_when_opened(tmp_path):
    db = tmp_path / "breakdesk.sqlite3"
    db.touch()
    os.chmod(db, 0o644)
    make_engine(f"sqlite:///{db}").dispose()
    assert _mode(db) == 0o600


def test_create_private_creates_once(tmp_path):
    path = tmp_path / "k"
    assert create_private(path) is True
    assert create_private(path) is False
    assert _mode(path) == 0o600


def test_sqlite_checkpoints_file_is_0600(tmp_path):
    from breakdesk.agents.graph.checkpoint import open_checkpointer

    path = tmp_path / "checkpoints.sqlite3"
    with open_checkpointer(f"sqlite:///{path}"):
        pass
    assert _mode(path) == 0o600
