"""The Chroma collection that holds the passages, embedded or behind a Chroma server.

Embedded `PersistentClient` under `$BREAKDESK_DATA_DIR/chroma` (default `.breakdesk/chroma` in the
working directory) unless `BREAKDESK_CHROMA_URL` names a server, then `HttpClient`. Either way the rest of
the knowledge base sees one `KBStore`. Chroma's own failures on a damaged directory are cryptic
(sqlite or Rust panics), so opening translates them into a `StoreError` that says what to run.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from breakdesk.knowledge_base.errors import StoreError
from breakdesk.knowledge_base.runtime import apply_offline_defaults

COLLECTION = "breakdesk_kb"
REBUILD_HINT = "run `breakdesk kb ingest --rebuild` to recreate it from the documents"
_PAGE = 2000


@dataclass(frozen=True)
class StoreConfig:
    data_dir: Path
    chroma_url: str | None = None
    collection: str = COLLECTION

    @classmethod
    def from_env(cls, *, data_dir: Path | str | None = None, chroma_url: str | None = None) -> StoreConfig:
        data = data_dir or os.environ.get("BREAKDESK_DATA_DIR") or Path.cwd() / ".breakdesk"
        url = (chroma_url if chroma_url is not None else os.environ.get("BREAKDESK_CHROMA_URL")) or None
        return cls(data_dir=Path(data).resolve(), chroma_url=url)

    @property
    def chroma_path(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def location(self) -> str:
        return self.chroma_url or str(self.chroma_path)


@dataclass(frozen=True)
class StoredChunk:
    id: str
    text: str
    metadata: dict[str, Any]
    embedding: Sequence[float] | None = None


def _client(config: StoreConfig) -> Any:
    apply_offline_defaults()
    import chromadb
    from chromadb.config import Settings

    settings = Settings(anonymized_telemetry=False, allow_reset=True)
    if config.chroma_url:
        url = urlparse(config.chroma_url)
        if not url.hostname:
            raise StoreError(f"BREAKDESK_CHROMA_URL {config.chroma_url!r} is not a URL like http://127.0.0.1:8000")
        try:
            return chromadb.HttpClient(
                host=url.hostname, port=url.port or (443 if url.scheme == "https" else 8000),
                ssl=url.scheme == "https", settings=settings,
            )
        except Exception as exc:  # noqa: BLE001 - any client failure means the server is not usable
            raise StoreError(f"cannot reach the Chroma server at {config.chroma_url}: {exc}") from exc
    config.chroma_path.mkdir(parents=True, exist_ok=True)
    try:
        return chromadb.PersistentClient(path=str(config.chroma_path), settings=settings)
    except BaseException as exc:  # chroma raises Rust panics (BaseException) on damaged files
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        raise StoreError(f"the knowledge-base store at {config.chroma_path} cannot be opened ({exc}); {REBUILD_HINT}") from exc


def _forget_clients() -> None:
    """Chroma caches one system per path; after deleting the files it must not hand the old one out."""
    from chromadb.api.shared_system_client import SharedSystemClient

    SharedSystemClient.clear_system_cache()


class KBStore:
    """One collection of passages with cosine distance; ids are citation ids."""

    def __init__(self, config: StoreConfig) -> None:
        from breakdesk.knowledge_base.embeddings import MiniLMEmbeddingFunction

        self.config = config
        self._client = _client(config)
        try:
            self.collection = self._client.get_or_create_collection(
                config.collection,
                embedding_function=MiniLMEmbeddingFunction(),
                configuration={"hnsw": {"space": "cosine"}},
            )
        except BaseException as exc:
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise
            raise StoreError(f"the knowledge-base store at {config.location} is unusable ({exc}); {REBUILD_HINT}") from exc

    @classmethod
    def rebuild(cls, config: StoreConfig) -> KBStore:
        """Start from an empty collection, even when the old store cannot be opened at all."""
        try:
            client = _client(config)
            if config.collection in {c.name for c in client.list_collections()}:
                client.delete_collection(config.collection)
        except BaseException as exc:
            if isinstance(exc, (KeyboardInterrupt, SystemExit)) or config.chroma_url:
                raise
            _forget_clients()
            shutil.rmtree(config.chroma_path, ignore_errors=True)
        return cls(config)

    def signature(self) -> str:
        """Changes whenever any process changed the passages (count + the generation ingest stamps)."""
        from breakdesk.knowledge_base.embeddings import MiniLMEmbeddingFunction

        fresh = self._client.get_collection(self.config.collection, embedding_function=MiniLMEmbeddingFunction())
        return f"{fresh.count()}:{(fresh.metadata or {}).get('generation', '')}"

    def bump_generation(self) -> None:
        import uuid

        self.collection.modify(metadata={**(self.collection.metadata or {}), "generation": uuid.uuid4().hex})

    def count(self) -> int:
        return self.collection.count()

    def iter_chunks(self, *, with_text: bool = True, with_embeddings: bool = False) -> Iterator[StoredChunk]:
        include = ["metadatas"] + (["documents"] if with_text else []) + (["embeddings"] if with_embeddings else [])
        total = self.collection.count()
        for offset in range(0, total, _PAGE):
            page = self.collection.get(include=include, limit=_PAGE, offset=offset)
            n = len(page["ids"])
            docs = page.get("documents") or [""] * n
            vectors = page.get("embeddings")
            vectors = [None] * n if vectors is None else vectors
            for id_, text, meta, vector in zip(page["ids"], docs, page["metadatas"], vectors):
                yield StoredChunk(id_, text or "", dict(meta or {}), vector)

    def upsert(self, ids: Sequence[str], texts: Sequence[str], embeddings: Sequence[Sequence[float]],
               metadatas: Sequence[dict[str, Any]]) -> None:
        for start in range(0, len(ids), _PAGE):
            end = start + _PAGE
            self.collection.upsert(
                ids=list(ids[start:end]), documents=list(texts[start:end]),
                embeddings=[list(e) for e in embeddings[start:end]], metadatas=list(metadatas[start:end]),
            )

    def update_metadata(self, ids: Sequence[str], changes: dict[str, Any]) -> None:
        """Merge `changes` into the metadata of `ids` without touching their embeddings."""
        for start in range(0, len(ids), _PAGE):
            page = self.collection.get(ids=list(ids[start:start + _PAGE]), include=["metadatas"])
            metas = [{**(m or {}), **changes} for m in page["metadatas"]]
            self.collection.update(ids=page["ids"], metadatas=metas)

    def delete(self, ids: Sequence[str]) -> None:
        for start in range(0, len(ids), _PAGE):
            self.collection.delete(ids=list(ids[start:start + _PAGE]))

    def query(self, embedding: Sequence[float], n: int) -> list[tuple[str, float]]:
        """(id, cosine distance) nearest first, by Chroma's own index.

        Retrieval scores every passage exactly in process (`knowledge_base.retrieval`); this is the
        store's view, kept so a test can check the two agree.
        """
        n = min(n, self.count())
        if n <= 0:
            return []
        result = self.collection.query(query_embeddings=[list(embedding)], n_results=n, include=["distances"])
        return list(zip(result["ids"][0], result["distances"][0]))
