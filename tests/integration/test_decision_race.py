"""Two people approve the same repair at the same instant, from two processes: exactly one wins, the
other is refused with a reason, and one corrected message reaches the outbox. On PostgreSQL each round
starts from a fresh database, so the first analysis of the case and the checkpointer's set-up race too
(both used to go wrong: two approved repairs in 4 of 12 races, and a UniqueViolation in `setup()`)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid

import psycopg
import pytest
from sqlalchemy import select

from breakdesk.app.services.workflow import deliver_outbox, ingest_files, list_cases
from breakdesk.app.store.db import session_scope
from breakdesk.app.store.models import AuditRecord, OutboxMessage, Repair
from tests.conftest import REPO_ROOT, require_postgres
from tests.support.workflow import demo_files, make_workspace

pytestmark = [pytest.mark.integration, pytest.mark.slow]
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


def _race(engine, runtime, url: str, tmp_path) -> None:
    with session_scope(engine) as s:
        ingest_files(s, files=demo_files(), user="olivia")
    with session_scope(engine) as s:
        key = next(r["key"] for r in list_cases(s) if (r["payment"] or {}).get("end_to_end_id") == "E2E-4479")  # TM01
    start = time.time() + 6  # both children import and connect first, then decide at once
    procs = [subprocess.Popen([sys.executable, "-m", "tests.support.race", url, runtime.checkpoint_url,
                               str(runtime.outbox), key, user, str(start)], cwd=REPO_ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for user in ("oscar", "chloe")]
    results = []
    for p in procs:
        out, err = p.communicate(timeout=180)
        assert p.returncode == 0, err[-3000:]
        results.append(json.loads(out.strip().splitlines()[-1]))
    winners = [r for r in results if r["ok"]]
    assert len(winners) == 1, results
    loser = next(r for r in results if not r["ok"])
    assert "ConflictError" in loser["error"], loser
    with session_scope(engine) as s:
        approved = s.execute(select(Repair).where(Repair.state == "approved")).scalars().all()
        assert [r.decided_by for r in approved] == [winners[0]["user"]]
        assert len(s.execute(select(OutboxMessage)).scalars().all()) == 1
        assert [r.actor for r in s.execute(select(AuditRecord).where(AuditRecord.action == "repair.approve"))
                .scalars()] == [winners[0]["user"]]
    delivered = deliver_outbox(runtime.outbox, engine=engine)
    assert [d["case"] for d in delivered] == [key] and len(list(runtime.outbox.glob("*.xml"))) == 1


@pytest.mark.parametrize("round_", range(2))
def test_two_approvals_at_once_on_sqlite_give_one_winner(tmp_path, round_, monkeypatch):
    monkeypatch.setenv("BREAKDESK_BCRYPT_ROUNDS", "4")
    engine, runtime = make_workspace(tmp_path)
    try:
        _race(engine, runtime, str(engine.url), tmp_path)
    finally:
        engine.dispose()


@pytest.mark.parametrize("round_", range(4))
def test_two_approvals_at_once_on_a_fresh_postgresql_database_give_one_winner(tmp_path, round_, monkeypatch):
    require_postgres()
    monkeypatch.setenv("BREAKDESK_BCRYPT_ROUNDS", "4")
    name = f"bd_race_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    engine, runtime = make_workspace(tmp_path, url)
    try:
        _race(engine, runtime, url, tmp_path)
    finally:
        engine.dispose()
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
