import pytest
from sqlalchemy import func, select

from breakdesk.app.services import audit, decisions
from breakdesk.app.services.errors import ConflictError, NotFound, PermissionDenied
from breakdesk.app.store.models import BankEntry, BookItem, MatchDecision, MatchSuggestion
from breakdesk.app.store.race import race
from breakdesk.app.store.testing import seed_pair, seed_suggestion


@pytest.fixture
def suggestion_id(scope, people):
    with scope() as s:
        return seed_suggestion(s).id


def _state(scope, sid):
    with scope() as s:
        sug = s.get(MatchSuggestion, sid)
        n = s.execute(select(func.count()).select_from(MatchDecision).where(MatchDecision.suggestion_id == sid)).scalar_one()
        return sug.decision_state, sug.decided_by, sug.version, n


def test_approve_claims_the_items_and_is_audited(scope, suggestion_id):
    with scope() as s:
        d = decisions.approve(s, suggestion_id=suggestion_id, user="alice", reason="refs agree")
        assert (d.action, d.decided_by, d.from_version) == ("approve", "alice", 1)
    assert _state(scope, suggestion_id) == ("approved", "alice", 2, 1)
    with scope() as s:
        sug = s.get(MatchSuggestion, suggestion_id)
        assert {e.matched_suggestion_id for e in sug.bank_entries + sug.book_items} == {suggestion_id}
        rec = s.query(audit.AuditRecord).order_by(audit.AuditRecord.seq.desc()).first()
        assert (rec.actor, rec.action, rec.object_id, rec.reason) == ("alice", "match.approve", str(suggestion_id), "refs agree")
        assert rec.after["bank_entry_ids"] == sug.bank_entry_ids
        assert audit.verify_chain(s).ok


def test_repeating_the_same_decision_is_a_no_op(scope, suggestion_id):
    with scope() as s:
        first = decisions.approve(s, suggestion_id=suggestion_id, user="alice")
    with scope() as s:
        again = decisions.approve(s, suggestion_id=suggestion_id, user="alice")
    assert again.id == first.id
    assert _state(scope, suggestion_id) == ("approved", "alice", 2, 1)


def test_a_second_person_gets_a_conflict(scope, suggestion_id):
    with scope() as s:
        decisions.approve(s, suggestion_id=suggestion_id, user="alice")
    with scope() as s, pytest.raises(ConflictError, match=r"already approved by alice at .* cannot be rejected"):
        decisions.reject(s, suggestion_id=suggestion_id, user="bob", reason="wrong payee")
    with scope() as s, pytest.raises(ConflictError, match="already approved by alice"):
        decisions.approve(s, suggestion_id=suggestion_id, user="bob")


def test_stale_version_is_a_conflict(scope, suggestion_id):
    with scope() as s, pytest.raises(ConflictError, match="changed since you loaded it"):
        decisions.approve(s, suggestion_id=suggestion_id, user="alice", expected_version=7)
    with scope() as s:
        decisions.approve(s, suggestion_id=suggestion_id, user="alice", expected_version=1)


@pytest.mark.parametrize("user", ["olga", "carl", "nobody"])
def test_only_clerks_and_admins_decide(scope, suggestion_id, user):
    with scope() as s, pytest.raises(PermissionDenied):
        decisions.approve(s, suggestion_id=suggestion_id, user=user)
    assert _state(scope, suggestion_id)[0] == "pending"


def test_admin_may_decide_and_unknown_suggestion_is_not_found(scope, suggestion_id):
    with scope() as s:
        decisions.reject(s, suggestion_id=suggestion_id, user="ada", reason="amount differs")
    with scope() as s, pytest.raises(NotFound):
        decisions.approve(s, suggestion_id=999_999, user="ada")
    with scope() as s, pytest.raises(ValueError, match="needs a reason"):
        decisions.unmatch(s, suggestion_id=suggestion_id, user="ada", reason=" ")


def test_unmatch_frees_the_items_for_another_match(scope, people):
    with scope() as s:
        entry, item = seed_pair(s)
        first = seed_suggestion(s, bank_entry_ids=[entry.id], book_item_ids=[item.id]).id
        second = seed_suggestion(s, bank_entry_ids=[entry.id], book_item_ids=[item.id]).id
    with scope() as s:
        decisions.approve(s, suggestion_id=first, user="alice")
    with scope() as s, pytest.raises(ConflictError, match=f"already matched: bank_entries {entry.id} \\(by suggestion {first}\\)"):
        decisions.approve(s, suggestion_id=second, user="bob")
    assert _state(scope, second)[0] == "pending"  # the failed approval left nothing behind
    with scope() as s:
        decisions.unmatch(s, suggestion_id=first, user="bob", reason="wrong invoice")
    with scope() as s:
        assert s.get(BankEntry, entry.id).matched_suggestion_id is None
        decisions.approve(s, suggestion_id=second, user="bob")
    with scope() as s:
        assert s.get(BookItem, item.id).matched_suggestion_id == second


def test_split_creates_pending_parts(scope, people):
    with scope() as s:
        (e1, i1), (e2, i2) = seed_pair(s), seed_pair(s)
        sid = seed_suggestion(s, bank_entry_ids=[e1.id, e2.id], book_item_ids=[i1.id, i2.id]).id
    with scope() as s, pytest.raises(ValueError, match="not part of"):
        decisions.split(s, suggestion_id=sid, user="alice", reason="two payments", parts=[([e1.id], [i1.id]), ([e2.id], [999])])
    with scope() as s:
        d = decisions.split(s, suggestion_id=sid, user="alice", reason="two payments", parts=[([e1.id], [i1.id]), ([e2.id], [i2.id])])
        children = d.payload["child_suggestion_ids"]
    with scope() as s:
        again = decisions.split(s, suggestion_id=sid, user="alice", reason="two payments", parts=[([e2.id], [i2.id]), ([e1.id], [i1.id])])
        assert again.id == d.id
        kids = [s.get(MatchSuggestion, c) for c in children]
        assert [(k.parent_id, k.decision_state, k.bank_entry_ids, k.book_item_ids) for k in kids] == [
            (sid, "pending", [e1.id], [i1.id]), (sid, "pending", [e2.id], [i2.id])]
        decisions.approve(s, suggestion_id=children[0], user="bob")
    assert _state(scope, sid)[0] == "split"


@pytest.mark.parametrize("same_user", [False, True])
def test_simultaneous_decisions_on_sqlite(engine, scope, people, same_user):
    for _ in range(8):
        with scope() as s:
            sid = seed_suggestion(s).id
        other = "alice" if same_user else "bob"
        results = race(engine, [
            lambda s, sid=sid: decisions.approve(s, suggestion_id=sid, user="alice"),
            lambda s, sid=sid, other=other: decisions.approve(s, suggestion_id=sid, user=other),
        ])
        outcomes = sorted(kind for kind, _ in results)
        if same_user:
            assert outcomes == ["ok", "ok"] and results[0][1] == results[1][1]
        else:
            assert outcomes == ["error", "ok"], results
            assert isinstance(next(v for k, v in results if k == "error"), ConflictError)
        assert _state(scope, sid)[3] == 1  # exactly one decision row
    with scope() as s:
        assert audit.verify_chain(s).ok


def test_auto_confirm_only_for_auto_verdicts_above_the_threshold(scope, people):
    from breakdesk.app.store.repositories.matching import add_suggestion, create_run

    with scope() as s:
        run = create_run(s, started_by="system:matcher")
        pairs = [seed_pair(s) for _ in range(3)]
        mk = lambda pair, conf, status: add_suggestion(  # noqa: E731
            s, run_id=run.id, bank_entries=[pair[0]], book_items=[pair[1]], confidence=conf, reasons=[], status=status).id
        high, low, review = mk(pairs[0], 0.99, "auto"), mk(pairs[1], 0.80, "auto"), mk(pairs[2], 0.99, "review")
    with scope() as s:
        d = decisions.auto_confirm(s, suggestion_id=high, threshold=0.95)
        assert (d.decided_by, d.action) == ("system:auto-confirm", "approve") and "0.9900 >= threshold 0.95" in d.reason
        assert decisions.auto_confirm(s, suggestion_id=low, threshold=0.95) is None
        assert decisions.auto_confirm(s, suggestion_id=review, threshold=0.95) is None
    assert _state(scope, high)[:2] == ("approved", "system:auto-confirm")
    with scope() as s:  # a person can still undo it
        decisions.unmatch(s, suggestion_id=high, user="alice", reason="same amount, other invoice")
