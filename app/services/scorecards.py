"""Approving an evaluation scorecard as the new baseline is a person's decision: role-checked and audited."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from breakdesk.app.services import audit
from breakdesk.app.services.access import require
from breakdesk.app.services.errors import ConflictError, InvalidInput, NotFound
from breakdesk.app.store.models import Scorecard, User
from breakdesk.app.store.repositories.locks import lock_by_id
from breakdesk.app.store.types import utcnow


def approve_scorecard(session: Session, *, scorecard_id: int, user: str | User, reason: str | None = None,
                      accept_failed: bool = False) -> Scorecard:
    """Every approval gives a reason (it is what an auditor reads); a run its gate failed becomes the
    baseline only with `accept_failed` (the regression then becomes what later runs are held to)."""
    who = require(session, user, "scorecard.approve").username
    card = lock_by_id(session, Scorecard, row_id=scorecard_id)
    if card is None:
        raise NotFound(f"no scorecard {scorecard_id}")
    if card.approved_by is not None:
        if card.approved_by == who:
            return card
        raise ConflictError(f"scorecard {scorecard_id} was already approved by {card.approved_by}")
    if not (reason or "").strip():
        raise InvalidInput(f"approving scorecard {scorecard_id} as a baseline needs a reason (kept in the audit log)")
    failed = failed_metrics(card) if card.passed is False else ""
    if failed and not accept_failed:
        raise ConflictError(f"scorecard {scorecard_id} FAILED its gate ({failed}); "
                            "approving it makes the regression the baseline: confirm with --accept-failed "
                            "(web UI: 'approve although it failed')")
    card.approved_by = who
    card.approved_at = utcnow()
    session.flush()
    audit.append(session, actor=who, action="scorecard.approve", object_type="scorecard", object_id=card.id,
                 after={"suite": card.suite, "model": card.model, "prompt_hashes": card.prompt_hashes, "passed": card.passed,
                        "accepted_failed": bool(failed)},
                 reason=reason)
    return card


FAILED_VERDICTS = ("REGRESSION", "BELOW FLOOR", "ABOVE CEILING", "NOT SCORED", "PASS^K LOW", "MISSING")


def failed_metrics(card: Scorecard) -> str:
    """The metrics its gate failed ("ragas_rouge_l: REGRESSION (worse by 0.072)"); empty when the gate
    failed only because the run is not comparable with the baseline (another model, prompt or dataset),
    which is what approving a new baseline is for."""
    payload = card.payload or {}
    gate = payload.get("gate")
    if not isinstance(gate, dict):  # a scorecard without an eval gate's verdict: its metrics say
        bits = [name for name, m in (payload.get("metrics") or {}).items() if isinstance(m, dict) and m.get("passed") is False]
        return ", ".join(bits) or ("the gate failed" if card.passed is False else "")
    if gate.get("problems"):  # not comparable: another model, prompt or dataset
        return ""
    rows = gate.get("rows") or []
    return "; ".join(f"{r.get('metric')}: {r.get('verdict')}" + (f" ({r['detail']})" if r.get("detail") else "")
                     for r in rows if isinstance(r, dict) and r.get("verdict") in FAILED_VERDICTS)


def _as_run(card: Scorecard) -> dict[str, Any]:
    """A stored scorecard as the gate reads a run (suite and status from the row when the payload lacks them)."""
    payload = dict(card.payload or {})
    payload.setdefault("suite", card.suite)
    payload.setdefault("status", "scored")
    payload.setdefault("prompt_hashes", card.prompt_hashes or {})
    payload.setdefault("provider_label", card.model)
    payload["metrics"] = {k: (v if isinstance(v, dict) else {"value": v}) for k, v in payload["metrics"].items()}
    payload["cases"] = [{**c, "id": str(c.get("id", c.get("case_id", i)))} for i, c in enumerate(payload.get("cases") or [])
                        if isinstance(c, dict)]
    return payload


def compare_runs(session: Session, *, before_id: int, after_id: int) -> dict[str, Any]:
    """Run against run, judged as the eval gate judges a run against its baseline (`evals.gate`): what
    changed in identity (prompts, model, retriever, dataset), and each metric before and after with its
    verdict (ok, REGRESSION, BELOW FLOOR …). Returns `SuiteVerdict.as_dict()` plus the two run ids."""
    from breakdesk.evals.gate import GateConfig, gate_suite

    cards = {i: session.get(Scorecard, i) for i in (before_id, after_id)}
    for i, card in cards.items():
        if card is None:
            raise NotFound(f"no scorecard {i}")
        if "metrics" not in (card.payload or {}) or not isinstance(card.payload["metrics"], dict):
            raise InvalidInput(f"scorecard {i} holds no evaluation run to compare (no metrics)")
    before, after = (_as_run(cards[before_id]), _as_run(cards[after_id]))
    if before["suite"] != after["suite"]:
        raise InvalidInput(f"runs of different suites ({before['suite']}, {after['suite']}) do not compare")
    verdict = gate_suite(after, before, GateConfig.load()).as_dict()
    return {**verdict, "before_id": before_id, "after_id": after_id}


def why_gate_failed(session: Session, *, scorecard_id: int) -> dict[str, Any] | None:
    """The run judged against the suite's approved baseline (the file the gate reads): the identity
    changes and each failing metric, before and after. None when the run holds no evaluation."""
    from breakdesk.evals.gate import GateConfig, gate_suite
    from breakdesk.evals.scorecard import load_baseline

    card = session.get(Scorecard, scorecard_id)
    if card is None:
        raise NotFound(f"no scorecard {scorecard_id}")
    if not isinstance((card.payload or {}).get("metrics"), dict):
        return None
    payload = _as_run(card)
    verdict = gate_suite(payload, load_baseline(payload["suite"]), GateConfig.load()).as_dict()
    verdict["rows"] = [r for r in verdict["rows"] if r["verdict"] not in ("ok", "new", "n/a")]
    return verdict


def shipped_baselines() -> list[dict[str, Any]]:
    """The approved baselines the gate reads (the team's, else those shipped in `evals/baselines`), one per
    suite, for a fresh install that has run no evaluation yet."""
    from breakdesk.evals.gate import GateConfig
    from breakdesk.evals.scorecard import load_baseline

    out = []
    for suite in sorted(GateConfig.load().rules):
        base = load_baseline(suite)
        if base is None:
            continue
        approval = base.get("approval") or {}
        out.append({"suite": suite, "created_at": base.get("created_at"), "model": base.get("provider_label"),
                    "retriever": base.get("retriever"), "approved_by": approval.get("approved_by"),
                    "approved_at": approval.get("approved_at"), "reason": approval.get("reason"),
                    "metrics": {k: (v or {}).get("value") for k, v in (base.get("metrics") or {}).items()}})
    return out


def approve_run(session: Session, *, scorecard_id: int, user: str | User, reason: str | None = None,
                accept_failed: bool = False) -> Scorecard:
    """Approve a scorecard as the baseline. An evaluation run (its payload names a dataset) also becomes the
    baseline file the gate reads (`evals.scorecard.approve`, which calls `approve_scorecard`)."""
    raw = session.get(Scorecard, scorecard_id)
    if raw is not None and "dataset" in (raw.payload or {}):
        from breakdesk.evals.scorecard import approve

        return approve(session, scorecard_id=scorecard_id, user=user, reason=reason, accept_failed=accept_failed)[0]
    return approve_scorecard(session, scorecard_id=scorecard_id, user=user, reason=reason, accept_failed=accept_failed)


def gate_thresholds(suite: str) -> dict[str, float]:
    """Floors (or ceilings) per metric from evals/gate.toml, when the evals package is present."""
    try:
        from breakdesk.evals.gate import GateConfig

        rules = GateConfig.load().rules.get(suite, {})
    except (ImportError, OSError, ValueError):
        return {}
    return {m: r.floor if r.floor is not None else r.ceiling for m, r in rules.items()
            if r.floor is not None or r.ceiling is not None}
