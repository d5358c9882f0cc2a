from __future__ import annotations

from pathlib import Path

import pytest

from breakdesk.knowledge_base.chunker import chunk_document, heading_code, heading_tags
from breakdesk.knowledge_base.documents import Document, load_document

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "kb"


def _doc(body: str, title: str = "Doc") -> Document:
    return Document(doc_id="d", title=title, body=body, source=Path("d.md"), content_hash="0" * 64, scheme="s", kind="sop")


def test_code_set_passages_and_citation_ids() -> None:
    passages = chunk_document(load_document(FIXTURES / "iso_codes.md"))
    by_id = {p.citation_id: p for p in passages}
    assert list(by_id) == [
        "iso-status-reasons#intro",
        "iso-status-reasons#ac04",
        "iso-status-reasons#am05",
        "iso-status-reasons#narr",
        "iso-status-reasons#using-the-codes",
    ]
    ac04 = by_id["iso-status-reasons#ac04"]
    assert ac04.section == "AC04 — Closed account number"  # explicit anchor stripped from the title
    assert ac04.code == "AC04" and ac04.kind == "code-set" and ac04.version == "2024"
    assert ac04.doc_tags == ("pacs.002", "pacs.004") and ac04.metadata()["doc_tags"] == "pacs.002 pacs.004"
    assert ac04.text.startswith("The creditor account is closed")
    # the intro keeps its prose but not the `# Title` line that repeats the title
    assert by_id["iso-status-reasons#intro"].text.startswith("The external status reason code set")
    # a `##` inside a fenced block is content
    assert "not a heading inside a fence" in by_id["iso-status-reasons#using-the-codes"].text


def test_mt_field_passages_carry_tags() -> None:
    passages = chunk_document(load_document(FIXTURES / "mt103_fields.md"))
    ids = [p.citation_id for p in passages]
    # `## Fields` has no body of its own: no empty passage
    assert ids == ["mt103-fields#f71a", "mt103-fields#f59", "mt103-fields#sender-s-charges"]
    assert passages[0].tags == (":71A:",) and passages[0].code == ""
    assert passages[2].tags == ()  # only headings give tags, not tags mentioned in the body


def test_duplicate_anchors_and_comments() -> None:
    body = "<!-- generated: do not edit -->\n## Notes\none\n## Notes\ntwo\n### Notes {#notes}\nthree\n"
    assert [p.anchor for p in chunk_document(_doc(body))] == ["notes", "notes-2", "notes-3"]


def test_metadata_is_flat_scalars() -> None:
    passage = chunk_document(load_document(FIXTURES / "mt103_fields.md"))[0]
    meta = passage.metadata()
    assert all(isinstance(v, str) for v in meta.values())
    assert meta["tags"] == ":71A:" and meta["doc_id"] == "mt103-fields" and meta["section"].startswith(":71A:")
    assert passage.indexed_text.startswith("MT103 field guide — :71A: Details of charges\n")


@pytest.mark.parametrize(
    ("heading", "code"),
    [
        ("AC04 — Closed account number", "AC04"),
        ("R01 — Insufficient funds", "R01"),
        ("C01: Incorrect account number", "C01"),
        ("NARR", "NARR"),
        ("SEPA Credit Transfer", ""),  # four capitals, but not followed by a separator
        ("MT103 basics", ""),
        ("2024 — changes", ""),
    ],
)
def test_heading_code(heading: str, code: str) -> None:
    assert heading_code(heading) == code


def test_heading_tags() -> None:
    assert heading_tags(":32A: Value date / :33B: Instructed amount :32A:") == (":32A:", ":33B:")
