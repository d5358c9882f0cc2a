"""The public switch of the compiled readers (parsers/swift/_speedups.c, parsers/iso20022/_speedups.c).

The C readers are optional: a build without a compiler installs without them, and the Python readers,
their references, read everything. Where they are built they are on unless `BREAKDESK_SPEEDUPS=0`
(read once, when `breakdesk.parsers` is imported). Tests, benchmarks and an operator chasing a
difference between the two paths turn them off with `disabled()` or `set_enabled(False)` instead of
reaching into the readers' module globals.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import Any

ENV = "BREAKDESK_SPEEDUPS"
_originals: dict[tuple[str, str], Any] | None = None


def _slots() -> list[tuple[ModuleType, str]]:
    """The module globals through which each reader reaches its compiled half (None: the Python path)."""
    from breakdesk.parsers.iso20022 import statements
    from breakdesk.parsers.swift import fields, mt9xx

    return [(mt9xx, "_speedups"), (fields, "_scan_fields"), (statements, "_fast_entry"), (statements, "_fast_entries")]


def _compiled() -> dict[tuple[str, str], Any]:
    global _originals
    if _originals is None:  # what the readers found at import: the built and configured extensions, or None
        _originals = {(m.__name__, name): getattr(m, name) for m, name in _slots()}
    return _originals


def available() -> bool:
    """Whether both compiled readers were built and accepted this lxml/pydantic at import."""
    return all(v is not None for v in _compiled().values())


def enabled() -> bool:
    """Whether the readers use their compiled paths now."""
    return any(getattr(m, name) is not None for m, name in _slots())


def set_enabled(on: bool) -> None:
    """Turn the compiled paths on (where built) or off; the Python readers take over every line and entry."""
    compiled = _compiled()
    for module, name in _slots():
        setattr(module, name, compiled[(module.__name__, name)] if on else None)


@contextmanager
def disabled() -> Iterator[None]:
    """`with disabled():` the pure-Python readers, then the previous state again."""
    before = enabled()
    set_enabled(False)
    try:
        yield
    finally:
        set_enabled(before)


def apply_environment() -> None:
    """`BREAKDESK_SPEEDUPS=0` (or false/off/no) turns the compiled readers off for this process. Without
    it nothing is imported here: the readers stay lazily loaded."""
    if os.environ.get(ENV, "").strip().lower() in ("0", "false", "off", "no"):
        set_enabled(False)
