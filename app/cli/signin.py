"""Who is acting at the terminal: every CLI command that changes something signs a person in first.

`--as NAME` names the person, and they prove it: with their password (prompted without echo, or the
first line of stdin with `--password-stdin`), or with a personal token in `BREAKDESK_TOKEN` (`breakdesk
tokens create`), which names its owner by itself. A name alone is refused, and there is no default
actor: `decide … --as demo-compliance` used to approve as anyone.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from typing import Any

import click

TOKEN_ENV = "BREAKDESK_TOKEN"


def _session():
    """A session on an up-to-date store whose users agree with users.toml (a name deleted from the file
    must not sign in at the terminal either)."""
    from breakdesk.app.services.users_file import sync_users_file
    from breakdesk.app.store.db import session_scope
    from breakdesk.app.store.migrate import upgrade

    upgrade()
    with session_scope() as session:
        sync_users_file(session)
    return session_scope()


def resolve_actor(as_user: str | None, *, password_stdin: bool) -> str:
    """The signed-in username, or a ClickException saying how to sign in."""
    from breakdesk.app.services.tokens import verify_token
    from breakdesk.app.services.users import authenticate

    token = os.environ.get(TOKEN_ENV, "").strip()
    if token and not password_stdin:
        with _session() as session:
            user = verify_token(session, token)
            name = user.username if user else None
        if name is None:
            raise click.ClickException(f"${TOKEN_ENV} is not a valid, unrevoked token of an active user")
        if as_user and as_user.strip().lower() != name:
            raise click.ClickException(f"${TOKEN_ENV} belongs to {name}, not {as_user}")
        return name
    if not as_user:
        raise click.ClickException(f"sign in: --as NAME with your password (prompted, or --password-stdin), "
                                   f"or a personal token in ${TOKEN_ENV}")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    elif sys.stdin.isatty():
        password = click.prompt(f"Password for {as_user}", hide_input=True)
    else:
        raise click.ClickException(f"--as {as_user} needs a password: --password-stdin, a terminal to prompt on, "
                                   f"or a personal token in ${TOKEN_ENV} instead")
    with _session() as session:
        user = authenticate(session, username=as_user.strip().lower(), password=password)
        name = user.username if user else None
    if name is None:
        raise click.ClickException(f"sign-in failed for {as_user}")
    return name


def signed_in(help_as: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator: adds `--as` and `--password-stdin` and passes the signed-in username as `actor`."""

    def wrap(command: Callable[..., Any]) -> Callable[..., Any]:
        @click.option("--as", "as_user", default=None, help=f"{help_as} Proves it with the password or $BREAKDESK_TOKEN.")
        @click.option("--password-stdin", is_flag=True, help="Read the --as user's password from the first line of stdin.")
        @functools.wraps(command)
        def run(*args: Any, as_user: str | None, password_stdin: bool, **kwargs: Any) -> Any:
            return command(*args, actor=resolve_actor(as_user, password_stdin=password_stdin), **kwargs)

        return run

    return wrap
