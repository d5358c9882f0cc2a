"""Checkpointers for the case workflow: SQLite by default, PostgreSQL for teams.

A decision can arrive hours later from another process; all it needs is the same database and the
case id as thread id.

PostgreSQL's checkpoint tables are set up once per process and database, not on every open: the
setup runs migrations that include `CREATE INDEX CONCURRENTLY`, which waits for every other open
transaction, the caller's own service session included (a workflow test hung this way when the
order of its reads changed).
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from pathlib import Path

from langgraph.checkpoint.base import BaseCheckpointSaver


_PG_READY: set[str] = set()
_PG_LOCK = threading.Lock()


def _sqlite_path(url: str) -> str:
    # sqlite:///relative.db, sqlite:////abs/path.db, or a bare path
    if url.startswith("sqlite:///"):
        return url[len("sqlite:///"):]
    return url


@contextlib.contextmanager
def open_checkpointer(url: str) -> Iterator[BaseCheckpointSaver]:
    if url.startswith(("postgresql", "postgres://")):
        from langgraph.checkpoint.postgres import PostgresSaver

        conn = url.replace("postgresql+psycopg://", "postgresql://").replace("postgres://", "postgresql://")
        with PostgresSaver.from_conn_string(conn) as saver:
            with _PG_LOCK:
                if conn not in _PG_READY:
                    saver.setup()
                    _PG_READY.add(conn)
            yield saver
        return
    import sqlite3

    from langgraph.checkpoint.sqlite import SqliteSaver

    path = _sqlite_path(url)
    if path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        # Checkpoints hold case facts (names, IBANs): created 0600 before SQLite opens the file.
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
        os.chmod(path, 0o600)
    conn = sqlite3.connect(path, check_same_thread=False)
    try:
        saver = SqliteSaver(conn)
        saver.setup()
        yield saver
    finally:
        conn.close()
