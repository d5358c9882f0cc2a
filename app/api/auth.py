"""Who is calling: a personal token (`breakdesk tokens create`) as `Authorization: Bearer …`.

The token names its owner; the owner's role is read from the database on every request (a role taken
away counts at once, as in the UI), and each service call checks the same permission table
(`app/services/roles.py`). A request without a valid token is 401; a role that may not do the thing is
403 from the service itself. Each token may make `api_rate_per_minute` requests a minute (a sliding
window per process), so a runaway script slows itself down rather than the desk.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass

from fastapi import Request
from starlette.exceptions import HTTPException

from breakdesk.app.services.access import require
from breakdesk.app.services.errors import PermissionDenied
from breakdesk.app.settings import get_settings
from breakdesk.app.store.db import get_engine, session_scope


@dataclass(frozen=True)
class Caller:
    username: str
    role: str
    token_prefix: str


class RateLimiter:
    def __init__(self) -> None:
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str, per_minute: int, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and now - hits[0] > 60:
                hits.popleft()
            if len(hits) >= per_minute:
                return False
            hits.append(now)
            return True


limiter = RateLimiter()


def caller(request: Request) -> Caller:
    """FastAPI dependency: the signed-in caller, or 401 / 429."""
    from breakdesk.app.services.tokens import verify_token

    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise HTTPException(401, "a personal token is needed: Authorization: Bearer <token> (breakdesk tokens create)")
    with session_scope(get_engine()) as session:
        user = verify_token(session, token.strip())
        if user is None:
            raise HTTPException(401, "the token is not valid, revoked, or its owner is inactive")
        who = Caller(user.username, user.role, token.strip().split("_")[1] if "_" in token else "")
    if not limiter.allow(who.token_prefix or who.username, get_settings().api_rate_per_minute):
        raise HTTPException(429, f"more than {get_settings().api_rate_per_minute} requests a minute with this token")
    return who


def allowed(who: Caller, permission: str) -> None:
    """403 unless the caller's current role may `permission` (for reads that have no service check)."""
    with session_scope(get_engine()) as session:
        try:
            require(session, who.username, permission)
        except PermissionDenied as exc:
            raise HTTPException(403, str(exc)) from exc
