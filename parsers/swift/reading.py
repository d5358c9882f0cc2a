"""What a family reader needs while it builds one message: where it is, and how to read a field."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from breakdesk.parsers.canonical import Finding, Provenance
from breakdesk.parsers.construct import construct
from breakdesk.parsers.errors import FieldError, MissingFieldError, ParseError
from breakdesk.parsers.swift.fields import RawField
from breakdesk.parsers.swift.tags import TAG_BY_ID
from breakdesk.parsers.swift.values import ValueProblem


def _excerpt(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def is_deviation(processor: Any) -> bool:
    """Marked by `processors.quirk`: it absorbs a deviation from the standard (a finding when it acts),
    not a reading of a common layout (splitting `BLZ/account` in :25:)."""
    return getattr(processor, "is_deviation", False)


def quirk_name(processor: Any) -> str:
    return getattr(processor, "__name__", type(processor).__name__)


def quirk_summary(processor: Any) -> str:
    """The first sentence of the processor's docstring: the bank habit it absorbs, in its own words."""
    doc = (getattr(processor, "__doc__", None) or "").strip()
    first = " ".join(doc.split("\n\n")[0].split())
    return first or "a known deviation from the standard"


@dataclass(slots=True)
class Reading:
    """How one file is read (lenient by default, strict on request) and what the reader noticed.

    Lenient reading keeps a file whose bank deviates from the standard: each tolerated deviation is a
    `BANK_DEVIATION` warning, and a line, entry or message that cannot be read is an `UNREADABLE_*`
    error finding holding the raw text, so nothing is lost and the rest of the file still imports.
    Strict reading refuses the file at the first error (the earlier behaviour). The findings are handed
    to the message they were found in (`take`), or to the next one read."""

    file: str | None
    strict: bool = False
    findings: list[Finding] = field(default_factory=list)

    def note(self, severity: str, code: str, message: str, *, line: int | None, message_index: int,
             tag: str | None = None, value: str | None = None) -> None:
        location = construct(Provenance, file=self.file, message_index=message_index, line=line, xpath=None)
        self.findings.append(Finding(severity=severity, code=code, message=message, location=location,  # type: ignore[arg-type]
                                     field=tag, value=value))

    def deviation(self, processor: Any, *, line: int | None, message_index: int, tag: str | None = None,
                  value: str | None = None) -> None:
        self.note("warning", "BANK_DEVIATION", f"{quirk_name(processor)}: {quirk_summary(processor)}", line=line,
                  message_index=message_index, tag=tag, value=value)

    def run(self, hooks: Any, value: Any, *, message_index: int,
            where: Callable[[Any, Any], tuple[int | None, str | None]], tag: str | None = None) -> Any:
        """Pass `value` through `hooks` (one key of the processors); each quirk that changes it is
        recorded as a deviation at `where(before, after)`: the (line, raw value) of what it changed."""
        for p in hooks:
            before, value = value, p(value)
            if value is not before and is_deviation(p) and value != before:
                line, raw = where(before, value)
                self.deviation(p, line=line, message_index=message_index, tag=tag, value=raw)
        return value

    def unreadable(self, exc: ParseError, code: str, *, message_index: int, text: str | None = None) -> None:
        """An error the strict reader raises, kept as a finding; `code` says what was left out and `text`
        (else the error's fragment) is its raw text, kept on the finding."""
        index = exc.message_index if exc.message_index is not None else message_index
        where = f"field :{exc.tag}: " if exc.tag and not exc.tag.startswith("block") else ""
        got = f" (got {_excerpt(exc.fragment)!r})" if exc.fragment else ""
        self.note("error", code, f"{where}{exc.reason}{got}; left out", line=exc.line, message_index=index,
                  tag=exc.tag, value=text if text is not None else exc.fragment)

    def take(self) -> list[Finding]:
        out, self.findings = self.findings, []
        return out


@dataclass(slots=True)
class MessageContext:
    file: str | None
    message_index: int
    message_type: str
    fields: list[RawField]
    processors: dict[str, list[Any]]
    line: int
    reading: Reading | None = None
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
            if self.reading is not None:
                value = self.reading.run(pre, value, message_index=self.message_index, tag=f.tag,
                                         where=lambda before, _after: (f.line, before))
            else:
                for p in pre:
                    value = p(value)
        try:
            groups = tag.parse(value)
        except ValueProblem as exc:
            raise self.error(str(exc), f) from None
        post = self._post.get(tag.slug)
        if post:
            for p in post:
                before = dict(groups) if self.reading is not None and is_deviation(p) else None
                groups = p(groups)
                if before is not None and groups != before and self.reading is not None:
                    self.reading.deviation(p, line=f.line, message_index=self.message_index, tag=f.tag, value=f.value)
        return groups

    @property
    def lenient(self) -> bool:
        return self.reading is not None and not self.reading.strict

    def leave_out(self, exc: ParseError, code: str) -> None:
        """Lenient reading: record what could not be read (with its raw text) and go on without it."""
        assert self.reading is not None
        self.reading.unreadable(exc, code, message_index=self.message_index)

    def value_error(self, exc: ValueProblem, f: RawField) -> FieldError:
        return self.error(str(exc), f)

    def first(self, *tags: str) -> RawField | None:
        for f in self.fields:
            if f.tag in tags:
                return f
        return None
