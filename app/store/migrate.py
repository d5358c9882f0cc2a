"""Bring a database to the latest schema with Alembic (what the app runs on start).

The migration scripts live in `app/store/migrations/`, inside the package, so an installed wheel can
migrate too. `alembic.ini` at the repository root is for the `alembic` command line in a checkout;
`upgrade(url)` does not need it: it builds the config in code.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from breakdesk.app.settings import get_settings, normalise_database_url

SCRIPT_LOCATION = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(SCRIPT_LOCATION))
    # ConfigParser interpolation: a literal % in a password must be doubled.
    cfg.set_main_option("sqlalchemy.url", normalise_database_url(url or get_settings().database_url).replace("%", "%%"))
    cfg.attributes["configure_logging"] = False
    return cfg


def upgrade(url: str | None = None, revision: str = "head") -> None:
    """Create or upgrade the schema at `url` (default: DATABASE_URL) to `revision`."""
    command.upgrade(alembic_config(url), revision)


def current_revision(url: str | None = None) -> str | None:
    from alembic.runtime.migration import MigrationContext

    from breakdesk.app.store.db import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()
