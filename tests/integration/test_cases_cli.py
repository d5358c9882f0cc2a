"""`breakdesk cases ingest`, `explain CASE-…` and `decide` from the command line, on one database."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from breakdesk.app.cli.main import cli
from breakdesk.app.services.cases import get_case_by_key, reanalyse_case
from breakdesk.app.settings import reload_settings
from breakdesk.app.store.db import session_scope
from tests.support.workflow import demo_files, make_workspace

pytestmark = pytest.mark.integration


@pytest.fixture
def cli_workspace(tmp_path):
    """The CLI on a workspace database with the offline runtime (it would build the embedding one); the
    cached settings are read again once the environment is restored."""
    from breakdesk.app.services import workflow

    engine, runtime = make_workspace(tmp_path)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DATABASE_URL", str(engine.url))
        mp.setenv("BREAKDESK_DATA_DIR", str(tmp_path))
        mp.setattr(workflow.Runtime, "from_settings", classmethod(lambda cls, *a, **k: runtime))
        reload_settings()
        yield engine
    reload_settings()
    engine.dispose()


def test_decide_names_the_repair_it_reviewed(tmp_path, cli_workspace):
    engine = cli_workspace
    folder = tmp_path / "in"
    folder.mkdir()
    for name, data in demo_files():
        (folder / name).write_bytes(data)
    runner = CliRunner()
    assert runner.invoke(cli, ["cases", "ingest", str(folder), "--as", "olivia", "--password-stdin"],
                         input="pw-olivia-123\n").exit_code == 0
    listed = json.loads(runner.invoke(cli, ["cases", "list", "--json"]).output)["cases"]
    key = next(c["key"] for c in listed if (c["payment"] or {}).get("end_to_end_id") == "E2E-4472")

    shown = runner.invoke(cli, ["explain", key])
    assert shown.exit_code == 0, shown.output
    with session_scope(engine) as s:
        case = get_case_by_key(s, key=key)
        [first] = [r.id for r in case.repairs]
        reanalyse_case(s, case_id=case.id, actor="system:breakdesk", reason="a later message changed the break")
    assert f"repair {first} (proposed)" in shown.output  # what the person reviewed

    oscar = ["--as", "oscar", "--password-stdin"]
    stale = runner.invoke(cli, ["decide", key, "reject", *oscar, "--reason", "hold", "--repair", str(first)],
                          input="pw-oscar-123\n")
    assert stale.exit_code == 1 and f"repair {first} of case {key} is no longer the open one" in stale.output
    again = runner.invoke(cli, ["explain", key])
    [second] = [int(w) for w in again.output.split("repair ")[1].split()[:1]]
    assert second != first and f"repair {second} (proposed)" in again.output
    done = runner.invoke(cli, ["decide", key, "reject", *oscar, "--reason", "hold", "--repair", str(second)],
                         input="pw-oscar-123\n")
    assert done.exit_code == 0, done.output
    assert f"{key}: rejected by oscar" in done.output  # it said "rejectd"


def test_ask_answers_from_the_store_and_keeps_the_thread(tmp_path, cli_workspace):
    runner = CliRunner()
    folder = tmp_path / "in"
    folder.mkdir()
    for name, data in demo_files():
        (folder / name).write_bytes(data)
    assert runner.invoke(cli, ["cases", "ingest", str(folder), "--as", "olivia", "--password-stdin"],
                         input="pw-olivia-123\n").exit_code == 0
    first = runner.invoke(cli, ["ask", "Why was E2E-4471 rejected?", "--thread", "t"])
    assert first.exit_code == 0 and first.output.startswith("E2E-4471 was rejected with reason code AC04")
    follow = runner.invoke(cli, ["ask", "what should I do about it?", "--thread", "t", "--json"])
    data = json.loads(follow.output)
    assert set(data) == {"answer", "provider", "grounded", "citations", "cases", "tool_calls", "facts"}
    assert data["answer"].startswith("About E2E-4471") and len(data["cases"]) == 1 and data["cases"][0].startswith("CASE-")
    assert {t["name"] for t in data["tool_calls"]} == {"find_facts", "search_knowledge_base"}
    assert all({"text", "source"} <= set(f) for f in data["facts"])
    other = runner.invoke(cli, ["ask", "what should I do about it?", "--thread", "another"])
    assert "E2E-4471" not in other.output  # a new thread has no payment to point back at
