"""Fast construction of canonical objects on hot paths (statement entries) from already-typed values.

`Model.model_construct` skips validation but still resolves every missing field's default factory
through `inspect.signature` and rebuilds the fields-set on each call, which costs more than the
parsing itself. `construct` does what `model_construct` does in the end (set `__dict__` and the
pydantic slots) with the defaults taken from a per-class table. Only call it with values of the
right types: the field readers have already produced `date`, `Decimal` and checked strings.
"""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

M = TypeVar("M", bound=BaseModel)

_SPECS: dict[type, tuple[int, dict[str, Any], tuple[tuple[str, Any], ...]]] = {}
_set = object.__setattr__


def _spec(cls: type[BaseModel]) -> tuple[int, dict[str, Any], tuple[tuple[str, Any], ...]]:
    static: dict[str, Any] = {}
    factories = []
    for name, info in cls.model_fields.items():
        factory = info.default_factory
        if factory is not None:
            if isinstance(factory, type) and issubclass(factory, BaseModel):
                # A nested model default (e.g. `references=EntryReferences()`) is built the fast way too.
                factory = (lambda model: (lambda: construct(model)))(factory)
            factories.append((name, factory))
        else:
            static[name] = None if info.default is PydanticUndefined else info.default
    spec = (len(cls.model_fields), static, tuple(factories))
    _SPECS[cls] = spec
    return spec


def construct(cls: type[M], **values: Any) -> M:
    count, static, factories = _SPECS.get(cls) or _spec(cls)
    given = set(values)
    if len(values) != count:
        data = static.copy()
        data.update(values)
        for name, factory in factories:
            if name not in values:
                data[name] = factory()
        values = data
    obj = cls.__new__(cls)
    _set(obj, "__dict__", values)
    _set(obj, "__pydantic_fields_set__", given)
    _set(obj, "__pydantic_extra__", None)
    _set(obj, "__pydantic_private__", None)
    return obj
