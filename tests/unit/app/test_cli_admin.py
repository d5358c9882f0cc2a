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
    # once a user exists, adding one is an admin's, signed in
    anonymous = runner.invoke(cli, ["users", "add", "eve", "--role", "admin", "--password-stdin"], input="long-password\n")
    assert anonymous.exit_code == 1 and "sign in" in anonymous.output
    admin = ["--as", "ada", "--password-stdin"]
    again = runner.invoke(cli, ["users", "add", "ada", "--role", "clerk", *admin], input="long-password\nlong-password\n")
    assert again.exit_code == 1 and "user ada already exists" in again.output
    bad = runner.invoke(cli, ["users", "add", "bob", "--role", "wizard", *admin], input="long-password\nlong-password\n")
    assert bad.exit_code == 2
    short = runner.invoke(cli, ["users", "add", "bob", "--role", "ops", *admin], input="long-password\nshort\n")
    assert short.exit_code == 1 and "password too short" in short.output
    ok = runner.invoke(cli, ["users", "add", "bob", "--role", "ops", *admin], input="long-password\nbobs-password\n")
    assert ok.exit_code == 0, ok.output
    not_admin = runner.invoke(cli, ["users", "add", "carl", "--role", "admin", "--as", "bob", "--password-stdin"],
                              input="bobs-password\ncarls-password\n")
    assert not_admin.exit_code == 1 and "user.manage needs role admin" in not_admin.output
    engine = make_engine(url)
    try:
        with session_scope(engine) as s:
            assert users.authenticate(s, username="ada", password="long-password").role == "admin"
            recs = [(r.actor, r.action) for r in s.query(audit.AuditRecord).filter_by(object_type="user")
                    .order_by(audit.AuditRecord.seq)]
            assert recs == [("system:cli", "user.create"), ("ada", "user.create")]
    finally:
        engine.dispose()


def test_a_service_refusal_is_an_error_message_not_a_traceback(tmp_path, monkeypatch):
    from breakdesk.app.samples import DEMO_DAY_DIR

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    monkeypatch.setenv("BREAKDESK_DATA_DIR", str(tmp_path))
    reload_settings()
    sample = sorted(DEMO_DAY_DIR.glob("*.xml"))[0]
    result = CliRunner().invoke(cli, ["cases", "ingest", str(sample), "--as", "nobody", "--password-stdin"], input="x\n")
    assert result.exit_code == 1, result.output
    assert "Error: sign-in failed for nobody" in result.output
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
    signin = ["--as", "ada", "--password-stdin"]
    refused = runner.invoke(cli, ["cases", "ingest", str(book), *signin], input="long-password\n")
    assert refused.exit_code == 2 and "buchungen.csv" in refused.output
    columns = "id=Buchung,date=Datum,amount=Betrag,currency=Whg,counterparty=Partner,reference=Ref,description=Text"
    done = runner.invoke(cli, ["cases", "ingest", str(book), *signin, "--ledger-columns", columns], input="long-password\n")
    assert done.exit_code == 0 and "imported 1 file(s)" in done.output, done.output


def test_the_cli_acts_only_as_a_signed_in_person(tmp_path, monkeypatch):
    """`--as NAME` alone used to act as NAME (5 of 5 impersonations worked); a wrong password, a name
    without a password, a revoked token or another person's token are all refused."""
    from breakdesk.app.samples import DEMO_DAY_DIR

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    monkeypatch.setenv("BREAKDESK_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("BREAKDESK_BCRYPT_ROUNDS", "4")
    monkeypatch.delenv("BREAKDESK_TOKEN", raising=False)
    monkeypatch.setenv("BREAKDESK_LOGIN_THROTTLE_SECONDS", "0")  # the wrong guess below must not delay the rest
    reload_settings()
    runner = CliRunner()
    sample = str(sorted(DEMO_DAY_DIR.glob("*.xml"))[0])
    assert runner.invoke(cli, ["users", "add", "ada", "--role", "admin", "--password-stdin"], input="ada-password\n").exit_code == 0
    assert runner.invoke(cli, ["users", "add", "olivia", "--role", "ops", "--as", "ada", "--password-stdin"],
                         input="ada-password\nolivia-password\n").exit_code == 0

    alone = runner.invoke(cli, ["cases", "ingest", sample, "--as", "olivia"])  # no terminal, no password
    assert alone.exit_code == 1 and "needs a password" in alone.output
    nobody = runner.invoke(cli, ["cases", "ingest", sample])
    assert nobody.exit_code == 1 and "sign in" in nobody.output
    wrong = runner.invoke(cli, ["cases", "ingest", sample, "--as", "olivia", "--password-stdin"], input="guess\n")
    assert wrong.exit_code == 1 and "sign-in failed for olivia" in wrong.output

    made = runner.invoke(cli, ["tokens", "create", "olivia", "--name", "nightly import", "--as", "olivia",
                               "--password-stdin"], input="olivia-password\n")
    assert made.exit_code == 0, made.output
    token = made.output.strip().splitlines()[-1]
    assert token.startswith("bdk_")
    as_olivia = runner.invoke(cli, ["cases", "ingest", sample], env={"BREAKDESK_TOKEN": token})
    assert as_olivia.exit_code == 0, as_olivia.output
    other = runner.invoke(cli, ["cases", "ingest", sample, "--as", "ada"], env={"BREAKDESK_TOKEN": token})
    assert other.exit_code == 1 and "belongs to olivia" in other.output
    listed = runner.invoke(cli, ["tokens", "list"], env={"BREAKDESK_TOKEN": token})
    prefix = token.split("_")[1]
    assert prefix in listed.output and "nightly import" in listed.output and token not in listed.output
    not_hers = runner.invoke(cli, ["tokens", "create", "ada"], env={"BREAKDESK_TOKEN": token})
    assert not_hers.exit_code == 1 and "user.manage needs role admin" in not_hers.output
    assert runner.invoke(cli, ["tokens", "revoke", prefix, "--as", "ada", "--password-stdin"],
                         input="ada-password\n").exit_code == 0
    revoked = runner.invoke(cli, ["cases", "ingest", sample], env={"BREAKDESK_TOKEN": token})
    assert revoked.exit_code == 1 and "not a valid, unrevoked token" in revoked.output

    engine = make_engine(f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    try:
        with session_scope(engine) as s:
            actions = [(r.actor, r.action) for r in s.query(audit.AuditRecord).order_by(audit.AuditRecord.seq)]
            assert ("olivia", "token.create") in actions and ("ada", "token.revoke") in actions
            stored = s.execute(__import__("sqlalchemy").text("SELECT token_hash FROM api_tokens")).scalar_one()
            assert token not in stored and len(stored) == 64
    finally:
        engine.dispose()
