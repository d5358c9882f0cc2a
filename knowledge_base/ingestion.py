"""Bringing the store in line with the documents on disk, re-embedding only what changed.

Each ingest root (a folder or a single file given on the command line) is synchronised: documents
whose content hash is already stored are skipped, changed ones have their passages replaced, and
documents that were ingested from that root but are gone now lose their passages. A document is keyed
by its front-matter `id`, so the same document moved to another checkout replaces itself instead of
duplicating. A file that cannot be read is reported and left as stored; the others still ingest.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from breakdesk.knowledge_base.chunker import CHUNKER_VERSION, Passage, chunk_document
from breakdesk.knowledge_base.documents import PACKAGED_DOCS, discover, load_document
from breakdesk.knowledge_base.embeddings import Embedder
from breakdesk.knowledge_base.errors import DocumentError
from breakdesk.knowledge_base.store import KBStore

EMBED_BATCH = 128
FLUSH_AT = 4 * EMBED_BATCH  # passages gathered across documents before embedding and storing them


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)  # doc ids
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    errors: list[DocumentError] = field(default_factory=list)
    chunks_embedded: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def _doc_hash(content_hash: str) -> str:
    return f"{CHUNKER_VERSION}:{content_hash}"


def ingest(
    store: KBStore,
    embedder: Embedder,
    roots: Sequence[Path] | None = None,
    *,
    progress: Callable[[Iterable[Path], int], Iterable[Path]] | None = None,
) -> IngestReport:
    """Synchronise `store` with the documents under `roots` (default: the packaged docs)."""
    roots = [Path(r).resolve() for r in (roots or [PACKAGED_DOCS])]
    report = IngestReport()
    stored: dict[str, dict] = {}  # doc_id -> {"hash", "root", "source", "ids"}
    for chunk in store.iter_chunks(with_text=False):
        entry = stored.setdefault(chunk.metadata.get("doc_id", ""), {"ids": []})
        entry.update(hash=chunk.metadata.get("doc_hash"), root=chunk.metadata.get("root"),
                     source=chunk.metadata.get("source"))
        entry["ids"].append(chunk.id)

    files: list[tuple[Path, Path]] = []
    for root in roots:
        if not root.exists():
            report.errors.append(DocumentError(root, "no such file or folder"))
            continue
        files.extend((root, path) for path in discover(root))

    seen: dict[str, Path] = {}
    pending: list[_Pending] = []
    failed_sources: set[str] = set()
    iterator: Iterable[tuple[Path, Path]] = files
    if progress is not None:
        iterator = progress(files, len(files))  # type: ignore[arg-type]
    for root, path in iterator:
        try:
            doc = load_document(path)
            if doc.doc_id in seen:
                raise DocumentError(path, f"document id {doc.doc_id!r} is already used by {seen[doc.doc_id]}")
        except DocumentError as exc:
            report.errors.append(exc)
            failed_sources.add(str(path))
            continue
        seen[doc.doc_id] = path
        previous = stored.get(doc.doc_id)
        if previous and previous.get("hash") == _doc_hash(doc.content_hash):
            if previous.get("source") != str(path) or previous.get("root") != str(root):
                # same content found elsewhere (another checkout): re-point it, no re-embedding
                store.update_metadata(previous["ids"], {"source": str(path), "root": str(root)})
            report.unchanged.append(doc.doc_id)
            continue
        pending.append(_Pending(doc.doc_id, chunk_document(doc, source=str(path)), str(root), previous))
        if sum(len(p.passages) for p in pending) >= FLUSH_AT:
            _embed_and_replace(store, embedder, pending, report)
            pending = []
    _embed_and_replace(store, embedder, pending, report)

    root_strs = {str(r) for r in roots}
    for doc_id, entry in stored.items():
        if doc_id in seen or entry.get("root") not in root_strs or entry.get("source") in failed_sources:
            continue  # not ours to judge, or unreadable this time: keep what is stored
        store.delete(entry["ids"])
        report.removed.append(doc_id)
    if report.added or report.updated or report.removed:
        store.bump_generation()  # tells retrievers in other processes to rebuild their keyword index
    return report


@dataclass
class _Pending:
    """A changed document's passages, waiting to be embedded with others."""

    doc_id: str
    passages: list[Passage]
    root: str
    previous: dict | None


def _embed_and_replace(store: KBStore, embedder: Embedder, pending: list[_Pending], report: IngestReport) -> None:
    """Embed the passages of several documents in shared batches, then swap each document's passages.

    Embedding first means a failure while embedding leaves the old passages in place. Batches span
    documents because most documents are smaller than a batch: one model call per document cost a
    call's overhead each time (measured with `python -m breakdesk.evals.benchmarks kb`).
    """
    texts = [p.indexed_text for item in pending for p in item.passages]
    vectors: list[list[float]] = []
    for start in range(0, len(texts), EMBED_BATCH):
        vectors.extend(embedder.embed_documents(texts[start:start + EMBED_BATCH]))
    ids: list[str] = []
    bodies: list[str] = []
    metadatas: list[dict] = []
    stale: list[str] = []
    for item in pending:
        for p in item.passages:
            meta = p.metadata()
            meta.update(root=item.root, doc_hash=_doc_hash(p.doc_hash))
            metadatas.append(meta)
            ids.append(p.citation_id)
            bodies.append(p.text)
        if item.previous:
            stale += sorted(set(item.previous["ids"]) - {p.citation_id for p in item.passages})
    if stale:
        store.delete(stale)
    if ids:
        store.upsert(ids, bodies, vectors, metadatas)
    for item in pending:
        (report.updated if item.previous else report.added).append(item.doc_id)
        report.chunks_embedded += len(item.passages)


def ingest_paths(
    paths: Sequence[Path | str] | None = None,
    *,
    rebuild: bool = False,
    store: KBStore | None = None,
    embedder: Embedder | None = None,
    progress: Callable[[Iterable[Path], int], Iterable[Path]] | None = None,
) -> IngestReport:
    """Open (or rebuild) the configured store and synchronise it with `paths`."""
    from breakdesk.knowledge_base.retrieval import invalidate_index, shared_embedder
    from breakdesk.knowledge_base.store import StoreConfig

    config = store.config if store is not None else StoreConfig.from_env()
    if rebuild:
        store = KBStore.rebuild(config)
    elif store is None:
        store = KBStore(config)
    report = ingest(store, embedder or shared_embedder(), [Path(p) for p in paths] if paths else None,
                    progress=progress)
    invalidate_index(config)
    return report
