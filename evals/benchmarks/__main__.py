"""Run the benchmarks: `python -m evals.benchmarks [NAME ...] [-- ARGS]` (default: all).

Each benchmark module exposes `main(argv) -> int` and prints its own table.
"""

from __future__ import annotations

import importlib
import sys

BENCHMARKS = {
    "parsers": "evals.benchmarks.parsers_bench",
    "recon": "evals.benchmarks.recon_bench",
}


def main(argv: list[str]) -> int:
    names = [a for a in argv if a in BENCHMARKS] or list(BENCHMARKS)
    rest = [a for a in argv if a not in BENCHMARKS]
    status = 0
    for name in names:
        print(f"== {name} ==", flush=True)
        status |= importlib.import_module(BENCHMARKS[name]).main(rest)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
