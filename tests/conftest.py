"""Run-wide fixtures. Integration tests read ../shared in place (never copied into the repo)."""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from breakdesk.app.runtime import apply_offline_defaults

apply_offline_defaults()

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("BREAKDESK_SHARED", REPO_ROOT.parent / "shared")).resolve()
CORPUS = SHARED / "corpus"
REFERENCE = SHARED / "reference"


@dataclass(frozen=True)
class CorpusFile:
    local_path: str
    message_type: str
    notes: str

    @property
    def path(self) -> Path:
        return CORPUS / self.local_path


def load_manifest() -> list[CorpusFile]:
    with open(CORPUS / "MANIFEST.tsv", newline="", encoding="utf-8") as fh:
        rows = csv.DictReader(fh, delimiter="\t")
        return [CorpusFile(r["local_path"], r["message_type"], r["notes"]) for r in rows]


def require_postgres() -> None:
    """PostgreSQL is part of the product, so a server that does not answer fails the test; a machine
    without one opts out explicitly with BREAKDESK_SKIP_POSTGRES=1."""
    from breakdesk.app.store.testing import postgres_available

    reason = postgres_available()
    if reason is None:
        return
    if os.environ.get("BREAKDESK_SKIP_POSTGRES"):
        pytest.skip(reason)
    pytest.fail(f"{reason}; set BREAKDESK_SKIP_POSTGRES=1 to skip the PostgreSQL tests on a machine without it")


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    assert CORPUS.is_dir(), f"shared corpus not found at {CORPUS} (set BREAKDESK_SHARED)"
    return SHARED
