"""Performance benchmarks, run by name: `python -m breakdesk.evals.benchmarks [NAME ...] [-- ARGS]`.

Each benchmark is a module with `main(argv) -> int` that prints its own table; adding one is a new
module plus one line in `MODULES`. Modules are imported on demand (they pull heavy dependencies).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

Benchmark = Callable[[list[str]], int]
MODULES = {
    "parsers": "breakdesk.evals.benchmarks.parsers_bench",
    "kb": "breakdesk.evals.benchmarks.kb_bench",
    "recon": "breakdesk.evals.benchmarks.recon_bench",
    "explain": "breakdesk.evals.benchmarks.explain_bench",
    "store": "breakdesk.evals.benchmarks.store_bench",
    "monitor": "breakdesk.evals.benchmarks.monitor_bench",
    "fuzz": "breakdesk.evals.benchmarks.fuzz_bench",
    "workbench": "breakdesk.evals.benchmarks.workbench_bench",
    "ingest": "breakdesk.evals.benchmarks.ingest_bench",
}


def get(name: str) -> Benchmark:
    if name not in MODULES:
        raise KeyError(f"unknown benchmark {name!r}; known: {', '.join(sorted(MODULES))}")
    return importlib.import_module(MODULES[name]).main
