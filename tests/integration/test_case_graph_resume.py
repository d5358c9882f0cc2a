"""A decision hours later, from another process: interrupt in this process, resume in a new one."""

import json
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest

from breakdesk.agents.graph.case_graph import build_case_graph
from breakdesk.agents.graph.checkpoint import open_checkpointer
from tests.conftest import require_postgres
from tests.support.case_graph_deps import CASE, make_deps

REPO = Path(__file__).resolve().parents[2]
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


def _interrupt(url: str, outbox: str) -> None:
    with open_checkpointer(url) as saver:
        out = build_case_graph(make_deps(outbox), saver).invoke({"case": CASE}, config={"configurable": {"thread_id": CASE["case_id"]}})
    assert "__interrupt__" in out


def _resume_elsewhere(url: str, outbox: str, decision: dict) -> dict:
    code = ("import json,sys; from tests.support.case_graph_deps import resume_in_this_process as r; "
            "print(json.dumps(r(sys.argv[1], sys.argv[2], sys.argv[3])))")
    proc = subprocess.run([sys.executable, "-c", code, url, outbox, json.dumps(decision)], cwd=REPO,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_resume_in_second_process_sqlite(tmp_path):
    url = f"sqlite:///{tmp_path / 'checkpoints.sqlite3'}"
    _interrupt(url, str(tmp_path / "outbox"))
    result = _resume_elsewhere(url, str(tmp_path / "outbox"), {"action": "approve", "user": "carol"})
    assert result["outcome"]["status"] == "applied" and result["outcome"]["by"] == "carol"
    assert (tmp_path / "outbox" / "CASE-TEST1.xml").is_file()


@pytest.fixture
def pg_url():
    require_postgres()
    name = f"bd_ckpt_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_resume_in_second_process_postgres(tmp_path, pg_url):
    _interrupt(pg_url, str(tmp_path / "outbox"))
    result = _resume_elsewhere(pg_url, str(tmp_path / "outbox"), {"action": "reject", "user": "dave", "reason": "need new IBAN"})
    assert result["outcome"] == {"status": "rejected", "reason": "need new IBAN"}
    assert not (tmp_path / "outbox").exists()


def test_postgres_checkpoint_tables_are_set_up_once_per_process(pg_url, monkeypatch):
    from langgraph.checkpoint.postgres import PostgresSaver

    calls: list[int] = []
    real = PostgresSaver.setup
    monkeypatch.setattr(PostgresSaver, "setup", lambda self: calls.append(1) or real(self))
    for _ in range(3):
        with open_checkpointer(pg_url) as saver:
            assert saver.get_tuple({"configurable": {"thread_id": "none-yet"}}) is None
    assert calls == [1]
