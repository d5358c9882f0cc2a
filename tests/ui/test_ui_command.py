"""`breakdesk ui`: the Streamlit command line, and what runs before serving (migrate, users, demo seed)."""

from sqlalchemy import func, select

from breakdesk.app.cli import ui_cmd
from breakdesk.app.services.users_file import load_users_file, users_file_path
from breakdesk.app.store.db import session_scope
from breakdesk.app.store.models import Case, ImportBatch


def test_streamlit_is_bound_to_localhost_headless_without_usage_stats():
    cmd = ui_cmd.streamlit_command(8765)
    assert cmd[1:4] == ["-m", "streamlit", "run"] and cmd[4].endswith("app/ui/streamlit_app.py")
    assert {"--server.address=127.0.0.1", "--server.port=8765", "--server.headless=true",
            "--browser.gatherUsageStats=false"} <= set(cmd)


def test_prepare_seeds_an_empty_database_once_and_prints_demo_users(ui_env):
    lines: list[str] = []
    ui_cmd.prepare(seed=True, echo=lines.append)
    out = "\n".join(lines)
    assert "demo-ops" in out and "demo-ops-pass" in out and "demo-clerk-pass" in out
    with session_scope(ui_env) as s:
        batches = s.execute(select(func.count()).select_from(ImportBatch)).scalar_one()
        cases = s.execute(select(func.count()).select_from(Case)).scalar_one()
    assert batches == 8 and cases >= 6
    assert {u.username for u in load_users_file(users_file_path()) if u.demo} == {
        "demo-ops", "demo-clerk", "demo-compliance", "demo-admin"}

    ui_cmd.prepare(seed=True, echo=lines.append)  # not empty any more: nothing is imported again
    with session_scope(ui_env) as s:
        assert s.execute(select(func.count()).select_from(ImportBatch)).scalar_one() == 8


def test_no_seed_leaves_the_database_empty(ui_env):
    lines: list[str] = []
    ui_cmd.prepare(seed=False, echo=lines.append)
    with session_scope(ui_env) as s:
        assert s.execute(select(func.count()).select_from(ImportBatch)).scalar_one() == 0
    assert not any("demo-ops-pass" in line for line in lines)


def test_no_seed_never_prints_demo_passwords_of_an_earlier_demo_folder(ui_env):
    ui_cmd.prepare(seed=True, echo=lambda _line: None)  # an earlier demo start in this data folder
    lines: list[str] = []
    ui_cmd.prepare(seed=False, echo=lines.append)
    out = "\n".join(lines)
    assert "-pass" not in out and "demo accounts with their documented passwords are active" in out


def test_prepare_on_postgresql(ui_env, monkeypatch):

    from breakdesk.app.settings import reload_settings
    from breakdesk.app.store.db import make_engine
    from breakdesk.app.store.testing import temporary_postgres_database
    from tests.conftest import require_postgres

    require_postgres()
    with temporary_postgres_database(migrate=False) as url:  # `breakdesk ui` runs the migrations itself
        monkeypatch.setenv("DATABASE_URL", url)
        reload_settings()
        lines: list[str] = []
        ui_cmd.prepare(seed=True, echo=lines.append)
        engine = make_engine(url)
        try:
            with session_scope(engine) as s:
                assert s.execute(select(func.count()).select_from(ImportBatch)).scalar_one() == 8
        finally:
            engine.dispose()
        from breakdesk.app.store.db import _engine_for

        _engine_for.cache_clear()  # let the database be dropped
    assert any("Database:" in line and "breakdesk_test_" in line for line in lines)
