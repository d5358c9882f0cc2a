"""Sign-in hygiene: every attempt audited, throttling after a failure, lockout after too many.

Policy (settings, see `app.settings`):
* each failed attempt for a name doubles the wait before the next one is even checked
  (`login_throttle_seconds` × 2^(failures-1), at most a minute): guessing becomes slow without
  locking a user out over one typo;
* `login_max_failures` consecutive failures lock the name for `login_lockout_seconds`; a success
  resets the count; an attempt during a wait or lockout is refused without checking the password
  (so it cannot be used to keep guessing) and does not extend it;
* unknown names are throttled and locked exactly like real ones, so the answers do not reveal which
  names exist.

The attempts are the audit records themselves (`object_type = "sign_in"`, actor = the name typed),
so there is no second counter to keep in step with the log, and an operator sees every success and
failure on the Audit page. They are written in their own short transaction, committed at once: a
failed sign-in must be on record even though the caller (a read-only page scope) rolls back. Only when
the caller already holds SQLite's write lock are they written in the caller's transaction instead
(a second writer would wait for it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from breakdesk.app.services import audit
from breakdesk.app.settings import get_settings
from breakdesk.app.store.models import AuditRecord
from breakdesk.app.store.types import utcnow

OBJECT_TYPE = "sign_in"
SUCCESS = "user.sign_in"
FAILURE = "user.sign_in_failed"
REFUSED = "user.sign_in_refused"
MAX_THROTTLE_SECONDS = 60
NAME_LIMIT = 64  # the audit actor column

clock: Callable[[], datetime] = utcnow  # tests move time by replacing this


@dataclass(frozen=True)
class AttemptState:
    failures: int  # consecutive failures since the last success
    blocked_until: datetime | None  # no attempt is checked before this time
    reason: str | None  # "throttled" or "locked"


def claimed_name(username: str) -> str:
    return username[:NAME_LIMIT]


def attempt_state(session: Session, username: str) -> AttemptState:
    """What the audit log says about recent attempts for this name."""
    settings = get_settings()
    rows = session.execute(
        select(AuditRecord.action, AuditRecord.at)
        .where(AuditRecord.actor == claimed_name(username), AuditRecord.object_type == OBJECT_TYPE,
               AuditRecord.action.in_((SUCCESS, FAILURE)))
        .order_by(AuditRecord.seq.desc())
        .limit(settings.login_max_failures)
    ).all()
    failures = 0
    last_failure: datetime | None = None
    for action, at in rows:
        if action == SUCCESS:
            break
        failures += 1
        last_failure = last_failure or at
    if not failures or last_failure is None:
        return AttemptState(0, None, None)
    if failures >= settings.login_max_failures:
        return AttemptState(failures, last_failure + timedelta(seconds=settings.login_lockout_seconds), "locked")
    wait = min(settings.login_throttle_seconds * 2 ** (failures - 1), MAX_THROTTLE_SECONDS)
    return AttemptState(failures, last_failure + timedelta(seconds=wait), "throttled")


def _holds_sqlite_write_lock(session: Session) -> bool:
    bind = session.get_bind()
    if bind.dialect.name != "sqlite" or not session.in_transaction():
        return False
    return session.connection().get_execution_options().get("sqlite_begin", "IMMEDIATE") != "DEFERRED"


@contextmanager
def recording_session(session: Session) -> Iterator[Session]:
    """Where attempts are read and recorded: a transaction of their own, committed at once."""
    if _holds_sqlite_write_lock(session):
        yield session
        return
    from breakdesk.app.store.db import session_scope

    with session_scope(session.get_bind()) as own:
        yield own


def check(session: Session, username: str) -> AttemptState:
    """Refuse (and audit the refusal) when the name is in a wait or locked; else say it may try."""
    with recording_session(session) as rec:
        audit.hold_chain(rec)  # one attempt at a time is counted and recorded
        state = attempt_state(rec, username)
        now = clock()
        if state.blocked_until is not None and now < state.blocked_until:
            audit.append(rec, actor=claimed_name(username), action=REFUSED, object_type=OBJECT_TYPE,
                         after={"why": state.reason, "failures": state.failures,
                                "until": state.blocked_until})
            return state
    return AttemptState(state.failures, None, None)


def record(session: Session, username: str, *, user_id: int | None, ok: bool, failures_before: int) -> None:
    """Audit the outcome of a checked attempt."""
    with recording_session(session) as rec:
        after = {"result": "success" if ok else "failure", "user_id": user_id,
                 "failures": 0 if ok else failures_before + 1}
        if not ok and failures_before + 1 >= get_settings().login_max_failures:
            after["locked_for_seconds"] = get_settings().login_lockout_seconds
        audit.append(rec, actor=claimed_name(username), action=SUCCESS if ok else FAILURE, object_type=OBJECT_TYPE,
                     object_id=user_id, after=after)
