"""PDF rulebooks and SOPs: one passage per page with text; unusable PDFs are reported by name."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from breakdesk.knowledge_base.documents import load_document
from breakdesk.knowledge_base.errors import DocumentError
from breakdesk.knowledge_base.ingestion import ingest_paths
from breakdesk.knowledge_base.store import KBStore


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def make_pdf(pages: list[list[str]], title: str | None = None) -> bytes:
    """A minimal PDF 1.4 with Helvetica text, written by hand so the test needs no PDF writer."""
    objects: list[bytes] = []
    n_pages = len(pages)
    page_ids = [4 + 2 * i for i in range(n_pages)]
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{' '.join(f'{i} 0 R' for i in page_ids)}] /Count {n_pages} >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for lines in pages:
        body = "BT /F1 11 Tf 14 TL 72 720 Td " + " ".join(f"({_escape(line)}) Tj T*" for line in lines) + " ET"
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> "
                       f"/Contents {len(objects) + 2} 0 R >>".encode())
        objects.append(f"<< /Length {len(body)} >>\nstream\n{body}\nendstream".encode())
    info = None
    if title:
        objects.append(f"<< /Title ({_escape(title)}) >>".encode())
        info = len(objects)
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + obj + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    out.write("".join(f"{o:010d} 00000 n \n" for o in offsets).encode())
    trailer = f"<< /Size {len(objects) + 1} /Root 1 0 R" + (f" /Info {info} 0 R" if info else "") + " >>"
    out.write(f"trailer\n{trailer}\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def test_one_section_per_page_with_text(tmp_path: Path) -> None:
    path = tmp_path / "Bank Cut-off Notice 2026.pdf"
    path.write_bytes(make_pdf([["EUR cut-off moves to 15:30 CET.", "Payments after it get next-day value (AC04 unaffected)."],
                               [], ["Contact: payments desk."]], title="Cut-off notice 2026"))
    doc = load_document(path)
    assert doc.doc_id == "bank-cut-off-notice-2026" and doc.title == "Cut-off notice 2026"
    assert "## Page 1\n\nEUR cut-off moves to 15:30 CET. Payments after it get next-day value (AC04 unaffected)." in doc.body
    assert "## Page 2" not in doc.body  # a page without text is no passage
    assert "## Page 3\n\nContact: payments desk." in doc.body


def test_title_falls_back_to_the_file_name(tmp_path: Path) -> None:
    path = tmp_path / "notice.pdf"
    path.write_bytes(make_pdf([["Some text."]]))
    assert load_document(path).title == "notice"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"%PDF-1.4\nthis is not a pdf body", "not a readable PDF"),
        (b"", "not a readable PDF"),
        (None, "no text on any of its 2 pages"),
    ],
)
def test_unusable_pdfs_name_the_file(tmp_path: Path, content: bytes | None, message: str) -> None:
    path = tmp_path / "bad.pdf"
    path.write_bytes(make_pdf([[], []]) if content is None else content)
    with pytest.raises(DocumentError, match=message) as err:
        load_document(path)
    assert err.value.path == path


def test_encrypted_pdf_is_reported(tmp_path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(make_pdf([["secret"]]))))
    writer.encrypt(user_password="pw", algorithm="RC4-128")
    path = tmp_path / "locked.pdf"
    with path.open("wb") as fh:
        writer.write(fh)
    with pytest.raises(DocumentError, match="encrypted"):
        load_document(path)


def test_pdf_pages_are_ingested_and_cited_by_page(store: KBStore, fake_embedder, docs: Path) -> None:  # type: ignore[no-untyped-def]
    (docs / "scheme-notice.pdf").write_bytes(make_pdf([["Recall window is 13 months."], ["Second page text."]]))
    (docs / "broken.pdf").write_bytes(b"%PDF-1.4\nnot really")
    report = ingest_paths([docs], store=store, embedder=fake_embedder)
    assert [e.path.name for e in report.errors] == ["broken.pdf"]
    assert "scheme-notice" in report.added
    ids = {c.id for c in store.iter_chunks(with_text=False)}
    assert {"scheme-notice#page-1", "scheme-notice#page-2"} <= ids
