"""The model registry view: learned scorers and the prompt/chat-model versions the eval gate scored.

One list a model-risk reviewer can read: for a scorer its training-data hash, parameters, backtest,
who trained and who activated it; for the chat side each scorecard's suite, model, prompt hashes,
pass/fail and who approved it as baseline. Activation and rollback go through `scorers.activate_scorer`
(role-checked, maker-checker, audited). `export_mlflow` mirrors the registry to MLflow only where
`MLFLOW_TRACKING_URI` is set and mlflow is importable (an optional extra, never required).
"""

from __future__ import annotations

import os
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from breakdesk.app.services.scorers import list_scorers
from breakdesk.app.store.models import Scorecard


def _iso(v: Any) -> Any:
    return v.isoformat() if hasattr(v, "isoformat") else v


def registry(session: Session, *, scorecards: int = 50) -> list[dict[str, Any]]:
    """Scorer versions (oldest first), then the latest `scorecards` eval-gate scorecards."""
    out: list[dict[str, Any]] = []
    for r in list_scorers(session):
        training = r.get("training") or {}
        out.append({"kind": "scorer", "version": r["version"], "active": r["active"],
                    "trained_by": r["trained_by"], "trained_at": _iso(r["trained_at"]),
                    "activated_by": r["activated_by"], "activated_at": _iso(r["activated_at"]),
                    "data_hash": training.get("data_hash"), "training_window": training.get("window"),
                    "params": r["params"], "backtest": r["backtest_metrics"], "backtest_text": r["backtest"]})
    cards = session.execute(select(Scorecard).order_by(Scorecard.id.desc()).limit(scorecards)).scalars().all()
    for c in reversed(cards):
        out.append({"kind": "scorecard", "version": f"scorecard-{c.id}", "suite": c.suite, "model": c.model,
                    "prompt_hashes": c.prompt_hashes, "passed": c.passed, "created_at": _iso(c.created_at),
                    "approved_by": c.approved_by, "approved_at": _iso(c.approved_at)})
    return out


def export_mlflow(entries: list[dict[str, Any]]) -> int:
    """Log each scorer version as an MLflow run (params, backtest metrics, tags). 0 when not configured."""
    if not os.environ.get("MLFLOW_TRACKING_URI"):
        return 0
    try:
        import mlflow  # type: ignore[import-not-found]
    except ImportError:
        return 0
    mlflow.set_experiment("breakdesk-match-scorer")
    n = 0
    for e in entries:
        if e["kind"] != "scorer":
            continue
        with mlflow.start_run(run_name=e["version"]):
            mlflow.log_params({k: str(v) for k, v in (e.get("params") or {}).items()})
            mlflow.log_metrics({k: float(v) for k, v in (e.get("backtest") or {}).items() if isinstance(v, (int, float))})
            mlflow.set_tags({"version": e["version"], "data_hash": e.get("data_hash") or "", "trained_by": e["trained_by"],
                             "active": str(e["active"])})
        n += 1
    return n
