"""Monitoring benchmark: `breakdesk monitor report --json` over 90 days of 10k items a day on SQLite.

    python -m breakdesk.evals.benchmarks monitor [-- --days 90 --per-day 10000 --templates 3 --db PATH]

Seeding: `--templates` generated days (`evals.recon.generator`, one pool of customers) are built into
items and matched by the real matcher once each; every day of the store is one of them, with its own
ids and timestamps, written with sqlite3 `executemany` (the services would take hours for 900k items
a side). Clerks' verdicts: auto-eligible suggestions approved, the rest approved when the truth says
so, rejected otherwise (`evals.recon.quality.label`). Then the report runs twice: in-process
(`build_report`) and as the real CLI in a fresh process (start-up, migration check and JSON output
included); both wall times are printed. Not a timed test.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path


def _ts(t: datetime) -> str:
    return t.strftime("%Y-%m-%d %H:%M:%S.%f")


def _template(n: int, seed: int) -> dict:
    from breakdesk.agents.recon import match
    from breakdesk.evals.recon.generator import generate
    from breakdesk.evals.recon.quality import label

    lab = label(generate(n, seed=seed, parties_seed=7))
    result = match(lab.bank_items, lab.book_items)
    truth = {pair for pair in lab.groups}
    bank_ix = {it.id: i for i, it in enumerate(lab.bank_items)}
    book_ix = {it.id: i for i, it in enumerate(lab.book_items)}
    suggestions = []
    for s in result.suggestions:
        correct = (frozenset(s.bank_ids), frozenset(s.book_ids)) in truth
        state = "approved" if s.auto_eligible or correct else "rejected"
        suggestions.append((s.confidence, json.dumps(dict(s.features)) if s.features else None, s.status, state,
                            [bank_ix[i] for i in s.bank_ids], [book_ix[i] for i in s.book_ids]))
    breaks = [(b.side, bank_ix[b.item_id] if b.side == "bank" else book_ix[b.item_id], b.break_class, b.reason_code)
              for b in result.breaks]
    bank = [(str(it.amount), it.currency, it.direction, f"GEN-ACCOUNT-{it.currency}", it.counterparty_name) for it in lab.bank_items]
    book = [(str(it.amount), it.currency, it.direction, it.counterparty_name) for it in lab.book_items]
    return {"bank": bank, "book": book, "suggestions": suggestions, "breaks": breaks}


def seed(path: Path, *, days: int, per_day: int, templates: int, end: datetime) -> dict:
    from breakdesk.app.store.migrate import upgrade

    upgrade(f"sqlite:///{path}")
    t0 = time.perf_counter()
    tpls = [_template(per_day, 1000 + k) for k in range(templates)]
    t1 = time.perf_counter()
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=OFF")
    start = end - timedelta(days=days)
    con.execute("INSERT INTO import_batches (id, file_name, sha256, kind, size_bytes, imported_at, imported_by, message_count,"
                " bank_entry_count, book_item_count, duplicate_count) VALUES (1, 'bench', 'x', 'messages', 0, ?, 'bench', 1, 0, 0, 0)",
                (_ts(start),))
    con.execute("INSERT INTO messages (id, batch_id, file_name, message_index, message_type, family, kind, payload, threaded)"
                " VALUES (1, 1, 'bench', 0, 'camt.053.001.08', 'camt.053', 'statement', '{}', 1)")
    rng = random.Random(5)
    bank_id = book_id = sugg_id = 0
    counts = {"bank": 0, "book": 0, "suggestions": 0, "breaks": 0}
    for d in range(days):
        tpl = tpls[d % templates]
        day0 = start + timedelta(days=d)
        def at(i, n, day0=day0):
            return _ts(day0 + timedelta(seconds=i * 86000 / max(1, n)))

        nb, nk = len(tpl["bank"]), len(tpl["book"])
        con.execute("INSERT INTO match_runs (id, started_at, started_by, status, parameters, stats) VALUES (?, ?, 'bench', 'done', '{}', '{}')",
                    (d + 1, at(nb, nb)))
        con.executemany(
            "INSERT INTO bank_entries (id, batch_id, message_id, account, amount, currency, credit_debit, counterparty_name,"
            " other_references, provenance, idempotency_key, created_at, level, statement_kind, reversal)"
            " VALUES (?, 1, 1, ?, ?, ?, ?, ?, '[]', '{}', ?, ?, 'entry', 'statement', 0)",
            [(bank_id + i + 1, acc, amt, ccy, cd, name, f"b{bank_id + i + 1}", at(i, nb))
             for i, (amt, ccy, cd, acc, name) in enumerate(tpl["bank"])])
        con.executemany(
            "INSERT INTO book_items (id, batch_id, amount, currency, credit_debit, counterparty_name, other_references,"
            " provenance, idempotency_key, created_at, source) VALUES (?, 1, ?, ?, ?, ?, '[]', '{}', ?, ?, 'ledger_csv')",
            [(book_id + i + 1, amt, ccy, cd, name, f"k{book_id + i + 1}", at(i, nk))
             for i, (amt, ccy, cd, name) in enumerate(tpl["book"])])
        ns = len(tpl["suggestions"])
        con.executemany(
            "INSERT INTO match_suggestions (id, run_id, confidence, reasons, features, status, decision_state, version, created_at)"
            " VALUES (?, ?, ?, '[]', ?, ?, ?, 2, ?)",
            [(sugg_id + i + 1, d + 1, conf, feats, status, state if rng.random() < 0.97 else "pending", at(i, ns))
             for i, (conf, feats, status, state, _, _) in enumerate(tpl["suggestions"])])
        con.executemany("INSERT INTO suggestion_bank_entries (suggestion_id, bank_entry_id) VALUES (?, ?)",
                        [(sugg_id + i + 1, bank_id + b + 1) for i, s in enumerate(tpl["suggestions"]) for b in s[4]])
        con.executemany("INSERT INTO suggestion_book_items (suggestion_id, book_item_id) VALUES (?, ?)",
                        [(sugg_id + i + 1, book_id + b + 1) for i, s in enumerate(tpl["suggestions"]) for b in s[5]])
        con.executemany(
            "INSERT INTO breaks (run_id, side, bank_entry_id, book_item_id, break_class, reason_code, status, details, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, 'open', '{}', ?)",
            [(d + 1, side, bank_id + ix + 1 if side == "bank" else None, book_id + ix + 1 if side == "book" else None,
              cls, code, at(nb, nb)) for side, ix, cls, code in tpl["breaks"]])
        bank_id += nb
        book_id += nk
        sugg_id += ns
        counts["bank"] += nb
        counts["book"] += nk
        counts["suggestions"] += ns
        counts["breaks"] += len(tpl["breaks"])
        con.commit()
    con.execute("ANALYZE")
    con.commit()
    con.close()
    return {**counts, "templates_s": round(t1 - t0, 1), "insert_s": round(time.perf_counter() - t1, 1)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="monitor_bench")
    ap.add_argument("--days", type=int, default=90)
    ap.add_argument("--per-day", type=int, default=10_000)
    ap.add_argument("--templates", type=int, default=3)
    ap.add_argument("--db", type=Path, default=None, help="keep the seeded database here (default: a temp dir)")
    args = ap.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="bd-monitor-bench-"))
    path = args.db or tmp / "monitor.sqlite3"
    end = datetime.now(UTC).replace(microsecond=0)
    if not path.exists():
        seeded = seed(path, days=args.days, per_day=args.per_day, templates=args.templates, end=end)
        print(f"seeded {args.days} days x {args.per_day} items: {seeded}")
    url = f"sqlite:///{path}"

    from breakdesk.app.services.monitoring.report import build_report
    from breakdesk.app.store.db import make_engine, session_scope

    engine = make_engine(url)
    t0 = time.perf_counter()
    with session_scope(engine) as s:
        report = build_report(s)
    t1 = time.perf_counter()
    engine.dispose()
    env = {**os.environ, "DATABASE_URL": url, "BREAKDESK_DATA_DIR": str(tmp)}
    t2 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "breakdesk.app.cli", "monitor", "report", "--json"],
                          env=env, capture_output=True, text=True, check=False)
    t3 = time.perf_counter()
    ok = proc.returncode == 0 and set(json.loads(proc.stdout)) == {"metrics", "drift", "alerts", "registry"}
    print(f"build_report (in process): {t1 - t0:.2f} s; `breakdesk monitor report --json` (new process): {t3 - t2:.2f} s"
          f" [{'ok' if ok else 'FAILED: ' + proc.stderr[-500:]}]")
    print(f"window suggestions: {report['metrics']['totals']['suggestions']}; drift alerts: "
          f"{sum(d['alert'] for d in report['drift'])} of {len(report['drift'])} features")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
