"""Issue #21 item 10: a NUL or control character in a ledger CSV or an MT :86: line is a located data
error on every backend. On PostgreSQL it used to crash `ingest_files` with a traceback and lose the
good files of the same call; now the bad file is refused by name and line, and the others import."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from breakdesk.agents.recon.ledger import LedgerError
from breakdesk.app.services.imports import import_ledger_csv
from breakdesk.app.services.workflow import ingest_files
from breakdesk.app.settings import get_settings, reload_settings
from breakdesk.app.store.db import make_engine, session_scope
from breakdesk.app.store.models import BankEntry, BookItem, ImportBatch
from breakdesk.app.store.testing import copy_sqlite, migrated_sqlite_template, seed_users, temporary_postgres_database
from tests.conftest import require_postgres

pytestmark = pytest.mark.integration

HEADER = "id,date,amount,currency,counterparty,reference,description,direction,iban,end_to_end_id,value_date\n"
GOOD_LEDGER = HEADER + "AR-G1,2026-11-29,100.00,EUR,Dupont SARL,INV-G1,Invoice G1,CRDT,,E2E-G1,2026-11-29\n"
NUL_LEDGER = HEADER + ("AR-N1,2026-11-29,50.00,EUR,Nul Ltd,INV-N1,Invoice N1,CRDT,,E2E-N1,2026-11-29\n"
                       "AR-N2,2026-11-29,60.00,EUR,Nul Ltd,INV-N2,Invoice\x00N2,CRDT,,E2E-N2,2026-11-29\n")
ESC_LEDGER = HEADER + "AR-E1,2026-11-29,70.00,EUR,Esc\x1b[31m Ltd,INV-E1,Invoice E1,CRDT,,E2E-E1,2026-11-29\n"
GOOD_MT = (":20:STMT-G\n:25:DE89370400440532013000\n:28C:9/1\n:60F:C261129EUR1000,00\n"
           ":61:2611291129C100,00NTRFE2E-G1//CBKG1\n:86:/EREF/E2E-G1/NAME/Dupont SARL/REMI/Invoice G1\n"
           ":62F:C261129EUR1100,00\n")
NUL_MT = GOOD_MT.replace("STMT-G", "STMT-N").replace("CBKG1", "CBKN1").replace("Invoice G1", "Invoice\x00N1")


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path):
    mp = pytest.MonkeyPatch()
    mp.setenv("BREAKDESK_BCRYPT_ROUNDS", "4")
    reload_settings()
    try:
        if request.param == "sqlite":
            eng = make_engine(copy_sqlite(migrated_sqlite_template(tmp_path), tmp_path / "db.sqlite3"))
            with session_scope(eng) as s:
                seed_users(s, olivia="ops")
            yield eng
            eng.dispose()
        else:
            require_postgres()
            with temporary_postgres_database() as url:
                eng = make_engine(url, pool_size=2)
                with session_scope(eng) as s:
                    seed_users(s, olivia="ops")
                yield eng
                eng.dispose()
    finally:
        mp.undo()
        get_settings.cache_clear()


def test_bad_files_are_refused_by_name_and_line_and_the_good_ones_of_the_call_import(engine):
    files = [("nul.csv", NUL_LEDGER.encode()), ("good.csv", GOOD_LEDGER.encode()), ("esc.csv", ESC_LEDGER.encode()),
             ("nul86.sta", NUL_MT.encode()), ("good.sta", GOOD_MT.encode())]
    with session_scope(engine) as s:
        report = ingest_files(s, files=files, user="olivia")
    assert report.imported == ["good.csv", "good.sta"]
    assert len(report.errors) == 3, report.errors
    nul_csv, esc_csv, nul_mt = report.errors
    assert nul_csv.startswith("nul.csv:3:") and "NUL (U+0000)" in nul_csv
    assert esc_csv.startswith("esc.csv:2:") and "U+001B" in esc_csv
    assert nul_mt.startswith("nul86.sta:6:") and "field :86:" in nul_mt and "NUL" in nul_mt
    with session_scope(engine) as s:
        assert s.execute(select(func.count()).select_from(ImportBatch)).scalar_one() == 2
        assert set(s.execute(select(BookItem.external_id)).scalars()) == {"AR-G1"}
        assert set(s.execute(select(BankEntry.account_servicer_reference)).scalars()) == {"CBKG1"}


def test_a_ledger_with_control_characters_is_a_ledger_error_listing_every_line(engine):
    bad = HEADER + "".join(f"AR-{i},2026-11-29,1.00,EUR,X\x00,R{i},D{i},CRDT,,,2026-11-29\n" for i in range(3))
    with session_scope(engine) as s, pytest.raises(LedgerError) as exc:
        import_ledger_csv(s, file_name="three.csv", content_bytes=bad.encode(), user="olivia")
    assert [line for line, _ in exc.value.problems] == [2, 3, 4] and exc.value.file == "three.csv"
    with session_scope(engine) as s:
        assert s.execute(select(func.count()).select_from(BookItem)).scalar_one() == 0


def test_a_value_the_database_refuses_costs_only_its_own_file(engine, monkeypatch):
    """Defence in depth: were a NUL to get past the readers, PostgreSQL's DataError refuses that file
    alone (its savepoint rolled back) instead of a traceback that loses the good files of the call."""
    from breakdesk.app.services import imports

    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite stores NUL; only PostgreSQL refuses it")
    monkeypatch.setattr(imports, "refuse_ledger_controls", lambda content, file_name: None)
    files = [("nul.csv", NUL_LEDGER.encode()), ("good.csv", GOOD_LEDGER.encode())]
    with session_scope(engine) as s:
        report = ingest_files(s, files=files, user="olivia")
    assert report.imported == ["good.csv"]
    (error,) = report.errors
    assert error.startswith("nul.csv: the database refused the file") and "NUL" in error
    with session_scope(engine) as s:
        assert set(s.execute(select(BookItem.external_id)).scalars()) == {"AR-G1"}
