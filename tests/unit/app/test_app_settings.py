from pathlib import Path

import pytest
from pydantic import ValidationError

from breakdesk.app.settings import Settings, get_settings, normalise_database_url, reload_settings


def test_default_database_is_sqlite_in_the_data_dir(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("BREAKDESK_DATA_DIR", raising=False)
    s = Settings(_env_file=None)
    assert s.data_dir == tmp_path / ".breakdesk"
    assert s.database_url == f"sqlite:///{tmp_path / '.breakdesk' / 'breakdesk.sqlite3'}"


def test_data_dir_from_environment(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("BREAKDESK_DATA_DIR", str(tmp_path / "data"))
    assert Settings(_env_file=None).database_url.endswith(str(Path(tmp_path, "data", "breakdesk.sqlite3")))


@pytest.mark.parametrize(
    "given, expected",
    [
        ("postgres://u:p@h:5432/db", "postgresql+psycopg://u:p@h:5432/db"),
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:////tmp/x.sqlite3", "sqlite:////tmp/x.sqlite3"),
    ],
)
def test_postgres_urls_use_psycopg3(monkeypatch, given, expected):
    assert normalise_database_url(given) == expected
    monkeypatch.setenv("DATABASE_URL", given)
    assert Settings(_env_file=None).database_url == expected


def test_llm_and_threshold_settings(monkeypatch):
    monkeypatch.setenv("BREAKDESK_LLM", "openai")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    monkeypatch.setenv("BREAKDESK_AUTO_CONFIRM_THRESHOLD", "0.9")
    s = Settings(_env_file=None)
    assert (s.llm, s.auto_confirm_threshold) == ("openai", 0.9)
    assert s.openai_api_key.get_secret_value() == "sk-test" and "sk-test" not in repr(s)
    monkeypatch.setenv("BREAKDESK_LLM", "magic")
    with pytest.raises(ValidationError):
        Settings(_env_file=None)
    monkeypatch.setenv("BREAKDESK_LLM", "none")
    monkeypatch.setenv("BREAKDESK_AUTO_CONFIRM_THRESHOLD", "1.5")
    with pytest.raises(ValidationError):
        Settings(_env_file=None)


def test_get_settings_is_cached_and_reloadable(monkeypatch):
    monkeypatch.setenv("BREAKDESK_MODEL", "one")
    first = reload_settings()
    assert get_settings() is first
    monkeypatch.setenv("BREAKDESK_MODEL", "two")
    assert get_settings().model == "one"
    assert reload_settings().model == "two"
