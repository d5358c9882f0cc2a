"""Splitting a `Document` into citable passages, one per `##`/`###` heading.

The citation id `<doc id>#<anchor>` is the contract with the documents and the eval set: the anchor is
the explicit `{#anchor}` at the end of the heading when present, else the slug of the heading text.
Text before the first heading becomes the `#intro` passage. Headings inside fenced code blocks are
content, not structure. A heading that starts with an ISO 20022 or Nacha reason code (`AC04 — …`,
`R01 — …`) records that code, and MT field tags in a heading (`:71A:`) are recorded too, so exact
look-ups can go straight to the passage.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from breakdesk.knowledge_base.documents import Document, slugify

CHUNKER_VERSION = "2"  # part of every stored hash: bump it when chunk or embedded text changes
INTRO_ANCHOR = "intro"

_HEADING = re.compile(r"^(#{2,3})[ \t]+(.+?)[ \t]*#*[ \t]*$")
_EXPLICIT_ANCHOR = re.compile(r"\s*\{#([A-Za-z0-9][\w.:-]*)\}\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
# ISO 20022 external codes are 4 characters starting with a letter; Nacha returns/NOCs are R01/C01.
CODE_AT_START = re.compile(r"^(?P<code>[A-Z][A-Z0-9]{3}|[RC]\d{2})(?=\s*(?:[—–:/,(-]|$))")
MT_TAG = re.compile(r":(\d{2}[A-Z]?):")


@dataclass(frozen=True)
class Passage:
    citation_id: str
    doc_id: str
    anchor: str
    title: str  # the document's title
    section: str  # heading text without the explicit anchor ("" for the intro)
    text: str  # the passage body, without its heading line
    scheme: str
    kind: str
    version: str
    effective: str
    source: str
    doc_hash: str
    code: str = ""
    tags: tuple[str, ...] = ()  # MT field tags named in the heading, e.g. (":71A:",)
    doc_tags: tuple[str, ...] = ()  # the document's front-matter tags

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(f"{CHUNKER_VERSION}\n{self.section}\n{self.text}".encode()).hexdigest()

    @property
    def indexed_text(self) -> str:
        return indexed_text(self.title, self.section, self.text)

    def metadata(self) -> dict[str, str]:
        """Flat scalar metadata, as Chroma stores it (tag lists joined by spaces)."""
        return {
            "doc_id": self.doc_id,
            "anchor": self.anchor,
            "title": self.title,
            "section": self.section,
            "scheme": self.scheme,
            "kind": self.kind,
            "version": self.version,
            "effective": self.effective,
            "source": self.source,
            "doc_hash": self.doc_hash,
            "content_hash": self.content_hash,
            "code": self.code,
            "tags": " ".join(self.tags),
            "doc_tags": " ".join(self.doc_tags),
        }


def indexed_text(title: str, section: str, text: str) -> str:
    """What gets embedded and keyword-indexed: the heading context matters as much as the body."""
    head = f"{title} — {section}" if section else title
    return f"{head}\n{text}"


def heading_code(section: str) -> str:
    match = CODE_AT_START.match(section)
    return match.group("code") if match else ""


def heading_tags(section: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(f":{tag}:" for tag in MT_TAG.findall(section)))


def chunk_document(doc: Document, *, source: str | None = None) -> list[Passage]:
    """Cut on `##`/`###`; empty sections are dropped, repeated anchors get `-2`, `-3`, ... suffixes."""
    sections: list[tuple[str, str, list[str]]] = [("", INTRO_ANCHOR, [])]
    in_fence = False
    for line in _COMMENT.sub("", doc.body).splitlines():
        if _FENCE.match(line):
            in_fence = not in_fence
        heading = None if in_fence else _HEADING.match(line)
        if heading is None:
            sections[-1][2].append(line)
            continue
        raw_title = heading.group(2)
        explicit = _EXPLICIT_ANCHOR.search(raw_title)
        title = raw_title[: explicit.start()].strip() if explicit else raw_title.strip()
        anchor = explicit.group(1) if explicit else slugify(title)
        sections.append((title, anchor or "section", []))

    passages: list[Passage] = []
    seen: dict[str, int] = {}
    for section, anchor, lines in sections:
        text = "\n".join(lines).strip()
        if not section:
            text = _drop_h1(text, doc.title)
        if not text:
            continue
        seen[anchor] = seen.get(anchor, 0) + 1
        if seen[anchor] > 1:
            anchor = f"{anchor}-{seen[anchor]}"
        passages.append(
            Passage(
                citation_id=f"{doc.doc_id}#{anchor}",
                doc_id=doc.doc_id,
                anchor=anchor,
                title=doc.title,
                section=section,
                text=text,
                scheme=doc.scheme,
                kind=doc.kind,
                version=doc.version,
                effective=doc.effective,
                source=source if source is not None else str(doc.source),
                doc_hash=doc.content_hash,
                code=heading_code(section),
                tags=heading_tags(section),
                doc_tags=doc.tags,
            )
        )
    return passages


def _drop_h1(text: str, title: str) -> str:
    """An intro made only of the `# Title` line says nothing the title does not."""
    lines = text.splitlines()
    if lines and lines[0].startswith("# ") and lines[0][2:].strip() in {title, ""}:
        return "\n".join(lines[1:]).strip()
    return text
