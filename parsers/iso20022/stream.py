"""Streaming reader for large statements: entries one by one, in flat memory.

`iter_statement_entries(path)` yields `(statement, entry)` pairs. The `Statement` is built once per
`Stmt`/`Rpt`/`Ntfctn` from what precedes its first `Ntry` (account, balances, summary — the schema puts
them there) and is shared by its entries; its `entries` list stays empty. Anything after the entries
(`AddtlStmtInf`) is not read in this mode.

Memory stays flat because each `Ntry` is turned into a canonical `Entry` at its end event and then
cleared, together with every preceding sibling, so lxml never holds more than one entry's subtree.
The same hardening as `parse_mx` applies: the prolog is refused if it has a DOCTYPE, iterparse gets the
hardened options, and XInclude elements are refused on sight.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from parsers.canonical import Entry, Statement
from parsers.errors import UnknownMessageTypeError, UnsafeXMLError
from parsers.iso20022.locate import message_type_from_namespace
from parsers.iso20022.node import Context, Node, local_name, namespace_of
from parsers.iso20022.statements import STATEMENT_SHAPES, read_entry, read_statement_head
from parsers.iso20022.xml import HARDENED_PARSER_OPTIONS, XINCLUDE_NS, map_lxml_errors, refuse_unsafe_prolog

_ITERPARSE_OPTIONS = {k: v for k, v in HARDENED_PARSER_OPTIONS.items() if k != "dtd_validation"}


def _drop_done(el: etree._Element) -> None:
    el.clear(keep_tail=False)
    parent = el.getparent()
    if parent is not None:
        while el.getprevious() is not None:
            del parent[0]


def iter_statement_entries(path: str | os.PathLike[str]) -> Iterator[tuple[Statement, Entry]]:
    """Every entry of every camt.052/053/054 statement in the file at `path`, with its statement."""
    filename = str(path)
    with open(path, "rb") as fh:
        refuse_unsafe_prolog(fh.read(65536), filename)
    message_index = -1
    ctx: Context | None = None
    root_depth: int | None = None
    statement: Statement | None = None
    shape: tuple[str, str, str] | None = None
    stack: list[tuple[str, dict[str, int]]] = []  # (xpath, child counters) per open element

    with map_lxml_errors(filename):
        for event, el in etree.iterparse(str(Path(path)), events=("start", "end"), **_ITERPARSE_OPTIONS):
            if event == "start":
                name = local_name(el)
                if namespace_of(el) == XINCLUDE_NS:
                    raise UnsafeXMLError("XInclude element refused", file=filename, line=el.sourceline)
                depth = len(stack)
                parent_path, counters = stack[-1] if stack else ("", {})
                counters[name] = counters.get(name, 0) + 1
                below_root = root_depth is not None and depth > root_depth
                xpath = f"{parent_path}/{name}" + (f"[{counters[name]}]" if below_root else "")
                stack.append((xpath, {}))
                if name in STATEMENT_SHAPES and root_depth is None:
                    root_depth = depth
                    message_index += 1
                    found = message_type_from_namespace(namespace_of(el))
                    family = {"BkToCstmrAcctRpt": "camt.052", "BkToCstmrStmt": "camt.053",
                              "BkToCstmrDbtCdtNtfctn": "camt.054"}[name]
                    message_type = found[0] if found and found[1] == family else family
                    ctx = Context(file=filename, message_index=message_index, message_type=message_type)
                    shape = STATEMENT_SHAPES[name]
                elif (
                    name == "Ntry" and statement is None and shape is not None and ctx is not None
                    and root_depth is not None and depth == root_depth + 2
                ):
                    # first entry: every statement-level element before it is complete
                    st_el = el.getparent()
                    statement = read_statement_head(Node(st_el, parent_path, ctx), shape[1], shape[2])  # type: ignore[arg-type]
                continue

            xpath, _ = stack.pop()
            depth = len(stack)
            if root_depth is None or ctx is None or shape is None:
                continue
            name = local_name(el)
            if depth == root_depth + 2 and name == "Ntry" and statement is not None:
                entry = read_entry(Node(el, xpath, ctx), shape[1])  # type: ignore[arg-type]
                _drop_done(el)
                yield statement, entry
            elif depth == root_depth + 1 and name == shape[0]:
                statement = None
                _drop_done(el)
            elif depth == root_depth:
                root_depth, shape, statement = None, None, None
    if message_index < 0:
        raise UnknownMessageTypeError(
            "no camt.052/053/054 statement element (BkToCstmrStmt, BkToCstmrAcctRpt, BkToCstmrDbtCdtNtfctn)",
            file=filename,
        )
