"""`Node`: an lxml element seen through local names, which knows its own XPath.

Readers are version-agnostic because they never look at namespaces: `node.child("Amt")` matches any
`{*}Amt`. Each node carries the XPath of local names with 1-based positions among same-name siblings
(`/Document/BkToCstmrStmt/Stmt[1]/Ntry[3]`), computed while walking, so provenance costs one string
concatenation per element we actually visit.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from decimal import Decimal, InvalidOperation

from lxml import etree

from parsers.canonical import Provenance
from parsers.errors import FieldError


def local_name(el: etree._Element) -> str:
    tag = el.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1] if tag.startswith("{") else tag.split(":")[-1]


def namespace_of(el: etree._Element) -> str | None:
    tag = el.tag
    if isinstance(tag, str) and tag.startswith("{"):
        return tag[1:].split("}", 1)[0]
    return None


@dataclass(frozen=True)
class Context:
    """What every provenance of one message shares."""

    file: str | None
    message_index: int
    message_type: str


@dataclass(frozen=True)
class Node:
    el: etree._Element
    xpath: str
    ctx: Context

    # --- navigation -------------------------------------------------------------------------
    @property
    def name(self) -> str:
        return local_name(self.el)

    @property
    def line(self) -> int | None:
        return self.el.sourceline

    def children(self, name: str | None = None) -> Iterator[Node]:
        """Child elements (optionally only those with this local name), positions counted per name."""
        if name is not None:
            # lxml filters by local name in C ("{*}" = any namespace or none); position = enumeration
            for i, el in enumerate(self.el.iterchildren(_any_ns(name)), 1):
                yield Node(el, f"{self.xpath}/{name}[{i}]", self.ctx)
            return
        counts: dict[str, int] = {}
        for el in self.el.iterchildren(tag=etree.Element):
            ln = local_name(el)
            counts[ln] = counts.get(ln, 0) + 1
            if name is None or ln == name:
                yield Node(el, f"{self.xpath}/{ln}[{counts[ln]}]", self.ctx)

    def child(self, name: str) -> Node | None:
        el = _first(self.el, name)
        return None if el is None else Node(el, f"{self.xpath}/{name}[1]", self.ctx)

    def find(self, path: str) -> Node | None:
        """First node along a slash-separated path of local names ("RltdPties/Dbtr/Nm")."""
        node: Node | None = self
        for part in path.split("/"):
            if node is None:
                return None
            node = node.child(part)
        return node

    def find_all(self, path: str) -> Iterator[Node]:
        """Every node along the path (all matches at every step)."""
        head, _, rest = path.partition("/")
        for n in self.children(head):
            if rest:
                yield from n.find_all(rest)
            else:
                yield n

    def first(self, *paths: str) -> Node | None:
        for p in paths:
            n = self.find(p)
            if n is not None:
                return n
        return None

    # --- values -----------------------------------------------------------------------------
    @property
    def value(self) -> str | None:
        """Element text stripped (CDATA is just text); None when empty."""
        text = self.el.text
        if text is None:
            return None
        text = text.strip()
        return text or None

    def text(self, *paths: str) -> str | None:
        """Text of the first path that exists and is non-empty (walked in C, no Node built)."""
        for p in paths:
            el = self.el
            for part in _split(p):
                el = _first(el, part)
                if el is None:
                    break
            else:
                text = el.text
                if text is not None and (text := text.strip()):
                    return text
        return None

    def texts(self, path: str) -> list[str]:
        """Texts of every element along the path (all matches at every step)."""
        level = [self.el]
        for part in _split(path):
            tag = _any_ns(part)
            level = [c for el in level for c in el.iterchildren(tag)]
        return [t for el in level if el.text is not None and (t := el.text.strip())]

    def attr(self, name: str) -> str | None:
        v = self.el.get(name)
        return v.strip() if v else None

    def provenance(self) -> Provenance:
        return Provenance(
            file=self.ctx.file, message_index=self.ctx.message_index, line=self.line, xpath=self.xpath
        )

    def error(self, reason: str, cls: type[FieldError] = FieldError) -> FieldError:
        return cls(
            reason,
            file=self.ctx.file,
            line=self.line,
            xpath=self.xpath,
            message_type=self.ctx.message_type,
            message_index=self.ctx.message_index,
            fragment=self.value,
        )

    # --- typed values -----------------------------------------------------------------------
    def decimal(self, path: str | None = None) -> Decimal | None:
        n = self.find(path) if path else self
        if n is None or n.value is None:
            return None
        try:
            d = Decimal(n.value)
        except InvalidOperation:
            raise n.error("not a decimal amount") from None
        if not d.is_finite():
            raise n.error("not a finite decimal amount")
        return d

    def integer(self, path: str | None = None) -> int | None:
        n = self.find(path) if path else self
        if n is None or n.value is None:
            return None
        try:
            return int(n.value)
        except ValueError:
            raise n.error("not an integer") from None

    def amount(self, *paths: str) -> tuple[Decimal | None, str | None]:
        """(amount, Ccy attribute) of the first path that exists."""
        for p in paths:
            n = self.find(p)
            if n is not None and n.value is not None:
                return n.decimal(), n.attr("Ccy")
        return None, None

    def date(self, *paths: str) -> _dt.date | None:
        """A date from `Dt`, `DtTm` or a plain date element; a date-time keeps its date."""
        for p in paths:
            n = self.find(p)
            if n is None:
                continue
            if n.value is None:
                # choice element (e.g. BookgDt) holding Dt or DtTm
                inner = n.first("Dt", "DtTm")
                if inner is None or inner.value is None:
                    continue
                n = inner
            return n._as_date()
        return None

    def datetime(self, *paths: str) -> _dt.datetime | None:
        for p in paths:
            n = self.find(p)
            if n is None:
                continue
            if n.value is None:
                inner = n.first("DtTm", "Dt")
                if inner is None or inner.value is None:
                    continue
                n = inner
            return n._as_datetime()
        return None

    def _as_date(self) -> _dt.date:
        text = self.value or ""
        try:
            if "T" in text:
                return _parse_datetime(text).date()
            return _dt.date.fromisoformat(text[:10])
        except ValueError:
            raise self.error("not an ISO date") from None

    def _as_datetime(self) -> _dt.datetime:
        text = self.value or ""
        try:
            if "T" not in text:
                return _dt.datetime.combine(_dt.date.fromisoformat(text[:10]), _dt.time())
            return _parse_datetime(text)
        except ValueError:
            raise self.error("not an ISO date-time") from None


@lru_cache(maxsize=2048)
def _any_ns(name: str) -> str:
    return f"{{*}}{name}"  # lxml tag filter: this local name in any namespace or none


@lru_cache(maxsize=2048)
def _split(path: str) -> tuple[str, ...]:
    return tuple(path.split("/"))


def _first(el: etree._Element, name: str) -> etree._Element | None:
    # iterchildren(tag) filters in C; find("{*}x") would go through lxml's Python ElementPath
    for child in el.iterchildren(_any_ns(name)):
        return child
    return None


def _parse_datetime(text: str) -> _dt.datetime:
    try:
        return _dt.datetime.fromisoformat(text)
    except ValueError:
        # xs:dateTime allows a bare "+hh" offset or more than 6 fraction digits; normalise them.
        import re

        m = re.fullmatch(r"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?)(\.\d+)?(Z|[+-]\d{2}(?::?\d{2})?)?", text)
        if not m:
            raise
        base, frac, tz = m.groups()
        frac = (frac or "")[:7]
        if tz and tz != "Z" and len(tz) == 3:
            tz += ":00"
        return _dt.datetime.fromisoformat(base + frac + (tz or ""))
