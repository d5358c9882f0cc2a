"""The secret that keys the audit chain, kept outside the database.

With plain SHA-256 anyone who can write the database can edit a record and re-compute every hash
after it. With an HMAC-SHA256 keyed by a secret the database never holds, they cannot: the key lives
in the environment (`BREAKDESK_AUDIT_KEY`, at least 32 characters: a deployment puts it in its secret
store) or, by default, in `<data dir>/audit.key`, 32 random bytes created 0600 on first use.

A fingerprint (an HMAC of a fixed label, not the key) is written into the chain when the key is
adopted, so `verify` can tell "wrong key configured" from "records tampered with".
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from breakdesk.app.settings import get_settings
from breakdesk.app.store.file_modes import PRIVATE_FILE, private_dir, tighten

ENV_NAME = "BREAKDESK_AUDIT_KEY"
KEY_FILE_NAME = "audit.key"
MIN_ENV_KEY_LENGTH = 32


class AuditKeyError(RuntimeError):
    """The key is missing where it must exist, or too weak to use."""


@dataclass(frozen=True)
class AuditKey:
    secret: bytes
    source: str  # "env" or the key file's path

    @property
    def fingerprint(self) -> str:
        return hmac.new(self.secret, b"breakdesk-audit-key-id", hashlib.sha256).hexdigest()[:16]

    def mac(self, data: bytes) -> str:
        return hmac.new(self.secret, data, hashlib.sha256).hexdigest()


def key_file_path() -> Path:
    return get_settings().data_dir / KEY_FILE_NAME


def load_key(*, create: bool = True) -> AuditKey:
    """The configured key: the environment first, else the key file (created when `create`)."""
    env = os.environ.get(ENV_NAME)
    if env is not None:
        if len(env) < MIN_ENV_KEY_LENGTH:
            raise AuditKeyError(f"{ENV_NAME} must be at least {MIN_ENV_KEY_LENGTH} characters")
        return AuditKey(env.encode("utf-8"), "env")
    path = key_file_path()
    if not path.exists():
        if not create:
            raise AuditKeyError(f"no audit key: set {ENV_NAME} or restore {path}")
        _create_key_file(path)
    tighten(path)
    text = path.read_text(encoding="ascii").strip()
    try:
        secret = bytes.fromhex(text)
    except ValueError as exc:
        raise AuditKeyError(f"{path} is not a hex-encoded key") from exc
    if len(secret) < 32:
        raise AuditKeyError(f"{path} holds fewer than 32 bytes")
    return AuditKey(secret, str(path))


def _create_key_file(path: Path) -> None:
    """Write the key to a private temporary file, then link it into place: readers never see a half
    written key, and when two processes race the first link wins and both use that key."""
    private_dir(path.parent)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(secrets.token_hex(32) + "\n")
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass  # another process created it first: use theirs
    finally:
        tmp.unlink(missing_ok=True)
