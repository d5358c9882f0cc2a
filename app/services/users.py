"""Users, roles and passwords (bcrypt). Creating users is audited like any other change.

`bootstrap_user` / `create_admin` skip the role check: they are for the first-run command and the
local CLI, whose caller already holds the database credentials. The UI must use `create_user`.
"""

from __future__ import annotations

import re

import bcrypt
from sqlalchemy.orm import Session

from breakdesk.app.services import audit, sign_in
from breakdesk.app.services.access import require, username_of
from breakdesk.app.services.errors import ConflictError, NotFound
from breakdesk.app.services.roles import ROLES, SYSTEM_PREFIX
from breakdesk.app.settings import get_settings
from breakdesk.app.store.models import User
from breakdesk.app.store.repositories.users import count_active_with_role, get_user

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
MIN_PASSWORD_LENGTH = 8
BCRYPT_MAX_BYTES = 72
# A valid hash to check against when the user does not exist, so timing does not reveal usernames.
_DUMMY_HASH = bcrypt.hashpw(b"breakdesk-no-such-user", bcrypt.gensalt(rounds=4))


def hash_password(password: str) -> str:
    data = password.encode("utf-8")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"password too short: at least {MIN_PASSWORD_LENGTH} characters")
    if len(data) > BCRYPT_MAX_BYTES:
        # bcrypt only reads 72 bytes; refusing beats silently ignoring the rest.
        raise ValueError(f"password too long: at most {BCRYPT_MAX_BYTES} bytes in UTF-8")
    return bcrypt.hashpw(data, bcrypt.gensalt(rounds=get_settings().bcrypt_rounds)).decode("ascii")


def verify_password(password: str, password_hash: str) -> bool:
    data = password.encode("utf-8")
    if len(data) > BCRYPT_MAX_BYTES:
        return False
    try:
        return bcrypt.checkpw(data, password_hash.encode("ascii"))
    except ValueError:
        return False


def validate_username_and_role(username: str, role: str) -> None:
    """ValueError naming what is wrong; the UI, the CLI and the users file share these rules."""
    if not USERNAME_RE.match(username):
        raise ValueError(f"invalid username {username!r}: lower-case letters, digits, '.', '_' or '-', 2-64 characters")
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; one of {', '.join(ROLES)}")


def _insert(session: Session, *, username: str, role: str, password: str, display_name: str | None, actor: str) -> User:
    validate_username_and_role(username, role)
    if get_user(session, username=username) is not None:
        raise ConflictError(f"user {username} already exists")
    user = User(username=username, role=role, display_name=display_name, password_hash=hash_password(password))
    session.add(user)
    session.flush()
    audit.append(
        session,
        actor=actor,
        action="user.create",
        object_type="user",
        object_id=user.id,
        after={"username": username, "role": role, "display_name": display_name},
    )
    return user


def create_user(
    session: Session, *, actor: str | User, username: str, role: str, password: str, display_name: str | None = None
) -> User:
    """An admin creates a user."""
    admin = require(session, actor, "user.manage")
    return _insert(session, username=username, role=role, password=password, display_name=display_name, actor=admin.username)


def bootstrap_user(
    session: Session, *, username: str, role: str, password: str, display_name: str | None = None, origin: str = "cli"
) -> User:
    """Create a user without an acting admin (local CLI only). Audited as `system:<origin>`."""
    return _insert(
        session, username=username, role=role, password=password, display_name=display_name, actor=f"{SYSTEM_PREFIX}{origin}"
    )


def create_admin(session: Session, *, username: str, password: str, display_name: str | None = None) -> User:
    """First run: create the first admin. Refused once an active admin exists (use `create_user`)."""
    if count_active_with_role(session, role="admin"):
        raise ConflictError("an admin already exists; sign in as an admin to add users")
    return bootstrap_user(session, username=username, role="admin", password=password, display_name=display_name, origin="first-run")


def authenticate(session: Session, *, username: str, password: str) -> User | None:
    """The active user whose password matches, else None (same work done either way).

    Throttled and locked after failures, every attempt audited (`sign_in`): a refused attempt does
    not even check the password, so it cannot be used to keep guessing."""
    state = sign_in.check(session, username)
    if state.blocked_until is not None:
        return None
    user = get_user(session, username=username)
    if user is None or not user.active:
        verify_password(password, _DUMMY_HASH.decode("ascii"))
        ok = False
    else:
        ok = verify_password(password, user.password_hash)
    sign_in.record(session, username, user_id=user.id if user is not None else None, ok=ok,
                   failures_before=state.failures)
    return user if ok else None


def set_role(session: Session, *, actor: str | User, username: str, role: str, reason: str | None = None) -> User:
    admin = require(session, actor, "user.manage")
    validate_username_and_role(username, role)
    user = get_user(session, username=username)
    if user is None:
        raise NotFound(f"no user {username}")
    before = user.role
    if before == role:
        return user
    user.role = role
    session.flush()
    audit.append(session, actor=admin.username, action="user.set_role", object_type="user", object_id=user.id,
                 before={"role": before}, after={"role": role}, reason=reason)
    return user


def deactivate_user(session: Session, *, actor: str | User, username: str, reason: str | None = None) -> User:
    admin = require(session, actor, "user.manage")
    user = get_user(session, username=username)
    if user is None:
        raise NotFound(f"no user {username}")
    if user.username == username_of(admin):
        raise ConflictError("an admin cannot deactivate themselves")
    if not user.active:
        return user
    user.active = False
    session.flush()
    audit.append(session, actor=admin.username, action="user.deactivate", object_type="user", object_id=user.id,
                 before={"active": True}, after={"active": False}, reason=reason)
    return user
