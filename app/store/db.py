"""Engines and sessions for SQLite (the embedded default) and PostgreSQL (psycopg 3).

SQLite is opened with foreign keys on, WAL (readers never wait for the writer) and a busy timeout,
and every transaction starts with `BEGIN IMMEDIATE`: writers queue for the database lock at the
start instead of failing half-way when a reader's snapshot turns out to be stale. That makes
SQLite transactions serializable, which the decision and audit services rely on; on PostgreSQL they
lock rows explicitly instead (`SELECT … FOR UPDATE`).

Services never commit: the caller owns the transaction (`with session_scope(engine) as s: …`).
Pages that only read use `read_scope`, which on SQLite begins DEFERRED and so never waits for writers.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from breakdesk.app.settings import get_settings, normalise_database_url
from breakdesk.app.store.file_modes import private_sqlite

SQLITE_BUSY_TIMEOUT_MS = 30_000


def make_engine(url: str | None = None, **kwargs) -> Engine:
    """A new engine for `url` (default: the configured DATABASE_URL)."""
    url = normalise_database_url(url or get_settings().database_url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, **kwargs)
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def _sqlite_engine(url: str, **kwargs) -> Engine:
    database = make_url(url).database
    if database and database != ":memory:" and not database.startswith("file:"):
        # Personal data: the file is created 0600 (and an older 0644 one tightened) before SQLite opens it.
        private_sqlite(Path(database).expanduser())
    connect_args = kwargs.pop("connect_args", {})
    connect_args.setdefault("timeout", SQLITE_BUSY_TIMEOUT_MS / 1000)
    connect_args.setdefault("check_same_thread", False)
    engine = create_engine(url, connect_args=connect_args, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # pragma: no cover - exercised by every test
        # Autocommit at the driver level so we, not pysqlite, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        if database and database != ":memory:":
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):  # pragma: no cover - exercised by every test
        mode = connection.get_execution_options().get("sqlite_begin", "IMMEDIATE")
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    # expire_on_commit=False: objects stay readable after the caller's commit (UI renders them).
    return sessionmaker(bind=engine, expire_on_commit=False)


@lru_cache(maxsize=8)
def _engine_for(url: str) -> Engine:
    return make_engine(url)


def get_engine() -> Engine:
    """The process-wide engine for the configured DATABASE_URL."""
    return _engine_for(get_settings().database_url)


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """One unit of work: commit when the block ends, roll back when it raises."""
    factory = make_session_factory(engine or get_engine())
    with factory() as session:
        with session.begin():
            yield session


@contextmanager
def read_scope(engine: Engine | None = None) -> Iterator[Session]:
    """A read-only unit of work. On SQLite it does not take the write lock (`BEGIN DEFERRED`), so a
    slow page render never holds up a decision; it is rolled back at the end, never committed."""
    factory = make_session_factory(engine or get_engine())
    with factory() as session:
        session.connection(execution_options={"sqlite_begin": "DEFERRED"})
        try:
            yield session
        finally:
            session.rollback()
