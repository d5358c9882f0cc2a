"""Loading knowledge-base source files into `Document`s.

Markdown with YAML front matter is the house format (`id`, `title`, `scheme`, `kind`, `version`,
`effective`, optional `tags`). Plain text, HTML and PDF are accepted so an operator can drop in a
bank's notice or a scheme's rulebook as-is; their metadata is derived from the file name (a PDF's own
title when it has one). HTML headings become Markdown headings so the same heading chunker applies; a
PDF becomes one section per page (`doc#page-12`), because a page is what a reader of a PDF can look up. Every failure names the file (`DocumentError`), so one bad file never
hides the others.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from breakdesk.knowledge_base.errors import DocumentError

KINDS = frozenset({"rulebook", "code-set", "sop"})
MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})
TEXT_SUFFIXES = frozenset({".txt"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
PDF_SUFFIXES = frozenset({".pdf"})
SUPPORTED_SUFFIXES = MARKDOWN_SUFFIXES | TEXT_SUFFIXES | HTML_SUFFIXES | PDF_SUFFIXES
REQUIRED_FRONT_MATTER = ("id", "title", "scheme", "kind")
PACKAGED_DOCS = Path(__file__).resolve().parent / "docs"

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_SLUG_RUN = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    """Lowercase, runs of non-alphanumerics become `-`, trimmed (the agreed anchor rule)."""
    return _SLUG_RUN.sub("-", text.lower()).strip("-")


def discover(root: Path) -> list[Path]:
    """Supported files under a folder (hidden entries skipped), or the file itself."""
    if root.is_file():
        return [root]
    return sorted(
        p for p in root.rglob("*")
        if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
        and not any(part.startswith(".") for part in p.relative_to(root).parts)
    )


@dataclass(frozen=True)
class Document:
    doc_id: str
    title: str
    body: str  # Markdown (headings `##`/`###` delimit passages)
    source: Path
    content_hash: str  # sha256 of the raw file bytes
    scheme: str = ""
    kind: str = ""
    version: str = ""
    effective: str = ""
    tags: tuple[str, ...] = field(default_factory=tuple)


def load_document(path: Path) -> Document:
    """Read one file by its suffix; raise `DocumentError` naming the file when it cannot be used."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DocumentError(path, f"cannot read file ({exc.strerror or exc})") from exc
    digest = hashlib.sha256(raw).hexdigest()
    suffix = path.suffix.lower()
    if suffix in PDF_SUFFIXES:
        return _pdf(path, raw, digest)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DocumentError(path, f"not valid UTF-8 (byte offset {exc.start})") from exc
    if suffix in MARKDOWN_SUFFIXES:
        return _markdown(path, text, digest)
    if suffix in TEXT_SUFFIXES:
        return Document(doc_id=slugify(path.stem), title=path.stem, body=text, source=path, content_hash=digest)
    if suffix in HTML_SUFFIXES:
        return _html(path, text, digest)
    raise DocumentError(path, f"unsupported file type {suffix or '(none)'}")


def _markdown(path: Path, text: str, digest: str) -> Document:
    match = _FRONT_MATTER.match(text)
    if not match:
        first_heading = re.search(r"^#\s+(.+)$", text, re.MULTILINE)
        title = first_heading.group(1).strip() if first_heading else path.stem
        return Document(doc_id=slugify(path.stem), title=title, body=text, source=path, content_hash=digest)
    try:
        meta = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        where = f" (front matter line {line + 2})" if line is not None else ""
        raise DocumentError(path, f"front matter is not valid YAML{where}") from exc
    if not isinstance(meta, dict):
        raise DocumentError(path, "front matter must be a mapping")
    missing = [key for key in REQUIRED_FRONT_MATTER if not meta.get(key)]
    if missing:
        raise DocumentError(path, f"front matter lacks {', '.join(missing)}")
    kind = str(meta["kind"]).strip().lower()
    if kind not in KINDS:
        raise DocumentError(path, f"front matter kind {kind!r} is not one of {', '.join(sorted(KINDS))}")
    tags = meta.get("tags") or ()
    if isinstance(tags, str):
        tags = [t.strip() for t in tags.split(",") if t.strip()]
    return Document(
        doc_id=str(meta["id"]).strip(),
        title=str(meta["title"]).strip(),
        body=text[match.end():],
        source=path,
        content_hash=digest,
        scheme=str(meta["scheme"]).strip().lower(),
        kind=kind,
        version=_scalar(meta.get("version")),
        effective=_scalar(meta.get("effective")),
        tags=tuple(str(t) for t in tags),
    )


def _scalar(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def _html(path: Path, text: str, digest: str) -> Document:
    from lxml import etree, html

    try:
        # decoded text, not bytes: lxml would guess Latin-1 for a page without a charset
        root = html.fromstring(re.sub(r"^\s*<\?xml[^>]*\?>", "", text))
    except (etree.ParserError, ValueError) as exc:
        raise DocumentError(path, f"not parseable HTML ({exc})") from exc
    title = " ".join((root.findtext(".//title") or root.findtext(".//h1") or "").split()) or path.stem
    etree.strip_elements(root, "script", "style", "noscript", "head", with_tail=False)
    lines: list[str] = []
    for el in root.iter("h1", "h2", "h3", "p", "li", "pre", "dt", "dd", "tr"):
        content = " ".join(el.text_content().split())
        if content:
            lines.append({"h2": "## ", "h3": "### ", "li": "- "}.get(el.tag, "") + content)
    return Document(doc_id=slugify(path.stem), title=title, body="\n\n".join(lines), source=path, content_hash=digest)


def _pdf(path: Path, raw: bytes, digest: str) -> Document:
    """Text of each page as a `## Page N` section (pypdf; no OCR, so a scanned PDF is an error)."""
    import io

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(raw))
        if reader.is_encrypted:
            raise DocumentError(path, "the PDF is encrypted; save an unprotected copy to ingest it")
        pages = [page.extract_text() or "" for page in reader.pages]
        title = str((reader.metadata or {}).get("/Title") or "").strip()
    except DocumentError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise DocumentError(path, f"not a readable PDF ({exc})") from exc
    sections = [f"## Page {n}\n\n{' '.join(text.split())}" for n, text in enumerate(pages, 1) if text.strip()]
    if not sections:
        raise DocumentError(path, f"no text on any of its {len(pages)} pages (a scanned PDF needs OCR first)")
    return Document(doc_id=slugify(path.stem), title=title or path.stem, body="\n\n".join(sections),
                    source=path, content_hash=digest)
