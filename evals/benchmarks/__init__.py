"""Performance benchmarks, run by name: `python -m evals.benchmarks [NAME ...] [-- ARGS]`.

Each benchmark module registers a `main(argv) -> int` under a short name with `@register("name")`
and is listed in `MODULES`, so adding one is a new module plus one line here.
"""

from __future__ import annotations

import importlib
from typing import Callable

Benchmark = Callable[[list[str]], int]
BENCHMARKS: dict[str, Benchmark] = {}
MODULES = {"kb": "evals.benchmarks.kb_bench"}


def register(name: str) -> Callable[[Benchmark], Benchmark]:
    def decorate(fn: Benchmark) -> Benchmark:
        BENCHMARKS[name] = fn
        return fn

    return decorate


def get(name: str) -> Benchmark:
    """Import the benchmark's module on demand (they pull heavy dependencies) and return its entry."""
    if name not in MODULES:
        raise KeyError(f"unknown benchmark {name!r}; known: {', '.join(sorted(MODULES))}")
    importlib.import_module(MODULES[name])
    return BENCHMARKS[name]
