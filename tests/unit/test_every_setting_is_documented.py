"""Every `BREAKDESK_*` variable the code reads, and every field of the settings object, is in the docs
(issue #20: 12 of 21 variables were missing from the README)."""

import re
from pathlib import Path

from breakdesk.app.settings import Settings

REPO = Path(__file__).resolve().parents[2]
DOCS = "\n".join(p.read_text(encoding="utf-8") for p in [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))])


def test_every_environment_variable_the_code_reads_is_documented():
    read: set[str] = set()
    for stage in ("agents", "app", "parsers", "knowledge_base", "evals"):
        for path in (REPO / stage).rglob("*.py"):
            read |= set(re.findall(r"BREAKDESK_[A-Z0-9_]*[A-Z0-9]", path.read_text(encoding="utf-8")))
    assert len(read) > 20
    assert sorted(v for v in read if v not in DOCS) == []


def test_every_settings_field_is_documented():
    missing = []
    for name, field in Settings.model_fields.items():
        alias = field.validation_alias
        names = [alias] if isinstance(alias, str) else [name.upper()]
        if not any(n in DOCS for n in names):
            missing.append(name)
    assert missing == []
