"""The governed registry: maker-checker, champion/challenger activation, rollback, audit (issue #19)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from breakdesk.agents.recon.learning import Decision, backtest, fit
from breakdesk.app.services import decisions
from breakdesk.app.services.audit import verify_chain
from breakdesk.app.services.errors import ConflictError, PermissionDenied
from breakdesk.app.services.monitoring.drift import Window, reference_window
from breakdesk.app.services.monitoring.registry import registry
from breakdesk.app.services.reconciliation import run_matching
from breakdesk.app.services.scorers import activate_scorer, labelled_decisions, train_scorer
from breakdesk.app.services.workflow import ingest_files
from breakdesk.app.store.db import session_scope
from breakdesk.app.store.models import AuditRecord, MatchScorer, MatchSuggestion
from breakdesk.evals.recon.generator import generate
from breakdesk.evals.recon.writers import camt053_xml
from tests.integration.test_workflow_demo_day import _cheap_bcrypt  # noqa: F401 - fixture
from tests.support.workflow import make_workspace


@pytest.fixture
def decided(tmp_path):
    engine, _ = make_workspace(tmp_path)
    ds = generate(300, seed=11)
    with session_scope(engine) as s:
        ingest_files(s, files=[("g.xml", camt053_xml(ds)), ("g.csv", ds.ledger_csv().encode())], user="carl")
        run_matching(s, user="carl")
        pairs = [(x.id, x.features) for x in s.execute(select(MatchSuggestion)).scalars() if x.features]
    for sid, f in pairs:  # a cautious clerk: structured reference, or same amount on the same day
        with session_scope(engine) as s:
            if f.get("ref_id") or (f.get("amount_equal") and f.get("date_delta") == 0):
                decisions.approve(s, suggestion_id=sid, user="carl", reason="checked")
            else:
                decisions.reject(s, suggestion_id=sid, user="carl", reason="not the same payment")
    return engine


def _audit(s, action: str) -> list[AuditRecord]:
    return list(s.execute(select(AuditRecord).where(AuditRecord.action == action).order_by(AuditRecord.seq)).scalars())


def test_maker_checker_champion_challenger_and_rollback(decided):
    engine = decided
    with session_scope(engine) as s:
        good = train_scorer(s, user="ada", threshold=0.9)  # an admin may train ...
        good_version = good.version
    with session_scope(engine) as s, pytest.raises(ConflictError, match="maker-checker"):
        activate_scorer(s, version=good_version, user="ada", reason="mine")  # ... but not activate what they trained
    with session_scope(engine) as s, pytest.raises(PermissionDenied):
        activate_scorer(s, version=good_version, user="carl", reason="clerks do not activate")
    with session_scope(engine) as s:
        activate_scorer(s, version=good_version, user="chloe", reason="backtest reviewed")

    # A challenger that learned the opposite of the clerks' verdicts: worse on the same recent decisions.
    with session_scope(engine) as s:
        flipped = [Decision(d.features, not d.approved) for d in labelled_decisions(s)]
        bad = fit(flipped)
        result = backtest(bad, flipped, 0.9)
        s.add(MatchScorer(version=bad.version, model=bad.to_bytes(), meta=bad.metadata(), trained_by="carl",
                          backtest={"threshold": 0.9, "auto_correct": result.auto_correct, "auto_wrong": result.auto_wrong,
                                    "total": result.total, "approved_total": result.approved_total, "text": str(result)}))
    with session_scope(engine) as s, pytest.raises(ConflictError, match="does worse than the active"):
        activate_scorer(s, version=bad.version, user="chloe", reason="looks fine")
    with session_scope(engine) as s, pytest.raises(ConflictError, match="never active"):
        activate_scorer(s, version=bad.version, user="chloe", reason="roll back", rollback=True)

    with session_scope(engine) as s:
        activate_scorer(s, version=None, user="chloe", reason="incident: back to fixed weights")
    with session_scope(engine) as s:
        activate_scorer(s, version=good_version, user="chloe", reason="incident closed", rollback=True)
    with session_scope(engine) as s:
        acts = _audit(s, "scorer.activate")
        assert [(a.actor, a.after["active"], a.reason) for a in acts] == [
            ("chloe", good_version, "backtest reviewed"), ("chloe", None, "incident: back to fixed weights")]
        (back,) = _audit(s, "scorer.rollback")
        assert back.after["active"] == good_version and back.before == {"active": []} and back.reason == "incident closed"
        assert verify_chain(s).ok

        entries = {e["version"]: e for e in registry(s) if e["kind"] == "scorer"}
        assert entries[good_version]["active"] and not entries[bad.version]["active"]
        trained = entries[good_version]
        assert trained["trained_by"] == "ada" and trained["activated_by"] == "chloe"
        assert len(trained["data_hash"]) == 64 and trained["params"]["estimator"] == "LogisticRegression"
        assert trained["backtest"]["threshold"] == 0.9 and trained["training_window"][0] <= trained["training_window"][1]
        # while it is active its training window is the drift reference
        ref = reference_window(s, Window(None, None, "fallback"))
        assert ref.source == f"training window of active scorer {good_version}"
        assert ref.start.isoformat() == trained["training_window"][0]
