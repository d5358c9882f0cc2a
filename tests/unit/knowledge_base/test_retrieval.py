from __future__ import annotations

from pathlib import Path

import pytest

from breakdesk.knowledge_base.ingestion import ingest_paths
from breakdesk.knowledge_base.retrieval import Retriever, make_retriever, normalise_filters

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "kb"


@pytest.fixture
def retriever(store, fake_embedder) -> Retriever:  # type: ignore[no-untyped-def]
    report = ingest_paths([FIXTURES], store=store, embedder=fake_embedder)
    assert report.ok
    with make_retriever(store=store, embedder=fake_embedder) as r:
        return r


def _ids(hits) -> list[str]:  # type: ignore[no-untyped-def]
    return [h.citation_id for h in hits]


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("AC04", "iso-status-reasons#ac04"),
        ("what should I do with an ac04 return?", "iso-status-reasons#ac04"),
        ("R01", "nacha-returns#r01-insufficient-funds"),
        ("what does :71A: mean", "mt103-fields#f71a"),
        ("71A SHA", "mt103-fields#f71a"),
        ("field 59", "mt103-fields#f59"),
        ("NARR", "iso-status-reasons#narr"),
    ],
)
def test_exact_code_and_tag_lookup_comes_first(retriever: Retriever, query: str, first: str) -> None:
    hits = retriever.search(query, k=3)
    assert hits[0].citation_id == first
    assert hits[0].matched_by[0] == "exact"


def test_lowercase_letter_only_code_is_prose(retriever: Retriever) -> None:
    assert "exact" not in retriever.search("narr", k=3)[0].matched_by


def test_semantic_and_keyword_hits(retriever: Retriever) -> None:
    hits = retriever.search("beneficiary account closed, ask customer for new details", k=5)
    assert {"sop-returns#closed-account-returns", "iso-status-reasons#ac04"} <= set(_ids(hits))
    hit = hits[0]
    assert hit.text and hit.title and hit.doc_id == hit.citation_id.split("#")[0]
    assert set(hit.metadata) >= {"scheme", "kind", "version", "effective", "source", "content_hash", "code", "tags"}
    assert hits == sorted(hits, key=lambda h: -h.score)


def test_filters_apply_to_every_ranking(retriever: Retriever) -> None:
    hits = retriever.search("AC04 closed account", k=5, filters={"kind": "sop"})
    assert hits and all(h.metadata["kind"] == "sop" for h in hits)
    hits = retriever.search("closed account", k=5, filters={"scheme": "ISO20022", "kind": ["code-set"]})
    assert hits and all(h.metadata["scheme"] == "iso20022" for h in hits)
    assert retriever.search("closed", filters={"scheme": "no-such-scheme"}) == []


def test_hit_tags_and_code(retriever: Retriever) -> None:
    hit = retriever.search(":71A:", k=1)[0]
    assert hit.metadata["tags"] == [":71A:"] and hit.metadata["code"] == ""
    assert retriever.search("AC04", k=1)[0].metadata["code"] == "AC04"


def test_empty_query_and_unknown_filter(retriever: Retriever) -> None:
    assert retriever.search("   ") == []
    with pytest.raises(ValueError, match="unknown filter"):
        normalise_filters({"colour": "red"})


def test_index_is_cached_per_process_and_refreshed_after_ingest(store, fake_embedder, docs: Path) -> None:  # type: ignore[no-untyped-def]
    ingest_paths([docs], store=store, embedder=fake_embedder)
    with make_retriever(store=store, embedder=fake_embedder) as first, make_retriever(store=store, embedder=fake_embedder) as second:
        assert first.index is second.index
    (docs / "returns_sop.md").write_text((docs / "returns_sop.md").read_text() + "\n## Escalation\nCall the desk lead.\n")
    ingest_paths([docs], store=store, embedder=fake_embedder)
    with make_retriever(store=store, embedder=fake_embedder) as third:
        assert third.index is not first.index
        assert "sop-returns#escalation" in _ids(third.search("escalation desk lead", k=3))


def test_index_notices_an_ingest_by_another_process(store, fake_embedder, docs: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from breakdesk.knowledge_base.ingestion import ingest
    from breakdesk.knowledge_base.retrieval import load_index
    from breakdesk.knowledge_base.store import KBStore

    ingest_paths([docs], store=store, embedder=fake_embedder)
    first = load_index(store)
    assert load_index(store) is first
    sop = docs / "returns_sop.md"
    sop.write_text(sop.read_text().replace("open a case", "open a ticket"))  # same passage count
    other = KBStore(store.config)  # stands in for another process: no in-process invalidation
    ingest(other, fake_embedder, [docs])
    fresh = load_index(store)
    assert fresh is not first and any("open a ticket" in t for t in fresh.texts)


def test_vector_scores_are_exact_and_agree_with_chroma(retriever: Retriever) -> None:
    """The in-process product ranks like Chroma's cosine distance (HNSW is exact on a store this small)."""
    import numpy as np

    query = "closed account"
    embedding = retriever.embedder.embed_query(query)
    chroma = [cid for cid, _ in retriever.store.query(embedding, 5)]
    cosine = retriever._cosines(query)
    ours = [retriever.index.ids[p] for p in np.argsort(-cosine, kind="stable")[:5]]
    assert ours == chroma


def test_a_passage_bm25_is_sure_of_beats_one_moderate_on_both_sides() -> None:
    """Why scores are fused rather than ranks: reciprocal rank fusion puts `b` first, the convex
    combination puts `a` (BM25's only strong match) first."""
    import numpy as np

    from breakdesk.knowledge_base.retrieval import FusionWeights, _min_max, _scaled

    cosine = np.array([0.40, 0.52, 0.55, 0.20, 0.50], dtype=np.float32)
    bm25 = np.array([9.0, 3.0, 0.0, 0.0, 2.5], dtype=np.float32)
    alpha = FusionWeights().vector
    fused = alpha * _min_max(cosine) + (1 - alpha) * _scaled(bm25)
    assert int(np.argmax(fused)) == 0

    def rank(scores: np.ndarray, i: int) -> int:
        return list(np.argsort(-scores, kind="stable")).index(i)

    rrf = [1 / (61 + rank(cosine, i)) + 1 / (61 + rank(bm25, i)) for i in range(len(cosine))]
    assert int(np.argmax(rrf)) == 1
    assert _min_max(np.ones(3)).tolist() == [0, 0, 0] and _scaled(np.zeros(3)).tolist() == [0, 0, 0]


def test_a_store_from_another_embedder_is_a_clear_error(retriever: Retriever) -> None:
    from breakdesk.knowledge_base.errors import StoreError

    class Wider:
        def embed_query(self, text: str) -> list[float]:
            return [1.0] * 1000

    retriever.embedder = Wider()  # type: ignore[assignment]
    with pytest.raises(StoreError, match="dimensional vectors.*--rebuild"):
        retriever.search("closed account")


def test_without_stored_vectors_no_hit_claims_a_vector_match(retriever: Retriever) -> None:
    """Every cosine is 0 then, so 'fewer than depth passages score higher' would hold for all of them."""
    from breakdesk.knowledge_base.keyword_index import KeywordIndex

    index = retriever.index
    bare = Retriever(retriever.store, retriever.embedder,
                     index=KeywordIndex.build(index.ids, index.metadatas, index.texts))
    hits = bare.search("closed account", k=5)
    assert hits and all("vector" not in h.matched_by for h in hits)
    assert "vector" in retriever.search("closed account", k=5)[0].matched_by
