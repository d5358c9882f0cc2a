"""Hybrid retrieval: exact code/tag look-up, then vector and BM25 rankings fused by reciprocal rank.

An operator who types `AC04` or `:71A:` wants that passage, not the nearest paraphrase, so exact
matches on the stored `code` / `tags` metadata come first. Everything else is ranked by weighted
reciprocal rank fusion (RRF) of the Chroma vector ranking and the BM25 ranking: rank-based fusion
needs no score calibration between cosine distances and BM25 scores.

`make_retriever()` is the factory other stages use (a context manager); `retrieve()` in the package
is the one-call entry point on a per-process cached retriever.
"""

from __future__ import annotations

import math
import re
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Mapping

from pydantic import BaseModel, Field

from knowledge_base.embeddings import Embedder, MiniLMEmbedder
from knowledge_base.keyword_index import KeywordIndex
from knowledge_base.store import KBStore, StoreConfig

FILTER_KEYS = ("scheme", "kind", "doc_id", "code")
OVERFETCH_MARGIN = 1.5  # unfiltered neighbours fetched per wanted one, beyond the filter's share
OVERFETCH_LIMIT = 1000  # past this many neighbours, let Chroma filter instead
_CODE_WORD = re.compile(r"\b([A-Za-z][A-Za-z0-9]{3}|[RrCc]\d{2})\b")
_COLON_TAG = re.compile(r":(\d{2}[A-Za-z]?):")
_BARE_TAG = re.compile(r"(?<![\w:])(\d{2}[A-Za-z])(?![\w])")
_NAMED_TAG = re.compile(r"\b(?:field|tag)\s+:?(\d{2}[A-Za-z]?)\b", re.IGNORECASE)


class Hit(BaseModel):
    """One retrieved passage; `citation_id` is what explanations cite."""

    citation_id: str
    doc_id: str
    title: str
    section: str
    text: str
    score: float
    matched_by: list[str] = Field(default_factory=list, description="exact, vector, keyword")
    metadata: dict[str, Any] = Field(default_factory=dict)


@dataclass(frozen=True)
class FusionWeights:
    vector: float = 1.0
    keyword: float = 1.0
    rrf_k: int = 60
    depth: int = 50  # candidates taken from each ranking


def normalise_filters(filters: Mapping[str, Any] | None) -> dict[str, list[str]]:
    """`{"scheme": "SEPA"}` or lists of values; unknown keys are an error, empty values are ignored."""
    out: dict[str, list[str]] = {}
    for key, value in (filters or {}).items():
        if value in (None, "", [], ()):
            continue
        if key not in FILTER_KEYS:
            raise ValueError(f"unknown filter {key!r}; use one of {', '.join(FILTER_KEYS)}")
        values = value if isinstance(value, (list, tuple, set, frozenset)) else [value]
        # schemes and kinds are stored lower-case; codes upper-case
        fold = str.lower if key in ("scheme", "kind") else str.upper if key == "code" else str
        out[key] = [fold(str(v)) for v in values]
    return out


def _chroma_where(filters: dict[str, list[str]]) -> dict[str, Any] | None:
    clauses = [{k: v[0]} if len(v) == 1 else {k: {"$in": v}} for k, v in filters.items()]
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


class Retriever:
    def __init__(self, store: KBStore, embedder: Embedder, weights: FusionWeights | None = None,
                 index: KeywordIndex | None = None) -> None:
        self.store = store
        self.embedder = embedder
        self.weights = weights or FusionWeights()
        self.index = index if index is not None else load_index(store)
        self._pos = {cid: i for i, cid in enumerate(self.index.ids)}

    def _vector_candidates(self, query: str, flt: dict[str, list[str]], mask: Any) -> list[tuple[str, float]]:
        """The `depth` nearest passages that pass the filters.

        A Chroma `where` filter costs a metadata query on every search (p95 59 ms at 10k passages with a
        scheme + kind filter), so when the filters keep a fair share of the passages the search asks for
        more neighbours without a filter and drops the others here, with the mask the keyword side uses
        anyway. Only a narrow filter, or an overfetch that came back short, pays for the filtered query.
        """
        depth, total = self.weights.depth, len(self.index)
        embedding = self.embedder.embed_query(query)
        if mask is None:
            return self.store.query(embedding, depth, None, total=total)
        kept = int(mask.sum())
        if not kept:
            return []
        wanted = min(depth, kept)
        fetch = min(total, math.ceil(wanted * OVERFETCH_MARGIN * total / kept))
        if fetch <= OVERFETCH_LIMIT:
            hits = [(cid, d) for cid, d in self.store.query(embedding, fetch, None, total=total)
                    if (pos := self._pos.get(cid)) is not None and mask[pos]]
            if len(hits) >= wanted or fetch >= total:
                return hits[:depth]
        return self.store.query(embedding, depth, _chroma_where(flt), total=total)

    def exact_matches(self, query: str) -> list[tuple[str, int]]:
        """(label, position) for codes and MT tags the query names, in the order it names them."""
        found: list[tuple[str, int]] = []
        for word in _CODE_WORD.findall(query):
            code = word.upper()
            # letter-only codes (NARR, DUPL) must be typed in capitals, or "cust" in prose would match
            if code in self.index.codes and (any(c.isdigit() for c in word) or word.isupper()):
                found.extend((code, pos) for pos in self.index.codes[code])
        tags = _COLON_TAG.findall(query) + _BARE_TAG.findall(query) + _NAMED_TAG.findall(query)
        for tag in tags:
            label = f":{tag.upper()}:"
            found.extend((label, pos) for pos in self.index.tags.get(label, []))
        return list(dict.fromkeys(found))

    def search(self, query: str, k: int = 5, filters: Mapping[str, Any] | None = None) -> list[Hit]:
        query = query.strip()
        if not query or not len(self.index) or k <= 0:
            return []
        flt = normalise_filters(filters)
        mask = self.index.mask(flt)
        w = self.weights
        fused: dict[int, float] = {}
        how: dict[int, list[str]] = {}

        vector_hits = self._vector_candidates(query, flt, mask)
        for rank, (cid, _distance) in enumerate(vector_hits):
            pos = self._pos.get(cid)
            if pos is not None:
                fused[pos] = fused.get(pos, 0.0) + w.vector / (w.rrf_k + rank + 1)
                how.setdefault(pos, []).append("vector")

        scores = self.index.scores(query)
        if mask is not None:
            scores = scores * mask
        positive = int((scores > 0).sum())
        if positive:
            depth = min(w.depth, positive)
            top = scores.argpartition(-depth)[-depth:]
            for rank, pos in enumerate(sorted(top.tolist(), key=lambda p: -scores[p])):
                fused[pos] = fused.get(pos, 0.0) + w.keyword / (w.rrf_k + rank + 1)
                how.setdefault(pos, []).append("keyword")

        exact: list[int] = []
        for _label, pos in self.exact_matches(query):
            if (mask is None or mask[pos]) and pos not in exact:
                exact.append(pos)
        exact.sort(key=lambda p: -fused.get(p, 0.0))
        boost = 1.0 + max(fused.values(), default=0.0)  # exact matches outrank any fused score
        ranked = [(p, boost + fused.get(p, 0.0)) for p in exact]
        ranked += sorted(((p, s) for p, s in fused.items() if p not in set(exact)), key=lambda ps: -ps[1])
        return [self._hit(pos, score, (["exact"] if pos in exact else []) + how.get(pos, []))
                for pos, score in ranked[:k]]

    def _hit(self, pos: int, score: float, matched_by: list[str]) -> Hit:
        meta = dict(self.index.metadatas[pos])
        meta["tags"] = str(meta.get("tags") or "").split()
        meta["doc_tags"] = str(meta.get("doc_tags") or "").split()
        return Hit(
            citation_id=self.index.ids[pos], doc_id=str(meta.get("doc_id", "")), title=str(meta.get("title", "")),
            section=str(meta.get("section", "")), text=self.index.texts[pos], score=round(score, 6),
            matched_by=matched_by, metadata=meta,
        )



_INDEX_CACHE: dict[tuple[str, str], tuple[str, KeywordIndex]] = {}
_INDEX_LOCK = threading.Lock()


def load_index(store: KBStore) -> KeywordIndex:
    """The BM25 index for `store`, rebuilt from its passages unless this process has a current one."""
    key = (store.config.location, store.config.collection)
    signature = store.signature()
    with _INDEX_LOCK:
        cached = _INDEX_CACHE.get(key)
        if cached and cached[0] == signature:
            return cached[1]
        chunks = list(store.iter_chunks())
        index = KeywordIndex.build([c.id for c in chunks], [c.metadata for c in chunks], [c.text for c in chunks])
        _INDEX_CACHE[key] = (signature, index)
        return index


def invalidate_index(config: StoreConfig) -> None:
    """Forget the cached index after this process changed the store (ingestion calls this)."""
    with _INDEX_LOCK:
        _INDEX_CACHE.pop((config.location, config.collection), None)


@contextmanager
def make_retriever(*, data_dir: Path | str | None = None, chroma_url: str | None = None,
                   embedder: Embedder | None = None, weights: FusionWeights | None = None,
                   store: KBStore | None = None) -> Iterator[Retriever]:
    """A hybrid retriever over the configured store (env: BREAKDESK_DATA_DIR, BREAKDESK_CHROMA_URL)."""
    store = store or KBStore(StoreConfig.from_env(data_dir=data_dir, chroma_url=chroma_url))
    yield Retriever(store, embedder or shared_embedder(), weights)


_default: dict[tuple[str, str], Retriever] = {}
_embedder: MiniLMEmbedder | None = None


def shared_embedder() -> MiniLMEmbedder:
    global _embedder
    if _embedder is None:
        _embedder = MiniLMEmbedder()
    return _embedder


def retrieve(query: str, k: int = 5, filters: Mapping[str, Any] | None = None) -> list[Hit]:
    """Search the configured knowledge base; the retriever is built once per process and store."""
    config = StoreConfig.from_env()
    key = (config.location, config.collection)
    retriever = _default.get(key)
    if retriever is None or load_index(retriever.store) is not retriever.index:
        retriever = Retriever(KBStore(config), shared_embedder())
        _default[key] = retriever
    return retriever.search(query, k=k, filters=filters)
