from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from breakdesk.app.cli.main import cli

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "kb"


def test_ingest_search_json_and_eval(data_dir: Path, fake_embedder, docs: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    runner = CliRunner()
    result = runner.invoke(cli, ["kb", "ingest", str(docs)])
    assert result.exit_code == 0, result.output
    assert "added 5" in result.stdout

    result = runner.invoke(cli, ["kb", "ingest", str(docs)])
    assert "unchanged 5" in result.stdout and "0 passage(s) embedded" in result.stdout

    result = runner.invoke(cli, ["kb", "search", "AC04", "--k", "2", "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["query"] == "AC04" and len(payload["hits"]) == 2
    top = payload["hits"][0]
    assert top["citation_id"] == "iso-status-reasons#ac04" and top["metadata"]["code"] == "AC04"
    assert {"citation_id", "doc_id", "title", "text", "score", "metadata"} <= set(top)

    result = runner.invoke(cli, ["kb", "search", "closed account", "--kind", "sop"])
    assert result.exit_code == 0 and "[sop-returns#closed-account-returns]" in result.stdout

    dataset = tmp_path / "set.jsonl"
    dataset.write_text(json.dumps({"query": "AC04", "expected": ["iso-status-reasons#ac04"]}) + "\n"
                       + json.dumps({"query": "zebra crossing", "expected": ["nowhere#x"]}) + "\n")
    result = runner.invoke(cli, ["kb", "eval", "--dataset", str(dataset)])
    assert result.exit_code == 0, result.output
    assert "recall@5: 0.500" in result.stdout and "MRR@5: 0.500" in result.stdout and "zebra crossing" in result.stdout


def test_bad_file_exit_code_and_stderr(data_dir: Path, fake_embedder, docs: Path) -> None:  # type: ignore[no-untyped-def]
    (docs / "broken.md").write_bytes(b"\xff\xfe\x00")
    result = CliRunner().invoke(cli, ["kb", "ingest", str(docs)])
    assert result.exit_code == 1
    assert "broken.md" in result.stderr and "UTF-8" in result.stderr
    assert "added 5" in result.stdout


def test_search_on_empty_store_and_missing_dataset(data_dir: Path, fake_embedder, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(cli, ["kb", "search", "anything"])
    assert result.exit_code == 1 and "kb ingest" in result.stderr
    result = CliRunner().invoke(cli, ["kb", "eval", "--dataset", str(tmp_path / "none.jsonl")])
    assert result.exit_code == 1 and "no eval dataset" in result.stderr


def test_corrupt_store_exit_2_with_hint(data_dir: Path, fake_embedder, docs: Path) -> None:  # type: ignore[no-untyped-def]
    from chromadb.api.shared_system_client import SharedSystemClient

    runner = CliRunner()
    assert runner.invoke(cli, ["kb", "ingest", str(docs)]).exit_code == 0
    (data_dir / "chroma" / "chroma.sqlite3").write_bytes(b"junk" * 500)
    SharedSystemClient.clear_system_cache()
    result = runner.invoke(cli, ["kb", "ingest", str(docs)])
    assert result.exit_code == 2 and "--rebuild" in result.stderr
    result = runner.invoke(cli, ["kb", "ingest", str(docs), "--rebuild"])
    assert result.exit_code == 0 and "added 5" in result.stdout
