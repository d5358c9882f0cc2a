"""Golden datasets: pydantic models for each JSONL line, a validating loader, and content hashes.

A dataset is versioned by the sha256 of its bytes, so a scorecard names exactly what it was scored
on and the gate refuses to compare runs on different data. Every reference citation must name a
passage that exists in `knowledge_base/docs`: a stale id is a dataset bug and fails loading.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from breakdesk.errors import BreakdeskError
from breakdesk.evals.kb_passages import citation_ids

DATASET_DIR = Path(__file__).resolve().parent / "datasets"
REPO_ROOT = Path(__file__).resolve().parents[1]
RetryClass = Literal["auto_retry", "human", "final"]
CaseKind = Literal["rejected", "returned", "recall", "missing_booking", "bank_only", "amount_difference",
                   "fee_difference", "duplicate", "value_date_difference"]


class DatasetError(BreakdeskError, ValueError):
    """A golden dataset line does not validate; names the file and line."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class InputMessage(_Strict):
    name: str
    format: Literal["xml", "mt", "csv"]
    text: str | None = None
    path: str | None = Field(default=None, description="relative to the repository root, e.g. ../shared/corpus/x.xml")

    @model_validator(mode="after")
    def _one_source(self) -> InputMessage:
        if (self.text is None) == (self.path is None):
            raise ValueError("a message has either inline text or a path, not both or neither")
        return self

    def resolve(self, root: Path = REPO_ROOT) -> Path | None:
        """`../shared/...` honours BREAKDESK_SHARED, like the test fixtures, so CI can mount the corpus elsewhere."""
        if not self.path:
            return None
        shared = os.environ.get("BREAKDESK_SHARED")
        if shared and self.path.startswith("../shared/"):
            return (Path(shared) / self.path[len("../shared/"):]).resolve()
        return (root / self.path).resolve()


class ExpectedCase(_Strict):
    kind: CaseKind
    reason_code: str | None
    reason_context: Literal["status", "return", "cancellation", "cancellation_answer"] | None
    retry_class: RetryClass
    repair_kind: str


class CaseExample(_Strict):
    id: str
    source: Literal["authored", "corpus"]
    category: Literal["status_reject", "return", "recall", "reconciliation"]
    description: str
    messages: list[InputMessage] = Field(min_length=1)
    target: dict[str, str] = Field(description="how to find this example's case among the detected ones")
    expected: ExpectedCase
    reference_answer: str
    reference_citations: list[str]
    reference_contexts: list[str]

    @model_validator(mode="after")
    def _corpus_by_path(self) -> CaseExample:
        if self.source == "corpus" and not all(m.path for m in self.messages):
            raise ValueError("a corpus case references its files by path")
        if self.source == "authored" and not all(m.text for m in self.messages):
            raise ValueError("an authored case carries its messages inline")
        return self

    def missing_files(self, root: Path = REPO_ROOT) -> list[Path]:
        """Referenced input files that do not exist (the corpus lives outside the repository)."""
        return [p for m in self.messages if (p := m.resolve(root)) is not None and not p.is_file()]


class ChatExample(_Strict):
    id: str
    topic: str
    question: str
    reference_answer: str
    reference_contexts: list[str] = Field(min_length=1)


T = TypeVar("T", CaseExample, ChatExample)
MODELS: dict[str, type[BaseModel]] = {"cases": CaseExample, "chat": ChatExample}


@dataclass(frozen=True)
class Dataset(Generic[T]):
    name: str
    path: Path
    sha256: str
    examples: list[T]

    @property
    def version(self) -> str:
        return f"{self.name}@{self.sha256[:12]}"


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_dataset(name: str, path: Path | None = None) -> Dataset:
    """Validate every line; raise `DatasetError` naming the first bad line (no partial dataset) or an empty file."""
    model = MODELS[name]
    path = path or DATASET_DIR / f"{name}.jsonl"
    known = citation_ids()
    examples = []
    seen: set[str] = set()
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            ex = model.model_validate(json.loads(line))
        except (json.JSONDecodeError, ValidationError) as exc:
            raise DatasetError(f"{path}:{lineno}: {exc}") from exc
        refs = list(getattr(ex, "reference_citations", [])) + list(ex.reference_contexts)
        unknown = [c for c in refs if c not in known]
        if unknown:
            raise DatasetError(f"{path}:{lineno}: {ex.id}: citation ids not in knowledge_base/docs: {unknown}")
        if ex.id in seen:
            raise DatasetError(f"{path}:{lineno}: duplicate id {ex.id}")
        seen.add(ex.id)
        examples.append(ex)
    if not examples:
        raise DatasetError(f"{path}: no examples (a scorecard of nothing cannot pass or fail a gate)")
    return Dataset(name=name, path=path, sha256=file_hash(path), examples=examples)
