"""Learning from clerks: decisions → a versioned candidate with a backtest → audited activation → used."""

import pytest
from sqlalchemy import select

from breakdesk.app.services import decisions
from breakdesk.app.services.audit import verify_chain
from breakdesk.app.services.errors import ConflictError, PermissionDenied
from breakdesk.app.services.reconciliation import run_matching
from breakdesk.app.services.scorers import activate_scorer, list_scorers, train_scorer
from breakdesk.app.services.workflow import ingest_files
from breakdesk.app.store.db import session_scope
from breakdesk.app.store.models import AuditRecord, MatchSuggestion
from breakdesk.evals.recon.generator import generate
from breakdesk.evals.recon.writers import camt053_xml
from tests.integration.test_workflow_demo_day import _cheap_bcrypt  # noqa: F401 - fixture
from tests.support.workflow import make_workspace


def test_learn_backtest_activate_and_use(tmp_path):
    engine, _ = make_workspace(tmp_path)
    ds = generate(300, seed=11)
    with session_scope(engine) as s:
        report = ingest_files(s, files=[("generated-camt053.xml", camt053_xml(ds)),
                                        ("generated-ledger.csv", ds.ledger_csv().encode())], user="carl")
        assert not report.errors, report.errors
    with session_scope(engine) as s:
        first = run_matching(s, user="carl")
    assert first["matcher"] == "agents.recon" and first["suggestions"] > 100

    with session_scope(engine) as s, pytest.raises(ConflictError, match="need at least"):
        train_scorer(s, user="carl")  # nobody has decided anything yet

    # A cautious clerk works the queue: a pair tied by a structured reference, or with the same amount on
    # the same day, is approved; anything else is rejected.
    with session_scope(engine) as s:
        ids = [(x.id, x.features) for x in s.execute(select(MatchSuggestion).where(MatchSuggestion.features.is_not(None))).scalars()]
    for sid, features in ids:
        if not features:
            continue  # batch and N:1 groups carry no pair features
        with session_scope(engine) as s:
            if features.get("ref_id") or (features.get("amount_equal") and features.get("date_delta") == 0):
                decisions.approve(s, suggestion_id=sid, user="carl", reason="checked")
            else:
                decisions.reject(s, suggestion_id=sid, user="carl", reason="not the same payment")

    with session_scope(engine) as s:
        scorer = train_scorer(s, user="carl", threshold=0.9)
        version, text = scorer.version, scorer.backtest["text"]
    assert "would have auto-confirmed" in text and "at threshold 0.9" in text
    with session_scope(engine) as s:
        assert [r["active"] for r in list_scorers(s)] == [False]  # training alone changes nothing
        with pytest.raises(PermissionDenied):
            activate_scorer(s, version=version, user="carl", reason="mine")  # clerks train, compliance activates
    with session_scope(engine) as s:
        activate_scorer(s, version=version, user="chloe", reason="backtest reviewed: no wrong auto-confirmations")
    with session_scope(engine) as s:
        second = run_matching(s, user="carl")
        assert second["matcher"] == f"agents.recon+scorer:{version}"
        actions = [r.action for r in s.execute(select(AuditRecord).order_by(AuditRecord.seq)).scalars()]
        assert "scorer.train" in actions and "scorer.activate" in actions
        assert verify_chain(s).ok
    with session_scope(engine) as s:
        activate_scorer(s, version=None, user="chloe", reason="back to fixed weights")
        assert run_matching(s, user="carl")["matcher"] == "agents.recon"
