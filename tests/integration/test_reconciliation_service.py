"""Reconciliation on the store with the demo day: suggestions, breaks, break cases, auto-confirm, decisions."""

import pytest
from sqlalchemy import func, select

from app.services import decisions
from app.services.errors import PermissionDenied
from app.services.reconciliation import run_matching
from app.services.workflow import ingest_files, list_cases
from app.store.db import session_scope
from app.store.models import BankEntry, Break, MatchSuggestion
from tests.integration.test_workflow_demo_day import _cheap_bcrypt, workspace  # noqa: F401 - fixtures
from tests.support.workflow import demo_files


def _refs(s: MatchSuggestion) -> tuple[set, set]:
    return ({e.end_to_end_id or e.account_servicer_reference for e in s.bank_entries},
            {b.end_to_end_id or b.external_id for b in s.book_items})


def test_demo_day_reconciles(workspace):
    engine, _ = workspace
    with session_scope(engine) as s:
        ingest_files(s, files=demo_files(), user="olivia")
    with session_scope(engine) as s, pytest.raises(PermissionDenied):
        run_matching(s, user="olivia")  # ops may not run matching; clerks do
    seen = []
    with session_scope(engine) as s:
        summary = run_matching(s, user="carl", auto_confirm=True, threshold=0.9, progress=lambda f, t: seen.append(f))
    assert seen[-1] == 1.0 and summary["suggestions"] > 0 and summary["auto_confirmed"] > 0
    with session_scope(engine) as s:
        sugg = list(s.execute(select(MatchSuggestion)).scalars())
        by_e2e = {next(iter(_refs(x)[1])): x for x in sugg if len(x.book_items) == 1}
        # exact EndToEndId matches are confirmed automatically
        assert by_e2e["E2E-4473"].decision_state == "approved" and by_e2e["E2E-4473"].decided_by == "system:auto-confirm"
        # the salary batch: one bank line, three payments
        batch = next(x for x in sugg if len(x.book_items) == 3)
        assert {b.end_to_end_id for b in batch.book_items} == {"SAL-1126-01", "SAL-1126-02", "SAL-1126-03"}
        # Globex paid 5,000.00 less a 15.00 fee: a suggestion with the open difference, left for review
        globex = by_e2e["AR-118"]
        assert globex.decision_state == "pending" and globex.status == "review"
        assert any(r["text"] == "bank amount short by 15.00 EUR (plausible fee)" for r in globex.reasons)
        breaks = {(b.side, b.break_class) for b in s.execute(select(Break)).scalars()}
    assert ("bank", "bank_only") in breaks  # the 12.50 charge
    assert ("book", "missing_booking") in breaks  # Umbrella Ltd never paid
    with session_scope(engine) as s:
        kinds = {r["kind"] for r in list_cases(s)}
    assert {"bank_only", "missing_booking", "rejected", "returned"} <= kinds
    with session_scope(engine) as s:
        missing = [r for r in list_cases(s, kind="missing_booking")]
    # rejected payments never reached the statement: they are payment cases, not missing bookings
    assert [r["payment"]["reference"] for r in missing] == ["AR-125"]
    with session_scope(engine) as s:
        late = list_cases(s, kind="value_date_difference")
    # one case for the pair (the bank line CBK-…-0009 and ledger item AR-120), not one per side
    assert len(late) == 1 and late[0]["payment"]["reference"] in {"AR-120", "CBK-20261127-0009"}

    with session_scope(engine) as s:  # what a re-run may offer: no approved match, no pending suggestion holding it
        held = {e.id for sug in s.scalars(select(MatchSuggestion).where(MatchSuggestion.decision_state == "pending"))
                for e in sug.bank_entries}
        free = s.scalar(select(func.count()).select_from(BankEntry).where(
            BankEntry.matched_suggestion_id.is_(None), BankEntry.level == "entry", BankEntry.id.not_in(held)))
    with session_scope(engine) as s:
        rerun = run_matching(s, user="carl")
    assert held and rerun["bank"] == free  # items a pending suggestion holds stay with the clerks, not re-offered

    with session_scope(engine) as s:
        d = decisions.approve(s, suggestion_id=globex.id, user="carl", reason="fee accepted, write off 15.00")
        assert d.action == "approve"
    with session_scope(engine) as s:
        again = run_matching(s, user="carl")
    assert again["bank"] < summary["bank"]  # matched items are not offered again
