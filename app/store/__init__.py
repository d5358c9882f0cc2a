"""Persistence: SQLAlchemy 2 models, engines and sessions, repositories, and migrations.

    app.store.models         ORM classes, one module per area (imports, matching, cases, users, audit, llm)
    app.store.types          Amount (exact Decimal on every database), UtcDateTime
    app.store.db             make_engine / get_engine, session_scope (read-write), read_scope (read-only)
    app.store.repositories   keyword-only functions taking the session; lookups return None
    app.store.migrate        upgrade(url): Alembic to the latest revision (run on start)
    app.store.testing        throw-away SQLite / PostgreSQL databases and seed helpers for tests
    app.store.race           run calls in parallel transactions (concurrency tests)

State changes people make go through `app.services`, not through the repositories.
"""
