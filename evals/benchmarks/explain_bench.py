"""Explain-one-case latency: the case graph from diagnosis to the proposed, re-validated repair.

    python -m breakdesk.evals.benchmarks explain [-- --repeat 3]

Runs on the demo day's AC04 reject (a pain.001 and its pain.002) in a throw-away workspace, with the
deterministic provider (`none`) and with the local SmolLM2 model, using the real hybrid retrieval.
Loading the models and ingesting the knowledge base happen once, before timing (they are start-up
costs, reported separately). Targets on this machine: < 2 s (`none`) and < 10 s (local).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from breakdesk.app.samples import DEMO_DAY_DIR as DEMO


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m breakdesk.evals.benchmarks explain")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="bd-explain-bench-"))
    os.environ.setdefault("BREAKDESK_DATA_DIR", str(tmp))
    os.environ.setdefault("BREAKDESK_BCRYPT_ROUNDS", "4")

    from breakdesk.agents.llm import LLMSettings, load_chat_model
    from breakdesk.app.services.users import bootstrap_user
    from breakdesk.app.services.workflow import Runtime, explain_case, ingest_files, list_cases
    from breakdesk.app.settings import reload_settings
    from breakdesk.app.store.db import make_engine, session_scope
    from breakdesk.app.store.migrate import upgrade

    settings = reload_settings()
    t0 = time.perf_counter()
    base = Runtime.from_settings(settings, provider=load_chat_model(LLMSettings(provider="none")))
    base.retrieve("AC04", 1)  # ingest the knowledge base and load the embedding model once
    startup = {"knowledge base + embeddings": time.perf_counter() - t0}
    t0 = time.perf_counter()
    local = load_chat_model(LLMSettings(provider="local", data_dir=str(settings.data_dir)))
    local.chat._ensure()  # type: ignore[union-attr]
    startup["local model load"] = time.perf_counter() - t0

    files = [(p.name, p.read_bytes()) for p in sorted(DEMO.glob("0[12]_*.xml"))]
    rows = []
    for label, provider in (("none", base.provider), ("local (SmolLM2-135M)", local)):
        times = []
        for i in range(args.repeat):
            url = f"sqlite:///{tmp / f'{label[:5]}-{i}.sqlite3'}"
            upgrade(url)
            engine = make_engine(url)
            rt = Runtime(provider=provider, retrieve=base.retrieve, checkpoint_url=f"sqlite:///{tmp / f'ck-{label[:5]}-{i}.sqlite3'}",
                         outbox=tmp / "outbox")
            with session_scope(engine) as s:
                bootstrap_user(s, username="bench", role="ops", password="bench-password", origin="bench")
                ingest_files(s, files=files, user="bench")
                key = next(r["key"] for r in list_cases(s) if r["reason_code"] == "AC04")
            with session_scope(engine) as s:
                t = time.perf_counter()
                out = explain_case(s, case_key=key, runtime=rt)
                times.append(time.perf_counter() - t)
            engine.dispose()
        rows.append((label, min(times), sorted(times)[len(times) // 2], out["grounded"], out["provider"]))
    print(f"{'start-up (once)':<28} {'seconds':>8}")
    for k, v in startup.items():
        print(f"{k:<28} {v:>8.1f}")
    print()
    print(f"{'provider':<22} {'best s':>7} {'median s':>9} {'target':>7}  grounded  answered by")
    for label, best, median, grounded, by in rows:
        target = 2.0 if label == "none" else 10.0
        print(f"{label:<22} {best:>7.2f} {median:>9.2f} {target:>6.0f}s  {str(grounded):<8}  {by}")
    print(f"\nload average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    return 0
