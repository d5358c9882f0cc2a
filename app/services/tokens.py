"""Personal API tokens: how the CLI, a script or an HTTP client acts as a person without a password.

A token is `bdk_<prefix>_<secret>` with 256 random bits of secret; only its SHA-256 is stored (a slow
password hash adds nothing to a random secret of that size), and the prefix names it in lists and in
the audit log. An admin creates tokens for anyone, a person for themself; revoking is immediate.
Every creation, revocation and refused use is audited.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from breakdesk.app.services import audit
from breakdesk.app.services.access import require
from breakdesk.app.services.errors import NotFound, PermissionDenied
from breakdesk.app.store.models import ApiToken, User
from breakdesk.app.store.repositories.users import get_user
from breakdesk.app.store.types import utcnow

PREFIX = "bdk_"


@dataclass(frozen=True)
class NewToken:
    id: int
    prefix: str
    username: str
    token: str  # shown once, never stored


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(session: Session, *, actor: str | User, username: str, name: str | None = None) -> NewToken:
    """A new token for `username`; the actor is an admin or `username` themself."""
    who = require(session, actor, "chat")  # any active person
    if who.username != username:
        who = require(session, actor, "user.manage")
    owner = get_user(session, username=username)
    if owner is None or not owner.active:
        raise NotFound(f"no active user {username}")
    prefix = secrets.token_hex(4)
    token = f"{PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    row = ApiToken(prefix=prefix, token_hash=_digest(token), username=username, name=name, created_by=who.username)
    session.add(row)
    session.flush()
    audit.append(session, actor=who.username, action="token.create", object_type="token", object_id=prefix,
                 before=None, after={"username": username, "name": name}, reason=None)
    return NewToken(row.id, prefix, username, token)


def verify_token(session: Session, raw_token: str) -> User | None:
    """The active user a valid, unrevoked token belongs to, else None."""
    token = (raw_token or "").strip()
    parts = token.removeprefix(PREFIX).split("_", 1) if token.startswith(PREFIX) else []
    if len(parts) != 2:
        return None
    row = session.execute(select(ApiToken).where(ApiToken.prefix == parts[0])).scalar_one_or_none()
    if row is None or row.revoked_at is not None or not hmac.compare_digest(row.token_hash, _digest(token)):
        return None
    user = get_user(session, username=row.username)
    if user is None or not user.active:
        return None
    row.last_used_at = utcnow()
    return user


def list_tokens(session: Session, *, actor: str | User, username: str | None = None) -> list[dict]:
    """An admin sees every token (or one person's); anyone else their own."""
    who = require(session, actor, "chat")
    if who.role != "admin":
        if username not in (None, who.username):
            raise PermissionDenied(f"{who.username} may list only their own tokens")
        username = who.username
    q = select(ApiToken).order_by(ApiToken.id)
    if username:
        q = q.where(ApiToken.username == username)
    return [{"prefix": t.prefix, "username": t.username, "name": t.name, "created_by": t.created_by,
             "created_at": t.created_at.isoformat(timespec="seconds"),
             "last_used_at": t.last_used_at.isoformat(timespec="seconds") if t.last_used_at else None,
             "revoked": t.revoked_at is not None} for t in session.execute(q).scalars()]


def revoke_token(session: Session, *, actor: str | User, prefix: str, reason: str | None = None) -> None:
    who = require(session, actor, "chat")
    row = session.execute(select(ApiToken).where(ApiToken.prefix == prefix)).scalar_one_or_none()
    if row is None:
        raise NotFound(f"no token {prefix}")
    if row.username != who.username and who.role != "admin":
        raise PermissionDenied(f"{who.username} may revoke only their own tokens")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        audit.append(session, actor=who.username, action="token.revoke", object_type="token", object_id=prefix,
                     before={"revoked": False}, after={"revoked": True, "username": row.username}, reason=reason)
