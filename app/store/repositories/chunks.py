"""Long `IN (...)` lists split into queries of a few hundred values: the one place that size is chosen."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")

#: Values per IN (...) query: well under every database's bound-parameter limit (SQLite 32766, PostgreSQL 65535).
IN_CHUNK = 500


def in_chunks(values: Iterable[T]) -> Iterator[list[T]]:
    """`values` without duplicates, sorted (so queries and their lock order are deterministic), in lists of
    at most `IN_CHUNK`."""
    ordered = sorted(set(values))  # type: ignore[type-var]
    for start in range(0, len(ordered), IN_CHUNK):
        yield ordered[start:start + IN_CHUNK]
