"""XSD validation of ISO 20022 documents against the official schemas, as findings (never exceptions).

The schema is `<xsd_dir>/<message_type>.xsd`; `xsd_dir` is `$BREAKDESK_XSD_DIR`, or by default
`<repo>/../shared/reference/xsd` when it exists (`$BREAKDESK_SHARED/reference/xsd` when that is set,
as for a worktree that does not sit beside `shared/`). Only the `Document` is validated: wrappers (SWIFT
envelope, FedNow, TCH) and the application header have schemas of their own that we do not enforce.
A TCH payload that has no `Document` gets one in its own namespace before validation.

Compiled schemas are cached per path. Schema loading never touches the network: the parser has
`no_network=True` and a resolver refuses any reference outside the schema directory.
"""

from __future__ import annotations

import copy
import os
from functools import lru_cache
from pathlib import Path

from lxml import etree

from breakdesk.parsers.canonical import Provenance
from breakdesk.parsers.errors import ParseError, UnsafeXMLError
from breakdesk.parsers.findings import Finding
from breakdesk.parsers.iso20022.locate import Located, locate
from breakdesk.parsers.iso20022.node import local_name, namespace_of
from breakdesk.parsers.iso20022.xml import parse_xml

_REPO_ROOT = Path(__file__).resolve().parents[2]


def xsd_dir() -> Path | None:
    configured = os.environ.get("BREAKDESK_XSD_DIR")
    if configured:
        return Path(configured)
    shared = os.environ.get("BREAKDESK_SHARED")  # the same override tests/conftest.py honours
    default = (Path(shared) if shared else _REPO_ROOT.parent / "shared") / "reference" / "xsd"
    return default if default.is_dir() else None


class _LocalOnlyResolver(etree.Resolver):
    """Resolve schema includes/imports only to files inside the schema directory; refuse the rest."""

    def __init__(self, base: Path) -> None:
        super().__init__()
        self.base = base.resolve()

    def resolve(self, url, pubid, context):  # noqa: D102 - lxml API
        target = Path(url[7:] if url.startswith("file://") else url)
        if "://" in url and not url.startswith("file://"):
            raise UnsafeXMLError(f"schema reference to {url} refused (no network)")
        target = (self.base / target).resolve() if not target.is_absolute() else target.resolve()
        if self.base not in target.parents:
            raise UnsafeXMLError(f"schema reference outside {self.base} refused: {url}")
        return self.resolve_filename(str(target), context)


@lru_cache(maxsize=64)
def _schema(path: str) -> etree.XMLSchema:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    parser.resolvers.add(_LocalOnlyResolver(Path(path).parent))
    return etree.XMLSchema(etree.parse(path, parser))


def _document_for_validation(loc: Located) -> etree._Element:
    if local_name(loc.document) == "Document":
        return copy.deepcopy(loc.document)
    ns = namespace_of(loc.message_root)
    doc = etree.Element(f"{{{ns}}}Document" if ns else "Document", nsmap={None: ns} if ns else None)
    doc.append(copy.deepcopy(loc.message_root))
    return doc


def _local_xpath(el: etree._Element) -> str:
    parts = []
    node = el
    while node is not None:
        parent = node.getparent()
        name = local_name(node)
        if parent is not None:
            same = [c for c in parent.iterchildren(tag=etree.Element) if local_name(c) == name]
            name += f"[{same.index(node) + 1}]"
        parts.append(name)
        node = parent
    return "/".join(reversed(parts))


def _error_xpath(doc: etree._Element, loc: Located, path: str | None) -> str | None:
    """Turn libxml2's error path into our local-name XPath rooted where the message really is."""
    if not path:
        return None
    try:
        found = doc.getroottree().xpath(path, namespaces={k: v for k, v in doc.nsmap.items() if k})
    except etree.XPathError:
        return None
    if not found or not isinstance(found[0], etree._Element):
        return None
    segments = _local_xpath(found[0]).split("/")  # Document, MsgRoot[1], Child[n], ...
    if len(segments) == 1:
        return loc.document_xpath
    return "/".join([loc.message_root_xpath, *segments[2:]])


def xsd_findings(data: bytes, filename: str | None = None) -> list[Finding]:
    """One XSD_INVALID error per violation, or one XSD_NOT_AVAILABLE info when there is no schema."""
    tree = parse_xml(data, filename)
    directory = xsd_dir()
    findings: list[Finding] = []
    for index, loc in enumerate(locate(tree.getroot(), filename)):
        where = Provenance(file=filename, message_index=index, line=loc.document.sourceline, xpath=loc.document_xpath)
        schema_path = directory / f"{loc.message_type}.xsd" if directory else None
        if schema_path is None or not schema_path.is_file():
            findings.append(
                Finding(
                    severity="info",
                    code="XSD_NOT_AVAILABLE",
                    message=f"no XSD for {loc.message_type} in {directory or '(no schema directory)'}",
                    location=where,
                )
            )
            continue
        try:
            schema = _schema(str(schema_path))
        except etree.LxmlError as exc:
            raise ParseError(f"cannot load schema {schema_path}: {exc}", file=str(schema_path)) from exc
        doc = _document_for_validation(loc)
        if schema.validate(doc):
            continue
        for err in schema.error_log:
            findings.append(
                Finding(
                    severity="error",
                    code="XSD_INVALID",
                    message=err.message,
                    location=Provenance(
                        file=filename, message_index=index, line=err.line or None,
                        xpath=_error_xpath(doc, loc, err.path),
                    ),
                )
            )
    return findings
