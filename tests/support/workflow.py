"""A workspace for workflow tests: a migrated database, users per role, a runtime with offline parts."""

from __future__ import annotations

from pathlib import Path

from breakdesk.agents.llm import LLMSettings, load_chat_model
from breakdesk.app.samples import DEMO_DAY_DIR as DEMO
from breakdesk.app.services.users import bootstrap_user
from breakdesk.app.services.workflow import Runtime
from breakdesk.app.store.db import make_engine, session_scope
from breakdesk.app.store.migrate import upgrade

USERS = {"olivia": "ops", "oscar": "ops", "carl": "clerk", "chloe": "compliance", "ada": "admin"}


def keyword_retrieve():
    """Deterministic retrieval over the real documents without the embedding model (fast tests)."""
    from breakdesk.evals.kb_passages import LexicalRetriever

    return LexicalRetriever()


def make_workspace(tmp: Path, url: str | None = None) -> tuple[object, Runtime]:
    url = url or f"sqlite:///{tmp / 'bd.sqlite3'}"
    upgrade(url)
    engine = make_engine(url)
    with session_scope(engine) as s:
        for name, role in USERS.items():
            bootstrap_user(s, username=name, role=role, password=f"pw-{name}-123", origin="test")
    runtime = Runtime(provider=load_chat_model(LLMSettings(provider="none")), retrieve=keyword_retrieve(),
                      checkpoint_url=url if url.startswith("postgresql") else f"sqlite:///{tmp / 'ckpt.sqlite3'}",
                      outbox=tmp / "outbox")
    return engine, runtime


def demo_files() -> list[tuple[str, bytes]]:
    return [(p.name, p.read_bytes()) for p in sorted(DEMO.iterdir()) if p.suffix in {".xml", ".csv"}]
