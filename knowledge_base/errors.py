"""Errors raised by the knowledge base.

    KnowledgeBaseError(Exception)
    ├── DocumentError      a source file cannot be read, decoded or understood (names the file)
    └── StoreError         the vector store cannot be opened or is damaged (suggests --rebuild)
"""

from __future__ import annotations

from pathlib import Path

from breakdesk.errors import BreakdeskError


class KnowledgeBaseError(BreakdeskError):
    """Base of every knowledge-base error."""


class DocumentError(KnowledgeBaseError):
    """A source document could not be loaded; `path` says which one."""

    def __init__(self, path: Path | str, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class StoreError(KnowledgeBaseError):
    """The Chroma store is unreachable or damaged."""
