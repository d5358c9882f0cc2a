"""Breakdesk knowledge base: rulebooks, code sets and SOPs, their ingestion into Chroma, and hybrid retrieval.

Importing the package switches model hubs and telemetry off (offline defaults) and nothing heavier:
the embedding model loads on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from breakdesk.knowledge_base.runtime import apply_offline_defaults

apply_offline_defaults()

if TYPE_CHECKING:  # pragma: no cover
    from breakdesk.knowledge_base.retrieval import Hit, Retriever

__all__ = ["Hit", "Retriever", "make_retriever", "retrieve", "ingest_paths"]


def __getattr__(name: str) -> Any:
    # Lazy so `import knowledge_base` stays cheap (chromadb and torch load only when used).
    if name in {"Hit", "Retriever", "make_retriever", "retrieve"}:
        from breakdesk.knowledge_base import retrieval

        return getattr(retrieval, name)
    if name == "ingest_paths":
        from breakdesk.knowledge_base import ingestion

        return ingestion.ingest_paths
    raise AttributeError(f"module 'knowledge_base' has no attribute {name!r}")
