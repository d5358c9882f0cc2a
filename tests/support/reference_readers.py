"""The readers with and without their compiled fast paths (`parsers/swift/_speedups.c`,
`parsers/iso20022/_speedups.c`), and a strict comparison of what each produced: a fast path must build
the very objects the Python reader builds (same classes, fields, fields-set, Decimal exponents, the
order of plain dicts) and fail exactly where it fails."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from breakdesk.parsers import speedups
from breakdesk.parsers.errors import ParseError


@contextmanager
def reference_reader() -> Iterator[None]:
    """Run the pure-Python readers: no compiled MT statement lines or field scanner, no compiled camt entries."""
    with speedups.disabled():
        yield


def outcome(run: Callable[[], Any]) -> Any:
    """What `run` returned, or the parse error it raised as (class, message, file, line, tag)."""
    try:
        return ("ok", run())
    except ParseError as exc:
        return ("error", type(exc).__name__, str(exc), exc.file, exc.line, getattr(exc, "tag", None))


def assert_same(a: Any, b: Any, path: str = "") -> None:
    assert type(a) is type(b), f"{path}: {type(a).__name__} != {type(b).__name__}"
    if isinstance(a, BaseModel):
        assert a.__pydantic_fields_set__ == b.__pydantic_fields_set__, f"{path}: fields set"
        assert set(a.__dict__) == set(b.__dict__), f"{path}: fields"  # C fills them in model order
        for key in a.__dict__:
            assert_same(a.__dict__[key], b.__dict__[key], f"{path}.{key}")
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b), f"{path}: {len(a)} items != {len(b)}"
        for i, (x, y) in enumerate(zip(a, b)):
            assert_same(x, y, f"{path}[{i}]")
    elif isinstance(a, dict):
        assert list(a) == list(b), f"{path}: keys {list(a)} != {list(b)}"
        for key in a:
            assert_same(a[key], b[key], f"{path}[{key!r}]")
    elif isinstance(a, Decimal):
        assert str(a) == str(b), f"{path}: {a!s} != {b!s}"
    else:
        assert a == b, f"{path}: {a!r} != {b!r}"


def assert_reads_alike(run: Callable[[], Any], label: str = "messages") -> None:
    """`run` (a parse) gives the same objects, or the same located error, with and without the compiled readers."""
    fast = outcome(run)
    with reference_reader():
        ref = outcome(run)
    assert fast[0] == ref[0], (fast, ref)
    if fast[0] == "ok":
        assert_same(fast[1], ref[1], label)
    else:
        assert fast == ref
