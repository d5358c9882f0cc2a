"""A regular (non-editable) install must carry every file the product opens at run time.

The product finds its data beside its code (`Path(__file__)`), so a file the wheel leaves out works in
a checkout and fails only after `pip install` (as the Alembic migrations and the demo day once did).
The wheel is built from a clean copy of the checkout's files, so a stale `build/` or `*.egg-info` cannot
fill a gap; it is checked against the paths the code itself uses, then installed outside the checkout
and the commands that open those files are run from there. No network: pip builds with the test
environment's setuptools and installs nothing else.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT, SHARED

pytestmark = [pytest.mark.integration, pytest.mark.slow]

PIP = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input"]


def runtime_paths() -> dict[str, Path]:
    """Every file or folder the product reads at run time, as the code names it."""
    from breakdesk.agents.diagnosis import KB_DIR
    from breakdesk.agents.prompts import PROMPT_DIR
    from breakdesk.app.cli.ui_cmd import APP_SCRIPT
    from breakdesk.app.samples import DEMO_DAY_DIR
    from breakdesk.app.services.monitoring.drift import CONFIG_FILE as MONITOR_CONFIG
    from breakdesk.app.store.migrate import SCRIPT_LOCATION
    from breakdesk.app.ui.state import PAGES
    from breakdesk.evals.gate import GATE_FILE
    from breakdesk.evals.golden import DATASET_DIR
    from breakdesk.evals.kb_passages import DOCS_DIR
    from breakdesk.evals.retrieval_eval import DEFAULT_DATASET
    from breakdesk.evals.scorecard import BASELINE_DIR
    from breakdesk.knowledge_base.ingestion import PACKAGED_DOCS

    paths = {
        "agents.diagnosis.KB_DIR/reason_codes.yaml": KB_DIR / "reason_codes.yaml",
        "agents.diagnosis.KB_DIR/docs": KB_DIR / "docs",
        "agents.prompts.PROMPT_DIR": PROMPT_DIR,
        "app.cli.ui_cmd.APP_SCRIPT": APP_SCRIPT,
        "app.ui views (sign-in and PAGES)": APP_SCRIPT.parent / "views",
        "app.samples.DEMO_DAY_DIR": DEMO_DAY_DIR,
        "app.store.migrate.SCRIPT_LOCATION": SCRIPT_LOCATION,
        "app.services.monitoring.drift.CONFIG_FILE": MONITOR_CONFIG,
        "evals.gate.GATE_FILE": GATE_FILE,
        "evals.golden.DATASET_DIR": DATASET_DIR,
        "evals.kb_passages.DOCS_DIR": DOCS_DIR,
        "evals.retrieval_eval.DEFAULT_DATASET": DEFAULT_DATASET,
        "evals.scorecard.BASELINE_DIR": BASELINE_DIR,
        "knowledge_base.ingestion.PACKAGED_DOCS": PACKAGED_DOCS,
    }
    paths.update({f"app.ui.state.PAGES {p.title}": APP_SCRIPT.parent / p.path for p in PAGES})
    return paths


def in_wheel(rel: str) -> str:
    """Where a checkout file lands in the wheel: the stage folders install under `breakdesk/`."""
    from breakdesk import STAGES

    return f"breakdesk/{rel}" if rel.split("/", 1)[0] in STAGES else rel


def checkout_files() -> list[str]:
    """What a clean clone holds (plus new files not yet committed), relative to the repository root."""
    if shutil.which("git") is None:
        pytest.skip("git is needed to list the checkout's files")
    run = subprocess.run(["git", "-C", str(REPO_ROOT), "ls-files", "-co", "--exclude-standard", "-z"],
                         capture_output=True, text=True)
    if run.returncode != 0:
        pytest.skip(f"{REPO_ROOT} is not a git checkout: {run.stderr.strip()}")
    return sorted(f for f in run.stdout.split("\0") if f and (REPO_ROOT / f).is_file())


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, list[str]]:
    """(wheel, checkout files) — the wheel built by pip from a copy of the checkout."""
    files = checkout_files()
    base = tmp_path_factory.mktemp("packaging")
    src, out = base / "src", base / "dist"
    for rel in files:
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO_ROOT / rel, src / rel)
    build = subprocess.run([*PIP, "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", str(out), str(src)],
                           capture_output=True, text=True)
    assert build.returncode == 0, build.stdout + build.stderr
    (wheel,) = out.glob("breakdesk-*.whl")
    return wheel, files


def test_the_wheel_holds_every_file_the_code_opens(built):
    wheel, files = built
    with zipfile.ZipFile(wheel) as zf:
        shipped = set(zf.namelist())
    problems = []
    for name, path in runtime_paths().items():
        assert path.is_relative_to(REPO_ROOT), f"{name} = {path} is outside the checkout under test"
        rel = path.relative_to(REPO_ROOT).as_posix()
        wanted = [f for f in files if f == rel or f.startswith(rel + "/")]
        if not wanted:
            problems.append(f"{name}: {rel} holds no file in the checkout")
        problems += [f"{name}: {f} is not in {wheel.name}" for f in wanted if in_wheel(f) not in shipped]
    assert not problems, "\n".join(problems)


def test_the_wheel_holds_every_module_under_one_top_level_name(built):
    """One top-level package (`breakdesk`): generic names such as `app` or `parsers` would collide with
    other projects in one environment. Folders without __init__.py (agents/graph, app/ui/views) are easy
    to drop, so every module of the checkout must be in the wheel."""
    from breakdesk import STAGES

    wheel, files = built
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
    top_level = {n.split("/", 1)[0] for n in names if "/" in n and not n.split("/", 1)[0].endswith(".dist-info")}
    assert top_level == {"breakdesk"}
    modules = [f for f in files if f.endswith(".py") and f.split("/", 1)[0] in (*STAGES, "breakdesk")]
    assert [f for f in modules if in_wheel(f) not in names] == []


def test_the_installed_wheel_migrates_and_reads_its_demo_day_and_eval_data(built, tmp_path):
    """Run from outside the checkout with only the installed wheel and the environment's dependencies."""
    from breakdesk.app.cli.parse_cmds import expand_paths
    from breakdesk.app.samples import DEMO_DAY_DIR

    wheel, _ = built
    site = (tmp_path / "site").resolve()
    install = subprocess.run([*PIP, "install", "--no-deps", "--no-index", "--target", str(site), str(wheel)],
                             capture_output=True, text=True)
    assert install.returncode == 0, install.stdout + install.stderr
    workdir = tmp_path / "elsewhere"
    workdir.mkdir()
    # -S: the environment's .pth files are not run, so the editable install of a checkout (a meta-path
    # finder) cannot stand in for a module the wheel lacks; its packages come in through PYTHONPATH.
    deps = dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(site), *deps]),
        "BREAKDESK_DATA_DIR": str(tmp_path / "data"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'installed.sqlite3'}",
        "BREAKDESK_LLM": "none",
        "BREAKDESK_SHARED": str(SHARED),  # the gate's golden cases read sample files from the corpus
    }
    env.pop("BREAKDESK_PROMPT_DIR", None)

    def breakdesk(*args: str) -> str:
        run = subprocess.run([sys.executable, "-S", "-m", "breakdesk.app.cli", *args], cwd=workdir, env=env,
                             capture_output=True, text=True)
        assert run.returncode == 0, f"breakdesk {' '.join(args)}:\n{run.stdout}\n{run.stderr}"
        return run.stdout

    where = subprocess.run([sys.executable, "-S", "-c", "import importlib, alembic; import breakdesk as b;"
                            "print(*(importlib.import_module('breakdesk.' + s).__file__ for s in b.STAGES));"
                            " print(alembic.__file__); print(importlib.util.find_spec('app'))"],
                           cwd=workdir, env=env, capture_output=True, text=True, check=True).stdout.splitlines()
    assert all(Path(p).is_relative_to(site) for p in where[0].split()), where
    assert not Path(where[1]).is_relative_to(site), f"the wheel shadows the alembic library: {where[1]}"
    assert where[2] == "None", f"the wheel installs a top-level `app`: {where[2]}"
    # An installed package is not a checkout: `evals approve` must not default to writing into site-packages.
    installed = subprocess.run([sys.executable, "-S", "-c", "import breakdesk.evals.scorecard as s; print(s.in_checkout())"],
                               cwd=workdir, env=env, capture_output=True, text=True, check=True).stdout.strip()
    assert installed == "False"

    assert "database at revision" in breakdesk("db", "upgrade")
    n = len(expand_paths((str(DEMO_DAY_DIR),)))
    assert f"from {n} of {n} files in {site / 'breakdesk' / 'app' / 'samples' / 'demo-day'}" in breakdesk("demo")
    assert "gate: passed" in breakdesk("evals", "gate", "--provider", "none", "--no-judge")


def test_without_a_c_compiler_the_wheel_builds_and_the_python_readers_do_the_work(tmp_path):
    """The compiled readers are optional extensions: a machine without a compiler still installs Breakdesk."""
    src, out, site = tmp_path / "src", tmp_path / "dist", (tmp_path / "site").resolve()
    for rel in checkout_files():
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO_ROOT / rel, src / rel)
    build = subprocess.run([*PIP, "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", str(out), str(src)],
                           capture_output=True, text=True, env={**os.environ, "CC": "/bin/false"})
    assert build.returncode == 0, build.stdout + build.stderr
    (wheel,) = out.glob("breakdesk-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        assert not [n for n in zf.namelist() if n.endswith(".so")]
    install = subprocess.run([*PIP, "install", "--no-deps", "--no-index", "--target", str(site), str(wheel)],
                             capture_output=True, text=True)
    assert install.returncode == 0, install.stdout + install.stderr
    deps = dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    sample = REPO_ROOT / "app" / "samples" / "demo-day" / "03_camt053_acme_2026-11-27.xml"
    code = ("from breakdesk import parsers; from breakdesk.parsers import speedups;"
            f"m = parsers.parse_file({str(sample)!r}); print(speedups.available(), len(m[0].statements[0].entries))")
    run = subprocess.run([sys.executable, "-S", "-c", code], cwd=tmp_path, capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": os.pathsep.join([str(site), *deps])})
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["False", "9"]
