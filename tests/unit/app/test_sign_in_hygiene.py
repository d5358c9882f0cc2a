"""Sign-in hygiene (issue #21 item 7): every attempt audited, a wait after each failure, a lockout
after too many, the same for names that do not exist; a success resets the count."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from breakdesk.app.services import sign_in
from breakdesk.app.services.users import authenticate
from breakdesk.app.settings import reload_settings
from breakdesk.app.store.models import AuditRecord
from breakdesk.app.store.types import utcnow

GOOD = "correct horse battery"


@pytest.fixture
def clock(monkeypatch):
    now = [utcnow()]
    monkeypatch.setattr(sign_in, "clock", lambda: now[0])
    monkeypatch.setenv("BREAKDESK_LOGIN_MAX_FAILURES", "3")
    monkeypatch.setenv("BREAKDESK_LOGIN_LOCKOUT_SECONDS", "600")
    monkeypatch.setenv("BREAKDESK_LOGIN_THROTTLE_SECONDS", "2")
    reload_settings()

    def advance(seconds: float) -> None:
        now[0] += timedelta(seconds=seconds)

    return advance


def _log(s, name):
    return [r.action for r in s.execute(select(AuditRecord).where(AuditRecord.actor == name,
                                                                    AuditRecord.object_type == "sign_in")
                                        .order_by(AuditRecord.seq)).scalars()]


def test_failures_are_throttled_then_locked_and_every_attempt_is_audited(scope, people, clock):
    with scope() as s:
        assert authenticate(s, username="olga", password="guess 1") is None
    with scope() as s:  # within the wait after a failure even the right password is not checked
        assert authenticate(s, username="olga", password=GOOD) is None
    clock(3)
    with scope() as s:
        assert authenticate(s, username="olga", password="guess 2") is None
    clock(5)
    with scope() as s:
        assert authenticate(s, username="olga", password="guess 3") is None
    clock(60)
    with scope() as s:  # three failures: locked for ten minutes, right password or not
        assert authenticate(s, username="olga", password=GOOD) is None
    clock(600)
    with scope() as s:
        assert authenticate(s, username="olga", password=GOOD) is not None
    with scope() as s:
        assert _log(s, "olga") == ["user.sign_in_failed", "user.sign_in_refused", "user.sign_in_failed",
                                   "user.sign_in_failed", "user.sign_in_refused", "user.sign_in"]


def test_unknown_names_are_throttled_like_real_ones_and_a_success_resets(scope, people, clock):
    with scope() as s:
        assert authenticate(s, username="mallory", password="x") is None
    with scope() as s:
        assert authenticate(s, username="mallory", password="x") is None
    with scope() as s:
        assert _log(s, "mallory") == ["user.sign_in_failed", "user.sign_in_refused"]
    with scope() as s:
        assert authenticate(s, username="oscar", password="guess") is None
    clock(3)
    with scope() as s:
        assert authenticate(s, username="oscar", password=GOOD) is not None
    with scope() as s:
        assert sign_in.attempt_state(s, "oscar").failures == 0
