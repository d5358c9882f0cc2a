"""Everything imports as `breakdesk.…`: a bare `import app` works in a checkout (the repository root is
on the path) and fails after `pip install`, where only `breakdesk` exists."""

from __future__ import annotations

import ast
from pathlib import Path

from breakdesk import STAGES

REPO = Path(__file__).resolve().parents[2]


def _bare_imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
            [node.module] if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 else [])
        found += [f"{path.relative_to(REPO)}:{node.lineno}: {n}" for n in names if n.split(".")[0] in STAGES]
    return found


def test_no_module_imports_a_stage_by_its_bare_name() -> None:
    sources = [p for folder in (*STAGES, "tests", "breakdesk") for p in (REPO / folder).rglob("*.py")]
    assert len(sources) > 300
    assert [hit for p in sources for hit in _bare_imports(p)] == []
