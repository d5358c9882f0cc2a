"""Sign-in against users.toml (synced at start-up) and the role of every page."""

import time

import pytest

from breakdesk.app.services.users_file import add_to_users_file, users_file_path
from breakdesk.app.store.db import session_scope
from breakdesk.app.store.repositories.users import get_user
from tests.ui.conftest import PASSWORD, open_app


def _headers(at):
    return [h.value for h in at.header]


def test_signed_out_sees_only_sign_in_and_breakdesk_title(ui_env):
    at = open_app()
    assert [t.value for t in at.title] == ["Breakdesk"]
    assert _headers(at) == ["Sign in"]
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("views/audit.py")  # no page is registered before sign-in


def test_users_file_is_synced_into_the_database_at_start(ui_env):
    open_app()
    with session_scope(ui_env) as s:
        assert get_user(s, username="chloe").role == "compliance"
        assert get_user(s, username="oscar").active


def test_wrong_password_is_refused(ui_env):
    at = open_app()
    at.text_input(key="sign_in_username").input("olivia")
    at.text_input(key="sign_in_password").input("not the password")
    at.button[0].click().run()
    assert any("wrong password" in e.value for e in at.error)
    assert "user" not in at.session_state


def test_sign_in_then_out(ui_env):
    at = open_app()
    at.text_input(key="sign_in_username").input("Olivia ")  # case and spaces forgiven
    at.text_input(key="sign_in_password").input(PASSWORD)
    at.button[0].click().run()
    assert at.session_state["user"]["username"] == "olivia" and at.session_state["user"]["role"] == "ops"
    assert _headers(at) == ["Ask"]  # the first page the role may open
    at.button(key="sign_out").click().run()
    assert _headers(at) == ["Sign in"]


@pytest.mark.parametrize("idle_minutes, hours_ago, why", [(5, 0.2, "minutes without activity"), (60, 13, "at most 12 hours")])
def test_an_idle_or_old_session_signs_out_audited(ui_env, monkeypatch, idle_minutes, hours_ago, why):
    from sqlalchemy import select

    from breakdesk.app.settings import reload_settings
    from breakdesk.app.store.models import AuditRecord

    monkeypatch.setenv("BREAKDESK_SESSION_IDLE_MINUTES", "10")
    reload_settings()
    at = open_app("views/audit.py", user="chloe")
    assert _headers(at) == ["Audit"]
    now = time.time()
    at.session_state["user"]["seen_at"] = now - idle_minutes * 60
    at.session_state["user"]["signed_in_at"] = now - hours_ago * 3600
    at.run()
    if why == "minutes without activity" and idle_minutes < 10:
        assert _headers(at) == ["Audit"]  # 5 idle minutes of 10 allowed: still signed in
        at.session_state["user"]["seen_at"] = now - 11 * 60
        at.run()
    assert _headers(at) == ["Sign in"] and "user" not in at.session_state
    assert any(why in i.value for i in at.info)
    with session_scope(ui_env) as s:
        ended = s.execute(select(AuditRecord).where(AuditRecord.action == "user.session_ended")).scalars().all()
    assert [(r.actor, r.after["why"]) for r in ended] == [("chloe", "idle" if hours_ago < 12 else "expired")]


def test_a_user_added_to_the_file_later_can_sign_in(ui_env):
    open_app()
    add_to_users_file(users_file_path(), username="newbie", role="clerk", password="a fresh password")
    at = open_app()
    at.text_input(key="sign_in_username").input("newbie")
    at.text_input(key="sign_in_password").input("a fresh password")
    at.button[0].click().run()
    assert at.session_state["user"]["role"] == "clerk"


@pytest.mark.parametrize("page,allowed", [
    ("views/ask.py", {"olivia", "carl", "chloe", "ada"}),
    ("views/exceptions.py", {"olivia", "chloe", "ada"}),
    ("views/reconciliation.py", {"olivia", "carl", "ada"}),
    ("views/scorecards.py", {"olivia", "chloe", "ada"}),
    ("views/audit.py", {"olivia", "chloe", "ada"}),
    ("views/monitoring.py", {"olivia", "chloe", "ada"}),
])
def test_every_page_enforces_its_role(ui_env, page, allowed):
    title = page.split("/")[1].removesuffix(".py").capitalize()
    for user in ("olivia", "carl", "chloe", "ada"):
        if user in allowed:
            at = open_app(page, user=user)
            assert not at.exception, at.exception
            assert title in _headers(at) and not at.error, (user, page, [e.value for e in at.error])
        else:
            with pytest.raises(ValueError, match="Could not find a navigation page"):
                open_app(page, user=user)  # st.navigation does not register it for this role


def test_a_role_taken_away_after_sign_in_counts_at_once(ui_env):
    at = open_app("views/audit.py", user="ada")
    assert "Audit" in _headers(at)
    with session_scope(ui_env) as s:
        get_user(s, username="ada").role = "clerk"  # as if another admin demoted ada a moment ago
    at.run()
    assert any("Not allowed" in e.value and "audit.read" in e.value for e in at.error)
    assert not at.dataframe


def test_a_broken_users_file_is_reported_not_crashed(ui_env):
    users_file_path().write_text('[users.bob]\nrole = "boss"\npassword_hash = "$2b$04$x"\n')
    at = open_app()
    assert not at.exception
    assert any("users.bob: role must be one of" in e.value for e in at.error)
