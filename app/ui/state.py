"""What every page shares: start-up sync of the users file, the signed-in person, role checks, the
database scopes and a helper that runs one service call in one transaction and shows its refusal.

Pages never write to the database themselves: they call `app.services` through `run_service`, which
commits on success and shows the service's own error message (role, maker-checker, conflict) when it
refuses.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeVar

import streamlit as st

from breakdesk.app.services.errors import PermissionDenied, ServiceError
from breakdesk.app.services.roles import PERMISSIONS
from breakdesk.app.settings import get_settings
from breakdesk.app.store.db import get_engine, read_scope, session_scope

T = TypeVar("T")
_sync_lock = threading.Lock()
_synced: set[tuple[str, str, float]] = set()


@dataclass(frozen=True)
class PageSpec:
    path: str  # relative to app/ui/streamlit_app.py
    title: str
    icon: str
    permission: str
    section: str


#: The navigation: which page needs which reading permission (app.services.roles.PERMISSIONS).
PAGES: tuple[PageSpec, ...] = (
    PageSpec("views/ask.py", "Ask", ":material/chat:", "chat", "Operations"),
    PageSpec("views/exceptions.py", "Exceptions", ":material/report:", "case.read", "Operations"),
    PageSpec("views/reconciliation.py", "Reconciliation", ":material/compare_arrows:", "match.read", "Reconciliation"),
    PageSpec("views/scorecards.py", "Scorecards", ":material/monitoring:", "scorecard.read", "Governance"),
    PageSpec("views/audit.py", "Audit", ":material/policy:", "audit.read", "Governance"),
    PageSpec("views/monitoring.py", "Monitoring", ":material/query_stats:", "monitor.read", "Governance"),
)


def startup() -> None:
    """Sync `users.toml` into the users table once per process (and again when the file changes)."""
    from breakdesk.app.services.users_file import sync_users_file, users_file_path

    settings = get_settings()
    path = users_file_path(settings)
    key = (settings.database_url, str(path), path.stat().st_mtime if path.exists() else 0.0)
    with _sync_lock:
        if key in _synced:
            return
        with session_scope(get_engine()) as session:
            sync_users_file(session, path)
        _synced.add(key)
        from breakdesk.app.services.workflow import deliver_outbox

        deliver_outbox()  # once per process: approvals whose file could not be written last time


def current_user() -> dict[str, Any] | None:
    return st.session_state.get("user")


def sign_in(username: str, password: str) -> bool:
    from breakdesk.app.services import web_sessions
    from breakdesk.app.services.users import authenticate

    with read_scope(get_engine()) as session:
        user = authenticate(session, username=username.strip().lower(), password=password)
        if user is None:
            return False
        profile = {"username": user.username, "role": user.role, "display_name": user.display_name or user.username}
    with session_scope(get_engine()) as session:
        token = web_sessions.start(session, profile["username"])
    now = time.time()
    st.session_state["user"] = {**profile, "signed_in_at": now, "seen_at": now}
    st.session_state["_session_token"] = st.session_state["_set_cookie"] = token
    return True


def sign_out(why: str = "signed_out") -> None:
    """End the session here and in the database (every tab of it), and drop the browser's cookie."""
    from breakdesk.app.services import web_sessions

    token = st.session_state.get("_session_token")
    if token:
        with session_scope(get_engine()) as session:
            web_sessions.end(session, token, why)
    for key in list(st.session_state.keys()):
        del st.session_state[key]
    st.session_state["_clear_cookie"] = True


def _cookie() -> str | None:
    from breakdesk.app.services.web_sessions import COOKIE

    try:
        value = st.context.cookies.get(COOKIE)
    except Exception:  # noqa: BLE001 - no browser context (a script run, AppTest)
        return None
    return value if isinstance(value, str) and value else None


def cookie_script() -> None:
    """Set the session cookie in the browser while signed in, or drop it after sign-out (SameSite=Strict;
    it carries only a random token whose hash the database holds)."""
    from breakdesk.app.services.web_sessions import COOKIE

    # Drawn on every run while signed in (same place, same content): a run cut short by the person's next
    # click may never have delivered it, and the browser must hold the cookie before a refresh.
    st.session_state.pop("_set_cookie", None)
    token = st.session_state.get("_session_token") if current_user() is not None else None
    if token:
        age = int(get_settings().session_max_hours * 3600)
        st.html(f"<script>document.cookie = '{COOKIE}={token}; path=/; max-age={age}; SameSite=Strict';</script>",
                unsafe_allow_javascript=True)
    elif st.session_state.pop("_clear_cookie", False):
        st.html(f"<script>document.cookie = '{COOKIE}=; path=/; max-age=0; SameSite=Strict';</script>",
                unsafe_allow_javascript=True)


def session_expired(user: dict[str, Any], now: float) -> str | None:
    """Why this session is over ("idle", "expired"), or None. Idle: no interaction for
    `session_idle_minutes` (a screen left open at a desk); absolute: `session_max_hours` after sign-in,
    however active (a stolen or shared browser does not keep access for days)."""
    settings = get_settings()
    if now - user.get("signed_in_at", 0) > settings.session_max_hours * 3600:
        return "expired"
    if now - user.get("seen_at", 0) > settings.session_idle_minutes * 60:
        return "idle"
    return None


def keep_session_alive() -> dict[str, Any] | None:
    """The signed-in user, after ending a session that is idle, too old or signed out elsewhere (audited,
    with a message on the sign-in page); a refresh or an opened link resumes the session from its
    cookie (`app.services.web_sessions`). Every run that passes counts as activity."""
    from breakdesk.app.services import web_sessions

    user = current_user()
    now = time.time()
    if user is not None and (why := session_expired(user, now)) is not None:
        return _ended(why)
    token = st.session_state.get("_session_token") or (None if st.session_state.get("_clear_cookie") else _cookie())
    if token is None:
        if user is not None:
            user["seen_at"] = now
        return user
    with session_scope(get_engine()) as session:
        row, why = web_sessions.resume(session, token)
        profile = row and {"username": row.username, "role": row.role, "display_name": row.display_name or row.username}
    if profile is None:
        if user is None and why is None:
            st.session_state["_clear_cookie"] = True  # the cookie of a session that is over: drop it
            return None
        return _ended(why or "signed_out")
    if user is None:  # a refresh or an opened link: the same session, resumed
        user = st.session_state["user"] = {**profile, "signed_in_at": now, "seen_at": now}
        st.session_state["_session_token"] = token
    user["seen_at"] = now
    return user


def _ended(why: str) -> None:
    """Sign out for `why` (audited by the session's end) and say so on the sign-in page."""
    if not st.session_state.get("_session_token"):  # a session without a cookie token: audit it here
        from breakdesk.app.services import audit

        with session_scope(get_engine()) as session:
            audit.append(session, actor=(current_user() or {}).get("username", "?"), action="user.session_ended",
                         object_type="sign_in", after={"why": why})
    sign_out(why)
    settings = get_settings()
    st.session_state["_signed_out_because"] = {
        "idle": f"Signed out after {settings.session_idle_minutes:g} minutes without activity. Sign in again.",
        "expired": f"Sessions last at most {settings.session_max_hours:g} hours. Sign in again.",
        "inactive": "Your account is no longer active.",
    }.get(why, "You were signed out (in another tab or window). Sign in again.")
    return None



def can(permission: str) -> bool:
    user = current_user()
    return bool(user) and user["role"] in PERMISSIONS[permission]


def require(permission: str) -> dict[str, Any]:
    """The signed-in user if their role (re-read from the database) allows `permission`; else stop the page."""
    from breakdesk.app.services.access import require as require_role

    user = current_user()
    if user is None:
        st.warning("Sign in first.")
        st.stop()
    try:
        with read_scope(get_engine()) as session:
            row = require_role(session, user["username"], permission)
            user["role"] = row.role  # a role changed since sign-in counts at once
    except PermissionDenied as exc:
        st.error(f"Not allowed: {exc}")
        st.stop()
    return user


def run_service(call: Callable[[Any], T], *, success: str | None = None) -> T | None:
    """Run `call(session)` in one committed transaction; show the service's refusal and return None."""
    try:
        with session_scope(get_engine()) as session:
            result = call(session)
    except (ServiceError, ValueError) as exc:
        st.error(str(exc))
        return None
    if success:
        st.toast(success)
        st.session_state["_flash"] = success
    return result


def flash() -> None:
    """Show (once) the outcome of the last action (its success, or the service's refusal), which a rerun
    would otherwise hide."""
    msg = st.session_state.pop("_flash", None)
    if msg:
        st.success(msg)
    err = st.session_state.pop("_action_error", None)
    if err:
        st.error(err)


def action(call: Callable[[Any], Any], *, success: str, after: Callable[[], Any] | None = None) -> Callable[[], None]:
    """An `on_click` callback that runs `call(session)` in one committed transaction.

    Why callbacks: Streamlit runs a button's callback with the arguments of the run that drew the
    button, before the page is drawn again. A decision made this way carries the case, repair and
    version the person had on screen; reading them from the next run (as `if st.button(...)` does)
    lets anything that changed in between (a list re-sorted, a selectbox reset by new options, a repair
    superseded) redirect the action to another object. Build `call` with the values bound (keyword
    arguments), never with names looked up later."""

    def run() -> None:
        try:
            with session_scope(get_engine()) as session:
                call(session)
        except (ServiceError, ValueError) as exc:
            st.session_state["_action_error"] = str(exc)
            return
        st.session_state["_flash"] = success
        if after is not None:  # what must follow the commit, never precede it (the outbox)
            after()

    return run


def reading():
    """`with reading() as s:` a read-only session (never commits)."""
    return read_scope(get_engine())


@lru_cache(maxsize=4)
def _runtime_for(database_url: str, llm: str):
    from breakdesk.app.services.workflow import Runtime

    return Runtime.from_settings(get_settings())


def runtime():
    """The workflow runtime (LLM provider, retrieval, checkpointer, outbox), built once per process."""
    settings = get_settings()
    return _runtime_for(settings.database_url, settings.llm)
