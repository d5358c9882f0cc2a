"""The UI reaches the evaluation code only through app.services (issue #20): a page that imports evals
directly ties the screens to the eval package's layout."""

import ast
from pathlib import Path

UI = Path(__file__).resolve().parents[2] / "app" / "ui"


def test_no_ui_module_imports_evals():
    offenders = []
    for path in sorted(UI.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            offenders += [f"{path.relative_to(UI)}: {n}" for n in names if n.startswith(("breakdesk.evals", "evals"))]
    assert not offenders, offenders
