"""Automatic intake: files dropped into a folder are imported, filed away, and matched.

The protocol is the one file-transfer tools already follow: a sender writes `name.part` (or `.tmp`, or
a dot-file) and renames it into place when it is complete; a rename is atomic, so a file under its final
name is whole. As a second guard for senders that write in place, a file is taken only once its size and
modification time have not changed between two scans.

Each file is imported on its own (`workflow.ingest_files`: a bad file writes nothing) and then moved to
`processed/` or to `failed/` with `NAME.error.txt` beside it saying why, so nothing is lost and nothing
is imported twice: a file is moved only after its import committed, and an import of content already
stored is a harmless duplicate if the move was interrupted. Matching runs once after each batch.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from breakdesk.app.services.access import require
from breakdesk.app.services.errors import PermissionDenied
from breakdesk.app.store.db import get_engine, session_scope

INCOMPLETE_SUFFIXES = (".part", ".tmp", ".partial", ".crdownload", ".filepart")
PROCESSED, FAILED = "processed", "failed"


@dataclass
class IntakeReport:
    imported: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    case_keys: list[str] = field(default_factory=list)
    matching: dict | None = None
    matching_skipped: str | None = None

    @property
    def files(self) -> int:
        return len(self.imported) + len(self.duplicates) + len(self.failed)


def is_candidate(path: Path) -> bool:
    name = path.name
    return path.is_file() and not name.startswith(".") and not name.lower().endswith(INCOMPLETE_SUFFIXES) \
        and not name.endswith(".error.txt")


class Watcher:
    """One intake folder. `scan()` returns the files that are complete now (same size and mtime as at
    the previous scan); `process()` imports them."""

    def __init__(self, folder: Path, *, user: str, match: bool = True, engine=None) -> None:
        self.folder, self.user, self.match = folder, user, match
        self.engine = engine or get_engine()
        self._seen: dict[Path, tuple[int, int]] = {}
        for sub in (PROCESSED, FAILED):
            (folder / sub).mkdir(parents=True, exist_ok=True)

    def scan(self, *, settle: bool = True) -> list[Path]:
        ready, now = [], {}
        for path in sorted(p for p in self.folder.iterdir() if is_candidate(p)):
            st = path.stat()
            now[path] = (st.st_size, st.st_mtime_ns)
            if not settle or self._seen.get(path) == now[path]:
                ready.append(path)
        self._seen = now
        return ready

    def process(self, paths: list[Path], *, echo: Callable[[str], None] = lambda _s: None) -> IntakeReport:
        from breakdesk.app.services.workflow import ingest_files

        report = IntakeReport()
        for path in paths:
            with session_scope(self.engine) as session:
                result = ingest_files(session, files=[(path.name, path)], user=self.user)
            if result.errors:
                report.failed[path.name] = result.errors[0]
                dest = _unique(self.folder / FAILED / path.name)
                shutil.move(str(path), dest)
                dest.with_name(dest.name + ".error.txt").write_text(result.errors[0] + "\n", encoding="utf-8")
                echo(f"failed: {path.name}: {result.errors[0]}")
            else:
                (report.imported if result.imported else report.duplicates).append(path.name)
                report.case_keys += result.case_keys
                shutil.move(str(path), _unique(self.folder / PROCESSED / path.name))
                echo(f"{'imported' if result.imported else 'already known'}: {path.name}")
            self._seen.pop(path, None)
        if self.match and report.imported:
            report.matching, report.matching_skipped = self._match()
            if report.matching_skipped:
                echo(f"matching skipped: {report.matching_skipped}")
            elif report.matching is not None:
                echo(f"matched: {report.matching.get('suggestions', 0)} suggestion(s), {report.matching.get('breaks', 0)} break(s)")
        return report

    def _match(self) -> tuple[dict | None, str | None]:
        from breakdesk.app.services.reconciliation import run_matching

        with session_scope(self.engine) as session:
            try:
                require(session, self.user, "match.run")
            except PermissionDenied as exc:
                return None, str(exc)
            return run_matching(session, user=self.user), None


def _unique(dest: Path) -> Path:
    """`dest`, or `dest` with a counter when a file of that name was filed before (a resent file)."""
    if not dest.exists():
        return dest
    n = 1
    while (candidate := dest.with_name(f"{dest.stem}.{n}{dest.suffix}")).exists():
        n += 1
    return candidate
