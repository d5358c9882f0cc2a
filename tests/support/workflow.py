"""A workspace for workflow tests: a migrated database, users per role, a runtime with offline parts."""

from __future__ import annotations

import re
from pathlib import Path

from agents.llm import LLMSettings, load_chat_model
from app.services.users import bootstrap_user
from app.services.workflow import Runtime
from app.store.db import make_engine, session_scope
from app.store.migrate import upgrade

DEMO = Path(__file__).resolve().parents[2] / "samples" / "demo-day"
USERS = {"olivia": "ops", "oscar": "ops", "carl": "clerk", "chloe": "compliance", "ada": "admin"}


def keyword_retrieve(kb_dir: Path | None = None):
    """Tiny retrieval over the real knowledge-base documents: exact code anchors first, then word overlap."""
    kb = kb_dir or Path(__file__).resolve().parents[2] / "knowledge_base" / "docs"
    passages = []
    for path in sorted(kb.rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        doc_id = re.search(r"^id:\s*(\S+)", text, re.M).group(1)
        for m in re.finditer(r"^#{2,3} (.+?)(?: \{#([a-z0-9_-]+)\})?\s*$([\s\S]*?)(?=^#{1,3} |\Z)", text, re.M):
            anchor = m.group(2) or re.sub(r"[^a-z0-9]+", "-", m.group(1).lower()).strip("-")
            passages.append({"citation_id": f"{doc_id}#{anchor}", "title": m.group(1), "text": m.group(3).strip(), "metadata": {}})

    def retrieve(query: str, k: int):
        words = set(re.findall(r"[a-z0-9]{3,}", query.lower()))
        codes = {c.lower() for c in re.findall(r"\b[A-Z]{2}\d{2}\b", query)}
        scored = sorted(passages, key=lambda p: (-(p["citation_id"].split("#")[1] in codes),
                                                  -len(words & set(re.findall(r"[a-z0-9]{3,}", (p["title"] + " " + p["text"]).lower())))))
        return scored[:k]

    return retrieve


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
