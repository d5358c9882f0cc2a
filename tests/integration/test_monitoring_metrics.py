"""Production metrics from the store: the counts the services recorded, by day, account and provider."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from breakdesk.app.services import decisions
from breakdesk.app.services.monitoring.metrics import compute_metrics
from breakdesk.app.services.reconciliation import run_matching
from breakdesk.app.services.workflow import ingest_files
from breakdesk.app.store.db import session_scope
from breakdesk.app.store.models import Break, MatchSuggestion
from breakdesk.app.store.repositories.llm import record_llm_call
from breakdesk.app.store.testing import temporary_postgres_database
from breakdesk.app.store.types import utcnow
from breakdesk.evals.recon.generator import generate
from breakdesk.evals.recon.writers import camt053_xml
from tests.conftest import require_postgres
from tests.integration.test_workflow_demo_day import _cheap_bcrypt  # noqa: F401 - fixture
from tests.support.workflow import make_workspace


@pytest.fixture(params=["sqlite", "postgresql"])
def workspace(request, tmp_path):
    if request.param == "sqlite":
        yield make_workspace(tmp_path)[0]
        return
    require_postgres()
    with temporary_postgres_database(migrate=False) as url:
        engine = make_workspace(tmp_path, url)[0]
        yield engine
        engine.dispose()


def test_metrics_count_what_the_services_recorded(workspace):
    engine = workspace
    ds = generate(200, seed=31)
    with session_scope(engine) as s:
        ingest_files(s, files=[("g.xml", camt053_xml(ds)), ("g.csv", ds.ledger_csv().encode())], user="carl")
        summary = run_matching(s, user="carl", auto_confirm=True, threshold=0.9)
    assert summary["auto_confirmed"] > 0
    with session_scope(engine) as s:
        pending = list(s.execute(select(MatchSuggestion.id).where(MatchSuggestion.decision_state == "pending")).scalars())
        auto = list(s.execute(select(MatchSuggestion.id).where(MatchSuggestion.decision_state == "approved")).scalars())
    approve, reject = pending[:10], pending[10:14]
    with session_scope(engine) as s:
        for sid in approve:
            decisions.approve(s, suggestion_id=sid, user="carl")
        for sid in reject:
            decisions.reject(s, suggestion_id=sid, user="carl", reason="different payment")
        decisions.unmatch(s, suggestion_id=auto[0], user="carl", reason="auto-confirmed the wrong invoice")
        for ms, tin, tout in ((120, 100, 20), (300, 200, 40), (900, 50, 10)):
            record_llm_call(s, prompt_id="explain_case", prompt_hash="abc", provider="local", model="smollm2",
                            tokens_in=tin, tokens_out=tout, latency_ms=ms)
        breaks = s.execute(select(Break.break_class)).scalars().all()

    with session_scope(engine) as s:
        m = compute_metrics(s)
    t = m["totals"]
    assert t["suggestions"] == summary["suggestions"]
    # approved: the auto-confirmed ones (minus the one undone) and the clerk's ten
    assert t["approved"] == summary["auto_confirmed"] - 1 + 10 and t["rejected"] == 4 and t["unmatched"] == 1
    assert t["acceptance_rate"] == round(t["approved"] / (t["approved"] + 4), 4)
    assert t["auto_matches_undone"] == 1
    assert m["auto_matches_undone_by_day"] == [{"day": utcnow().date().isoformat(), "undone": 1,
                                               "auto_confirmed": summary["auto_confirmed"]}]
    (day,) = m["break_mix_by_day"]
    assert sum(day["mix"].values()) == len(breaks) and day["mix"].get("missing_booking", 0) > 0
    assert {r["account"] for r in m["suggestions_by_account"]} >= {"GEN-ACCOUNT-EUR"}
    schemes = {r["scheme"]: r["suggestions"] for r in m["suggestions_by_scheme"]}
    assert sum(schemes.values()) == t["suggestions"] and any("ESCT" in (k or "") for k in schemes)
    (llm,) = m["llm_by_provider"]
    assert (llm["provider"], llm["calls"], llm["tokens_in"], llm["tokens_out"]) == ("local", 3, 350, 70)
    assert llm["latency_ms_mean"] == 440.0 and llm["latency_ms_p95"] == 900 and llm["cost"] == 0.0
    with session_scope(engine) as s:  # and the drift samples read on this database too
        from breakdesk.app.services.monitoring.drift import Window, compare

        results = {r.feature: r for r in compare(Window(None, None), Window(None, None), s)}
    assert results["amount"].n_current > 100 and results["amount"].psi == 0.0 and not results["amount"].alert
