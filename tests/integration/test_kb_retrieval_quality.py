"""The retrieval floor on the real documents and the real eval set: recall@5 ≥ 0.95, MRR ≥ 0.85.

Runs against the committed documents (`knowledge_base/docs`) and eval set
(`evals/datasets/kb_retrieval.jsonl`); a missing dataset or cited passage is a failure, not a skip.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from breakdesk.evals.retrieval_eval import DEFAULT_DATASET, evaluate, format_report, load_dataset
from breakdesk.knowledge_base.ingestion import PACKAGED_DOCS, ingest_paths
from breakdesk.knowledge_base.retrieval import make_retriever, shared_embedder
from breakdesk.knowledge_base.store import KBStore, StoreConfig

pytestmark = pytest.mark.integration

RECALL_FLOOR = 0.95
MRR_FLOOR = 0.85


def test_retrieval_meets_the_floor_on_the_real_docs(tmp_path: Path) -> None:
    cases = load_dataset(DEFAULT_DATASET)
    assert len(cases) >= 20, "the eval set is too small to mean anything"
    store = KBStore(StoreConfig.from_env(data_dir=tmp_path, chroma_url=""))
    report = ingest_paths([PACKAGED_DOCS], store=store, embedder=shared_embedder())
    assert report.ok, [str(e) for e in report.errors]
    with make_retriever(store=store) as retriever:
        known = set(retriever.index.ids)
        unknown = sorted({cid for c in cases for cid in c.expected} - known)
        assert not unknown, f"eval set cites passages that do not exist: {unknown[:10]}"
        result = evaluate(lambda q, k, f: [h.citation_id for h in retriever.search(q, k=k, filters=f)], cases, k=5)
    summary = format_report(result)
    assert result.recall_at_k >= RECALL_FLOOR, summary
    assert result.mrr >= MRR_FLOOR, summary
