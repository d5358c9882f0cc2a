"""`breakdesk monitor report --json` prints exactly the documented shape, from a store filled by the CLI."""

import json

from click.testing import CliRunner

from breakdesk.app.cli.main import cli
from breakdesk.app.settings import reload_settings
from breakdesk.evals.recon.generator import generate
from breakdesk.evals.recon.writers import camt053_xml


def test_monitor_report_json(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    monkeypatch.setenv("BREAKDESK_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("BREAKDESK_BCRYPT_ROUNDS", "4")
    reload_settings()
    runner = CliRunner()
    assert runner.invoke(cli, ["users", "add", "ada", "--role", "admin", "--password-stdin"],
                         input="long-password\n").exit_code == 0
    ds = generate(150, seed=5)
    (tmp_path / "bank.xml").write_bytes(camt053_xml(ds))
    (tmp_path / "book.csv").write_text(ds.ledger_csv(), encoding="utf-8")
    ada = ["--as", "ada", "--password-stdin"]
    assert runner.invoke(cli, ["cases", "ingest", str(tmp_path / "bank.xml"), str(tmp_path / "book.csv"), *ada],
                         input="long-password\n").exit_code == 0
    assert runner.invoke(cli, ["recon", "match", *ada], input="long-password\n").exit_code == 0

    result = runner.invoke(cli, ["monitor", "report", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert set(report) == {"metrics", "drift", "alerts", "registry"}
    assert report["metrics"]["totals"]["suggestions"] > 50
    assert all(set(d) == {"feature", "psi", "p_value", "threshold", "alert"} for d in report["drift"])
    # nothing before the window: drift is reported per feature but cannot alert
    assert {d["feature"] for d in report["drift"]} >= {"confidence", "amount", "break_class", "reason_code"}
    assert not any(d["alert"] for d in report["drift"]) and report["alerts"] == []

    text = runner.invoke(cli, ["monitor", "report", "--since", "2026-01-01"])
    assert text.exit_code == 0 and "confidence" in text.output
    assert runner.invoke(cli, ["monitor", "report", "--since", "yesterday"]).exit_code == 2
