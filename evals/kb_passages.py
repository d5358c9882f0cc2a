"""The knowledge-base passages as the retrieval engine cites them (`<doc id>#<anchor>`).

Two uses: golden datasets are checked against this index (a reference citation that names no
passage is a broken dataset, not a model error), and `LexicalRetriever` stands in for the hybrid
retriever when that one is not in the build — deterministic, no model, so the offline gate is stable.
The anchor rule is the one `tests/unit/knowledge_base/test_docs_content.py` applies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

DOCS_DIR = Path(__file__).resolve().parents[1] / "knowledge_base" / "docs"
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*$")
_EXPLICIT = re.compile(r"^(.*?)\s*\{#([^}]+)\}$")
_CODE = re.compile(r"\b([A-Z]{2}\d{2}|[A-Z]{4}|R\d{2})\b")
_WORD = re.compile(r"[a-z0-9]+(?:\.[0-9]+)?")


@dataclass(frozen=True)
class Passage:
    citation_id: str
    doc_id: str
    title: str
    section: str
    text: str
    kind: str

    def as_hit(self, score: float) -> dict[str, Any]:
        return {"citation_id": self.citation_id, "doc_id": self.doc_id, "title": self.title, "text": self.text,
                "score": score, "metadata": {"kind": self.kind, "section": self.section}}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _passages_of(path: Path) -> list[Passage]:
    text = path.read_text(encoding="utf-8")
    end = text.index("\n---\n", 4)
    meta = yaml.safe_load(text[4:end])
    out: list[tuple[str, str, list[str]]] = []
    in_fence = False
    for line in text[end + 5:].splitlines():
        if line.startswith("```"):
            in_fence = not in_fence
        m = None if in_fence else _HEADING.match(line)
        if m and len(m.group(1)) in (2, 3):
            explicit = _EXPLICIT.match(m.group(2))
            out.append((explicit.group(2), explicit.group(1), []) if explicit else (_slug(m.group(2)), m.group(2), []))
        elif m and len(m.group(1)) == 1:
            continue
        elif out:
            out[-1][2].append(line)
    return [Passage(f"{meta['id']}#{a}", str(meta["id"]), str(meta.get("title", "")), h, "\n".join(b).strip(),
                    str(meta.get("kind", ""))) for a, h, b in out]


@lru_cache(maxsize=2)
def load_passages(docs_dir: str | None = None) -> tuple[Passage, ...]:
    folder = Path(docs_dir) if docs_dir else DOCS_DIR
    return tuple(p for path in sorted(folder.rglob("*.md")) for p in _passages_of(path))


def citation_ids(docs_dir: str | None = None) -> frozenset[str]:
    return frozenset(p.citation_id for p in load_passages(docs_dir))


class LexicalRetriever:
    """Exact reason-code lookup first, then BM25 over section title + text. `retrieve(query, k)`."""

    name = "lexical-bm25"

    def __init__(self, docs_dir: str | None = None) -> None:
        from rank_bm25 import BM25Okapi

        self.passages = load_passages(docs_dir)
        self._bm25 = BM25Okapi([_WORD.findall(f"{p.section} {p.title} {p.text}".lower()) for p in self.passages])

    def __call__(self, query: str, k: int = 5) -> list[dict[str, Any]]:
        ranked: list[tuple[int, float]] = []
        codes = set(_CODE.findall(query.upper())) if any(ch.isupper() for ch in query) else set()
        for i, p in enumerate(self.passages):
            if p.kind == "code-set" and p.citation_id.split("#", 1)[1].upper() in codes:
                ranked.append((i, 100.0))
        scores = self._bm25.get_scores(_WORD.findall(query.lower()))
        seen = {i for i, _ in ranked}
        ranked += [(i, float(scores[i])) for i in sorted(range(len(scores)), key=lambda j: (-scores[j], j)) if i not in seen]
        return [self.passages[i].as_hit(s) for i, s in ranked[:k]]
