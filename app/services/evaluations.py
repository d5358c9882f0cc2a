"""Running the evaluation suites from the product (the Scorecards page; `breakdesk evals run` is the same
call): score each suite, judge it against its approved baseline as the gate does, store the scorecard.

The UI may start a run only on the offline, deterministic configuration (provider `none`, the lexical
retriever the baselines are approved for): it needs no key, no network and no model, and takes seconds.
Runs with a model or an LLM judge stay on the CLI, where their cost is chosen on purpose.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from breakdesk.app.services.access import require
from breakdesk.app.store.models import User

Progress = Callable[[float, str], None]


def score_suites(suites: Sequence[str], *, provider: str = "none", model: str | None = None, retriever: str = "lexical",
                 dataset: Path | None = None, judge: Any = None, pipeline: str = "graph",
                 gate_config: Path | None = None, progress: Progress | None = None) -> list[dict[str, Any]]:
    """One scorecard per suite, each judged against its approved baseline (`card["gate"]`)."""
    from breakdesk.evals.gate import GateConfig, gate_suite
    from breakdesk.evals.runner import make_runtime, run_suite
    from breakdesk.evals.scorecard import load_baseline

    config = GateConfig.load(gate_config)
    rt = make_runtime(provider, retriever=retriever, model=model, pipeline_kind=pipeline)
    cards = []
    for i, suite in enumerate(suites):
        if progress:
            progress(i / len(suites), f"scoring suite {suite} ({i + 1} of {len(suites)})")
        card = run_suite(suite, rt, dataset_path=dataset if len(suites) == 1 else None, judge=judge)
        if card["status"] == "scored":  # how it compares with the approved baseline, for the Scorecards page
            verdict = gate_suite(card, load_baseline(card["suite"]), config)
            card["gate"] = {**verdict.as_dict(), "passed": verdict.passed}
        cards.append(card)
    if progress:
        progress(1.0, "scored")
    return cards


def store_cards(session: Session, cards: list[dict[str, Any]], data_dir: Path) -> list[tuple[int, Path]]:
    """Store each scorecard (row + JSON under the data dir); returns (id, JSON path) per card."""
    from breakdesk.evals.scorecard import save_json, store

    out = []
    for card in cards:
        card_id = store(session, card).id
        card["scorecard_id"] = card_id
        out.append((card_id, save_json(card, data_dir, scorecard_id=card_id)))
    return out


@dataclass
class EvalJob:
    """An offline run started from the Scorecards page, scored in a background thread of the server."""

    id: str
    user: str
    started_at: float
    fraction: float = 0.0
    text: str = "starting"
    done: bool = False
    scorecard_ids: list[int] = field(default_factory=list)
    error: str | None = None


_JOBS: dict[str, EvalJob] = {}
_JOBS_LOCK = threading.Lock()


def start_offline(engine: Any, *, user: str | User) -> EvalJob:
    """Check the person may run it, then score every suite offline in a background thread and store the
    scorecards (the page keeps answering; `job(id)` says how far it got). One run at a time per server:
    a second click while one runs returns that run."""
    from breakdesk.app.settings import get_settings
    from breakdesk.app.store.db import session_scope
    from breakdesk.evals.runner import SUITES

    with session_scope(engine) as session:
        who = require(session, user, "eval.run").username
    with _JOBS_LOCK:
        running = next((j for j in _JOBS.values() if not j.done), None)
        if running is not None:
            return running
        job_ = EvalJob(id=uuid.uuid4().hex, user=who, started_at=time.time())
        _JOBS[job_.id] = job_
    data_dir = get_settings().data_dir

    def work() -> None:
        def progress(fraction: float, text: str) -> None:
            job_.fraction, job_.text = fraction, text

        try:
            cards = score_suites(SUITES, progress=progress)
            job_.text = "storing the scorecards"
            with session_scope(engine) as session:
                job_.scorecard_ids = [i for i, _ in store_cards(session, cards, data_dir)]
        except Exception as exc:  # noqa: BLE001 - reported on the page, never lost in a thread
            job_.error = f"{type(exc).__name__}: {exc}"
        finally:
            job_.done = True

    threading.Thread(target=work, name=f"eval-{job_.id[:8]}", daemon=True).start()
    return job_


def job(job_id: str | None) -> EvalJob | None:
    return _JOBS.get(job_id or "")
