"""Issue #16 item 2: a large camt.053 is imported entry by entry, page by page, and the store ends up
exactly as a whole-file import leaves it (the same rows, the same cases); importing it again adds
nothing; a file that breaks off midway, or a process killed midway, leaves nothing of it. SQLite and
PostgreSQL (the two-backend fixture of test_import_damaged_input)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from breakdesk.app.services import statement_stream
from breakdesk.app.services.workflow import ingest_files
from breakdesk.app.settings import reload_settings
from breakdesk.app.store.db import make_engine, session_scope
from breakdesk.app.store.models import BankEntry, Case, ImportBatch, StoredMessage
from breakdesk.evals.benchmarks.statements import write_camt053
from tests.integration.test_import_damaged_input import engine  # noqa: F401  (the two-backend fixture)

pytestmark = pytest.mark.integration

ENTRIES = 4_500  # three pages of 2,000: a batch booking or a return may sit on a page boundary


def _rows(session) -> list[tuple]:
    cols = (BankEntry.idempotency_key, BankEntry.level, BankEntry.amount, BankEntry.currency, BankEntry.credit_debit,
            BankEntry.end_to_end_id, BankEntry.uetr, BankEntry.counterparty_name, BankEntry.remittance_text,
            BankEntry.return_reason, BankEntry.batch_count, BankEntry.provenance)
    def norm(v):  # PostgreSQL's JSONB orders keys its own way, its NUMERIC keeps the scale
        if isinstance(v, dict):
            return json.dumps(v, sort_keys=True)
        return str(v.normalize()) if isinstance(v, Decimal) else str(v)

    return sorted(tuple(norm(v) for v in row) for row in session.execute(select(*cols)))


def _cases(session) -> list[tuple]:
    return sorted((c.key, c.kind, c.reason_code, c.title) for c in session.scalars(select(Case)))


@pytest.fixture
def statement_file(tmp_path) -> Path:
    path = tmp_path / "day.xml"
    write_camt053(path, ENTRIES)
    return path


def _ingest(engine, path: Path, monkeypatch, *, stream_mb: str, as_bytes: bool = False):  # noqa: F811
    monkeypatch.setenv("BREAKDESK_STREAM_IMPORT_MB", stream_mb)
    reload_settings()
    seen: list[int] = []
    with session_scope(engine) as s:
        report = ingest_files(s, files=[(path.name, path.read_bytes() if as_bytes else path)], user="olivia",
                              progress=lambda _name, n: seen.append(n))
    return report, seen


def test_a_streamed_import_stores_what_a_whole_file_import_stores(engine, statement_file, monkeypatch, tmp_path):  # noqa: F811
    report, seen = _ingest(engine, statement_file, monkeypatch, stream_mb="0")
    assert report.imported == ["day.xml"] and not report.errors
    with session_scope(engine) as s:
        streamed_rows, streamed_cases = _rows(s), _cases(s)
        (batch,) = s.scalars(select(ImportBatch)).all()
        pages = s.scalars(select(StoredMessage).order_by(StoredMessage.message_index)).all()
        assert [p.message_index for p in pages] == [0, 1, 2]
        sizes = [len(p.payload["statements"][0]["entries"]) for p in pages]
        assert sizes == [2000, 2000, 500]
        assert [bool(p.payload["statements"][0]["balances"]) for p in pages] == [True, False, False]
    assert seen == sorted(seen) and seen[-1] == batch.bank_entry_count  # one progress call a page
    assert len(seen) == 3 and streamed_cases  # the returns in the day are cases

    whole = make_engine(f"sqlite:///{tmp_path / 'whole.sqlite3'}")
    from breakdesk.app.store.migrate import upgrade
    from breakdesk.app.store.testing import seed_users

    upgrade(str(whole.url))
    with session_scope(whole) as s:
        seed_users(s, olivia="ops")
    _ingest(whole, statement_file, monkeypatch, stream_mb="1000")
    with session_scope(whole) as s:
        assert s.scalar(select(func.count()).select_from(StoredMessage)) == 1  # read whole: one message
        assert _rows(s) == streamed_rows
        assert _cases(s) == streamed_cases
        (whole_batch,) = s.scalars(select(ImportBatch)).all()
        assert (whole_batch.bank_entry_count, whole_batch.duplicate_count) == (batch.bank_entry_count, 0)
    whole.dispose()

    again, _ = _ingest(engine, statement_file, monkeypatch, stream_mb="0", as_bytes=True)  # an upload: bytes
    assert again.duplicates == ["day.xml"] and not again.imported
    with session_scope(engine) as s:
        assert _rows(s) == streamed_rows


def test_a_statement_that_breaks_off_midway_leaves_nothing(engine, statement_file, monkeypatch):  # noqa: F811
    data = statement_file.read_bytes()
    cut = statement_file.with_name("cut.xml")
    cut.write_bytes(data[: int(len(data) * 0.8)])  # well after the first pages were stored
    report, seen = _ingest(engine, cut, monkeypatch, stream_mb="0")
    assert report.imported == [] and len(report.errors) == 1 and "cut.xml" in report.errors[0]
    assert seen  # pages were written before the break, and rolled back with it
    with session_scope(engine) as s:
        for model in (BankEntry, StoredMessage, ImportBatch, Case):
            assert s.scalar(select(func.count()).select_from(model)) == 0, model.__name__


def test_a_killed_import_leaves_nothing_and_runs_again_whole(engine, tmp_path):  # noqa: F811
    """`breakdesk cases ingest` killed (SIGKILL) after its first progress line (one page of three stored,
    uncommitted): no row of the file is
    stored; run again, it imports the whole file once."""
    path = tmp_path / "big.xml"
    write_camt053(path, 6_000)
    env = {**os.environ, "DATABASE_URL": str(engine.url.render_as_string(hide_password=False)),
           "BREAKDESK_STREAM_IMPORT_MB": "0", "BREAKDESK_BCRYPT_ROUNDS": "4", "BREAKDESK_DATA_DIR": str(tmp_path / "data"), "BREAKDESK_LLM": "none"}
    cmd = [sys.executable, "-m", "breakdesk.app.cli", "cases", "ingest", str(path), "--as", "olivia", "--password-stdin"]
    proc = subprocess.Popen(cmd, env=env, stdin=subprocess.PIPE, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
                            text=True)
    assert proc.stderr is not None and proc.stdin is not None
    proc.stdin.write("correct horse battery\n")
    proc.stdin.close()
    for line in proc.stderr:
        if "entries stored" in line:
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    engine.dispose()
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(BankEntry)) == 0
        assert s.scalar(select(func.count()).select_from(ImportBatch)) == 0
    done = subprocess.run(cmd, env=env, input="correct horse battery\n", capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    with session_scope(engine) as s:
        (batch,) = s.scalars(select(ImportBatch)).all()
        assert batch.message_count == 3 and s.scalar(select(func.count()).select_from(BankEntry)) == batch.bank_entry_count


def test_pages_keep_entries_in_order_and_state_balances_once(statement_file):
    from breakdesk import parsers

    whole = parsers.parse(statement_file)[0].statements[0]
    got = list(statement_stream.pages(statement_file, filename=str(statement_file), page_entries=1000))
    assert [len(m.statements[0].entries) for m in got] == [1000] * 4 + [500]
    assert [e for m in got for e in m.statements[0].entries] == whole.entries
    assert got[0].statements[0].balances == whole.balances and all(not m.statements[0].balances for m in got[1:])
    assert {m.message_type for m in got} == {"camt.053.001.08"} and {m.kind for m in got} == {"statement"}
    assert statement_stream.is_statement_xml(statement_file) and not statement_stream.is_statement_xml(b":20:X\n")


def test_a_large_mt940_is_imported_message_by_message_as_it_is_whole(engine, monkeypatch, tmp_path):  # noqa: F811
    """An MT file of many statements goes message by message (each threaded, then dropped); the store
    ends up as a whole-file import leaves it, and its reading findings are reported."""
    from breakdesk.evals.benchmarks.statements import write_mt940

    path = tmp_path / "day.sta"
    write_mt940(path, 1_500, per_statement=100)  # 15 statements
    text = path.read_text(encoding="utf-8")
    first = text.index(":61:")
    text = text[:first + 14] + text[first + 14:].replace("NTRF", " NTRF", 1)  # one Commerzbank-style space
    path.write_text(text, encoding="utf-8")
    report, seen = _ingest(engine, path, monkeypatch, stream_mb="0")
    assert report.imported == ["day.sta"] and len(seen) == 15 and seen[-1] == 1_500
    assert [f.split(": ")[2] for f in report.findings] == ["BANK_DEVIATION"]
    with session_scope(engine) as s:
        streamed_rows, streamed_cases = _rows(s), _cases(s)
        assert s.scalar(select(func.count()).select_from(StoredMessage)) == 15
    whole = make_engine(f"sqlite:///{tmp_path / 'whole.sqlite3'}")
    from breakdesk.app.store.migrate import upgrade
    from breakdesk.app.store.testing import seed_users

    upgrade(str(whole.url))
    with session_scope(whole) as s:
        seed_users(s, olivia="ops")
    whole_report, whole_seen = _ingest(whole, path, monkeypatch, stream_mb="1000")
    assert whole_seen == [] and whole_report.findings == report.findings
    with session_scope(whole) as s:
        assert _rows(s) == streamed_rows and _cases(s) == streamed_cases
    whole.dispose()
