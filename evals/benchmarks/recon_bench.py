"""Reconciliation benchmark: matching time and memory at 1k / 10k / 100k items per side, and a
side-by-side with the `reconcile-mcp` package on the same generated inputs.

    python -m breakdesk.evals.benchmarks.recon_bench [--sizes 1000 10000 100000] [--peer-sizes 1000 2000]
        [--hard] [--order original|reversed|shuffled]

`--hard` generates what real days have and the fast path does not like (twins told apart only by the
invoice number, typos, non-ASCII names, flat charges on small payments, charges on their own line);
`--order` hands both engines the statement lines and ledger rows reversed or shuffled (seeded), so a
result that depends on input order shows as a lower recall.

Each size runs in its own process so peak RSS belongs to that size only. Reported per size:
generation and item-building time (not part of matching), matching wall time and CPU time (the
machine may be shared: CPU time is the steadier figure), RSS before matching, peak RSS while
generating and building the inputs, peak RSS while matching (kernel peak mark reset just before), and the
quality figures of `evals.recon.quality`. The peer gets the same items as plain dicts (book items as
*expected*, bank lines as *observed*), its one-to-many search switched off (it tries every
combination of leftovers otherwise), and its `exact` matches count as its auto-eligible ones.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from collections.abc import Sequence

DEFAULT_SIZES = (1000, 10_000, 100_000)
DEFAULT_PEER_SIZES = (1000, 2000)


def _rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 2**20


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _reset_hwm() -> bool:
    """Reset the kernel's peak-RSS mark (Linux >= 4.0) so the next reading covers matching only."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        return True
    except OSError:
        return False


def _hwm_mb() -> float | None:
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _reorder(lab, order: str, seed: int) -> None:
    import random

    if order == "reversed":
        lab.bank_items.reverse()
        lab.book_items.reverse()
    elif order == "shuffled":
        rng = random.Random(seed)
        rng.shuffle(lab.bank_items)
        rng.shuffle(lab.book_items)


def _one(n: int, seed: int, engine: str, hard: bool = False, order: str = "original") -> dict:
    """Run one size in this process; returns a JSON-able row."""
    from breakdesk.evals.recon.generator import generate
    from breakdesk.evals.recon.quality import evaluate, label

    t0 = time.perf_counter()
    ds = generate(n, seed, hard=hard)
    t1 = time.perf_counter()
    lab = label(ds)
    _reorder(lab, order, seed)
    del ds
    t2 = time.perf_counter()
    rss_before = _rss_mb()
    peak_build = _peak_mb()
    reset = _reset_hwm()
    c0 = time.process_time()
    if engine == "breakdesk":
        from breakdesk.agents.recon import match

        result = match(lab.bank_items, lab.book_items)
    else:
        result = _peer(lab)
    cpu = time.process_time() - c0
    t3 = time.perf_counter()
    match_peak = _hwm_mb() if reset else None
    rep = evaluate(lab, result)
    return {
        "engine": engine, "input": ("hard" if hard else "plain") + "/" + order, "n_book": len(lab.book_items), "n_bank": len(lab.bank_items),
        "generate_s": round(t1 - t0, 2), "build_s": round(t2 - t1, 2),
        "match_wall_s": round(t3 - t2, 2), "match_cpu_s": round(cpu, 2),
        "rss_before_mb": round(rss_before, 1), "peak_rss_build_mb": round(peak_build, 1),
        "peak_rss_match_mb": round(match_peak, 1) if match_peak else None,
        "precision_auto": round(rep.precision_auto, 4), "recall": round(rep.recall, 4),
        "false_auto_rate": round(rep.false_auto_rate, 5), "auto_coverage": round(rep.auto_coverage, 4),
        "break_accuracy": round(rep.break_accuracy, 4) if engine == "breakdesk" else None,
    }


def _peer(lab):
    """reconcile-mcp on the same items; its output mapped onto our `MatchResult` for scoring."""
    from reconcile_mcp.engine import reconcile

    from breakdesk.agents.recon.results import MatchResult, Reason, Suggestion

    def rec(it, bank: bool) -> dict:
        ref = it.end_to_end_id or (it.other_references[0] if it.other_references else "")
        if bank:
            ref = it.end_to_end_id or it.remittance
        d = it.match_date
        return {"id": it.id, "amount": str(it.amount), "currency": it.currency,
                "date": d.isoformat() if d else "", "counterparty": it.counterparty_name or "",
                "reference": ref or "", "account": it.counterparty_iban or ""}

    out = reconcile([rec(b, False) for b in lab.book_items], [rec(b, True) for b in lab.bank_items],
                    {"enable_one_to_many": False})
    sugg = []
    for m in out["matches"]:
        sugg.append(Suggestion(
            bank_ids=tuple(m["observed"]), book_ids=tuple(m["expected"]), confidence=float(m["score"]),
            reasons=tuple(Reason("peer", r, 0.0) for r in m["reasons"]), status="review",
            auto_eligible=m["type"] == "exact", kind=m["type"], currency=m.get("currency", ""),
        ))
    return MatchResult(suggestions=tuple(sugg))


def _spawn(n: int, seed: int, engine: str, timeout: float, hard: bool = False, order: str = "original") -> dict:
    cmd = [sys.executable, "-m", "breakdesk.evals.benchmarks.recon_bench", "--one", str(n), "--seed", str(seed),
           "--engine", engine, "--order", order] + (["--hard"] if hard else [])
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {"engine": engine, "n_book": n, "error": f"timeout after {timeout:.0f}s"}
    if proc.returncode != 0:
        return {"engine": engine, "n_book": n, "error": proc.stderr.strip().splitlines()[-1:]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


COLUMNS = ("engine", "input", "n_book", "n_bank", "match_wall_s", "match_cpu_s", "rss_before_mb", "peak_rss_build_mb",
           "peak_rss_match_mb",
           "precision_auto", "recall", "false_auto_rate", "auto_coverage", "break_accuracy")


def run(sizes: Sequence[int] = DEFAULT_SIZES, peer_sizes: Sequence[int] = DEFAULT_PEER_SIZES, seed: int = 7,
        timeout: float = 900.0, hard: bool = False, order: str = "original") -> list[dict]:
    """Run every size (ours, then the peer's), print a table, return the rows."""
    rows = [_spawn(n, seed, "breakdesk", timeout, hard, order) for n in sizes]
    rows += [_spawn(n, seed, "reconcile-mcp", timeout, hard, order) for n in peer_sizes]
    print(" | ".join(COLUMNS))
    for r in rows:
        if "error" in r:
            print(f"{r['engine']} | {r['n_book']} | error: {r['error']}")
        else:
            print(" | ".join(str(r.get(c, "-")) for c in COLUMNS))
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m breakdesk.evals.benchmarks.recon_bench")
    ap.add_argument("--sizes", type=int, nargs="*", default=list(DEFAULT_SIZES))
    ap.add_argument("--peer-sizes", type=int, nargs="*", default=list(DEFAULT_PEER_SIZES))
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--hard", action="store_true", help="twins, typos, non-ASCII names, flat and separate charges")
    ap.add_argument("--order", choices=("original", "reversed", "shuffled"), default="original",
                    help="order of the statement lines and ledger rows handed to both engines")
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--engine", default="breakdesk", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.one:
        print(json.dumps(_one(args.one, args.seed, args.engine, args.hard, args.order)))
        return 0
    run(args.sizes, args.peer_sizes, args.seed, hard=args.hard, order=args.order)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
