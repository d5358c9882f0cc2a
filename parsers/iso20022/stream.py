"""Streaming reader for large statements: entries one by one, in flat memory.

`iter_statement_entries(path)` yields `(statement, entry)` pairs. The `Statement` is built once per
`Stmt`/`Rpt`/`Ntfctn` from what precedes its first `Ntry` (account, balances, summary — the schema puts
them there) and is shared by its entries; its `entries` list stays empty. Anything after the entries
(`AddtlStmtInf`) is not read in this mode, and a statement without entries yields nothing.

Memory stays flat because each `Ntry` is turned into a canonical `Entry` at its end event and then
cleared, together with every preceding sibling, so lxml never holds more than one entry's subtree.
iterparse only reports the few element names we act on (the C parser filters the rest), which keeps
the Python work per element near zero. The same hardening as `parse_mx` applies: a DOCTYPE in the
prolog is refused before parsing, iterparse gets the hardened options, XInclude elements are refused.
Provenance XPaths equal `parse_mx`'s, except that a wrapper holding several Documents is only known to
do so once the second one arrives (the first then has no `[1]`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import BinaryIO

from lxml import etree

from breakdesk.parsers.canonical import Entry, Statement
from breakdesk.parsers.errors import UnknownMessageTypeError, UnsafeXMLError
from breakdesk.parsers.iso20022.locate import element_xpath, message_type_from_namespace
from breakdesk.parsers.iso20022.node import Context, Node, local_name, namespace_of
from breakdesk.parsers.iso20022.statements import STATEMENT_SHAPES, message_page, read_entry, read_statement_head
from breakdesk.parsers.iso20022.xml import HARDENED_PARSER_OPTIONS, XINCLUDE_NS, map_lxml_errors, refuse_unsafe_prolog

_ITERPARSE_OPTIONS = {k: v for k, v in HARDENED_PARSER_OPTIONS.items() if k != "dtd_validation"}
_FAMILIES = {"BkToCstmrAcctRpt": "camt.052", "BkToCstmrStmt": "camt.053", "BkToCstmrDbtCdtNtfctn": "camt.054"}
_REPEATS = {shape[0] for shape in STATEMENT_SHAPES.values()}
_TAGS = [f"{{*}}{n}" for n in (*STATEMENT_SHAPES, *_REPEATS, "Ntry")] + [f"{{{XINCLUDE_NS}}}*"]


def _drop_done(el: etree._Element) -> None:
    el.clear(keep_tail=False)
    parent = el.getparent()
    if parent is not None:
        while el.getprevious() is not None:
            del parent[0]


def iter_statement_entries(path: str | os.PathLike[str]) -> Iterator[tuple[Statement, Entry]]:
    """Every entry of every camt.052/053/054 statement in the file at `path`, with its statement."""
    for _message_type, statement, entry in iter_statement_messages(path):
        yield statement, entry


def iter_statement_messages(
    source: str | os.PathLike[str] | BinaryIO, *, filename: str | None = None
) -> Iterator[tuple[str, Statement, Entry]]:
    """(message type, statement, entry) for every entry, from a path or an open binary file (an upload
    held in memory): what a streamed import stores page by page (`app.services.statement_stream`)."""
    if isinstance(source, (str, os.PathLike)):
        filename = filename or str(source)
        with open(source, "rb") as fh:
            refuse_unsafe_prolog(fh.read(65536), filename)
    else:
        filename = filename or getattr(source, "name", None) or "<input>"
        start = source.tell()
        refuse_unsafe_prolog(source.read(65536), filename)
        source.seek(start)
    message_index = -1
    ctx: Context | None = None
    root: etree._Element | None = None
    root_xpath = ""
    shape: tuple | None = None
    statement: Statement | None = None
    statement_xpath = ""
    statement_no = entry_no = 0
    page: str | None = None

    with map_lxml_errors(filename):
        for event, el in etree.iterparse(source, events=("start", "end"), tag=_TAGS, **_ITERPARSE_OPTIONS):
            if namespace_of(el) == XINCLUDE_NS:
                raise UnsafeXMLError("XInclude element refused", file=filename, line=el.sourceline)
            name = local_name(el)
            if event == "start":
                if name in STATEMENT_SHAPES and root is None:
                    root, shape = el, STATEMENT_SHAPES[name]
                    root_xpath = element_xpath(el)
                    message_index += 1
                    found = message_type_from_namespace(namespace_of(el))
                    family = _FAMILIES[name]
                    ctx = Context(filename, message_index, found[0] if found and found[1] == family else family)
                    statement_no = 0
                elif root is not None and shape is not None and name == shape[0] and el.getparent() is root:
                    if statement_no == 0:  # GrpHdr is complete now and dropped after this statement
                        page = message_page(Node(root, root_xpath, ctx))  # type: ignore[arg-type]
                    statement_no += 1
                    statement_xpath = f"{root_xpath}/{name}[{statement_no}]"
                    statement, entry_no = None, 0
                elif name == "Ntry" and root is not None and statement is None and el.getparent().getparent() is root:
                    # first entry: every statement-level element before it is complete
                    statement = read_statement_head(  # type: ignore[arg-type]
                        Node(el.getparent(), statement_xpath, ctx), shape[1], shape[2], page  # type: ignore[arg-type, index]
                    )
                continue
            if root is None or shape is None or ctx is None:
                continue
            if name == "Ntry" and statement is not None and el.getparent().getparent() is root:
                entry_no += 1
                entry = read_entry(Node(el, f"{statement_xpath}/Ntry[{entry_no}]", ctx), shape[1])
                _drop_done(el)
                yield ctx.message_type, statement, entry
            elif name == shape[0] and el.getparent() is root:
                statement = None
                _drop_done(el)
            elif el is root:
                root, shape, statement = None, None, None
    if message_index < 0:
        raise UnknownMessageTypeError(
            "no camt.052/053/054 statement element (BkToCstmrStmt, BkToCstmrAcctRpt, BkToCstmrDbtCdtNtfctn)",
            file=filename,
        )
