"""Web UI sessions that survive a refresh: a random token in a cookie, its SHA-256 in `web_sessions`.

Streamlit keeps a person's state per browser tab connection; a refresh or an opened link starts a new
one, which signed everyone out and made links to cases useless. The token brings the session back. The
database decides whether it is still alive (`session_idle_minutes` since it was last used,
`session_max_hours` since sign-in), so expiry does not depend on the browser, and signing out ends it
for every tab. Each start and end is audited.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from breakdesk.app.services import audit
from breakdesk.app.settings import get_settings
from breakdesk.app.store.models import User, WebSession
from breakdesk.app.store.types import utcnow

COOKIE = "breakdesk_session"
TOUCH_EVERY = timedelta(seconds=60)  # last_seen_at is written at most this often


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start(session: Session, username: str) -> str:
    """A new session for a person who just signed in; returns the token for the cookie."""
    token = secrets.token_urlsafe(32)
    session.add(WebSession(token_hash=_digest(token), username=username))
    session.flush()
    return token


def expired_why(row: WebSession, now: datetime) -> str | None:
    settings = get_settings()
    if now - row.created_at > timedelta(hours=settings.session_max_hours):
        return "expired"
    if now - row.last_seen_at > timedelta(minutes=settings.session_idle_minutes):
        return "idle"
    return None


def resume(session: Session, token: str | None, now: datetime | None = None) -> tuple[User | None, str | None]:
    """The active user the token's live session belongs to (and the session marked as used), else None
    with why the session is over (None when there was no such session)."""
    if not token:
        return None, None
    now = now or utcnow()
    row = session.execute(select(WebSession).where(WebSession.token_hash == _digest(token))).scalar_one_or_none()
    if row is None or row.ended_at is not None:
        return None, None
    why = expired_why(row, now)
    user = session.execute(select(User).where(User.username == row.username)).scalar_one_or_none()
    if why is None and (user is None or not user.active):
        why = "inactive"
    if why is not None:
        end_row(session, row, why, now)
        return None, why
    if now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
    return user, None


def end(session: Session, token: str | None, why: str = "signed_out") -> None:
    if not token:
        return
    row = session.execute(select(WebSession).where(WebSession.token_hash == _digest(token))).scalar_one_or_none()
    if row is not None and row.ended_at is None:
        end_row(session, row, why, utcnow())


def end_row(session: Session, row: WebSession, why: str, now: datetime) -> None:
    row.ended_at, row.ended_why = now, why
    audit.append(session, actor=row.username, action="user.session_ended", object_type="sign_in",
                 object_id=row.id, after={"why": why})
