"""`breakdesk db upgrade`, `breakdesk users add` and `breakdesk users init-admin`: first-run administration from the shell.

Whoever runs these already holds the database credentials, so `users add` needs no signed-in admin;
the audit log records the creation as `system:cli`.
"""

from __future__ import annotations

import sys

import click

from breakdesk.app.services.errors import ServiceError
from breakdesk.app.services.roles import ROLES


@click.group("db")
def db_group() -> None:
    """Database administration."""


@db_group.command("upgrade")
@click.option("--url", envvar="DATABASE_URL", help="SQLAlchemy URL (default: DATABASE_URL or the embedded SQLite file).")
def db_upgrade(url: str | None) -> None:
    """Create the schema or bring it to the latest version."""
    from breakdesk.app.store.migrate import current_revision, upgrade

    upgrade(url or None)
    click.echo(f"database at revision {current_revision(url or None)}")


@click.group("users")
def users_group() -> None:
    """User administration."""


@users_group.command("add")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(ROLES), help="What the user may do.")
@click.option("--display-name", default=None, help="Name shown in the UI and audit views.")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin.")
def users_add(username: str, role: str, display_name: str | None, password_stdin: bool) -> None:
    """Create USERNAME with a role (prompts for the password unless --password-stdin)."""
    from breakdesk.app.services.users import bootstrap_user
    from breakdesk.app.store.db import get_engine, session_scope
    from breakdesk.app.store.migrate import upgrade

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    upgrade()
    try:
        with session_scope(get_engine()) as session:
            user = bootstrap_user(session, username=username, role=role, password=password, display_name=display_name)
            click.echo(f"created user {user.username} with role {user.role}")
    except (ValueError, ServiceError) as exc:
        raise click.ClickException(str(exc)) from exc


@users_group.command("init-admin")
@click.option("--username", default="admin", show_default=True, help="The admin's user name.")
@click.option("--display-name", default=None, help="Name shown in the UI and audit views.")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin.")
def users_init_admin(username: str, display_name: str | None, password_stdin: bool) -> None:
    """First run: write the first admin into $BREAKDESK_DATA_DIR/users.toml and sync it into the database."""
    from breakdesk.app.services.users_file import UsersFileError, init_admin, sync_users_file, users_file_path
    from breakdesk.app.store.db import get_engine, session_scope
    from breakdesk.app.store.migrate import upgrade

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    path = users_file_path()
    try:
        init_admin(path, username=username, password=password, display_name=display_name)
        upgrade()
        with session_scope(get_engine()) as session:
            sync_users_file(session, path)
    except (ValueError, UsersFileError, ServiceError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"admin {username} written to {path} and synced into the database")


commands = [db_group, users_group]
