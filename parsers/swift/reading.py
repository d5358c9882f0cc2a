"""What a family reader needs while it builds one message: where it is, and how to read a field."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from breakdesk.parsers.canonical import Provenance
from breakdesk.parsers.construct import construct
from breakdesk.parsers.errors import FieldError, MissingFieldError
from breakdesk.parsers.swift.fields import RawField
from breakdesk.parsers.swift.tags import TAG_BY_ID
from breakdesk.parsers.swift.values import ValueProblem


@dataclass(slots=True)
class MessageContext:
    file: str | None
    message_index: int
    message_type: str
    fields: list[RawField]
    processors: dict[str, list[Any]]
    line: int
    _pre: dict[str, list[Any]] = field(default_factory=dict)
    _post: dict[str, list[Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for key, funcs in self.processors.items():
            if key.startswith("pre_"):
                self._pre[key[4:]] = funcs
            elif key.startswith("post_"):
                self._post[key[5:]] = funcs

    def provenance(self, line: int | None) -> Provenance:
        return construct(Provenance, file=self.file, message_index=self.message_index, line=line, xpath=None)

    def error(self, reason: str, f: RawField | None = None, *, line: int | None = None) -> FieldError:
        return FieldError(
            reason,
            file=self.file,
            line=f.line if f is not None else line,
            tag=f.tag if f is not None else None,
            fragment=f.value if f is not None else None,
            message_type=self.message_type,
            message_index=self.message_index,
        )

    def missing(self, name: str, *, line: int | None = None, why: str = "") -> MissingFieldError:
        """A mandatory field `name` (as the standard writes it: `32A`, `76`, `60a`) is absent."""
        return MissingFieldError(
            f"an {self.message_type} needs field :{name}:{why}", file=self.file, line=line or self.line, tag=name,
            message_type=self.message_type, message_index=self.message_index,
        )

    def read(self, f: RawField) -> dict[str, Any]:
        """Run a field through its pre-processors, its tag regex and its post-processors."""
        tag = TAG_BY_ID.get(f.tag)
        if tag is None:
            raise self.error(f"unknown field tag :{f.tag}: for {self.message_type}", f)
        value = f.value
        pre = self._pre.get(tag.slug)
        if pre:
            for p in pre:
                value = p(value)
        try:
            groups = tag.parse(value)
        except ValueProblem as exc:
            raise self.error(str(exc), f) from None
        post = self._post.get(tag.slug)
        if post:
            for p in post:
                groups = p(groups)
        return groups

    def value_error(self, exc: ValueProblem, f: RawField) -> FieldError:
        return self.error(str(exc), f)

    def first(self, *tags: str) -> RawField | None:
        for f in self.fields:
            if f.tag in tags:
                return f
        return None
