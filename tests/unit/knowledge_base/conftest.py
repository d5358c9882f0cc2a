"""Fixtures for knowledge-base unit tests: a deterministic fake embedder and a store in a tmp dir.

The fake embedder hashes tokens into a small bag-of-words vector, so vector search is meaningful
(shared words → near) while no model is loaded; it counts calls so incremental ingestion is testable.
"""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from breakdesk.knowledge_base import retrieval
from breakdesk.knowledge_base.keyword_index import tokenize
from breakdesk.knowledge_base.store import KBStore, StoreConfig

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "kb"
DIM = 64


class FakeEmbedder:
    name = "fake-bag-of-words"

    def __init__(self) -> None:
        self.calls = 0
        self.texts: list[str] = []

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        self.calls += 1
        self.texts.extend(texts)
        out = []
        for text in texts:
            vec = np.zeros(DIM)
            for token in tokenize(text):
                vec[int(hashlib.md5(token.encode()).hexdigest(), 16) % DIM] += 1.0
            vec[0] += 1e-3  # never the zero vector
            out.append((vec / np.linalg.norm(vec)).tolist())
        return out

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


@pytest.fixture
def fake_embedder(monkeypatch: pytest.MonkeyPatch) -> FakeEmbedder:
    """Also installed as the process-wide embedder, so CLI commands use it."""
    embedder = FakeEmbedder()
    monkeypatch.setattr(retrieval, "_embedder", embedder)
    return embedder


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "data"
    monkeypatch.setenv("BREAKDESK_DATA_DIR", str(path))
    monkeypatch.delenv("BREAKDESK_CHROMA_URL", raising=False)
    return path


@pytest.fixture
def store(data_dir: Path) -> KBStore:
    return KBStore(StoreConfig.from_env())


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    """A private copy of the fixture docs that a test may edit."""
    target = tmp_path / "docs"
    shutil.copytree(FIXTURES, target)
    return target
