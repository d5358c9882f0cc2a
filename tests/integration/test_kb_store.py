"""The knowledge base end to end with the real MiniLM model: embedded Chroma and a real Chroma server.

The model is loaded once for the whole test process (the embedder is process-wide); the server is
started by the test on a free 127.0.0.1 port and nothing else is contacted.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from breakdesk.knowledge_base.embeddings import model_load_count
from breakdesk.knowledge_base.ingestion import ingest_paths
from breakdesk.knowledge_base.retrieval import make_retriever, retrieve, shared_embedder
from breakdesk.knowledge_base.runtime import OFFLINE_DEFAULTS
from breakdesk.knowledge_base.store import KBStore, StoreConfig

pytestmark = pytest.mark.integration

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "kb"
# chromadb is a hard dependency, so its CLI sits next to the interpreter running the tests (`make test`
# does not activate the venv, so PATH may not have it).
CHROMA = Path(sys.executable).parent / "chroma"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    exe = str(CHROMA) if CHROMA.exists() else shutil.which("chroma")
    assert exe, f"the chroma CLI is missing (looked for {CHROMA} and on PATH): chromadb is not installed properly"
    port = _free_port()
    path = tmp_path_factory.mktemp("chroma-server")
    env = {**os.environ, **OFFLINE_DEFAULTS}
    proc = subprocess.Popen([exe, "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"chroma server did not start on {url}")
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def _round_trip(config: StoreConfig) -> None:
    embedder = shared_embedder()
    before = embedder.calls
    report = ingest_paths([FIXTURES], store=KBStore(config), embedder=embedder)
    assert report.ok and len(report.added) == 5
    assert embedder.calls - before == 1  # the five documents' passages share one batch
    embedded = embedder.texts_embedded

    again = ingest_paths([FIXTURES], store=KBStore(config), embedder=embedder)
    assert len(again.unchanged) == 5 and embedder.calls - before == 1 and embedder.texts_embedded == embedded

    with make_retriever(store=KBStore(config)) as retriever:
        assert retriever.search("AC04", k=3)[0].citation_id == "iso-status-reasons#ac04"
        assert retriever.search("who pays the charges with SHA", k=3)[0].citation_id == "mt103-fields#f71a"
        hits = retriever.search("the debit bounced because there was not enough money in the account", k=3)
        assert hits[0].citation_id == "nacha-returns#r01-insufficient-funds"
        assert "vector" in hits[0].matched_by
        sop = retriever.search("what to do when the beneficiary's account no longer exists", k=3, filters={"kind": "sop"})
        assert sop[0].citation_id == "sop-returns#closed-account-returns"


def test_embedded_store_round_trip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BREAKDESK_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("BREAKDESK_CHROMA_URL", raising=False)
    config = StoreConfig.from_env()
    assert config.chroma_url is None and config.chroma_path == tmp_path.resolve() / "chroma"
    _round_trip(config)
    assert (tmp_path / "chroma" / "chroma.sqlite3").is_file()
    assert retrieve("R01", k=1)[0].citation_id == "nacha-returns#r01-insufficient-funds"


def test_chroma_server_round_trip(chroma_server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BREAKDESK_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("BREAKDESK_CHROMA_URL", chroma_server)
    config = StoreConfig.from_env()
    assert config.chroma_url == chroma_server
    _round_trip(config)
    assert not (tmp_path / "chroma").exists()  # nothing written locally
    assert retrieve(":59:", k=1)[0].citation_id == "mt103-fields#f59"


def test_one_model_load_per_process() -> None:
    shared_embedder().embed_query("warm")
    assert model_load_count() == 1
