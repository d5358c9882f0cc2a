"""Monitoring page: metrics and drift charts, the registry, activation through the service (audited)."""

import pytest
from sqlalchemy import select

from breakdesk.app.services import decisions
from breakdesk.app.services.reconciliation import run_matching
from breakdesk.app.services.scorers import train_scorer
from breakdesk.app.services.users_file import sync_users_file
from breakdesk.app.services.workflow import ingest_files
from breakdesk.app.store.db import session_scope
from breakdesk.app.store.models import AuditRecord, MatchScorer, MatchSuggestion
from breakdesk.evals.recon.generator import generate
from breakdesk.evals.recon.writers import camt053_xml
from tests.ui.conftest import open_app


def _seed(engine) -> str:
    ds = generate(200, seed=21)
    with session_scope(engine) as s:
        sync_users_file(s)
        ingest_files(s, files=[("g.xml", camt053_xml(ds)), ("g.csv", ds.ledger_csv().encode())], user="carl")
        run_matching(s, user="carl")
        pairs = [(x.id, x.features) for x in s.execute(select(MatchSuggestion)).scalars() if x.features]
        for sid, f in pairs:
            if f.get("ref_id") or (f.get("amount_equal") and f.get("date_delta") == 0):
                decisions.approve(s, suggestion_id=sid, user="carl", reason="checked")
            else:
                decisions.reject(s, suggestion_id=sid, user="carl", reason="not the same payment")
        return train_scorer(s, user="carl").version


def test_ops_reads_metrics_drift_and_registry_but_cannot_activate(ui_env):
    version = _seed(ui_env)
    at = open_app("views/monitoring.py", user="olivia")
    assert not at.exception, at.exception
    by_day = next(df.value for df in at.dataframe if "acceptance_rate" in df.value.columns)
    assert by_day["suggestions"].sum() > 50 and 0 < by_day["acceptance_rate"].iloc[0] < 1
    drift = next(df.value for df in at.dataframe if "psi" in df.value.columns and "status" in df.value.columns)
    assert {"confidence", "amount", "break_class", "reason_code"} <= set(drift["feature"])
    assert at.get("arrow_line_chart") or at.get("vega_lite_chart")
    scorers = next(df.value for df in at.dataframe if "trained by" in df.value.columns)
    assert list(scorers["version"]) == [version] and list(scorers["trained by"]) == ["carl"]
    assert not [b for b in at.button if b.key == "mon_activate"]


def test_compliance_activates_with_a_reason_and_it_is_audited(ui_env):
    version = _seed(ui_env)
    at = open_app("views/monitoring.py", user="chloe")
    at.selectbox(key="mon_version").select(version).run()
    at.button(key="mon_activate").click().run()
    assert any("needs a reason" in e.value for e in at.error)  # refused by the service, shown on the page
    at.text_input(key="mon_reason").input("backtest reviewed on the Monitoring page").run()
    at.button(key="mon_activate").click().run()
    assert not at.exception and not at.error
    with session_scope(ui_env) as s:
        assert s.execute(select(MatchScorer.active).where(MatchScorer.version == version)).scalar_one()
        rec = s.execute(select(AuditRecord).where(AuditRecord.action == "scorer.activate")).scalar_one()
        assert rec.actor == "chloe" and rec.reason == "backtest reviewed on the Monitoring page"


def test_clerk_cannot_open_the_page(ui_env):
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        open_app("views/monitoring.py", user="carl")  # not registered for a clerk


def test_compliance_rolls_back_to_an_earlier_version(ui_env):
    from breakdesk.app.services.scorers import activate_scorer

    version = _seed(ui_env)
    with session_scope(ui_env) as s:
        activate_scorer(s, version=version, user="chloe", reason="approved")
        activate_scorer(s, version=None, user="chloe", reason="incident: fixed weights")
    at = open_app("views/monitoring.py", user="ada")
    at.selectbox(key="mon_version").select(version).run()
    at.text_input(key="mon_reason").input("incident closed").run()
    at.button(key="mon_rollback").click().run()
    assert not at.exception and not at.error
    with session_scope(ui_env) as s:
        assert s.execute(select(MatchScorer.active).where(MatchScorer.version == version)).scalar_one()
        rec = s.execute(select(AuditRecord).where(AuditRecord.action == "scorer.rollback")).scalar_one()
        assert rec.actor == "ada" and rec.reason == "incident closed"
