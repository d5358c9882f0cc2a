"""`breakdesk watch DIR` (issue #18 item 3): complete files only, filed under processed/ or failed/ with
the reason, matched after the batch; a running watcher takes a file renamed into place and leaves a
`.part` alone."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from breakdesk.app.cli.main import cli
from breakdesk.app.services.intake import Watcher
from breakdesk.app.store.db import session_scope
from breakdesk.app.store.models import ImportBatch, MatchRun
from tests.integration.test_cases_cli import cli_workspace  # noqa: F401 - fixture
from tests.support.workflow import demo_files

pytestmark = pytest.mark.integration


def test_once_imports_files_them_and_matches(tmp_path, cli_workspace):
    engine = cli_workspace
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name, data in demo_files():
        (inbox / name).write_bytes(data)
    (inbox / "broken.xml").write_bytes(b"<Document><unclosed>")
    (inbox / "late.xml.part").write_bytes(demo_files()[0][1])  # still being written: left alone
    runner = CliRunner()
    out = runner.invoke(cli, ["watch", str(inbox), "--once", "--json", "--as", "carl", "--password-stdin"],
                        input="pw-carl-123\n")
    assert out.exit_code == 2, out.output  # one file failed
    report = json.loads(out.output.strip().splitlines()[-1])
    assert len(report["imported"]) == len(demo_files()) and list(report["failed"]) == ["broken.xml"]
    assert "broken.xml" in report["failed"]["broken.xml"] and report["matching"]["suggestions"] >= 1
    assert sorted(p.name for p in (inbox / "processed").iterdir()) == sorted(n for n, _ in demo_files())
    assert (inbox / "failed" / "broken.xml").exists()
    assert "broken.xml" in (inbox / "failed" / "broken.xml.error.txt").read_text()
    assert [p.name for p in inbox.iterdir() if p.is_file()] == ["late.xml.part"]
    with session_scope(engine) as s:
        assert s.execute(select(func.count()).select_from(ImportBatch)).scalar_one() == len(demo_files())
        assert s.execute(select(func.count()).select_from(MatchRun)).scalar_one() == 1
    (inbox / "late.xml.part").rename(inbox / "late.xml")  # the same content again, now complete
    again = runner.invoke(cli, ["watch", str(inbox), "--once", "--json", "--as", "carl", "--password-stdin"],
                          input="pw-carl-123\n")
    assert json.loads(again.output.strip().splitlines()[-1])["duplicates"] == ["late.xml"]
    assert (inbox / "processed" / "late.xml").exists()


def test_a_file_is_taken_only_when_it_has_stopped_changing(tmp_path, cli_workspace):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    watcher = Watcher(inbox, user="carl", match=False, engine=cli_workspace)
    (inbox / "a.xml").write_bytes(demo_files()[0][1][:100])
    assert watcher.scan() == []  # first sight
    with (inbox / "a.xml").open("ab") as fh:  # the sender is still writing in place
        fh.write(b" ")
    assert watcher.scan() == []
    assert [p.name for p in watcher.scan()] == ["a.xml"]  # unchanged between two scans


def test_a_running_watcher_imports_what_is_renamed_into_place(tmp_path, cli_workspace):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    env = {**os.environ, "BREAKDESK_LLM": "none"}
    proc = subprocess.Popen([sys.executable, "-m", "breakdesk.app.cli", "watch", str(inbox), "--interval", "0.2",
                             "--no-match", "--as", "olivia", "--password-stdin"], env=env, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        proc.stdin.write("pw-olivia-123\n")
        proc.stdin.close()
        name, data = demo_files()[1]
        (inbox / (name + ".part")).write_bytes(data)
        time.sleep(1.5)
        assert not (inbox / "processed" / name).exists()
        (inbox / (name + ".part")).rename(inbox / name)
        for _ in range(300):
            if (inbox / "processed" / name).exists():
                break
            time.sleep(0.1)
        assert (inbox / "processed" / name).exists()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
