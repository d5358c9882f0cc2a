"""Status reports in `recon run`: a pain.002 used to be ignored byte for byte (its rejected payments
reported as missing bookings); an input that gives matching nothing is said, and the one threshold
setting is used and validated."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from breakdesk.app.cli.main import cli
from breakdesk.app.samples import DEMO_DAY_DIR as D

BANK = str(D / "03_camt053_acme_2026-11-27.xml")
SENT = str(D / "01_pain001_acme_2026-11-27.xml")
STATUS = str(D / "02_pain002_acme_2026-11-27.xml")


def _run(*args: str, env: dict | None = None) -> dict:
    from breakdesk.app.settings import reload_settings

    with pytest.MonkeyPatch.context() as mp:
        for k, v in (env or {}).items():
            mp.setenv(k, v)
        reload_settings()
        out = CliRunner().invoke(cli, ["recon", "run", "--bank", BANK, *args, "--json"])
    reload_settings()
    assert out.exit_code == 0, out.output
    return json.loads(out.stdout)


def test_rejected_payments_leave_the_book_side_with_their_reason():
    without = _run("--book", SENT)
    assert {b["id"] for b in without["unmatched"] if b["break_class"] == "missing_booking"} >= {"E2E-4471", "E2E-4472"}
    withs = _run("--book", SENT, "--book", STATUS)
    rejected = {b["id"]: b["reason_code"] for b in withs["unmatched"] if b["break_class"] == "rejected"}
    assert rejected == {"E2E-4471": "AC04", "E2E-4472": "AC01", "E2E-4477": "AM05", "E2E-4479": "TM01"}
    assert not {b["id"] for b in withs["unmatched"] if b["break_class"] == "missing_booking"} & set(rejected)


def test_an_input_that_gives_nothing_is_reported_and_bank_codes_are_not_reason_codes():
    res = CliRunner().invoke(cli, ["recon", "run", "--bank", BANK, "--book", SENT, "--book", BANK, "--json"])
    assert res.exit_code == 0
    assert f"warning: {BANK}: no payments we sent" in res.stderr
    doc = json.loads(res.stdout)
    assert doc["unused_inputs"] == [{"file": BANK, "reason": "no payments we sent and no status report or return"}]
    bank_only = [b for b in doc["unmatched"] if b["break_class"] == "bank_only"]
    assert bank_only and all(b["reason_code"] is None and b["bank_transaction_code"] for b in bank_only)


def test_the_threshold_setting_is_used_and_a_bad_value_is_a_clear_error(monkeypatch):

    assert _run("--book", SENT)["auto_threshold"] == 0.95  # the README's default, not the matcher's own 0.90
    assert _run("--book", SENT, env={"BREAKDESK_AUTO_CONFIRM_THRESHOLD": "0.97"})["auto_threshold"] == 0.97
    assert _run("--book", SENT, "--threshold", "0.9", env={"BREAKDESK_AUTO_CONFIRM_THRESHOLD": "0.97"})["auto_threshold"] == 0.9
    monkeypatch.setenv("BREAKDESK_AUTO_CONFIRM_THRESHOLD", "")
    from breakdesk.app.settings import get_settings

    get_settings.cache_clear()
    bad = CliRunner().invoke(cli, ["recon", "run", "--bank", BANK, "--book", SENT])
    assert bad.exit_code == 1 and "invalid setting: BREAKDESK_AUTO_CONFIRM_THRESHOLD" in bad.output
    assert "Traceback" not in bad.output
    monkeypatch.delenv("BREAKDESK_AUTO_CONFIRM_THRESHOLD")
    get_settings.cache_clear()
