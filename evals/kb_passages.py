"""The knowledge-base passages as the retrieval engine cites them, and a model-free retriever over them.

Two uses: golden datasets are checked against these citation ids (a reference citation that names no
passage is a broken dataset, not a model error), and `LexicalRetriever` — exact code look-up, then the
knowledge base's own BM25 index — stands in for hybrid retrieval where the offline gate and fast tests
need determinism without the embedding model. Passages come from the knowledge base's own loader and
chunker, so there is one citation rule.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from breakdesk.knowledge_base.chunker import Passage, chunk_document
from breakdesk.knowledge_base.documents import PACKAGED_DOCS as DOCS_DIR
from breakdesk.knowledge_base.documents import discover, load_document
from breakdesk.knowledge_base.keyword_index import KeywordIndex


@lru_cache(maxsize=2)
def load_passages(docs_dir: str | None = None) -> tuple[Passage, ...]:
    """The passages of every document ingestion would pick up under `docs_dir` (default: the packaged docs)."""
    folder = Path(docs_dir) if docs_dir else DOCS_DIR
    return tuple(p for path in discover(folder) for p in chunk_document(load_document(path)))


def citation_ids(docs_dir: str | None = None) -> frozenset[str]:
    return frozenset(p.citation_id for p in load_passages(docs_dir))


def _hit(p: Passage, score: float) -> dict[str, Any]:
    return {"citation_id": p.citation_id, "doc_id": p.doc_id, "title": p.title, "text": p.text, "score": score,
            "metadata": {"kind": p.kind, "section": p.section, "code": p.code}}


class LexicalRetriever:
    """Exact code/MT-tag look-up first, then BM25, both from the knowledge base's keyword index. `retrieve(query, k)`."""

    name = "lexical-kb-bm25"

    def __init__(self, docs_dir: str | None = None) -> None:
        self.passages = load_passages(docs_dir)
        self.index = KeywordIndex.build([p.citation_id for p in self.passages], [p.metadata() for p in self.passages],
                                        [p.text for p in self.passages])

    def __call__(self, query: str, k: int = 5) -> list[dict[str, Any]]:
        ranked: list[tuple[int, float]] = [(pos, 100.0) for pos in dict.fromkeys(p for _, p in self.index.exact_matches(query))]
        seen = {i for i, _ in ranked}
        scores = self.index.scores(query)
        ranked += [(i, float(scores[i])) for i in sorted(range(len(scores)), key=lambda j: (-scores[j], j)) if i not in seen]
        return [_hit(self.passages[i], s) for i, s in ranked[:k]]
