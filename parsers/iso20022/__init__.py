"""ISO 20022 reader (version-agnostic by local element names, application-header and wrapper aware).

    parse_mx(bytes)  →  hardened parse (xml.py)  →  locate documents + types (locate.py)
                     →  header (header.py)  →  the family's reader (registry.py, one module per family)

Family modules register themselves with `@register(...)`; this package imports every sibling module
on import, so adding a family is one new file. Large statements: `parsers.iso20022.stream`.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator

from pydantic import ValidationError

from breakdesk.parsers.canonical import Message, Provenance
from breakdesk.parsers.errors import FieldError
from breakdesk.parsers.iso20022.header import read_header
from breakdesk.parsers.iso20022.locate import Located, element_xpath, locate
from breakdesk.parsers.iso20022.node import Context, Node
from breakdesk.parsers.iso20022.registry import READERS
from breakdesk.parsers.iso20022.xml import parse_xml
from breakdesk.parsers.source import DEFAULT_MAX_BYTES

_INFRASTRUCTURE = {"stream", "xsd"}  # imported on demand

for _module in pkgutil.iter_modules(__path__):
    if _module.name not in _INFRASTRUCTURE and not _module.name.startswith("_"):
        importlib.import_module(f"{__name__}.{_module.name}")


def read_located(loc: Located, index: int, filename: str | None, *, strict: bool = True) -> Message:
    """Turn one located document into a canonical message. Not `strict`: a statement entry that cannot
    be read is left out as an `UNREADABLE_ENTRY` finding on the message (`Message.findings`)."""
    findings: list | None = None if strict else []
    ctx = Context(file=filename, message_index=index, message_type=loc.message_type, findings=findings)
    root = Node(loc.message_root, loc.message_root_xpath, ctx)
    app_hdr = None
    if loc.app_header is not None:
        app_hdr = Node(loc.app_header, element_xpath(loc.app_header), ctx)
    spec = READERS[loc.family]
    message = Message(
        message_type=loc.message_type,
        family=loc.family,
        kind=spec.kind,
        provenance=Provenance(
            file=filename, message_index=index, line=loc.document.sourceline, xpath=loc.document_xpath
        ),
        namespace=loc.namespace,
        header=read_header(app_hdr, root, loc.envelope),
    )
    try:
        spec.read(root, message)
    except ValidationError as exc:
        # a value lxml accepted but the canonical model cannot hold (e.g. a missing mandatory amount)
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise FieldError(
            f"cannot build the canonical message: {where}: {first.get('msg')}",
            file=filename, line=loc.message_root.sourceline, xpath=loc.message_root_xpath,
            message_type=loc.message_type, message_index=index,
        ) from exc
    if ctx.findings:
        message.findings = list(ctx.findings)
    return message


def parse_mx(data: bytes, *, filename: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
             strict: bool = True) -> Iterator[Message]:
    """Every ISO 20022 message in `data` (all read before the first is yielded: all or nothing).

    Not `strict`: a statement entry that cannot be read (an amount or date no schema allows) is left out
    as an error finding holding its XML, and the rest is read. XML that is not well formed, or a message
    whose structure breaks, is refused as in strict reading: there is no structure to keep."""
    tree = parse_xml(data, filename, max_bytes=max_bytes)
    messages = [read_located(loc, i, filename, strict=strict) for i, loc in enumerate(locate(tree.getroot(), filename))]
    yield from messages


__all__ = ["parse_mx"]
