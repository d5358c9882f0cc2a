"""users.toml: load/save, validation naming the file and user, sync into the table (audited), init-admin."""

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from breakdesk.app.cli.main import cli
from breakdesk.app.services.users import authenticate
from breakdesk.app.services.users_file import (
    DEMO_USERS,
    UsersFileError,
    add_to_users_file,
    demo_credentials,
    ensure_demo_users,
    init_admin,
    load_users_file,
    sync_users_file,
    users_file_path,
)
from breakdesk.app.settings import reload_settings
from breakdesk.app.store.models import AuditRecord
from breakdesk.app.store.repositories.users import get_user


def test_round_trip_and_hashes_only(tmp_path):
    path = tmp_path / "users.toml"
    add_to_users_file(path, username="olga", role="ops", password="s3cret-pass", display_name='Olga "O" Ops')
    text = path.read_text()
    assert "s3cret-pass" not in text and "$2b$" in text
    assert (path.stat().st_mode & 0o777) == 0o600
    [user] = load_users_file(path)
    assert (user.username, user.role, user.display_name, user.active) == ("olga", "ops", 'Olga "O" Ops', True)
    with pytest.raises(UsersFileError, match="already exists"):
        add_to_users_file(path, username="olga", role="clerk", password="another-pass")


@pytest.mark.parametrize("body,message", [
    ('[users.bob]\nrole = "boss"\npassword_hash = "$2b$04$x"\n', "users.bob: role must be one of"),
    ('[users.bob]\nrole = "ops"\npassword_hash = "plain"\n', "users.bob: password_hash must be a bcrypt hash"),
    ('[users."Bad Name"]\nrole = "ops"\npassword_hash = "$2b$04$x"\n', "invalid username"),
    ('[users.bob\nrole = "ops"\n', "users.toml"),
])
def test_invalid_file_names_file_and_user(tmp_path, body, message):
    path = tmp_path / "users.toml"
    path.write_text(body)
    with pytest.raises(UsersFileError, match=message) as info:
        load_users_file(path)
    assert str(path) in str(info.value)


def test_sync_creates_then_applies_changes_audited(tmp_path, scope):
    path = tmp_path / "users.toml"
    add_to_users_file(path, username="olga", role="ops", password="first-password")
    with scope() as s:
        assert sync_users_file(s, path).created == ["olga"]
    with scope() as s:
        assert not sync_users_file(s, path).changed  # idempotent
    text = path.read_text().replace('role = "ops"', 'role = "compliance"') + "active = false\n"
    path.write_text(text)
    with scope() as s:
        assert sync_users_file(s, path).updated == ["olga"]
        olga = get_user(s, username="olga")
        assert (olga.role, olga.active) == ("compliance", False)
        recs = [(r.actor, r.action, r.after) for r in s.execute(select(AuditRecord).order_by(AuditRecord.seq)).scalars()]
    assert recs[0][:2] == ("system:users-file", "user.create")
    assert recs[1][:2] == ("system:users-file", "user.sync") and recs[1][2]["role"] == "compliance"
    assert all("$2b$" not in str(r) for r in recs)  # hashes never go into the audit log


def test_demo_users_one_per_role_with_documented_passwords(tmp_path, scope):
    path = tmp_path / "users.toml"
    assert ensure_demo_users(path) == list(DEMO_USERS)
    assert ensure_demo_users(path) == []
    creds = demo_credentials(path)
    assert sorted(role for _, role, _ in creds) == ["admin", "clerk", "compliance", "ops"]
    with scope() as s:
        sync_users_file(s, path)
        for username, _role, password in creds:
            assert authenticate(s, username=username, password=password) is not None


def test_leaving_the_file_deactivates_file_and_demo_users_not_database_ones(tmp_path, scope):
    from breakdesk.app.services.users import bootstrap_user

    path = tmp_path / "users.toml"
    ensure_demo_users(path)
    add_to_users_file(path, username="olga", role="ops", password="first-password")
    with scope() as s:
        sync_users_file(s, path)
        bootstrap_user(s, username="dora", role="clerk", password="dora-password-1")
    kept = [u for u in load_users_file(path) if u.username not in ("demo-admin", "olga")]
    from breakdesk.app.services.users_file import save_users_file

    save_users_file(path, kept)
    with scope() as s:
        report = sync_users_file(s, path)
        assert sorted(report.deactivated) == ["demo-admin", "olga"]
        assert authenticate(s, username="demo-admin", password=DEMO_USERS["demo-admin"][1]) is None
        assert get_user(s, username="dora").active and get_user(s, username="demo-ops").active
        why = s.execute(select(AuditRecord.after).where(AuditRecord.action == "user.sync")).scalars().all()
    assert sum(1 for a in why if a.get("why") == "no longer in users.toml") == 2
    path.unlink()  # no file at all: a team keeping users in the database; nobody is deactivated
    with scope() as s:
        assert sync_users_file(s, path).deactivated == []


def test_a_demo_user_removed_from_the_file_cannot_sign_in_at_the_terminal(tmp_path, monkeypatch, db_url):
    monkeypatch.setenv("BREAKDESK_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("BREAKDESK_BCRYPT_ROUNDS", "4")
    reload_settings()
    path = users_file_path()
    ensure_demo_users(path)
    runner = CliRunner()
    ok = runner.invoke(cli, ["tokens", "list", "--as", "demo-admin", "--password-stdin"], input="demo-admin-pass\n")
    assert ok.exit_code == 0, ok.output
    from breakdesk.app.services.users_file import save_users_file

    save_users_file(path, [u for u in load_users_file(path) if u.username != "demo-admin"])
    refused = runner.invoke(cli, ["tokens", "list", "--as", "demo-admin", "--password-stdin"], input="demo-admin-pass\n")
    assert refused.exit_code != 0 and "sign-in failed" in refused.output
    reload_settings()


def test_init_admin_refuses_a_second_real_admin(tmp_path):
    path = tmp_path / "users.toml"
    ensure_demo_users(path)  # a demo admin does not count
    init_admin(path, username="root-admin", password="long enough")
    with pytest.raises(UsersFileError, match="an admin already exists"):
        init_admin(path, username="other", password="long enough")


def test_cli_init_admin_writes_the_file_and_syncs(tmp_path, monkeypatch, db_url, engine):
    monkeypatch.setenv("BREAKDESK_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", db_url)
    reload_settings()
    runner = CliRunner()
    result = runner.invoke(cli, ["users", "init-admin", "--username", "boss", "--password-stdin"], input="a strong password\n")
    assert result.exit_code == 0, result.output
    assert [u.username for u in load_users_file(users_file_path())] == ["boss"]
    from breakdesk.app.store.db import session_scope

    with session_scope(engine) as s:
        assert get_user(s, username="boss").role == "admin"
        assert authenticate(s, username="boss", password="a strong password")
    again = runner.invoke(cli, ["users", "init-admin", "--username", "boss2", "--password-stdin"], input="a strong password\n")
    assert again.exit_code != 0 and "an admin already exists" in again.output
