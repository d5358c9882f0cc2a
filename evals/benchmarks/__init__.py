"""Performance benchmarks (one module per area, each with a `run(...)` function)."""
