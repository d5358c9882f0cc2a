"""Knowledge-base benchmark: ingestion throughput and hybrid query latency at 1k and 10k passages.

The corpus is synthetic (deterministic seed): Markdown documents of 50 passages each, with reason-code
headings, MT field headings and prose drawn from a payments vocabulary, so exact look-up, BM25 and the
vector search all do real work. The store grows incrementally (1k, then +9k), which measures the
incremental path too. Everything uses the real MiniLM model and an embedded Chroma in a temp dir.
Target: hybrid p95 < 50 ms at 10k passages.

    python -m breakdesk.evals.benchmarks kb [-- --sizes 1000,10000 --queries 200]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

PASSAGES_PER_DOC = 50
WORDS = """payment return reject recall cancellation account closed blocked invalid creditor debtor agent bank
beneficiary ordering customer amount currency charges fee settlement clearing cut-off value date execution
instant transfer direct debit mandate refund unauthorised duplicate fraud regulatory reporting sanctions
screening address structured name identifier BIC IBAN reference end-to-end UETR status pending accepted
rejected investigation resolution case operator approve repair resend correct missing wrong format
timeout aborted insufficient funds balance overdraft limit exceeded liquidity nostro vostro reconciliation
statement entry booking narrative remittance information intermediary correspondent cover serial chain
deduct share OUR SHA BEN exchange rate conversion deadline days within business calendar holiday notice""".split()
TAGS = ["20", "23B", "32A", "33B", "50K", "52A", "53B", "56A", "57A", "59", "70", "71A", "71F", "72", "77B"]


def _code(rng: random.Random) -> str:
    return rng.choice("ABCDEFGHMNRST") + rng.choice("ABCDEFGMNRST") + f"{rng.randint(0, 99):02d}"


def write_corpus(folder: Path, n_passages: int, seed: int, start_doc: int = 0) -> list[str]:
    """Write `n_passages` passages as Markdown docs; return the codes used (for exact-look-up queries)."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    codes: list[str] = []
    for d in range(n_passages // PASSAGES_PER_DOC):
        lines = [f"---\nid: synthetic-{start_doc + d}\ntitle: Synthetic rulebook {start_doc + d}\n"
                 f"scheme: {rng.choice(['iso20022', 'nacha', 'swift-mt', 'sepa'])}\n"
                 f"kind: {rng.choice(['rulebook', 'code-set', 'sop'])}\nversion: '1'\neffective: 2025-01-01\n---\n"]
        for p in range(PASSAGES_PER_DOC):
            body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(30, 80)))
            roll = rng.random()
            if roll < 0.3:
                code = _code(rng)
                codes.append(code)
                heading = f"## {code} — {' '.join(rng.choice(WORDS) for _ in range(3))} {{#c{p}}}"
            elif roll < 0.45:
                heading = f"### :{rng.choice(TAGS)}: {' '.join(rng.choice(WORDS) for _ in range(3))} {{#f{p}}}"
            else:
                heading = f"## {' '.join(rng.choice(WORDS) for _ in range(4)).capitalize()} {{#s{p}}}"
            lines.append(f"{heading}\n\n{body}.\n")
        (folder / f"synthetic_{start_doc + d:05d}.md").write_text("\n".join(lines), encoding="utf-8")
    return codes


def _queries(rng: random.Random, codes: list[str], n: int) -> list[str]:
    out = []
    for i in range(n):
        kind = i % 4
        if kind == 0:
            out.append(rng.choice(codes))
        elif kind == 1:
            out.append(f"what does field :{rng.choice(TAGS)}: mean for {rng.choice(WORDS)}")
        else:
            out.append(" ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 12))))
    return out


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m breakdesk.evals.benchmarks kb")
    parser.add_argument("--sizes", default="1000,10000", help="passage counts, ascending (default 1000,10000)")
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args(argv)
    sizes = sorted(int(s) for s in args.sizes.split(","))

    from breakdesk.knowledge_base.embeddings import get_model
    from breakdesk.knowledge_base.ingestion import ingest_paths
    from breakdesk.knowledge_base.retrieval import Retriever, load_index, shared_embedder
    from breakdesk.knowledge_base.store import KBStore, StoreConfig

    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} cores)")
    t0 = time.perf_counter()
    get_model()
    print(f"model load: {time.perf_counter() - t0:.1f} s")
    embedder = shared_embedder()
    rows = []
    with tempfile.TemporaryDirectory(prefix="kb-bench-") as tmp:
        root = Path(tmp)
        store = KBStore(StoreConfig.from_env(data_dir=root / "data", chroma_url=""))
        codes: list[str] = []
        have = 0
        for size in sizes:
            codes += write_corpus(root / "docs", size - have, seed=size, start_doc=have // PASSAGES_PER_DOC)
            t0 = time.perf_counter()
            report = ingest_paths([root / "docs"], store=store, embedder=embedder)
            ingest_s = time.perf_counter() - t0
            assert report.ok and store.count() == size, (report.errors[:3], store.count())
            added = size - have
            have = size

            t0 = time.perf_counter()
            index = load_index(store)
            index_s = time.perf_counter() - t0
            retriever = Retriever(store, embedder, index=index)
            rng = random.Random(7)
            queries = _queries(rng, codes, args.queries)
            for q in queries[:10]:
                retriever.search(q, k=5)  # warm-up
            lat, lat_filtered = [], []
            for q in queries:
                t0 = time.perf_counter()
                retriever.search(q, k=5)
                lat.append((time.perf_counter() - t0) * 1000)
            for q in _queries(random.Random(8), codes, args.queries // 2):  # fresh: no cached embeddings
                t0 = time.perf_counter()
                retriever.search(q, k=5, filters={"scheme": "nacha", "kind": "sop"})
                lat_filtered.append((time.perf_counter() - t0) * 1000)
            rows.append((size, added, added / ingest_s, index_s, statistics.median(lat), _pct(lat, 0.95),
                         statistics.median(lat_filtered), _pct(lat_filtered, 0.95)))

    header = ("passages", "ingested", "ingest chunks/s", "index load s", "p50 ms", "p95 ms", "filtered p50", "filtered p95")
    print(" | ".join(header))
    print(" | ".join("---" for _ in header))
    for size, added, rate, index_s, p50, p95, fp50, fp95 in rows:
        print(f"{size} | {added} | {rate:.0f} | {index_s:.2f} | {p50:.1f} | {p95:.1f} | {fp50:.1f} | {fp95:.1f}")
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())} (figures swing with other load)")
    worst = rows[-1][5]
    print(f"target p95 < 50 ms at {rows[-1][0]} passages: {'met' if worst < 50 else 'NOT met'} ({worst:.1f} ms)")
    return 0
