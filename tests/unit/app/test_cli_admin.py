from click.testing import CliRunner

from breakdesk.app.cli.main import cli
from breakdesk.app.services import audit, users
from breakdesk.app.settings import reload_settings
from breakdesk.app.store.db import make_engine, session_scope


def test_db_upgrade_and_users_add(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("DATABASE_URL", url)
    reload_settings()
    runner = CliRunner()
    result = runner.invoke(cli, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "database at revision" in result.output
    result = runner.invoke(cli, ["users", "add", "ada", "--role", "admin", "--password-stdin"], input="long-password\n")
    assert result.exit_code == 0, result.output
    assert "created user ada with role admin" in result.output
    again = runner.invoke(cli, ["users", "add", "ada", "--role", "clerk", "--password-stdin"], input="long-password\n")
    assert again.exit_code == 1 and "user ada already exists" in again.output
    bad = runner.invoke(cli, ["users", "add", "bob", "--role", "wizard", "--password-stdin"], input="long-password\n")
    assert bad.exit_code == 2
    short = runner.invoke(cli, ["users", "add", "bob", "--role", "ops", "--password-stdin"], input="short\n")
    assert short.exit_code == 1 and "password too short" in short.output
    engine = make_engine(url)
    try:
        with session_scope(engine) as s:
            assert users.authenticate(s, username="ada", password="long-password").role == "admin"
            rec = s.query(audit.AuditRecord).one()
            assert (rec.actor, rec.action) == ("system:cli", "user.create")
    finally:
        engine.dispose()


def test_a_service_refusal_is_an_error_message_not_a_traceback(tmp_path, monkeypatch):
    from breakdesk.app.samples import DEMO_DAY_DIR

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    monkeypatch.setenv("BREAKDESK_DATA_DIR", str(tmp_path))
    reload_settings()
    sample = sorted(DEMO_DAY_DIR.glob("*.xml"))[0]
    result = CliRunner().invoke(cli, ["cases", "ingest", str(sample), "--as", "nobody"])
    assert result.exit_code == 1, result.output
    assert "Error: PermissionDenied: 'nobody' is not an active user" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_cases_ingest_maps_a_ledger_s_own_column_names(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    monkeypatch.setenv("BREAKDESK_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("BREAKDESK_BCRYPT_ROUNDS", "4")
    reload_settings()
    runner = CliRunner()
    assert runner.invoke(cli, ["users", "add", "ada", "--role", "admin", "--password-stdin"],
                         input="long-password\n").exit_code == 0
    book = tmp_path / "buchungen.csv"
    book.write_text("Buchung;Datum;Betrag;Whg;Partner;Ref;Text\nL1;2026-11-02;-9.99;EUR;ACME;R1;Office\n", encoding="utf-8")
    refused = runner.invoke(cli, ["cases", "ingest", str(book), "--as", "ada"])
    assert refused.exit_code == 2 and "buchungen.csv" in refused.output
    columns = "id=Buchung,date=Datum,amount=Betrag,currency=Whg,counterparty=Partner,reference=Ref,description=Text"
    done = runner.invoke(cli, ["cases", "ingest", str(book), "--as", "ada", "--ledger-columns", columns])
    assert done.exit_code == 0 and "imported 1 file(s)" in done.output, done.output
