"""The embedded user directory: `$BREAKDESK_DATA_DIR/users.toml`, synced into the users table at start-up.

Why a file: on the embedded defaults there is no identity provider, and whoever runs Breakdesk must be
able to create the first admin (`breakdesk users init-admin`) and see who may sign in without a UI.
The file holds bcrypt hashes only, never passwords. Format (one table per user)::

    [users."demo-ops"]
    role = "ops"                      # ops | clerk | compliance | admin
    display_name = "Demo Ops"         # optional
    password_hash = "$2b$12$…"        # bcrypt
    active = true                     # optional; false deactivates the user on the next sync
    demo = true                       # optional; marks the documented demo accounts

`sync_users` makes the table agree with the file: missing users are created, a changed role, hash,
display name or `active` flag is applied, and a user the file made (or a demo account) that is no longer
in it is deactivated: deleting a line must end that person's access. Users made in the database
(`breakdesk users add`) are left alone. Every change is audited as `system:users-file`.
"""

from __future__ import annotations

import json
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import or_, select
from sqlalchemy import true as sa_true
from sqlalchemy.orm import Session

from breakdesk.app.services import audit
from breakdesk.app.services.roles import ROLES
from breakdesk.app.services.users import USERNAME_RE, hash_password, validate_username_and_role, verify_password
from breakdesk.app.settings import Settings, get_settings
from breakdesk.app.store.models import User
from breakdesk.app.store.repositories.users import get_user
from breakdesk.errors import BreakdeskError

USERS_FILE_NAME = "users.toml"
SYNC_ACTOR = "system:users-file"

#: The documented demo accounts (README "Web UI"): one per role. Created only by the demo seed.
DEMO_USERS: dict[str, tuple[str, str, str]] = {
    # username: (role, password, display name)
    "demo-ops": ("ops", "demo-ops-pass", "Demo Ops (exceptions)"),
    "demo-clerk": ("clerk", "demo-clerk-pass", "Demo Clerk (reconciliation)"),
    "demo-compliance": ("compliance", "demo-compliance-pass", "Demo Compliance"),
    "demo-admin": ("admin", "demo-admin-pass", "Demo Admin"),
}


class UsersFileError(BreakdeskError, ValueError):
    """The users file is unreadable or holds an invalid entry (the message names the file and the user)."""


@dataclass(frozen=True)
class FileUser:
    username: str
    role: str
    password_hash: str
    display_name: str | None = None
    active: bool = True
    demo: bool = False


@dataclass
class SyncReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    deactivated: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deactivated)


def users_file_path(settings: Settings | None = None) -> Path:
    return (settings or get_settings()).data_dir / USERS_FILE_NAME


def load_users_file(path: Path) -> list[FileUser]:
    """The users in `path` (an absent file is an empty directory)."""
    if not path.exists():
        return []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise UsersFileError(f"{path}: {exc}") from exc
    table = data.get("users", {})
    if not isinstance(table, dict):
        raise UsersFileError(f"{path}: [users] must be a table of users")
    out = []
    for username, entry in table.items():
        where = f"{path}: users.{username}"
        if not isinstance(entry, dict):
            raise UsersFileError(f"{where}: must be a table")
        if not USERNAME_RE.match(username):
            raise UsersFileError(f"{where}: invalid username (lower-case letters, digits, '.', '_' or '-', 2-64 characters)")
        role = entry.get("role")
        if role not in ROLES:
            raise UsersFileError(f"{where}: role must be one of {', '.join(ROLES)}, not {role!r}")
        password_hash = entry.get("password_hash")
        if not isinstance(password_hash, str) or not password_hash.startswith(("$2a$", "$2b$", "$2y$")):
            raise UsersFileError(f"{where}: password_hash must be a bcrypt hash ($2b$…)")
        out.append(FileUser(username=username, role=role, password_hash=password_hash,
                            display_name=entry.get("display_name"), active=bool(entry.get("active", True)),
                            demo=bool(entry.get("demo", False))))
    return out


def _toml_str(value: str) -> str:
    # JSON string escapes (\" \\ \n \uXXXX) are valid TOML basic-string escapes.
    return json.dumps(value, ensure_ascii=True)


def save_users_file(path: Path, users: list[FileUser]) -> None:
    """Write atomically (temp file + rename), readable by the owner only: it holds password hashes."""
    lines = [
        "# Breakdesk users (bcrypt hashes, never passwords). Synced into the database at start-up.",
        "# Roles: ops, clerk, compliance, admin. Create the first admin with `breakdesk users init-admin`.",
        "",
    ]
    for u in sorted(users, key=lambda u: u.username):
        lines.append(f"[users.{_toml_str(u.username)}]")
        lines.append(f"role = {_toml_str(u.role)}")
        if u.display_name:
            lines.append(f"display_name = {_toml_str(u.display_name)}")
        lines.append(f"password_hash = {_toml_str(u.password_hash)}")
        if not u.active:
            lines.append("active = false")
        if u.demo:
            lines.append("demo = true")
        lines.append("")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines))
    os.replace(tmp, path)


def add_to_users_file(path: Path, *, username: str, role: str, password: str, display_name: str | None = None,
                      demo: bool = False) -> FileUser:
    """Add one user to the file (refused if the name is taken there)."""
    users = load_users_file(path)
    if any(u.username == username for u in users):
        raise UsersFileError(f"{path}: user {username} already exists")
    try:
        validate_username_and_role(username, role)
    except ValueError as exc:
        raise UsersFileError(str(exc)) from None
    user = FileUser(username=username, role=role, password_hash=hash_password(password), display_name=display_name, demo=demo)
    save_users_file(path, [*users, user])
    return user


def init_admin(path: Path, *, username: str, password: str, display_name: str | None = None) -> FileUser:
    """First run: the first real admin. Refused when the file already has an active admin (demo ones aside)."""
    existing = [u.username for u in load_users_file(path) if u.role == "admin" and u.active and not u.demo]
    if existing:
        raise UsersFileError(f"{path}: an admin already exists ({', '.join(existing)}); edit the file to add more")
    return add_to_users_file(path, username=username, role="admin", password=password, display_name=display_name)


def ensure_demo_users(path: Path) -> list[str]:
    """Add the documented demo accounts that are missing from the file; returns the names added."""
    present = {u.username for u in load_users_file(path)}
    added = []
    for username, (role, password, display_name) in DEMO_USERS.items():
        if username not in present:
            add_to_users_file(path, username=username, role=role, password=password, display_name=display_name, demo=True)
            added.append(username)
    return added


def demo_credentials(path: Path) -> list[tuple[str, str, str]]:
    """(username, role, password) of the demo accounts in the file whose password is still the documented one."""
    out = []
    for u in load_users_file(path):
        known = DEMO_USERS.get(u.username)
        if u.demo and u.active and known and verify_password(known[1], u.password_hash):
            out.append((u.username, u.role, known[1]))
    return out


def sync_users(session: Session, users: list[FileUser], *, prune: bool = True) -> SyncReport:
    """Make the users table agree with the file (in the caller's transaction, audited); `prune`
    deactivates the file's users that have left it."""
    report = SyncReport()
    for fu in users:
        row = get_user(session, username=fu.username)
        if row is None:
            row = User(username=fu.username, role=fu.role, display_name=fu.display_name,
                       password_hash=fu.password_hash, active=fu.active, source=USERS_FILE_NAME)
            session.add(row)
            session.flush()
            audit.append(session, actor=SYNC_ACTOR, action="user.create", object_type="user", object_id=row.id,
                         after={"username": fu.username, "role": fu.role, "display_name": fu.display_name,
                                "active": fu.active, "source": USERS_FILE_NAME})
            report.created.append(fu.username)
            continue
        before: dict[str, object] = {}
        after: dict[str, object] = {}
        for attr in ("role", "display_name", "active"):
            if getattr(row, attr) != getattr(fu, attr):
                before[attr], after[attr] = getattr(row, attr), getattr(fu, attr)
                setattr(row, attr, getattr(fu, attr))
        if row.password_hash != fu.password_hash:
            row.password_hash = fu.password_hash
            before["password"], after["password"] = "(previous)", "changed"  # never the hash itself
        if row.source != USERS_FILE_NAME:
            row.source = USERS_FILE_NAME  # the file now owns this user
        if after:
            session.flush()
            audit.append(session, actor=SYNC_ACTOR, action="user.sync", object_type="user", object_id=row.id,
                         before=before, after={**after, "source": USERS_FILE_NAME})
            report.updated.append(fu.username)
    if not prune:
        return report
    in_file = {fu.username for fu in users}
    gone = select(User).where(User.active.is_(True), User.username.not_in(in_file) if in_file else sa_true(),
                              or_(User.source == USERS_FILE_NAME, User.username.in_(DEMO_USERS)))
    for row in session.execute(gone).scalars():
        row.active = False
        session.flush()
        audit.append(session, actor=SYNC_ACTOR, action="user.sync", object_type="user", object_id=row.id,
                     before={"active": True}, after={"active": False, "why": f"no longer in {USERS_FILE_NAME}",
                                                     "source": USERS_FILE_NAME})
        report.deactivated.append(row.username)
    return report


def sync_users_file(session: Session, path: Path | None = None) -> SyncReport:
    """Sync from the file; an absent file (a team that keeps its users in the database) deactivates no one."""
    path = path or users_file_path()
    return sync_users(session, load_users_file(path), prune=path.exists())
