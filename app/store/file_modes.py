"""Files holding personal data or secrets are readable by their owner only (0600; folders 0700).

The SQLite database holds names, IBANs and remittance text; the audit key signs the audit chain. A
default umask (022) would leave both world-readable, so they are created private on first use and an
older, wider file is tightened when the product opens it again (SQLite gives its `-wal` and `-shm`
files the database file's mode, so fixing the database file fixes those it creates later).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700


def private_dir(path: Path) -> Path:
    """Create `path` (and parents) as 0700 if missing. An existing folder is left as it is: it may be a
    shared parent the user chose on purpose (the files inside are private anyway)."""
    path.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    return path


def tighten(path: Path) -> None:
    """Drop group and other permissions from an existing file (no-op when it is missing)."""
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return
    if mode & 0o077:
        os.chmod(path, mode & 0o700)


def create_private(path: Path) -> bool:
    """Create an empty 0600 file if none exists (True when created); tighten an existing one."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    except FileExistsError:
        tighten(path)
        return False
    os.close(fd)
    os.chmod(path, PRIVATE_FILE)  # the umask may have removed bits; never added any
    return True


def private_sqlite(database: Path) -> None:
    """The SQLite file and its companions exist only as 0600 before SQLite opens them."""
    private_dir(database.parent)
    create_private(database)
    for suffix in ("-wal", "-shm", "-journal"):
        tighten(database.with_name(database.name + suffix))
