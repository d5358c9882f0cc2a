"""`breakdesk ui [--port N] [--no-seed]`: migrate, seed the demo day on an empty database, serve the UI.

Streamlit is started on 127.0.0.1 only, headless and without usage statistics (it would otherwise
probe external addresses). `DATABASE_URL=postgresql+psycopg://…` switches the store to PostgreSQL.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

REPO_ROOT = Path(__file__).resolve().parents[2]
APP_SCRIPT = REPO_ROOT / "app" / "ui" / "streamlit_app.py"
SEED_USER = "demo-admin"


def streamlit_command(port: int) -> list[str]:
    return [
        sys.executable, "-m", "streamlit", "run", str(APP_SCRIPT),
        "--server.address=127.0.0.1", f"--server.port={port}", "--server.headless=true",
        "--browser.gatherUsageStats=false", "--server.fileWatcherType=none", "--global.developmentMode=false",
        "--client.toolbarMode=viewer",
    ]


def database_is_empty(session) -> bool:
    from sqlalchemy import func, select

    from breakdesk.app.store.models import Case, ImportBatch

    return not any(session.execute(select(func.count()).select_from(m)).scalar_one() for m in (ImportBatch, Case))


def seed_demo_day(session, runtime) -> None:
    """The demo day (app/samples/demo-day): imported, reconciled and explained, as the demo admin."""
    from breakdesk.app.services.workflow import seed_demo

    summary = seed_demo(session, runtime=runtime, user=SEED_USER)
    if summary.get("errors"):
        raise click.ClickException("demo seed failed: " + "; ".join(summary["errors"]))


def prepare(*, seed: bool, echo=click.echo) -> None:
    """Everything `breakdesk ui` does before serving: migrate, users file, demo seed, demo credentials."""
    from breakdesk.app.services.users_file import (
        demo_credentials,
        ensure_demo_users,
        load_users_file,
        sync_users_file,
        users_file_path,
    )
    from breakdesk.app.settings import get_settings
    from breakdesk.app.store.db import get_engine, session_scope
    from breakdesk.app.store.migrate import upgrade

    settings = get_settings()
    upgrade()
    path = users_file_path(settings)
    with session_scope(get_engine()) as session:
        empty = database_is_empty(session)
    if seed and empty:
        ensure_demo_users(path)
    with session_scope(get_engine()) as session:
        sync_users_file(session, path)
    if seed and empty:
        from breakdesk.app.ui.state import runtime

        echo("Seeding the demo day (app/samples/demo-day) …")
        with session_scope(get_engine()) as session:
            seed_demo_day(session, runtime())
    creds = demo_credentials(path)
    if creds and seed:  # a demo start; never with --no-seed, which a real deployment uses
        echo("Demo users (documented in README; change or remove them in " + str(path) + "):")
        for username, role, password in creds:
            echo(f"  {username:<16} role {role:<11} password {password}")
    elif creds:
        echo(f"Warning: demo accounts with their documented passwords are active ({', '.join(c[0] for c in creds)}); "
             f"remove them from {path} before real use.")
    elif not any(u.role == "admin" and u.active for u in load_users_file(path)):
        echo(f"No admin in {path}: create one with `breakdesk users init-admin`.")
    echo(f"Database: {settings.database_url.split('@')[-1]}")


@click.command("ui")
@click.option("--port", default=8501, show_default=True, type=click.IntRange(1, 65535), help="Port on 127.0.0.1.")
@click.option("--no-seed", is_flag=True, help="Do not load the demo day into an empty database.")
def ui_cmd(port: int, no_seed: bool) -> None:
    """Start the Breakdesk web UI on 127.0.0.1 (migrates the database and seeds the demo day first)."""
    from breakdesk.app.services.errors import ServiceError
    from breakdesk.app.services.users_file import UsersFileError

    try:
        prepare(seed=not no_seed)
    except (UsersFileError, ServiceError) as exc:
        raise click.ClickException(str(exc)) from exc
    env = dict(os.environ)
    # The checkout's code wins over any installed copy (the UI imports `app` by name).
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO_ROOT), env.get("PYTHONPATH")) if p)
    click.echo(f"Breakdesk UI on http://127.0.0.1:{port}", err=False)
    sys.stdout.flush()
    os.execve(sys.executable, streamlit_command(port), env)


commands = [ui_cmd]
