"""Run two decisions at the same instant from two connections (the double-decision test, on any database)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine

from breakdesk.app.store.db import session_scope


def race(engine: Engine, calls: list[Callable[[Any], Any]], *, timeout: float = 60.0) -> list[tuple[str, Any]]:
    """Start every call in its own thread and transaction, released together by a barrier.

    Returns ("ok", value) or ("error", exception) per call, in the order given.
    """
    barrier = threading.Barrier(len(calls))
    results: list[tuple[str, Any] | None] = [None] * len(calls)

    def run(i: int, call: Callable[[Any], Any]) -> None:
        try:
            with session_scope(engine) as session:
                barrier.wait(timeout)
                value = call(session)
                results[i] = ("ok", getattr(value, "id", value))
        except Exception as exc:  # noqa: BLE001 - reported to the test
            results[i] = ("error", exc)

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
    if any(t.is_alive() for t in threads):
        raise TimeoutError("a racing call did not finish (deadlock?)")
    return [r if r is not None else ("error", RuntimeError("no result")) for r in results]
