"""Finding the ISO 20022 documents in a file, whatever wraps them, and telling their type.

Shapes seen in real traffic:

* a bare `Document`;
* `AppHdr` next to `Document` inside a SWIFT `Envelope` (`urn:swift:xsd:envelope`), a FedNow
  `FedNowIncoming` envelope, or an ad-hoc `<message>` root (the older `urn:swift:xsd:$ahV10` header);
* a TCH RTP `urn:tch` `Message` whose payload is the message element itself (`ps:FIToFIPmtStsRpt`),
  with no `Document` at all.

Several documents in one file give several messages. The type comes from the namespace
(`urn:iso:std:iso:20022:tech:xsd:camt.053.001.02` → `camt.053.001.02`, SIX
`…/pain.001.001.03.ch.02.xsd` → `pain.001.001.03.ch.02`), or, without a namespace, from the message
element's name (`FIToFIPmtStsRpt` → `pacs.002`, version unknown).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from breakdesk.parsers.errors import MalformedMessageError, UnknownMessageTypeError
from breakdesk.parsers.iso20022.node import local_name, namespace_of
from breakdesk.parsers.iso20022.registry import READERS, ROOT_NAMES

_TYPE_IN_NS = re.compile(r"(?<![a-z])([a-z]{4}\.\d{3})\.(\d{3}\.\d{2})((?:\.[a-z]{2}\.\d{2})?)")


@dataclass(frozen=True)
class Located:
    document: etree._Element  # the Document element, or the message element when there is none
    message_root: etree._Element  # e.g. BkToCstmrStmt
    document_xpath: str
    message_root_xpath: str
    app_header: etree._Element | None
    envelope: str | None
    message_type: str
    family: str
    namespace: str | None


def message_type_from_namespace(ns: str | None) -> tuple[str, str] | None:
    """(message_type, family) from a Document namespace, or None when it names no message."""
    if not ns:
        return None
    m = _TYPE_IN_NS.search(ns)
    if not m:
        return None
    return m.group(0), m.group(1)


def _clark_or_local(el: etree._Element) -> str:
    ns = namespace_of(el)
    return f"{{{ns}}}{local_name(el)}" if ns else local_name(el)


def element_xpath(el: etree._Element) -> str:
    """Local-name XPath; a position only where same-name siblings make it necessary."""
    parts = []
    node = el
    while node is not None:
        name = local_name(node)
        parent = node.getparent()
        if parent is not None:
            same = [c for c in parent.iterchildren(tag=etree.Element) if local_name(c) == name]
            if len(same) > 1:
                name += f"[{same.index(node) + 1}]"
        parts.append(name)
        node = parent
    return "/" + "/".join(reversed(parts))


def _find_documents(root: etree._Element) -> list[etree._Element]:
    found: list[etree._Element] = []

    def walk(el: etree._Element, want) -> None:
        for child in el.iterchildren(tag=etree.Element):
            if want(child):
                found.append(child)
            else:
                walk(child, want)

    if local_name(root) == "Document" or local_name(root) in ROOT_NAMES:
        return [root]
    walk(root, lambda e: local_name(e) == "Document")
    if not found:
        walk(root, lambda e: local_name(e) in ROOT_NAMES)
    return found


def _app_header(doc: etree._Element) -> etree._Element | None:
    """The AppHdr that belongs to `doc`: the nearest preceding sibling, else any sibling, going up."""
    node = doc
    while node is not None:
        parent = node.getparent()
        if parent is None:
            return None
        siblings = [c for c in parent.iterchildren(tag=etree.Element)]
        idx = siblings.index(node)
        for c in reversed(siblings[:idx]):
            if local_name(c) == "AppHdr":
                return c
            if local_name(c) == "Document":
                break  # that header belongs to the previous document
        for c in siblings[idx + 1 :]:
            if local_name(c) == "AppHdr":
                return c
            if local_name(c) == "Document":
                break
        node = parent
    return None


def locate(root: etree._Element, filename: str | None) -> list[Located]:
    docs = _find_documents(root)
    if not docs:
        raise UnknownMessageTypeError(
            f"no ISO 20022 Document (or known message element) inside <{local_name(root)}>",
            file=filename,
            line=root.sourceline,
            xpath=element_xpath(root),
            tag=None,
        )
    envelope = None if root in docs else _clark_or_local(root)
    out = []
    for doc in docs:
        doc_xpath = element_xpath(doc)
        if local_name(doc) == "Document":
            children = list(doc.iterchildren(tag=etree.Element))
            if not children:
                raise MalformedMessageError(
                    "Document has no message element", file=filename, line=doc.sourceline, xpath=doc_xpath
                )
            msg_root = children[0]
            msg_xpath = f"{doc_xpath}/{local_name(msg_root)}"
        else:
            msg_root = doc
            msg_xpath = doc_xpath
        ns = namespace_of(doc) or namespace_of(msg_root)
        element = local_name(msg_root)
        by_ns = message_type_from_namespace(ns)
        by_name = ROOT_NAMES.get(element)
        if by_ns and by_ns[1] in READERS:
            message_type, family = by_ns
            if element not in READERS[family].roots:
                raise UnknownMessageTypeError(
                    f"namespace says {message_type} but the message element is <{element}>",
                    file=filename, line=msg_root.sourceline, xpath=msg_xpath, message_type=message_type,
                )
        elif by_name:
            family = by_name
            # a namespace that names a version of this family keeps it; otherwise the version is unknown
            message_type = by_ns[0] if by_ns and by_ns[1] == family else family
        else:
            what = by_ns[0] if by_ns else (ns or "no namespace")
            raise UnknownMessageTypeError(
                f"unknown ISO 20022 message type ({what}) with message element <{element}>",
                file=filename, line=msg_root.sourceline, xpath=msg_xpath,
            )
        out.append(
            Located(
                document=doc,
                message_root=msg_root,
                document_xpath=doc_xpath,
                message_root_xpath=msg_xpath,
                app_header=_app_header(doc),
                envelope=envelope,
                message_type=message_type,
                family=family,
                namespace=ns,
            )
        )
    return out
