"""Performance benchmarks: one module per area, each with `main(argv) -> int`; run them with `python -m evals.benchmarks`."""
