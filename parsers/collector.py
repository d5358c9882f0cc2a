"""Pausing CPython's cyclic garbage collector while a whole input becomes canonical objects (and while
the reconciliation matcher builds its profiles and pairs, which has the same shape of allocation).

A parse allocates millions of container objects (models, their dicts, lists of entries) and keeps
them all. The cyclic collector runs whenever allocations outnumber deallocations by 700, and it
traverses surviving objects again as they move up its generations, so its work grows with the file:
at 100k MT940 entries it took two thirds of the parse (18k entries/s with it, 56k without; camt.053
8k and 18.5k). Reference counting still frees everything while it is paused; only cycles wait, and
a parse makes none (a tree of models, no back references), so a paused parse holds no more memory.

Pausing alone is not enough: every object made meanwhile is still in the youngest generation, and
the first collection after the pause traverses them all (40k entries/s instead of 56k at 100k MT940
entries). So at the end of the last pause the survivors are promoted straight to the oldest
generation, where the objects of a parse would end up anyway: `gc.freeze()` then `gc.unfreeze()`
(documented: unfrozen objects go back into the oldest generation), two list splices. Cyclic garbage
that other threads made during the pause is promoted with them and collected by the next full
collection instead of a young one. The promotion is skipped when the application keeps objects
frozen itself (a pre-fork server), as unfreezing would undo that.

The pause nests and is shared between threads: the collector comes back when the last parse ends,
and only if it was enabled when the first one started.
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
                if gc.get_freeze_count() == 0:
                    gc.freeze()
                    gc.unfreeze()
                gc.enable()
