"""Hardened XML loading: nothing in a document can make us read a file, call the network or expand
entities.

Two layers, because either alone has failed somewhere before:

1. `refuse_unsafe_prolog` looks at the prolog *before lxml sees the bytes*. A DOCTYPE (and so any
   ENTITY declaration, parameter entity or external DTD subset, which can only live inside one) is
   refused outright: a payment message never needs one.
2. The lxml parser itself is built with `resolve_entities=False, no_network=True, load_dtd=False,
   dtd_validation=False, huge_tree=False`, and the parsed tree is checked again (docinfo doctype,
   XInclude elements), so an encoding the prolog scan cannot read is still caught without resolving
   anything. XInclude is never processed (we never call `xinclude()`); its elements are refused.

lxml errors are translated at this boundary (`map_lxml_errors`) into `parsers.errors` classes that carry
the file and line; `LXML_ERROR_MAP` is the table, most specific first.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from contextlib import contextmanager

from lxml import etree

from breakdesk.parsers.errors import (
    InputTooLargeError,
    MalformedMessageError,
    ParseError,
    SchemaViolation,
    UnsafeXMLError,
)
from breakdesk.parsers.source import DEFAULT_MAX_BYTES

XINCLUDE_NS = "http://www.w3.org/2001/XInclude"

#: Keyword arguments every lxml parser we build gets (also used by the streaming reader's iterparse).
HARDENED_PARSER_OPTIONS: dict = dict(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    dtd_validation=False,
    huge_tree=False,
    remove_comments=True,
    remove_pis=True,
)

#: lxml exception → our error, most specific first (checked with issubclass in this order).
LXML_ERROR_MAP: tuple[tuple[type[BaseException], type[ParseError]], ...] = (
    (etree.XIncludeError, UnsafeXMLError),
    (etree.DTDError, UnsafeXMLError),
    (etree.DocumentInvalid, SchemaViolation),
    (etree.XMLSchemaError, SchemaViolation),
    (etree.XMLSyntaxError, MalformedMessageError),
    (etree.ParseError, MalformedMessageError),
    (etree.LxmlSyntaxError, MalformedMessageError),
    (etree.LxmlError, ParseError),
)


def mapped_error_class(exc_type: type[BaseException]) -> type[ParseError] | None:
    for lxml_cls, ours in LXML_ERROR_MAP:
        if issubclass(exc_type, lxml_cls):
            return ours
    return None


@contextmanager
def map_lxml_errors(filename: str | None) -> Iterator[None]:
    """Re-raise lxml errors as ParseError subclasses naming the file and line (`from exc`)."""
    try:
        yield
    except etree.LxmlError as exc:
        ours = mapped_error_class(type(exc)) or ParseError
        line = getattr(exc, "lineno", None)
        if not line:
            position = getattr(exc, "position", None)
            line = position[0] if position else None
        msg = getattr(exc, "msg", None) or str(exc) or type(exc).__name__
        raise ours(f"XML error: {msg}", file=filename, line=line or None) from exc


def make_parser() -> etree.XMLParser:
    """A fresh hardened parser (parsers are not thread-safe, so one per call)."""
    return etree.XMLParser(**HARDENED_PARSER_OPTIONS)


_NAME_START = re.compile(r"[A-Za-z_:\u00c0-\uffff]")


def _decode_head(head: bytes) -> str:
    for bom, enc in ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
                     (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if head.startswith(bom):
            return head[len(bom):].decode(enc, errors="replace")
    if head[:4] in (b"<\x00?\x00", b"\x00<\x00?"):
        return head.decode("utf-16-le" if head[0] == 0x3C else "utf-16-be", errors="replace")
    # UTF-8 and every 8-bit encoding keep ASCII markup bytes where they are.
    return head.lstrip(codecs.BOM_UTF8).decode("latin-1")


def refuse_unsafe_prolog(head: bytes, filename: str | None) -> None:
    """Refuse a DOCTYPE in the prolog (the only place DTDs and entity declarations can appear).

    Walks whitespace, the XML declaration, processing instructions and comments up to the root
    element's `<`; anything else is left for lxml to judge.
    """
    text = _decode_head(head)
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in " \t\r\n":
            i += 1
            continue
        if text.startswith("<?", i):
            end = text.find("?>", i + 2)
            if end < 0:
                return
            i = end + 2
            continue
        if text.startswith("<!--", i):
            end = text.find("-->", i + 4)
            if end < 0:
                return
            i = end + 3
            continue
        if text.startswith("<!", i):
            word = text[i + 2 : i + 9].upper()
            what = "DOCTYPE" if word.startswith("DOCTYPE") else "declaration"
            if "ENTITY" in text[i : i + 4096].upper():
                what += " with ENTITY declarations"
            raise UnsafeXMLError(
                f"{what} refused: DTDs, entity declarations and external references are not accepted",
                file=filename,
                line=text.count("\n", 0, i) + 1,
                fragment=text[i : i + 60],
            )
        return  # root element (or garbage lxml will report)


def check_tree(tree: etree._ElementTree, filename: str | None) -> None:
    """Belt and braces after parsing with the hardened parser: nothing was resolved, refuse anyway."""
    docinfo = tree.docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise UnsafeXMLError("DOCTYPE refused", file=filename, line=1)
    root = tree.getroot()
    for el in root.iter(f"{{{XINCLUDE_NS}}}*", etree.Entity):
        kind = "entity reference" if el.tag is etree.Entity else "XInclude element"
        raise UnsafeXMLError(f"{kind} refused", file=filename, line=el.sourceline)


def parse_xml(data: bytes, filename: str | None = None, *, max_bytes: int = DEFAULT_MAX_BYTES) -> etree._ElementTree:
    """Parse bytes into an lxml tree with every hardening applied; errors are ParseErrors."""
    if len(data) > max_bytes:
        raise InputTooLargeError(
            f"input is {len(data)} bytes, over the {max_bytes}-byte limit (use the streaming reader)",
            file=filename,
        )
    if not data.strip():
        raise MalformedMessageError("empty document", file=filename, line=1)
    refuse_unsafe_prolog(data[:65536], filename)
    with map_lxml_errors(filename):
        root = etree.fromstring(data, parser=make_parser())
    if root is None:
        raise MalformedMessageError("no root element", file=filename, line=1)
    tree = root.getroottree()
    check_tree(tree, filename)
    return tree
