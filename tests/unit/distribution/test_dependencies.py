"""What pyproject.toml declares is what the code imports: the core install carries parsers, validation,
matching and the CLI; every heavier library belongs to an extra, and the core commands run without them."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

from breakdesk import STAGES
from breakdesk.app.cli.main import EXTRA_OF

REPO = Path(__file__).resolve().parents[3]
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
DEMO_DAY = REPO / "app" / "samples" / "demo-day"


def _name(requirement: str) -> str:
    return re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _declared() -> dict[str, set[str]]:
    project = PYPROJECT["project"]
    groups = {"core": project["dependencies"], **project["optional-dependencies"]}
    return {group: {_name(r) for r in reqs} for group, reqs in groups.items()}


def _third_party_imports() -> set[str]:
    names: set[str] = set()
    for stage in STAGES:
        for path in (REPO / stage).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    names.update(a.name.split(".")[0] for a in node.names)
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    names.add(node.module.split(".")[0])
    return {n for n in names if n not in sys.stdlib_module_names and n not in ("breakdesk", "__future__")}


def test_every_imported_library_is_declared_and_extras_hold_the_heavy_ones() -> None:
    declared = _declared()
    everything = set().union(*declared.values())
    distributions = packages_distributions()
    missing = []
    for module in sorted(_third_party_imports()):
        # a library not installed here (a benchmark's peer) is known by its import name
        dists = {_name(d) for d in distributions.get(module, [])} or {module}
        if not {d.replace("-", "").replace("_", "") for d in dists} & {e.replace("-", "") for e in everything}:
            missing.append(f"{module} (distribution {sorted(dists) or '?'})")
    assert missing == [], f"imported but not declared in pyproject.toml: {missing}"
    core = declared["core"]
    heavy = {"torch", "chromadb", "streamlit", "langgraph", "langchain-core", "transformers", "ragas", "pandas"}
    assert not core & heavy, f"the core install must not pull {sorted(core & heavy)}"
    assert {"kb", "llm", "ui", "postgres", "evals", "all"} <= set(declared)


def test_the_extra_named_for_a_missing_library_is_the_one_that_declares_it() -> None:
    declared = _declared()
    distributions = packages_distributions()
    wrong = [f"{module}: {extra}" for module, extra in EXTRA_OF.items()
             if module in distributions
             and not {_name(d) for d in distributions[module]} & declared[extra]
             and not any(f"breakdesk[{extra}]" in r for r in PYPROJECT["project"]["optional-dependencies"][extra])]
    assert wrong == []


BLOCK_EXTRAS = """
import sys, importlib.abc
BLOCKED = set(sys.argv[1].split(","))
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
sys.meta_path.insert(0, Block())
sys.argv = ["breakdesk", *sys.argv[2:]]
from breakdesk.app.cli.main import cli
cli()
"""


def _core_only(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", BLOCK_EXTRAS, ",".join(EXTRA_OF), *args],
                          capture_output=True, text=True, cwd=REPO, timeout=120)


def test_core_commands_run_without_any_extra() -> None:
    parsed = _core_only("parse", str(DEMO_DAY / "03_camt053_acme_2026-11-27.xml"))
    assert parsed.returncode == 0, parsed.stderr
    assert "9 entries" in parsed.stdout
    matched = _core_only("recon", "run", "--bank", str(DEMO_DAY / "03_camt053_acme_2026-11-27.xml"),
                         "--book", str(DEMO_DAY / "01_pain001_acme_2026-11-27.xml"), "--json")
    assert matched.returncode == 0, matched.stderr
    assert '"suggestions"' in matched.stdout


def test_a_command_whose_extra_is_missing_names_the_extra() -> None:
    explained = _core_only("explain", str(DEMO_DAY / "02_pain002_acme_2026-11-27.xml"))
    assert explained.returncode == 1
    assert "pip install 'breakdesk[llm]'" in explained.stderr
    assert "Traceback" not in explained.stderr
