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


#: pg_advisory_lock key of the checkpoint tables' set-up (any constant; "BDCKPT" in ASCII)
_SETUP_LOCK_KEY = 0x4244434B5054


def _setup_once(saver: BaseCheckpointSaver, conn: str) -> None:
    """Run the checkpointer's migrations with a database-wide advisory lock: two processes starting at
    once on a fresh database both ran `setup()`, and the second crashed on a UniqueViolation creating
    the same types. The thread lock above covers one process; this covers every process."""
    import time

    import psycopg

    with psycopg.connect(conn, autocommit=True) as lock_conn:
        # Poll with pg_try_advisory_lock: a process blocked in pg_advisory_lock is itself an open
        # transaction, which the holder's CREATE INDEX CONCURRENTLY would wait for (a deadlock).
        while not lock_conn.execute("SELECT pg_try_advisory_lock(%s)", (_SETUP_LOCK_KEY,)).fetchone()[0]:
            time.sleep(0.2)
        try:
            saver.setup()  # type: ignore[attr-defined]
        finally:
            lock_conn.execute("SELECT pg_advisory_unlock(%s)", (_SETUP_LOCK_KEY,))


def prepare_checkpointer(url: str) -> None:
    """Set up PostgreSQL's checkpoint tables now, before the caller opens a transaction.

    Call it first in a use case: the set-up's `CREATE INDEX CONCURRENTLY` waits for every open
    transaction on the database, so run inside a decision that holds a row lock it deadlocks with the
    second person's decision waiting on that lock. SQLite needs nothing."""
    if not url.startswith(("postgresql", "postgres://")):
        return
    conn = _pg_conn(url)
    with _PG_LOCK:
        if conn in _PG_READY:
            return
        from langgraph.checkpoint.postgres import PostgresSaver

        with PostgresSaver.from_conn_string(conn) as saver:
            _setup_once(saver, conn)
        _PG_READY.add(conn)


def _pg_conn(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://").replace("postgres://", "postgresql://")


def _sqlite_path(url: str) -> str:
    # sqlite:///relative.db, sqlite:////abs/path.db, or a bare path
    if url.startswith("sqlite:///"):
        return url[len("sqlite:///"):]
    return url


@contextlib.contextmanager
def open_checkpointer(url: str) -> Iterator[BaseCheckpointSaver]:
    if url.startswith(("postgresql", "postgres://")):
        from langgraph.checkpoint.postgres import PostgresSaver

        conn = _pg_conn(url)
        with PostgresSaver.from_conn_string(conn) as saver:
            with _PG_LOCK:
                if conn not in _PG_READY:
                    _setup_once(saver, conn)
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
