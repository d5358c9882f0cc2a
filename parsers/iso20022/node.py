"""`Node`: an lxml element seen through local names, which knows its own XPath.

Readers are version-agnostic because they never look at namespaces: `node.child("Amt")` matches any
`{*}Amt`. Each node carries the XPath of local names with 1-based positions among same-name siblings
(`/Document/BkToCstmrStmt/Stmt[1]/Ntry[3]`), computed while walking, so provenance costs one string
concatenation per element we actually visit.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from lxml import etree

from breakdesk.parsers.canonical import Provenance
from breakdesk.parsers.construct import exact
from breakdesk.parsers.errors import FieldError


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
    """What every provenance of one message shares, and how leniently it is read: with `findings` (a
    lenient reading), an entry that cannot be read is left out as an `UNREADABLE_ENTRY` finding there."""

    file: str | None
    message_index: int
    message_type: str
    findings: list[Any] | None = None


_MISSING = object()


class Node:
    """An element with its XPath. Its children are indexed by local name on first use (one pass in
    C over the children, then dict look-ups), and child nodes are kept, so a reader asking for ten
    paths under the same element walks each element once. Child nodes hold no reference to their
    parent (no cycles for the garbage collector), their XPath is built when they are made."""

    __slots__ = ("el", "xpath", "ctx", "_kids", "_more", "_nodes")

    def __init__(self, el: etree._Element, xpath: str, ctx: Context) -> None:
        self.el = el
        self.xpath = xpath
        self.ctx = ctx
        self._kids: dict[str, etree._Element] | None = None
        self._more: dict[str, list[etree._Element]] | None = None  # names that repeat: all their elements
        self._nodes: dict[str, Node | None] | None = None

    def __repr__(self) -> str:
        return f"Node({self.xpath!r})"

    # --- navigation -------------------------------------------------------------------------
    @property
    def name(self) -> str:
        return local_name(self.el)

    @property
    def line(self) -> int | None:
        return self.el.sourceline

    def kids(self) -> dict[str, etree._Element]:
        """The first child element of each local name (built once, with `_more` for repeated names)."""
        kids = self._kids
        if kids is None:
            kids, self._more = _index(self.el)
            self._kids = kids
        return kids

    def all(self, name: str) -> list[etree._Element] | tuple[()]:
        """Every child element with this local name, in document order."""
        kids = self._kids if self._kids is not None else self.kids()
        if self._more is not None and name in self._more:
            return self._more[name]
        el = kids.get(name)
        return () if el is None else [el]

    def children(self, name: str | None = None) -> Iterator[Node]:
        """Child elements (optionally only those with this local name), positions counted per name."""
        if name is not None:
            xpath, ctx = self.xpath, self.ctx
            for i, el in enumerate(self.all(name), 1):
                yield Node(el, f"{xpath}/{name}[{i}]", ctx)
            return
        counts: dict[str, int] = {}
        for el in self.el.iterchildren(tag=etree.Element):
            ln = local_name(el)
            counts[ln] = counts.get(ln, 0) + 1
            yield Node(el, f"{self.xpath}/{ln}[{counts[ln]}]", self.ctx)

    def child(self, name: str) -> Node | None:
        nodes = self._nodes
        if nodes is None:
            nodes = self._nodes = {}
        else:
            found = nodes.get(name, _MISSING)
            if found is not _MISSING:
                return found  # type: ignore[return-value]
        el = (self._kids if self._kids is not None else self.kids()).get(name)
        node = None if el is None else Node(el, f"{self.xpath}/{name}[1]", self.ctx)
        nodes[name] = node
        return node

    def find(self, path: str) -> Node | None:
        """First node along a slash-separated path of local names ("RltdPties/Dbtr/Nm")."""
        if "/" not in path:
            return self.child(path)
        node: Node | None = self
        for part in _split(path):
            node = node.child(part)  # type: ignore[union-attr]
            if node is None:
                return None
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

    def _leaf(self, path: str) -> etree._Element | None:
        """The first element along `path`; the last step is looked up without building a Node."""
        node: Node | None = self
        *steps, last = _split(path)
        for part in steps:
            node = node.child(part)  # type: ignore[union-attr]
            if node is None:
                return None
        return node.kids().get(last)  # type: ignore[union-attr]

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
        """Text of the first path that exists and is non-empty."""
        for p in paths:
            if "/" in p:
                el = self._leaf(p)
            else:
                el = (self._kids if self._kids is not None else self.kids()).get(p)
            if el is not None:
                text = el.text
                if text is not None and (text := text.strip()):
                    return text
        return None

    def has(self, name: str) -> bool:
        """Whether a child element with this local name exists (lets readers skip absent branches)."""
        return name in (self._kids if self._kids is not None else self.kids())

    def texts(self, path: str) -> list[str]:
        """Texts of every element along the path (all matches at every step)."""
        if "/" not in path:
            return [t for el in self.all(path) if el.text is not None and (t := el.text.strip())]
        *steps, last = _split(path)
        level = [self]
        for part in steps:
            level = [c for n in level for c in n.children(part)]
        return [t for n in level for el in n.all(last) if el.text is not None and (t := el.text.strip())]

    def attr(self, name: str) -> str | None:
        v = self.el.get(name)
        return v.strip() if v else None

    def provenance(self) -> Provenance:
        ctx = self.ctx
        return exact(
            Provenance, {"file": ctx.file, "message_index": ctx.message_index, "line": self.el.sourceline, "xpath": self.xpath}
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
        if n is None:
            return None
        text = n.el.text
        if text is None or not (text := text.strip()):
            return None
        if _XS_DECIMAL.fullmatch(text) is None:  # Decimal() alone takes 1e5, 1_000 and NaN
            raise n.error("not a decimal amount")
        try:
            d = Decimal(text)
        except InvalidOperation:
            raise n.error("not a decimal amount") from None
        if not d.is_finite():
            raise n.error("not a finite decimal amount")
        return d

    def integer(self, path: str | None = None) -> int | None:
        n = self.find(path) if path else self
        if n is None or n.value is None:
            return None
        if not n.value.isascii() or not n.value.isdigit():  # int() alone takes '1_0', '+5', ' 7'
            raise n.error("not an integer (digits only)")
        return int(n.value)

    def amount(self, *paths: str) -> tuple[Decimal | None, str | None]:
        """(amount, Ccy attribute) of the first path that exists."""
        for p in paths:
            el = self._leaf(p)
            if el is None:
                continue
            text = el.text
            if text is None or not (text := text.strip()):
                continue
            try:
                d = Decimal(text) if _XS_DECIMAL.fullmatch(text) else None
            except InvalidOperation:
                d = None
            if d is None or not d.is_finite():
                return self.find(p).decimal(), None  # type: ignore[union-attr]  # raises, with the XPath
            ccy = el.get("Ccy")
            return d, (ccy.strip() if ccy else None)
        return None, None

    def date(self, *paths: str) -> _dt.date | None:
        """A date from `Dt`, `DtTm` or a plain date element; a date-time keeps its date."""
        for p in paths:
            el = self._leaf(p)
            if el is None:
                continue
            text = el.text
            if text is None or not (text := text.strip()):
                # choice element (e.g. BookgDt) holding Dt or DtTm (the first of them that exists)
                kids = _index(el)[0]
                inner = kids.get("Dt")
                if inner is None:
                    inner = kids.get("DtTm")
                    if inner is None:
                        continue
                text = inner.text
                if text is None or not (text := text.strip()):
                    continue
            if "T" not in text:
                try:
                    return parse_xs_date(text)
                except ValueError:
                    pass
            return self._date_at(p)
        return None

    def _date_at(self, path: str) -> _dt.date:
        """The slow path of `date` (date-times, errors): through nodes, so an error has its XPath."""
        n = self.find(path)
        if n.value is None:  # type: ignore[union-attr]
            n = n.first("Dt", "DtTm")  # type: ignore[union-attr]
        return n._as_date()  # type: ignore[union-attr]

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
                return parse_xs_datetime(text).date()
            return parse_xs_date(text)
        except ValueError:
            raise self.error("not an ISO date") from None

    def _as_datetime(self) -> _dt.datetime:
        text = self.value or ""
        try:
            if "T" not in text:
                return _dt.datetime.combine(parse_xs_date(text), _dt.time())
            return parse_xs_datetime(text)
        except ValueError:
            raise self.error("not an ISO date-time") from None


@lru_cache(maxsize=2048)
def _split(path: str) -> tuple[str, ...]:
    return tuple(path.split("/"))


_LOCAL: dict[str, str] = {}


def _index(el: etree._Element) -> tuple[dict[str, etree._Element], dict[str, list[etree._Element]] | None]:
    """({local name: first child element}, {repeated local name: all its child elements} or None):
    what `iterchildren("{*}name")` would give, for every name in one pass."""
    kids: dict[str, etree._Element] = {}
    more: dict[str, list[etree._Element]] | None = None
    for child in el:
        tag = child.tag
        if tag.__class__ is not str:  # comment, processing instruction, entity
            continue
        name = _LOCAL.get(tag)
        if name is None:
            name = tag[tag.index("}") + 1 :] if tag[:1] == "{" else tag
            if len(_LOCAL) < 10_000:
                _LOCAL[tag] = name
        if name not in kids:
            kids[name] = child
        elif more is None:
            more = {name: [kids[name], child]}
        elif name in more:
            more[name].append(child)
        else:
            more[name] = [kids[name], child]
    return kids, more


#: xs:decimal: an optional sign, digits with an optional fraction; no exponent, no '_', no NaN.
_XS_DECIMAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
#: xs:date: YYYY-MM-DD with an optional time zone (ISODate); nothing before or after it.
_XS_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})(?:Z|[+-]\d{2}:\d{2})?")
#: xs:dateTime as banks write it: seconds and fraction optional, more than 6 fraction digits, a bare
#: "+hh" offset. Matched whole, so `2026-11-27T10:00:00junk` is refused instead of read by prefix.
_XS_DATETIME = re.compile(r"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?)(\.\d+)?(Z|[+-]\d{2}(?::?\d{2})?)?")


def parse_xs_date(text: str) -> _dt.date:
    """An ISODate, exactly: `2026-11-2712` or `2026-11-27junk` is a ValueError, never 2026-11-27.

    A time zone suffix (allowed by xs:date) does not move the calendar date. `date.fromisoformat` alone
    is not enough: it also takes the basic form `20261127` and week dates, which XML never carries."""
    m = _XS_DATE.fullmatch(text)
    if m is None:
        raise ValueError(f"{text!r} is not an xs:date (YYYY-MM-DD)")
    return _dt.date.fromisoformat(m.group(1))


def parse_xs_datetime(text: str) -> _dt.datetime:
    """An ISODateTime, exactly (see `_XS_DATETIME`); anything else is a ValueError."""
    m = _XS_DATETIME.fullmatch(text)
    if m is None:
        raise ValueError(f"{text!r} is not an xs:dateTime (YYYY-MM-DDThh:mm:ss)")
    base, frac, tz = m.groups()
    frac = (frac or "")[:7]
    if tz and tz != "Z" and len(tz) == 3:
        tz += ":00"
    elif tz and tz != "Z" and len(tz) == 5:
        tz = tz[:3] + ":" + tz[3:]
    return _dt.datetime.fromisoformat(base + frac + (tz or ""))
