"""People who sign in. Roles: ops, clerk, compliance, admin (see `app.services.roles`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from breakdesk.app.store.models.base import Base
from breakdesk.app.store.types import BigIntPK, UtcDateTime, utcnow


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(140))
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(80), doc="bcrypt ($2b$…)")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    #: "users.toml" for a user the file made (leaving the file deactivates it), None for one made in the
    #: database (`breakdesk users add`, the Admin page), which the file never touches
    source: Mapped[str | None] = mapped_column(String(16))


class ApiToken(Base):
    """A personal token: how a script, the CLI or an API client acts as a person without their password.

    Only a SHA-256 of the token is stored (the token is 256 random bits, so a slow hash adds nothing);
    `prefix` is its public part, shown in lists and audit records to tell tokens apart."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str | None] = mapped_column(String(140))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class WebSession(Base):
    """A signed-in web UI session that survives a page refresh or an opened link: the browser holds a
    random token in a cookie, the database its SHA-256, when it began and when it was last used, so idle
    and absolute expiry are decided here, and signing out ends it everywhere."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    ended_why: Mapped[str | None] = mapped_column(String(16), doc="signed_out, idle, expired")
