import pytest

from breakdesk.app.services import audit, cases
from breakdesk.app.services.errors import ConflictError, NotFound, PermissionDenied
from breakdesk.app.store.models import Case, Repair
from breakdesk.app.store.repositories import chunks
from breakdesk.app.store.repositories.matching import add_break
from breakdesk.app.store.testing import seed_pair

REPAIR = {"action": "resend", "changes": [{"field": "creditor.account", "from": "DE00", "to": "DE89370400440532013000"}]}


@pytest.fixture
def case_id(scope, people):
    with scope() as s:
        entry, _ = seed_pair(s)
        brk = add_break(s, side="bank", bank_entry_id=entry.id, break_class="return", reason_code="AC04")
        case = cases.open_case(s, actor="system:breaks", kind="return", reason_code="AC04", severity="high",
                               payment_ids={"end_to_end_id": entry.end_to_end_id}, break_ids=[brk.id])
        assert brk.case_id == case.id
        return case.id


def test_agent_proposes_person_approves(scope, case_id):
    with scope() as s:
        repair = cases.propose_repair(s, case_id=case_id, payload=REPAIR, actor="system:agent", reason="AC04: closed account")
    with scope() as s:
        approved = cases.approve_repair(s, repair_id=repair.id, actor="olga", reason="checked with customer")
        assert (approved.state, approved.decided_by) == ("approved", "olga")
        case = s.get(Case, case_id)
        assert case.state == "resolved"
        assert [e.event_type for e in case.events] == ["opened", "repair_proposed", "repair_approved"]
        actions = [r.action for r in s.query(audit.AuditRecord).order_by(audit.AuditRecord.seq)]
        assert actions[-3:] == ["case.open", "repair.propose", "repair.approve"]
        assert audit.verify_chain(s).ok
    with scope() as s:  # same approval again: no-op
        assert cases.approve_repair(s, repair_id=repair.id, actor="olga").version == approved.version


def test_maker_cannot_approve_own_or_edited_repair(scope, case_id):
    with scope() as s:
        rid = cases.propose_repair(s, case_id=case_id, payload=REPAIR, actor="olga").id
    with scope() as s, pytest.raises(PermissionDenied, match="maker-checker: olga proposed or edited"):
        cases.approve_repair(s, repair_id=rid, actor="olga")
    with scope() as s:
        edited = cases.edit_repair(s, repair_id=rid, payload={**REPAIR, "note": "IBAN from customer letter"},
                                   actor="oscar", reason="customer confirmed", expected_version=1)
        assert edited.makers == {"olga", "oscar"} and edited.version == 2
    with scope() as s, pytest.raises(PermissionDenied, match="oscar proposed or edited"):
        cases.approve_repair(s, repair_id=rid, actor="oscar")
    with scope() as s, pytest.raises(ConflictError, match="changed since you loaded it"):
        cases.approve_repair(s, repair_id=rid, actor="carl", expected_version=1)
    with scope() as s:
        assert cases.approve_repair(s, repair_id=rid, actor="carl", expected_version=2).state == "approved"
    with scope() as s, pytest.raises(ConflictError, match="already approved by carl"):
        cases.reject_repair(s, repair_id=rid, actor="ada", reason="too late")


def test_roles_and_states(scope, case_id):
    with scope() as s, pytest.raises(PermissionDenied):
        cases.propose_repair(s, case_id=case_id, payload=REPAIR, actor="alice")  # clerk
    with scope() as s, pytest.raises(PermissionDenied):
        cases.approve_repair(s, repair_id=1, actor="system:agent")  # programs never decide
    with scope() as s:
        rid = cases.propose_repair(s, case_id=case_id, payload=REPAIR, actor="system:agent").id
    with scope() as s, pytest.raises(ConflictError, match="already has proposed repair"):
        cases.propose_repair(s, case_id=case_id, payload=REPAIR, actor="olga")
    with scope() as s:
        rejected = cases.reject_repair(s, repair_id=rid, actor="carl", reason="wrong IBAN")
        assert rejected.state == "rejected" and s.get(Case, case_id).state == "investigating"
        cases.assign_case(s, case_id=case_id, assignee="olga", actor="oscar")
        cases.set_case_state(s, case_id=case_id, state="closed", actor="olga", reason="written off")
    with scope() as s:
        case = s.get(Case, case_id)
        assert (case.assignee, case.state) == ("olga", "closed")
        with pytest.raises(NotFound):
            cases.assign_case(s, case_id=424242, assignee="olga", actor="oscar")
        with pytest.raises(ValueError):
            cases.set_case_state(s, case_id=case_id, state="vanished", actor="olga", reason="?")
        assert s.query(Repair).count() == 1


def test_cases_by_key_reads_many_keys_at_once(scope, people, monkeypatch):
    """Case refresh looks its cases up in one go; past the chunk size the keys are split, none lost."""
    monkeypatch.setattr(chunks, "IN_CHUNK", 2)
    with scope() as s:
        for n in range(5):
            cases.open_case(s, actor="system:agent", kind="return", key=f"CASE-{n}")
    with scope() as s:
        found = cases.get_cases_by_key(s, keys=["CASE-4", "CASE-0", "CASE-2", "CASE-9", "CASE-0", "CASE-3", "CASE-1"])
        assert sorted(found) == ["CASE-0", "CASE-1", "CASE-2", "CASE-3", "CASE-4"]
        assert all(c.key == k for k, c in found.items())
        assert cases.get_cases_by_key(s, keys=[]) == {}
