"""Fast construction of canonical objects on hot paths (statement entries, MT and MX) from already-typed values.

`Model.model_construct` skips validation but still resolves every missing field's default factory
through `inspect.signature` and rebuilds the fields-set on each call, which costs more than the
parsing itself. `construct` does what `model_construct` does in the end (set `__dict__` and the
pydantic slots), with a per-class filler generated once that writes each default inline. Only call
it with values of the right types: the field readers have already produced `date`, `Decimal` and
checked strings.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

M = TypeVar("M", bound=BaseModel)

_FILLERS: dict[type, Callable[[dict[str, Any]], dict[str, Any]]] = {}
_ALL_FIELDS: dict[type, set[str]] = {}
_set = object.__setattr__
_new = object.__new__  # BaseModel has no __new__ of its own; skips the metaclass attribute look-up


def _all_fields(cls: type[BaseModel]) -> set[str]:
    _ALL_FIELDS[cls] = set(cls.model_fields)
    return _ALL_FIELDS[cls]


def _filler(cls: type[BaseModel]) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """Generate `fill(kw) -> dict` with one entry per field: the given value or the default."""
    env: dict[str, Any] = {"construct": construct}
    items = []
    for i, (name, info) in enumerate(cls.model_fields.items()):
        factory = info.default_factory
        if factory is list:
            default = "[]"
        elif factory is dict:
            default = "{}"
        elif isinstance(factory, type) and issubclass(factory, BaseModel):
            env[f"m{i}"] = factory
            default = f"construct(m{i})"
        elif factory is not None:
            env[f"f{i}"] = factory
            default = f"f{i}()"
        else:
            env[f"d{i}"] = None if info.default is PydanticUndefined else info.default
            default = f"d{i}"
        items.append(f"{name!r}: kw[{name!r}] if {name!r} in kw else {default}")
    source = "def fill(kw):\n    return {" + ", ".join(items) + "}\n"
    exec(compile(source, f"<construct {cls.__name__}>", "exec"), env)  # noqa: S102 - generated from field names
    _FILLERS[cls] = env["fill"]
    return env["fill"]


def construct(cls: type[M], **values: Any) -> M:
    fill = _FILLERS.get(cls) or _filler(cls)
    obj = _new(cls)
    _set(obj, "__dict__", fill(values))
    _set(obj, "__pydantic_fields_set__", set(values))
    _set(obj, "__pydantic_extra__", None)
    _set(obj, "__pydantic_private__", None)
    return obj


def exact(cls: type[M], data: dict[str, Any]) -> M:
    """Like `construct`, for a dict that already holds every field of `cls` (hottest paths only).

    Every field is set, so all objects of a class share one fields-set: pydantic only ever adds
    field names to it (on assignment), and these are all in it already."""
    obj = _new(cls)
    _set(obj, "__dict__", data)
    _set(obj, "__pydantic_fields_set__", _ALL_FIELDS.get(cls) or _all_fields(cls))
    _set(obj, "__pydantic_extra__", None)
    _set(obj, "__pydantic_private__", None)
    return obj


def model_spec(cls: type[BaseModel]) -> tuple[type[BaseModel], set[str], tuple[str, ...], tuple[Any, ...]]:
    """`cls` as the compiled readers (parsers/_speedups_common.h) build it, the way `construct` and
    `exact` do: (class, the fields-set `exact` objects share, field names, defaults). A default is
    the value, `list` or `dict` for a fresh one per object, or None for another factory (a field the
    readers always set)."""
    defaults = tuple(
        (f.default_factory if f.default_factory in (list, dict) else None) if f.default_factory is not None
        else (None if f.default is PydanticUndefined else f.default)
        for f in cls.model_fields.values()
    )
    return cls, _ALL_FIELDS.get(cls) or _all_fields(cls), tuple(cls.model_fields), defaults


def check_exact_fields(cls: type[BaseModel], keys: set[str]) -> None:
    """Used by tests: the hand-written field dicts must stay in step with the canonical model."""
    missing, extra = set(cls.model_fields) - keys, keys - set(cls.model_fields)
    if missing or extra:
        raise AssertionError(f"{cls.__name__}: missing {sorted(missing)}, unknown {sorted(extra)}")
