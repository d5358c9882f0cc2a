"""The workbench at volume: what each page reads and each decision writes, p50 and p95, on a store with
about 10k open items and 5k pending suggestions.

    python -m breakdesk.evals.benchmarks workbench [-- --entries 10000 --repeat 20]

Seeds a SQLite database (in a temporary directory) with the demo day, a generated camt.053 of
`--entries` entries and a ledger that pays half of them, then runs matching once (not timed): half the
statement lines become pending suggestions, the other half bank-only breaks with their cases. Then each
step a person takes is timed `--repeat` times, in its own session as the page opens one:

* Reconciliation page: counts, the pending list (1,000 most confident), true counts, breaks by class,
  the picked suggestion side by side; the same with a search; one approval (a different suggestion
  each time, committed with its audit record).
* Exceptions page: filter facets, the queue, one case opened (read-only, no model).
* Audit page: the newest records with their business labels; a search by case key.

Wall time per call on a shared 2-core machine; the target of issue #15 is p95 under 1 s for every step.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from breakdesk.evals.benchmarks.parsers_bench import write_camt053
from breakdesk.evals.benchmarks.store_bench import _ledger_csv


def _seed(url: str, entries: int, tmp: Path) -> Any:
    from breakdesk.app.samples import DEMO_DAY_DIR
    from breakdesk.app.services.reconciliation import run_matching
    from breakdesk.app.services.users import bootstrap_user
    from breakdesk.app.services.workflow import ingest_files
    from breakdesk.app.store.db import make_engine, session_scope
    from breakdesk.app.store.migrate import upgrade

    upgrade(url)
    engine = make_engine(url)
    camt = tmp / "bench_camt053.xml"
    write_camt053(camt, entries)
    files = [(p.name, p.read_bytes()) for p in sorted(DEMO_DAY_DIR.iterdir()) if p.suffix in {".xml", ".csv"}]
    files += [(camt.name, camt.read_bytes()), ("bench_ledger.csv", _ledger_csv(entries, paid=lambda i: i % 2 == 0))]
    with session_scope(engine) as s:
        for name, role in (("olivia", "ops"), ("carl", "clerk"), ("chloe", "compliance")):
            bootstrap_user(s, username=name, role=role, password=f"pw-{name}-123", origin="bench")
    with session_scope(engine) as s:
        report = ingest_files(s, files=files, user="olivia")
    if report.errors:
        raise SystemExit(f"seeding failed: {report.errors}")
    with session_scope(engine) as s:
        run_matching(s, user="carl")
    return engine


def _time(fn: Callable[[int], Any], repeat: int) -> tuple[float, float, float]:
    times = []
    for i in range(repeat):
        t = time.perf_counter()
        fn(i)
        times.append(time.perf_counter() - t)
    times.sort()
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    return statistics.median(times), p95, max(times)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m breakdesk.evals.benchmarks workbench")
    ap.add_argument("--entries", type=int, default=10_000, help="statement lines (the ledger pays half)")
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args(argv or [])
    os.environ.setdefault("BREAKDESK_BCRYPT_ROUNDS", "4")

    from sqlalchemy import func, select

    from breakdesk.agents.llm import LLMSettings, load_chat_model
    from breakdesk.app.services import decisions, queries, workflow
    from breakdesk.app.store.db import read_scope, session_scope
    from breakdesk.app.store.models import BankEntry, Break, Case, MatchSuggestion
    from breakdesk.evals.kb_passages import LexicalRetriever

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        engine = _seed(url, args.entries, Path(tmp))
        with read_scope(engine) as s:
            pending = list(s.execute(select(MatchSuggestion.id).where(MatchSuggestion.decision_state == "pending")
                                     .order_by(MatchSuggestion.id)).scalars())
            open_items = s.execute(select(func.count()).select_from(BankEntry).where(
                BankEntry.matched_suggestion_id.is_(None), BankEntry.level == "entry")).scalar_one()
            n_breaks = s.execute(select(func.count()).select_from(Break).where(Break.status == "open")).scalar_one()
            case_keys = list(s.execute(select(Case.key).order_by(Case.id)).scalars())
        print(f"seeded in {time.perf_counter() - t0:.0f} s (not timed): {len(pending)} pending suggestions, "
              f"{open_items} open statement entries, {n_breaks} open breaks, {len(case_keys)} cases")
        runtime = workflow.Runtime(provider=load_chat_model(LLMSettings(provider="none")), retrieve=LexicalRetriever(),
                                   checkpoint_url=f"sqlite:///{Path(tmp) / 'ckpt.sqlite3'}", outbox=Path(tmp) / "outbox")

        def reconciliation_page(_i: int, search: str | None = None) -> None:
            with read_scope(engine) as s:
                queries.unmatched_counts(s)
                rows = queries.suggestions(s, decision_states=("pending",), search=search)
                queries.count_suggestions(s, decision_states=("pending",), search=search)
                queries.suggestions(s, decision_states=("approved", "rejected", "split", "unmatched"), limit=200,
                                    search=search)
                queries.breaks_by_class(s, search=search)
                if rows:
                    queries.suggestions(s, decision_states=(), ids=[rows[0]["id"]], details=True)

        def approve(i: int) -> None:
            with session_scope(engine) as s:
                decisions.approve(s, suggestion_id=pending[-1 - i], user="carl", reason="benchmark")

        def exceptions_page(i: int) -> None:
            with read_scope(engine) as s:
                workflow.case_facets(s)
                workflow.list_cases(s)
                workflow.explain_case(s, case_key=case_keys[i % len(case_keys)], runtime=runtime, analyse=False)

        def audit_page(_i: int, text: str | None = None) -> None:
            with read_scope(engine) as s:
                queries.audit_records(s, text=text)

        steps: list[tuple[str, Callable[[int], Any]]] = [
            ("reconciliation page (all reads)", reconciliation_page),
            ("reconciliation page, search", lambda i: reconciliation_page(i, search="E2E-000004242")),
            ("approve one suggestion", approve),
            ("exceptions page + open a case", exceptions_page),
            ("audit page (newest 5,000)", audit_page),
            ("audit page, search a case key", lambda i: audit_page(i, text=case_keys[-1])),
        ]
        print(f"{'step':<36}{'p50_s':>8}{'p95_s':>8}{'max_s':>8}")
        for label, fn in steps:
            p50, p95, worst = _time(fn, args.repeat)
            print(f"{label:<36}{p50:>8.3f}{p95:>8.3f}{worst:>8.3f}")
        engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(__import__("sys").argv[1:]))
