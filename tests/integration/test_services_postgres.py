"""Services under real concurrency on PostgreSQL: one winner per double decision, an unforked audit chain."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from breakdesk.app.services import audit, cases, decisions
from breakdesk.app.services.errors import ConflictError
from breakdesk.app.services.imports import import_ledger_csv
from breakdesk.app.settings import get_settings, reload_settings
from breakdesk.app.store.db import make_engine, session_scope
from breakdesk.app.store.models import AuditRecord, BookItem, MatchDecision, MatchSuggestion
from breakdesk.app.store.race import race
from breakdesk.app.store.testing import seed_pair, seed_suggestion, seed_users, temporary_postgres_database
from tests.conftest import require_postgres

pytestmark = pytest.mark.integration
ROUNDS = 15


@pytest.fixture(scope="module")
def engine():
    require_postgres()
    mp = pytest.MonkeyPatch()
    mp.setenv("BREAKDESK_BCRYPT_ROUNDS", "4")
    reload_settings()
    with temporary_postgres_database() as url:
        eng = make_engine(url, pool_size=4)
        with session_scope(eng) as s:
            seed_users(s, alice="clerk", bob="clerk", olga="ops", carl="compliance")
        yield eng
        eng.dispose()
    mp.undo()
    get_settings.cache_clear()


def _decisions(engine, sid):
    with session_scope(engine) as s:
        sug = s.get(MatchSuggestion, sid)
        n = s.execute(select(func.count()).select_from(MatchDecision).where(MatchDecision.suggestion_id == sid)).scalar_one()
        return sug.decision_state, sug.decided_by, n


@pytest.mark.parametrize("second", ["approve", "reject"])
def test_two_people_deciding_at_once_one_wins(engine, second):
    winners = set()
    for _ in range(ROUNDS):
        with session_scope(engine) as s:
            sid = seed_suggestion(s).id
        bob = (lambda s, sid=sid: decisions.approve(s, suggestion_id=sid, user="bob")) if second == "approve" else (
            lambda s, sid=sid: decisions.reject(s, suggestion_id=sid, user="bob", reason="not ours"))
        results = race(engine, [lambda s, sid=sid: decisions.approve(s, suggestion_id=sid, user="alice"), bob])
        kinds = [k for k, _ in results]
        assert sorted(kinds) == ["error", "ok"], results
        loser = results[kinds.index("error")][1]
        assert isinstance(loser, ConflictError) and "already" in str(loser)
        winner = ("alice", "bob")[kinds.index("ok")]
        winners.add(winner)
        state, decided_by, n = _decisions(engine, sid)
        assert (decided_by, n) == (winner, 1)
        assert state == ("approved" if winner == "alice" or second == "approve" else "rejected")
    with session_scope(engine) as s:
        assert audit.verify_chain(s).ok


def test_same_person_twice_at_once_is_one_decision(engine):
    for _ in range(ROUNDS):
        with session_scope(engine) as s:
            sid = seed_suggestion(s).id
        results = race(engine, [lambda s, sid=sid: decisions.approve(s, suggestion_id=sid, user="alice")] * 2)
        assert [k for k, _ in results] == ["ok", "ok"] and results[0][1] == results[1][1]
        assert _decisions(engine, sid) == ("approved", "alice", 1)


def test_two_suggestions_sharing_an_item_cannot_both_be_approved(engine):
    for _ in range(ROUNDS):
        with session_scope(engine) as s:
            entry, item = seed_pair(s)
            a = seed_suggestion(s, bank_entry_ids=[entry.id], book_item_ids=[item.id]).id
            b = seed_suggestion(s, bank_entry_ids=[entry.id], book_item_ids=[item.id]).id
        results = race(engine, [lambda s, a=a: decisions.approve(s, suggestion_id=a, user="alice"),
                                lambda s, b=b: decisions.approve(s, suggestion_id=b, user="bob")])
        assert sorted(k for k, _ in results) == ["error", "ok"], results
        assert "already matched" in str(next(v for k, v in results if k == "error"))


def test_concurrent_audit_appends_never_fork_the_chain(engine):
    with session_scope(engine) as s:
        before = s.execute(select(func.count()).select_from(AuditRecord)).scalar_one()
    calls = [lambda s, i=i: audit.append(s, actor="system:test", action="test.parallel", object_type="t", object_id=i)
             for i in range(4)]
    for _ in range(5):
        assert all(k == "ok" for k, _ in race(engine, calls))
    with session_scope(engine) as s:
        result = audit.verify_chain(s)
        assert result.ok, result.problems
        assert result.records == before + 20


def test_maker_checker_and_ledger_import_on_postgres(engine):
    data = b"id,date,amount,currency,counterparty,reference,description\nP-1,2026-11-01,-42.10,EUR,ACME,R1,Rent\n"
    with session_scope(engine) as s:
        assert import_ledger_csv(s, file_name="pg.csv", content_bytes=data, user="alice").book_items == 1
    with session_scope(engine) as s:
        assert not import_ledger_csv(s, file_name="pg.csv", content_bytes=data, user="bob").created
        assert s.execute(select(func.count()).select_from(BookItem).where(BookItem.source == "ledger_csv")).scalar_one() == 1
        case = cases.open_case(s, actor="system:breaks", kind="unmatched")
        rid = cases.propose_repair(s, case_id=case.id, payload={"action": "write_off"}, actor="olga").id
    with session_scope(engine) as s, pytest.raises(Exception, match="maker-checker"):
        cases.approve_repair(s, repair_id=rid, actor="olga")
    with session_scope(engine) as s:
        assert cases.approve_repair(s, repair_id=rid, actor="carl").state == "approved"
