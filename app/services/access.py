"""Resolve the acting user and check a permission from `app.services.roles.PERMISSIONS`."""

from __future__ import annotations

from sqlalchemy.orm import Session

from breakdesk.app.services.errors import PermissionDenied
from breakdesk.app.services.roles import PERMISSIONS, is_system_actor
from breakdesk.app.store.models import User
from breakdesk.app.store.repositories.users import get_user


def username_of(user: str | User) -> str:
    return user.username if isinstance(user, User) else user


def require(session: Session, user: str | User, permission: str) -> User:
    """The active user, re-read from the database (a role changed since sign-in counts)."""
    name = username_of(user)
    allowed = PERMISSIONS[permission]
    row = get_user(session, username=name)
    if row is None or not row.active:
        raise PermissionDenied(f"{name!r} is not an active user; {permission} needs role {' or '.join(sorted(allowed))}")
    if row.role not in allowed:
        raise PermissionDenied(
            f"{name} has role {row.role}; {permission} needs role {' or '.join(sorted(allowed))}"
        )
    return row


def require_person_or_system(session: Session, user: str | User, permission: str) -> str:
    """For records a program may create too (cases, proposed repairs): system actors pass."""
    name = username_of(user)
    if is_system_actor(name):
        return name
    return require(session, name, permission).username
