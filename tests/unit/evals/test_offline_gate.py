"""The gate as CI runs it: the current prompts, provider none, against the committed baselines.

This is what makes `make test` (and so `.ci/run`) fail when a prompt file changes without an approved
scorecard, when the deterministic pipeline scores worse than the approved baseline, or when a module
the evaluation needs cannot be imported (never a silently skipped suite). LLM-judged metrics join
only when BREAKDESK_JUDGE_BASE_URL and BREAKDESK_JUDGE_MODEL are set.
"""

import json
import sys

import pytest
from click.testing import CliRunner

from breakdesk.app.cli.main import cli
from breakdesk.evals.scorecard import load_baseline


@pytest.mark.shared
def test_offline_gate_passes_against_the_committed_baselines(tmp_path, monkeypatch):
    monkeypatch.setenv("BREAKDESK_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("BREAKDESK_PROMPT_DIR", raising=False)
    out = tmp_path / "verdicts.json"
    result = CliRunner().invoke(cli, ["evals", "gate", "--provider", "none", "--out", str(out)])
    assert result.exit_code == 0, result.output
    verdicts = {v["suite"]: v for v in json.loads(out.read_text())}
    assert verdicts == {"cases": verdicts["cases"], "chat": verdicts["chat"]}
    assert verdicts["cases"]["status"] == verdicts["chat"]["status"] == "passed"
    assert all(r["verdict"] in ("ok", "n/a") for v in verdicts.values() for r in v["rows"])
    assert "before (approved)" in result.output


def test_committed_baselines_name_what_they_were_approved_for():
    for suite in ("cases", "chat"):
        b = load_baseline(suite)
        assert b["approval"]["approved_by"] and b["prompt_hashes"] and b["dataset"]["sha256"]
        assert b["provider"] == "none" and b["status"] == "scored"


def test_an_edited_prompt_file_fails_the_offline_gate_until_approved(tmp_path, monkeypatch):
    from breakdesk.agents.prompts import PROMPT_DIR

    edited = tmp_path / "prompts"
    edited.mkdir()
    for path in PROMPT_DIR.glob("*.md"):
        text = path.read_text(encoding="utf-8")
        (edited / path.name).write_text(text.replace("Keep the answer under 5 sentences.", "Keep the answer short."),
                                        encoding="utf-8")
    monkeypatch.setenv("BREAKDESK_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("BREAKDESK_PROMPT_DIR", str(edited))
    result = CliRunner().invoke(cli, ["evals", "gate", "--provider", "none", "--suite", "chat", "--no-judge"])
    assert result.exit_code == 1, result.output
    assert "prompt chat_answer changed" in result.output and "gate: FAILED (chat)" in result.output


@pytest.mark.parametrize("module, args", [
    ("breakdesk.agents.recon", []),  # imported with the pipeline: fails before anything is scored
    ("breakdesk.parsers", ["--suite", "cases"]),
    ("breakdesk.knowledge_base.retrieval", ["--suite", "chat", "--retriever", "hybrid"]),  # imported on use
])
def test_a_module_that_cannot_be_imported_fails_the_gate(module, args, tmp_path, monkeypatch):
    """What the gate must never do: report a suite it could not run as skipped and exit 0."""
    monkeypatch.setenv("BREAKDESK_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("BREAKDESK_PROMPT_DIR", raising=False)
    monkeypatch.setitem(sys.modules, module, None)  # `import module` now raises ImportError
    parent, _, name = module.rpartition(".")  # and so does `from parent import name`
    monkeypatch.delattr(sys.modules[parent], name, raising=False)
    from breakdesk import evals
    for cached in ("pipeline", "runner"):  # re-imported inside the command, against the broken module
        monkeypatch.delitem(sys.modules, f"breakdesk.evals.{cached}", raising=False)
        monkeypatch.delattr(evals, cached, raising=False)  # else `from evals import pipeline` reuses the old one
    result = CliRunner().invoke(cli, ["evals", "gate", "--provider", "none", "--no-judge", *args])
    assert result.exit_code == 1, result.output
    assert f"the evaluation cannot import {module}" in result.output and "nothing is skipped" in result.output
    assert "gate: passed" not in result.output and "PASSED" not in result.output


@pytest.mark.shared
def test_a_parser_that_refuses_golden_input_fails_the_gate(tmp_path, monkeypatch):
    """The old "not available in this build" parse error used to skip every case and pass on chat alone."""
    from breakdesk import parsers
    def refuse(data, *, filename=None):
        raise parsers.ParseError("parser not available in this build", file=filename)

    monkeypatch.setenv("BREAKDESK_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("BREAKDESK_PROMPT_DIR", raising=False)
    monkeypatch.setattr(parsers, "parse", refuse)
    result = CliRunner().invoke(cli, ["evals", "gate", "--provider", "none", "--no-judge"])
    assert result.exit_code == 1 and isinstance(result.exception, parsers.ParseError), result.output
    assert any(n.startswith("while scoring golden example ") for n in result.exception.__notes__)
    assert "gate:" not in result.output


def test_an_absent_corpus_file_fails_the_gate_instead_of_shrinking_the_suite(tmp_path, monkeypatch):
    monkeypatch.setenv("BREAKDESK_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("BREAKDESK_PROMPT_DIR", raising=False)
    monkeypatch.setenv("BREAKDESK_SHARED", str(tmp_path / "no-shared"))
    result = CliRunner().invoke(cli, ["evals", "gate", "--provider", "none", "--no-judge", "--suite", "cases"])
    assert result.exit_code == 1, result.output
    assert "input file(s) of the golden examples are absent" in result.output and "BREAKDESK_SHARED" in result.output
    assert str(tmp_path / "no-shared" / "corpus") in result.output and "gate:" not in result.output


def test_hybrid_scoring_on_an_empty_knowledge_base_is_an_error(tmp_path, monkeypatch):
    """An empty store retrieves nothing, which would score every citation 0 rather than fail clearly."""
    monkeypatch.setenv("BREAKDESK_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("BREAKDESK_CHROMA_URL", raising=False)
    result = CliRunner().invoke(cli, ["evals", "run", "--provider", "none", "--suite", "chat", "--retriever", "hybrid",
                                      "--no-judge", "--no-store"])
    assert result.exit_code == 1, result.output
    assert "is empty: run `breakdesk kb ingest` first" in result.output
