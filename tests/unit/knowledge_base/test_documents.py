from __future__ import annotations

from pathlib import Path

import pytest

from breakdesk.knowledge_base.documents import load_document, slugify
from breakdesk.knowledge_base.errors import DocumentError

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "kb"


def test_markdown_front_matter_is_read() -> None:
    doc = load_document(FIXTURES / "iso_codes.md")
    assert doc.doc_id == "iso-status-reasons"
    assert doc.scheme == "iso20022"  # folded to lower case so filters are case-insensitive
    assert doc.kind == "code-set"
    assert doc.version == "2024"
    assert doc.effective == "2024-11-17"  # YAML dates come back as ISO strings
    assert doc.tags == ("pacs.002", "pacs.004")
    assert not doc.body.startswith("---")
    assert len(doc.content_hash) == 64


def test_plain_text_and_html() -> None:
    txt = load_document(FIXTURES / "cutoff_notice.txt")
    assert (txt.doc_id, txt.kind) == ("cutoff-notice", "")
    page = load_document(FIXTURES / "nacha_returns.html")
    assert page.title == "Nacha return codes"
    assert "## R01 — Insufficient funds" in page.body
    assert "alert" not in page.body and "p{}" not in page.body


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"---\nid: x\ntitle: [unclosed\n---\nbody", "not valid YAML"),
        (b"---\nid: x\ntitle: T\nscheme: s\n---\nbody", "lacks kind"),
        (b"---\nid: x\ntitle: T\nscheme: s\nkind: novel\n---\nbody", "kind 'novel'"),
        (b"\xff\xfe\x00bad bytes", "not valid UTF-8"),
    ],
)
def test_bad_files_name_the_file(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "bad.md"
    path.write_bytes(content)
    with pytest.raises(DocumentError) as info:
        load_document(path)
    assert str(path) in str(info.value) and reason in str(info.value)


def test_unsupported_and_missing(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="unsupported"):
        load_document(_touch(tmp_path / "x.docx"))
    with pytest.raises(DocumentError, match="cannot read"):
        load_document(tmp_path / "absent.md")


def _touch(path: Path) -> Path:
    path.write_text("x")
    return path


@pytest.mark.parametrize(
    ("text", "slug"),
    [("AC04 — Closed account", "ac04-closed-account"), ("  What's new?  ", "what-s-new"), (":71A: Charges", "71a-charges")],
)
def test_slugify(text: str, slug: str) -> None:
    assert slugify(text) == slug
