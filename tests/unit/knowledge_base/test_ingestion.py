from __future__ import annotations

from pathlib import Path

import pytest

from breakdesk.knowledge_base.errors import StoreError
from breakdesk.knowledge_base.ingestion import ingest_paths
from breakdesk.knowledge_base.store import KBStore, StoreConfig


def _doc_ids(store: KBStore) -> set[str]:
    return {c.metadata["doc_id"] for c in store.iter_chunks(with_text=False)}


def test_incremental_ingest_only_embeds_what_changed(store: KBStore, fake_embedder, docs: Path) -> None:  # type: ignore[no-untyped-def]
    first = ingest_paths([docs], store=store, embedder=fake_embedder)
    assert first.ok and len(first.added) == 5 and fake_embedder.calls == 1  # one batch across documents
    assert first.chunks_embedded == len(fake_embedder.texts) == store.count()
    total = store.count()

    again = ingest_paths([docs], store=store, embedder=fake_embedder)
    assert again.unchanged and not (again.added or again.updated or again.removed)
    assert fake_embedder.calls == 1 and store.count() == total  # nothing re-embedded

    sop = docs / "returns_sop.md"
    sop.write_text(sop.read_text().replace("## Closed account returns", "## Closed accounts {#closed}"))
    (docs / "cutoff_notice.txt").unlink()
    changed = ingest_paths([docs], store=store, embedder=fake_embedder)
    assert changed.updated == ["sop-returns"] and changed.removed == ["cutoff-notice"]
    assert fake_embedder.calls == 2  # one batch for the one changed document
    ids = {c.id for c in store.iter_chunks(with_text=False)}
    assert "sop-returns#closed" in ids and "sop-returns#closed-account-returns" not in ids
    assert "cutoff-notice" not in _doc_ids(store)


def test_other_roots_are_left_alone(store: KBStore, fake_embedder, docs: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    extra = tmp_path / "extra.md"
    extra.write_text("---\nid: extra\ntitle: Extra\nscheme: internal\nkind: sop\n---\n## One\ntext\n")
    ingest_paths([docs], store=store, embedder=fake_embedder)
    ingest_paths([extra], store=store, embedder=fake_embedder)
    assert "extra" in _doc_ids(store) and "sop-returns" in _doc_ids(store)


def test_bad_file_is_reported_and_the_rest_ingest(store: KBStore, fake_embedder, docs: Path) -> None:  # type: ignore[no-untyped-def]
    ingest_paths([docs], store=store, embedder=fake_embedder)
    sop = docs / "returns_sop.md"
    sop.write_bytes(b"\xff\xfe broken")  # was good, now undecodable: keep what is stored
    (docs / "new.md").write_text("---\nid: new-doc\ntitle: New\nscheme: internal\nkind: sop\n---\n## A\nalpha\n")
    report = ingest_paths([docs], store=store, embedder=fake_embedder)
    assert not report.ok and [e.path for e in report.errors] == [sop]
    assert report.added == ["new-doc"] and not report.removed
    assert {"sop-returns", "new-doc"} <= _doc_ids(store)


def test_duplicate_document_ids_are_an_error(store: KBStore, fake_embedder, docs: Path) -> None:  # type: ignore[no-untyped-def]
    (docs / "zz_copy.md").write_text((docs / "returns_sop.md").read_text())
    report = ingest_paths([docs], store=store, embedder=fake_embedder)
    assert "already used" in str(report.errors[0]) and report.errors[0].path.name == "zz_copy.md"


def test_corrupt_store_says_rebuild_and_rebuild_recovers(data_dir: Path, fake_embedder, docs: Path) -> None:  # type: ignore[no-untyped-def]
    config = StoreConfig.from_env()
    ingest_paths([docs], store=KBStore(config), embedder=fake_embedder)
    (config.chroma_path / "chroma.sqlite3").write_bytes(b"not a database" * 100)
    from chromadb.api.shared_system_client import SharedSystemClient

    SharedSystemClient.clear_system_cache()
    with pytest.raises(StoreError, match="--rebuild"):
        KBStore(config)
    report = ingest_paths([docs], rebuild=True, embedder=fake_embedder)
    assert report.ok and len(report.added) == 5
    assert KBStore(config).count() > 0


def test_batches_across_documents_keep_each_vector_with_its_passage(  # type: ignore[no-untyped-def]
        store: KBStore, fake_embedder, docs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import numpy as np

    from breakdesk.knowledge_base import ingestion
    from breakdesk.knowledge_base.chunker import indexed_text

    monkeypatch.setattr(ingestion, "FLUSH_AT", 3)  # several flushes, each spanning documents
    monkeypatch.setattr(ingestion, "EMBED_BATCH", 2)
    report = ingest_paths([docs], store=store, embedder=fake_embedder)
    assert report.ok and len(report.added) == 5 and report.chunks_embedded == store.count()
    got = store.collection.get(include=["embeddings", "metadatas", "documents"])
    for text, meta, vector in zip(got["documents"], got["metadatas"], got["embeddings"]):
        expected = fake_embedder.embed_query(indexed_text(meta["title"], meta["section"], text))
        assert np.allclose(vector, expected, atol=1e-6), meta["doc_id"]
