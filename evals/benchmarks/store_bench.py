"""Matching and lifecycle look-ups on a stored history: how much of the history each call reads.

    python -m breakdesk.evals.benchmarks store [-- --entries 10000 --repeat 3]

Seeds a SQLite database (in a temporary directory) with the demo day, a generated camt.053 of
`--entries` entries with a ledger CSV that pays every one of them, and a generated MT940 of a fifth as
many entries that nothing pays (each becomes a break and its case). Then, timed:

* `run_matching` twice: first on everything (a suggestion for every statement line, the MT940 lines
  left as breaks), then again, when the pending suggestions hold the statement lines and only the
  MT940 lines and the demo day's leftovers are open. The table shows the time spent building the
  items (`_items`), the whole run, and the SELECTs it sent. `--auto-confirm` confirms the first run's
  suggestions too (slow: each confirmation is a decision with its audit record).
* `payment_lifecycle` for a demo-day reference, a reference in the big camt.053 (lower case: the look-up
  is case-insensitive) and one in the MT940, best of `--repeat`.

Setup (parsing, importing, case refresh) is not timed. Wall-clock times on a shared machine vary; the
SELECT counts do not.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from breakdesk.evals.benchmarks.parsers_bench import _rows, write_camt053, write_mt940


def _ledger_csv(n: int, *, paid: Callable[[int], bool] = lambda i: True) -> bytes:
    """A ledger line for each entry of `write_camt053(n)` that `paid(i)` keeps: same amount, date, direction
    and EndToEndId."""
    lines = ["id,date,amount,currency,counterparty,reference,description,direction,iban,end_to_end_id,value_date"]
    for i, d, amount, cd, name in _rows(n):
        if not paid(i):
            continue
        lines.append(f"L-{i:09d},{d},{amount:.2f},EUR,{name},INV-{i},Invoice {i} payment,"
                     f"{'CRDT' if cd == 'C' else 'DBIT'},,E2E-{i:09d},{d}")
    return ("\n".join(lines) + "\n").encode()


def _seed(url: str, entries: int, tmp: Path) -> Any:
    from breakdesk.app.samples import DEMO_DAY_DIR
    from breakdesk.app.services.users import bootstrap_user
    from breakdesk.app.services.workflow import ingest_files
    from breakdesk.app.store.db import make_engine, session_scope
    from breakdesk.app.store.migrate import upgrade

    upgrade(url)
    engine = make_engine(url)
    camt, mt940 = tmp / "bench_camt053.xml", tmp / "bench_mt940.sta"
    write_camt053(camt, entries)
    write_mt940(mt940, max(1, entries // 5))
    files = [(p.name, p.read_bytes()) for p in sorted(DEMO_DAY_DIR.iterdir()) if p.suffix in {".xml", ".csv"}]
    files += [(camt.name, camt.read_bytes()), ("bench_ledger.csv", _ledger_csv(entries)),
              (mt940.name, mt940.read_bytes().replace(b"E2E-", b"MTE-"))]  # MT940 lines of their own
    with session_scope(engine) as s:
        for name, role in (("olivia", "ops"), ("carl", "clerk")):
            bootstrap_user(s, username=name, role=role, password=f"pw-{name}-123", origin="bench")
    with session_scope(engine) as s:
        report = ingest_files(s, files=files, user="olivia")
    if report.errors:
        raise SystemExit(f"seeding failed: {report.errors}")
    return engine


class _Selects:
    """Counts the SELECT statements an engine sends while enabled."""

    def __init__(self, engine: Any) -> None:
        from sqlalchemy import event

        self.count = 0
        self.on = False
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        if self.on and statement.lstrip().upper().startswith("SELECT"):
            self.count += 1


def _timed_items() -> tuple[list[float], Callable[[], None]]:
    """Wrap `reconciliation._items` to record its wall time; returns (times, undo)."""
    from breakdesk.app.services import reconciliation

    real = reconciliation._items
    times: list[float] = []

    def wrapped(session):  # type: ignore[no-untyped-def]
        t0 = time.perf_counter()
        try:
            return real(session)
        finally:
            times.append(time.perf_counter() - t0)

    reconciliation._items = wrapped  # type: ignore[assignment]
    return times, lambda: setattr(reconciliation, "_items", real)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m breakdesk.evals.benchmarks store")
    ap.add_argument("--entries", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--auto-confirm", action="store_true", help="the first run confirms at 0.9")
    args = ap.parse_args(argv or [])
    os.environ.setdefault("BREAKDESK_BCRYPT_ROUNDS", "4")

    from breakdesk.app.services.queries import payment_lifecycle
    from breakdesk.app.services.reconciliation import run_matching
    from breakdesk.app.store.db import session_scope

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        engine = _seed(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", args.entries, Path(tmp))
        print(f"seeded demo day + camt.053 {args.entries} entries + ledger {args.entries} lines "
              f"+ MT940 {max(1, args.entries // 5)} entries in {time.perf_counter() - t0:.1f}s (not timed below)")
        selects = _Selects(engine)
        items_times, undo = _timed_items()
        print(f"{'run_matching':<34}{'items_s':>9}{'total_s':>9}{'selects':>9}  summary")
        first = {"auto_confirm": True, "threshold": 0.9} if args.auto_confirm else {}
        for label, kwargs in (("first run" + (" (auto-confirm 0.9)" if first else ""), first), ("second run", {})):
            selects.count, selects.on = 0, True
            t = time.perf_counter()
            with session_scope(engine) as s:
                summary = run_matching(s, user="carl", **kwargs)
            total = time.perf_counter() - t
            selects.on = False
            print(f"{label:<34}{items_times[-1]:>9.3f}{total:>9.2f}{selects.count:>9}  "
                  f"bank {summary['bank']} book {summary['book']} suggestions {summary['suggestions']} "
                  f"auto {summary['auto_confirmed']} breaks {summary['breaks']}")
        undo()

        print(f"\n{'payment_lifecycle':<34}{'best_s':>9}{'selects':>9}  steps")
        for ref in ("E2E-4474", "e2e-000000042", "MTE-000000007"):
            best = float("inf")
            for _ in range(args.repeat):
                selects.count, selects.on = 0, True
                t = time.perf_counter()
                with session_scope(engine) as s:
                    steps = payment_lifecycle(s, reference=ref)
                best = min(best, time.perf_counter() - t)
                selects.on = False
            print(f"{ref:<34}{best:>9.3f}{selects.count:>9}  {len(steps)}")
        engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(__import__("sys").argv[1:]))
