"""Where scorecards live: the database (Scorecard rows, for the UI), JSON files under the data dir, and
the approved baselines committed in `evals/baselines/<suite>.json`.

Baselines are files, not rows, on purpose: the gate must work on a clean CI clone with an empty
database, and a baseline change must show up in review like any other change. Approval itself is a
person's decision and goes through `app.services.scorecards.approve_scorecard` (compliance role,
audited); only then is the baseline file written.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BASELINE_DIR = Path(__file__).resolve().parent / "baselines"
#: Per-case keys kept in a baseline (enough to show which cases changed, small enough to review).
BASELINE_CASE_KEYS = ("id", "status", "category", "topic", "got", "diagnosis_correct", "retry_correct", "repair_kind_correct",
                      "repair_has_message", "repair_valid", "cited", "citation_precision", "citation_recall", "grounded",
                      "llm_answered", "provider", "ragas_id_context_precision", "ragas_id_context_recall",
                      "ragas_string_similarity", "ragas_rouge_l")


def scorecard_dir(data_dir: Path) -> Path:
    return Path(data_dir) / "scorecards"


def save_json(card: dict[str, Any], data_dir: Path, *, scorecard_id: int | None = None) -> Path:
    folder = scorecard_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = card["created_at"].replace(":", "").replace("-", "").replace("+0000", "Z")
    path = folder / f"{card['suite']}-{stamp}" f"{'-' + str(scorecard_id) if scorecard_id else ''}.json"
    path.write_text(json.dumps(card, indent=1, sort_keys=True, default=str) + "\n", encoding="utf-8")
    return path


def store(session, card: dict[str, Any]):
    """One Scorecard row; `passed` stays None until a gate run decides it."""
    from breakdesk.app.store.repositories.llm import add_scorecard

    return add_scorecard(session, suite=card["suite"], payload=card, prompt_hashes=card["prompt_hashes"],
                         model=card["provider_label"], passed=card.get("gate", {}).get("passed"))


def baseline_path(suite: str, baseline_dir: Path | None = None) -> Path:
    return Path(baseline_dir or BASELINE_DIR) / f"{suite}.json"


def _team_dir() -> Path | None:
    value = os.environ.get("BREAKDESK_BASELINE_DIR", "").strip()
    return Path(value) if value else None


def in_checkout() -> bool:
    """Whether `evals/` is a source checkout (its baselines are the repository's, under review) rather
    than an installed package, whose folder is no place for a team's approvals (and may be read-only)."""
    return (BASELINE_DIR.parents[1] / "pyproject.toml").is_file()


def load_baseline(suite: str, baseline_dir: Path | None = None) -> dict[str, Any] | None:
    """The approved baseline: from `baseline_dir` when given, else the team's `BREAKDESK_BASELINE_DIR`
    when it holds one for the suite, else the one shipped in `evals/baselines`."""
    candidates = [baseline_dir] if baseline_dir else [d for d in (_team_dir(), BASELINE_DIR) if d]
    for folder in candidates:
        path = baseline_path(suite, folder)
        if path.is_file():
            return json.loads(path.read_text(encoding="utf-8"))
    return None


def approval_dir(baseline_dir: Path | None = None) -> Path:
    """Where an approval writes: `baseline_dir`, else `BREAKDESK_BASELINE_DIR`, else `evals/baselines`
    in a checkout. An installed package has no default: writing into site-packages would be lost on the
    next upgrade and never reviewed, so the caller is told to choose a folder."""
    from breakdesk.app.services.errors import ServiceError

    folder = baseline_dir or _team_dir()
    if folder is not None:
        return Path(folder)
    if in_checkout():
        return BASELINE_DIR
    raise ServiceError("this Breakdesk is an installed package, so an approved baseline has no default folder: "
                       "pass --baseline-dir or set BREAKDESK_BASELINE_DIR (e.g. your repository's evals/baselines)")


def baseline_from(card: dict[str, Any], *, scorecard_id: int, approved_by: str, approved_at: datetime | None,
                  reason: str | None) -> dict[str, Any]:
    out = {k: v for k, v in card.items() if k not in ("cases", "gate")}
    out["cases"] = [{k: r[k] for k in BASELINE_CASE_KEYS if k in r} for r in card.get("cases", [])]
    out["approval"] = {"scorecard_id": scorecard_id, "approved_by": approved_by, "reason": reason,
                       "approved_at": (approved_at or datetime.now(UTC)).isoformat(timespec="seconds")}
    return out


def write_baseline(baseline: dict[str, Any], baseline_dir: Path | None = None) -> Path:
    path = baseline_path(baseline["suite"], baseline_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(baseline, indent=1, sort_keys=True, default=str) + "\n", encoding="utf-8")
    return path


def approve(session, *, scorecard_id: int, user: str, reason: str | None = None,
            baseline_dir: Path | None = None, accept_failed: bool = False) -> tuple[Any, Path]:
    """Compliance approves a stored scorecard (role-checked, audited); its payload becomes the baseline."""
    from breakdesk.app.services.errors import ConflictError, NotFound
    from breakdesk.app.services.scorecards import approve_scorecard
    from breakdesk.app.store.repositories.llm import get_scorecard

    folder = approval_dir(baseline_dir)  # before anything is approved: an approval never lacks its file
    existing = get_scorecard(session, scorecard_id=scorecard_id)
    if existing is None:
        raise NotFound(f"no scorecard {scorecard_id}")
    if existing.payload.get("status") != "scored":
        raise ConflictError(f"scorecard {scorecard_id} has no scores ({existing.payload.get('status')}); it cannot be a baseline")
    card = approve_scorecard(session, scorecard_id=scorecard_id, user=user, reason=reason, accept_failed=accept_failed)
    baseline = baseline_from(card.payload, scorecard_id=card.id, approved_by=card.approved_by, approved_at=card.approved_at,
                             reason=reason)
    return card, write_baseline(baseline, folder)
