"""Web UI sessions resumed from a cookie: alive while used, ended when idle, old, inactive or signed out."""

from datetime import timedelta

from sqlalchemy import select

from breakdesk.app.services import web_sessions
from breakdesk.app.services.users import bootstrap_user
from breakdesk.app.store.models import AuditRecord, User, WebSession
from breakdesk.app.store.types import utcnow


def _user(s, name="olga"):
    bootstrap_user(s, username=name, role="ops", password="a-password-123")


def test_a_session_resumes_until_it_is_idle_and_the_token_is_stored_hashed(scope):
    with scope() as s:
        _user(s)
        token = web_sessions.start(s, "olga")
        assert s.execute(select(WebSession.token_hash)).scalar_one() != token
    now = utcnow()
    with scope() as s:
        user, why = web_sessions.resume(s, token, now + timedelta(minutes=5))
        assert user.username == "olga" and why is None
    with scope() as s:  # last used 5 minutes in; 31 minutes later it is idle (30 by default)
        assert web_sessions.resume(s, token, now + timedelta(minutes=37)) == (None, "idle")
    with scope() as s:
        assert web_sessions.resume(s, token, now + timedelta(minutes=38)) == (None, None)  # ended stays ended
        ended = s.execute(select(AuditRecord).where(AuditRecord.action == "user.session_ended")).scalars().all()
        assert [(r.actor, r.after["why"]) for r in ended] == [("olga", "idle")]


def test_absolute_expiry_an_inactive_user_and_sign_out(scope):
    with scope() as s:
        _user(s, "olga")
        _user(s, "otto")
        long_used, gone, out = (web_sessions.start(s, n) for n in ("olga", "otto", "olga"))
        s.execute(select(User).where(User.username == "otto")).scalar_one().active = False
    start = utcnow()
    with scope() as s:
        row = s.execute(select(WebSession).where(WebSession.token_hash == web_sessions._digest(long_used))).scalar_one()
        row.created_at, row.last_seen_at = start - timedelta(hours=13), start  # in use all along
        assert web_sessions.resume(s, long_used)[1] == "expired"
        assert web_sessions.resume(s, gone)[1] == "inactive"
        web_sessions.end(s, out)
        assert web_sessions.resume(s, out) == (None, None)
        assert web_sessions.resume(s, "not-a-token") == (None, None) and web_sessions.resume(s, None) == (None, None)
