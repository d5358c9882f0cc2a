"""Pausing CPython's cyclic garbage collector while a whole input becomes canonical objects.

A parse allocates millions of container objects (models, their dicts, lists of entries) and keeps
them all. The cyclic collector runs whenever allocations outnumber deallocations by 700, and its
older generations traverse every surviving object again, so its work grows with the file: at 100k
MT940 entries it took two thirds of the parse (18k entries/s with it, 57k with it paused; camt.053
8k and 19k). Reference counting still frees everything while it is paused; only cycles wait, and a
parse makes none (a tree of models, no back references), so a paused parse holds no more memory.
Anything cyclic that other threads create meanwhile is collected at the first collection after the
pause. The pause nests and is shared between threads: the collector comes back when the last
parse ends, and only if it was enabled when the first one started.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0
_resume = False


@contextmanager
def collector_paused() -> Iterator[None]:
    global _depth, _resume
    with _lock:
        if _depth == 0:
            _resume = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _resume:
                gc.enable()
