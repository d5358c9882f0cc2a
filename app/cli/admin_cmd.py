"""`breakdesk db upgrade`, `breakdesk users add|init-admin` and `breakdesk tokens create|list|revoke`.

User management is an admin's: `users add` signs an admin in (`--as` with the password, or a personal
token). Only on a database with no user at all may it create the first user without one, and then only
an admin (audited as `system:cli`): holding the database credentials is not being a person.
"""

from __future__ import annotations

import os
import sys

import click

from breakdesk.app.cli.signin import signed_in
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
@click.option("--as", "as_user", default=None, help="The admin adding the user (password or $BREAKDESK_TOKEN).")
@click.option("--password-stdin", is_flag=True,
              help="Read the passwords from stdin: the --as admin's on the first line (with --as), then the new user's.")
def users_add(username: str, role: str, display_name: str | None, as_user: str | None, password_stdin: bool) -> None:
    """Create USERNAME with a role (an admin signs in; prompts for the new password unless --password-stdin)."""
    from sqlalchemy import func, select

    from breakdesk.app.cli.signin import TOKEN_ENV, resolve_actor
    from breakdesk.app.services.users import bootstrap_user, create_user
    from breakdesk.app.store.db import get_engine, session_scope
    from breakdesk.app.store.migrate import upgrade
    from breakdesk.app.store.models import User

    upgrade()
    with session_scope(get_engine()) as session:
        first = session.execute(select(func.count()).select_from(User)).scalar_one() == 0
    admin = None
    if not first or as_user or os.environ.get(TOKEN_ENV):
        admin = resolve_actor(as_user, password_stdin=password_stdin)
    elif role != "admin":
        raise click.ClickException("the database has no user yet: create an admin first "
                                   "(`breakdesk users add NAME --role admin` or `breakdesk users init-admin`)")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt(f"Password for {username}", hide_input=True, confirmation_prompt=True)
    try:
        with session_scope(get_engine()) as session:
            if admin is None:
                user = bootstrap_user(session, username=username, role=role, password=password, display_name=display_name)
            else:
                user = create_user(session, actor=admin, username=username, role=role, password=password,
                                   display_name=display_name)
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


@click.group("tokens")
def tokens_group() -> None:
    """Personal API tokens: act as yourself from scripts, the CLI ($BREAKDESK_TOKEN) and the API."""


@tokens_group.command("create")
@click.argument("username")
@click.option("--name", default=None, help="What the token is for (shown in lists).")
@signed_in("An admin, or USERNAME themself.")
def tokens_create(username: str, name: str | None, actor: str) -> None:
    """Create a token for USERNAME; the token is printed once, on the last line."""
    from breakdesk.app.services.tokens import create_token
    from breakdesk.app.store.db import get_engine, session_scope

    with session_scope(get_engine()) as session:
        new = create_token(session, actor=actor, username=username, name=name)
    click.echo(f"token {new.prefix} for {new.username} (store it now: it is not shown again):")
    click.echo(new.token)


@tokens_group.command("list")
@click.option("--user", "username", default=None, help="Only this person's tokens (admins).")
@signed_in("Anyone (an admin sees every token).")
def tokens_list(username: str | None, actor: str) -> None:
    """Tokens by prefix, owner, purpose and last use (never the tokens themselves)."""
    from breakdesk.app.services.tokens import list_tokens
    from breakdesk.app.store.db import get_engine, session_scope

    with session_scope(get_engine()) as session:
        rows = list_tokens(session, actor=actor, username=username)
    for r in rows:
        click.echo(f"{r['prefix']}  {r['username']:<16} {'revoked' if r['revoked'] else 'active':<8} "
                   f"created {r['created_at']} by {r['created_by']}  last used {r['last_used_at'] or '-'}  {r['name'] or ''}")
    if not rows:
        click.echo("no tokens")


@tokens_group.command("revoke")
@click.argument("prefix")
@click.option("--reason", default=None)
@signed_in("The token's owner or an admin.")
def tokens_revoke(prefix: str, reason: str | None, actor: str) -> None:
    """Revoke a token at once (its prefix, as `tokens list` shows it)."""
    from breakdesk.app.services.tokens import revoke_token
    from breakdesk.app.store.db import get_engine, session_scope

    with session_scope(get_engine()) as session:
        revoke_token(session, actor=actor, prefix=prefix, reason=reason)
    click.echo(f"token {prefix} revoked")


commands = [db_group, users_group, tokens_group]
