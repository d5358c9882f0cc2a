"""Where approved baselines are read from and written to, in a checkout and in an installed package."""

from __future__ import annotations

import json

import pytest

import breakdesk.evals.scorecard as sc
from breakdesk.app.services.errors import ServiceError


@pytest.fixture
def installed(tmp_path, monkeypatch):
    """evals/ as an installed package sees it: a baselines folder with no pyproject.toml two levels up."""
    shipped = tmp_path / "site-packages" / "evals" / "baselines"
    shipped.mkdir(parents=True)
    (shipped / "cases.json").write_text(json.dumps({"suite": "cases", "from": "shipped"}), encoding="utf-8")
    monkeypatch.setattr(sc, "BASELINE_DIR", shipped)
    monkeypatch.delenv("BREAKDESK_BASELINE_DIR", raising=False)
    return shipped


def test_a_checkout_approves_into_its_own_baselines():
    assert sc.in_checkout()
    assert sc.approval_dir() == sc.BASELINE_DIR


def test_an_installed_package_has_no_default_approval_folder(installed, tmp_path, monkeypatch):
    assert not sc.in_checkout()
    with pytest.raises(ServiceError, match="BREAKDESK_BASELINE_DIR"):
        sc.approval_dir()
    assert sc.approval_dir(tmp_path / "explicit") == tmp_path / "explicit"
    monkeypatch.setenv("BREAKDESK_BASELINE_DIR", str(tmp_path / "team"))
    assert sc.approval_dir() == tmp_path / "team"


def test_the_team_baseline_wins_and_the_shipped_one_is_the_fallback(installed, tmp_path, monkeypatch):
    team = tmp_path / "team"
    monkeypatch.setenv("BREAKDESK_BASELINE_DIR", str(team))
    assert sc.load_baseline("cases")["from"] == "shipped"
    sc.write_baseline({"suite": "cases", "from": "team"}, sc.approval_dir())
    assert sc.load_baseline("cases")["from"] == "team"
    assert sc.load_baseline("cases", installed)["from"] == "shipped"  # an explicit folder is the only one read
    assert sc.load_baseline("chat") is None
