from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import breakdesk.app.runtime
import breakdesk.knowledge_base.runtime

REPO = Path(__file__).resolve().parents[3]


def test_app_runtime_reexports_knowledge_base_runtime() -> None:
    assert breakdesk.app.runtime.apply_offline_defaults is breakdesk.knowledge_base.runtime.apply_offline_defaults
    assert breakdesk.app.runtime.OFFLINE_DEFAULTS is breakdesk.knowledge_base.runtime.OFFLINE_DEFAULTS


def test_importing_the_package_sets_offline_env_and_loads_no_model() -> None:
    env = {k: v for k, v in os.environ.items() if k not in breakdesk.knowledge_base.runtime.OFFLINE_DEFAULTS}
    code = (
        "import os, sys, breakdesk.knowledge_base, breakdesk.knowledge_base.retrieval, breakdesk.knowledge_base.ingestion;"
        "print(os.environ.get('HF_HUB_OFFLINE'), os.environ.get('ANONYMIZED_TELEMETRY'),"
        " 'sentence_transformers' in sys.modules, 'torch' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["1", "False", "False", "False"]


def test_user_values_win(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("HF_HUB_OFFLINE", "0")
    breakdesk.knowledge_base.runtime.apply_offline_defaults()
    assert os.environ["HF_HUB_OFFLINE"] == "0"
