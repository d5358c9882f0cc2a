"""Prompts are files in this folder, versioned by the hash of their content.

A prompt's id is `name@hash12`; every LLM call records it, and the eval gate compares scorecards by it,
so editing a prompt file is, by construction, a new prompt version.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

PROMPT_DIR = Path(__file__).resolve().parent
#: Points the whole process at another prompt folder (the eval gate runs candidate prompts this way).
PROMPT_DIR_ENV = "BREAKDESK_PROMPT_DIR"


def prompt_dir(directory: str | None = None) -> Path:
    return Path(directory or os.environ.get(PROMPT_DIR_ENV) or PROMPT_DIR).resolve()


@dataclass(frozen=True)
class Prompt:
    name: str
    system: str
    user: str
    hash: str

    @property
    def id(self) -> str:
        return f"{self.name}@{self.hash}"

    def render(self, **values: str) -> tuple[str, str]:
        return self.system.format(**values), self.user.format(**values)


def _split(text: str) -> tuple[str, str]:
    # A prompt file has a `# system` section and a `# user` section.
    parts: dict[str, list[str]] = {"system": [], "user": []}
    current = None
    for line in text.splitlines():
        stripped = line.strip().lower()
        if stripped in ("# system", "# user"):
            current = stripped[2:]
            continue
        if current:
            parts[current].append(line)
    return "\n".join(parts["system"]).strip(), "\n".join(parts["user"]).strip()


def load_prompt(name: str, directory: str | None = None) -> Prompt:
    path = prompt_dir(directory) / f"{name}.md"
    stat = path.stat()
    return _load(str(path), name, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=256)
def _load(path_str: str, name: str, _mtime_ns: int, _size: int) -> Prompt:
    # Keyed by path and file stamp: an edited prompt file is re-read, i.e. it is a new version at once.
    path = Path(path_str)
    text = path.read_text(encoding="utf-8")
    system, user = _split(text)
    if not system or not user:
        raise ValueError(f"{path}: a prompt file needs '# system' and '# user' sections")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
    return Prompt(name=name, system=system, user=user, hash=digest)


def prompt_hashes(directory: str | None = None) -> dict[str, str]:
    folder = prompt_dir(directory)
    return {p.stem: load_prompt(p.stem, str(folder)).hash for p in sorted(folder.glob("*.md"))}
