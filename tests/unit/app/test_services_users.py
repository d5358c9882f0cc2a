import pytest

from breakdesk.app.services import audit, users
from breakdesk.app.services.errors import ConflictError, PermissionDenied
from breakdesk.app.store.repositories.users import get_user


def test_first_admin_then_admin_creates_users(scope):
    with scope() as s:
        admin = users.create_admin(s, username="ada", password="s3cret-pass")
        assert admin.role == "admin" and admin.password_hash.startswith("$2")
        assert "s3cret-pass" not in admin.password_hash
    with scope() as s, pytest.raises(ConflictError):
        users.create_admin(s, username="eve", password="another-pass")
    with scope() as s:
        users.create_user(s, actor="ada", username="alice", role="clerk", password="alice-pass", display_name="Alice")
    with scope() as s, pytest.raises(PermissionDenied, match="alice has role clerk"):
        users.create_user(s, actor="alice", username="mallory", role="admin", password="mallory-pass")
    with scope() as s:
        actions = [r.action for r in s.query(audit.AuditRecord).order_by(audit.AuditRecord.seq)]
        assert actions == ["user.create", "user.create"]
        assert audit.verify_chain(s).ok


def test_authenticate(scope):
    with scope() as s:
        users.create_admin(s, username="ada", password="s3cret-pass")
        users.create_user(s, actor="ada", username="bob", role="ops", password="bob-password")
    with scope() as s:
        assert users.authenticate(s, username="bob", password="bob-password").username == "bob"
        assert users.authenticate(s, username="bob", password="wrong-password") is None
        assert users.authenticate(s, username="nobody", password="bob-password") is None
        users.deactivate_user(s, actor="ada", username="bob", reason="left")
    with scope() as s:
        assert users.authenticate(s, username="bob", password="bob-password") is None


@pytest.mark.parametrize(
    "username, role, password, message",
    [
        ("Bad Name", "clerk", "long-enough", "invalid username"),
        ("carol", "superuser", "long-enough", "unknown role"),
        ("carol", "clerk", "short", "too short"),
        ("carol", "clerk", "x" * 73, "too long"),
    ],
)
def test_bad_user_input_is_refused(scope, username, role, password, message):
    with scope() as s, pytest.raises(ValueError, match=message):
        users.bootstrap_user(s, username=username, role=role, password=password)


def test_roles_are_reread_from_the_database(scope, people):
    with scope() as s:
        users.set_role(s, actor="ada", username="alice", role="ops", reason="moved team")
    with scope() as s:
        assert get_user(s, username="alice").role == "ops"
        with pytest.raises(ConflictError):
            users.bootstrap_user(s, username="alice", role="clerk", password="whatever-pw")
