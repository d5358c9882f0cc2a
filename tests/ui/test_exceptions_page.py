"""Exceptions page on the demo day: queue filters, explanation with citations, edit-then-approve by two
people (maker-checker refusal shown), and the decisions in the audit log."""

from sqlalchemy import select

from breakdesk.app.store.db import session_scope
from breakdesk.app.store.models import AuditRecord, Case
from tests.ui.conftest import open_app

NEW_IBAN = "DE74100200300987654321"


def _open(user, ref="E2E-4471"):
    at = open_app("views/exceptions.py", user=user)
    pick = at.selectbox(key="case_pick")
    key = None
    for option in pick.options:
        if ref in option:
            key = option.split(" · ")[0]
    assert key, pick.options
    pick.select(key).run()
    return at, key


def test_queue_filters(ui_env, demo_day):
    at = open_app("views/exceptions.py", user="olivia")
    queue = at.dataframe[0].value
    assert {"E2E-4471", "E2E-4472", "E2E-4474"} <= set(queue["payment"])
    at.selectbox(key="q_reason").select("AC04").run()
    queue = at.dataframe[0].value
    assert list(queue["payment"]) == ["E2E-4471"] and list(queue["kind"]) == ["rejected"]
    at.selectbox(key="q_reason").select("(all)")
    at.selectbox(key="q_kind").select("returned").run()
    assert set(at.dataframe[0].value["reason"]) == {"BE04", "FOCR"}  # E2E-4478 came back after its recall


def test_case_detail_shows_explanation_citations_facts_and_repair(ui_env, demo_day):
    at, key = _open("olivia")
    assert not at.exception
    assert any("iso-status-reason-codes#ac04" in e.label for e in at.expander)
    passage = next(e for e in at.expander if "iso-status-reason-codes#ac04" in e.label)
    assert passage.markdown and "AC04" in passage.markdown[0].value
    assert any("Answered by **none**" in c.value for c in at.caption)
    facts = next(df.value for df in at.dataframe if list(df.value.columns) == ["text", "source"])
    assert len(facts) and all(facts["source"])
    assert any("Missing: creditor.account" in w.value for w in at.warning)


def test_edit_then_approve_by_another_person(ui_env, demo_day):
    at, key = _open("olivia")
    at.button(key="approve_btn").click().run()  # nothing to approve yet: the new IBAN is missing
    assert any("missing creditor.account" in e.value for e in at.error)

    at.text_input(key="edit_creditor.account").input(NEW_IBAN)
    at.text_input(key="edit_reason").input("new IBAN confirmed by Nordwind by phone")
    at.button(key="save_edit").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    diff = next(df.value for df in at.dataframe if list(df.value.columns) == ["field", "before", "after"])
    assert NEW_IBAN in list(diff["after"])
    assert any("Re-validated" in s.value for s in at.success)
    assert at.code and "<Document" in at.code[0].value and NEW_IBAN in at.code[0].value

    at.button(key="approve_btn").click().run()  # olivia is now a maker
    assert any("maker-checker" in e.value for e in at.error)

    at2, _ = _open("oscar")
    at2.text_input(key="decide_reason").input("checked against the phone note")
    at2.button(key="approve_btn").click().run()
    assert not at2.error, [e.value for e in at2.error]
    with session_scope(ui_env) as s:
        assert s.execute(select(Case.state).where(Case.key == key)).scalar_one() == "resolved"
        actions = [(r.actor, r.action) for r in s.execute(select(AuditRecord).order_by(AuditRecord.seq)).scalars()]
    assert ("olivia", "repair.edit") in actions and ("oscar", "repair.approve") in actions
    assert ("olivia", "repair.approve") not in actions

    audit = open_app("views/audit.py", user="oscar")
    audit.multiselect(key="audit_action").select("repair.approve").run()
    log = audit.dataframe[0].value
    assert list(log["actor"]) == ["oscar"] and list(log["reason"]) == ["checked against the phone note"]


def test_reject_needs_a_reason_and_is_recorded(ui_env, demo_day):
    at, key = _open("oscar", ref="E2E-4472")
    at.button(key="reject_btn").click().run()
    assert any("needs a reason" in e.value for e in at.error)
    at.text_input(key="decide_reason").input("creditor asked us to hold")
    at.button(key="reject_btn").click().run()
    assert not at.error
    with session_scope(ui_env) as s:
        rec = s.execute(select(AuditRecord).where(AuditRecord.action == "repair.reject")).scalar_one()
    assert rec.actor == "oscar" and rec.reason == "creditor asked us to hold"


def test_assign(ui_env, demo_day):
    at, key = _open("olivia")
    at.selectbox(key="assign_to").select("oscar")
    at.button(key="assign_btn").click().run()
    assert not at.error
    with session_scope(ui_env) as s:
        assert s.execute(select(Case.assignee).where(Case.key == key)).scalar_one() == "oscar"
        assert s.execute(select(AuditRecord.actor).where(AuditRecord.action == "case.assign")).scalar_one() == "olivia"


def test_compliance_may_decide_but_not_edit(ui_env, demo_day):
    at, _ = _open("chloe")
    assert [b for b in at.button if b.key == "approve_btn"]
    assert not [t for t in at.text_input if t.key == "edit_reason"]


def test_an_edit_needs_a_value_and_a_reason(ui_env, demo_day):
    at, _ = _open("olivia")
    at.button(key="save_edit").click().run()
    assert any("at least one corrected value" in e.value for e in at.error)
    at.text_input(key="edit_creditor.account").input(NEW_IBAN)
    at.button(key="save_edit").click().run()
    assert any("needs a reason" in e.value for e in at.error)
    with session_scope(ui_env) as s:
        assert not s.execute(select(AuditRecord).where(AuditRecord.action == "repair.edit")).first()


def test_an_invalid_iban_is_refused_by_revalidation(ui_env, demo_day):
    at, _ = _open("olivia")
    at.text_input(key="edit_creditor.account").input("DE00123456780000000000")
    at.text_input(key="edit_reason").input("typo test")
    at.button(key="save_edit").click().run()
    assert not any("Re-validated" in s.value for s in at.success)
    at2, _ = _open("oscar")  # not a maker, but the repair did not validate
    at2.button(key="approve_btn").click().run()
    assert any("cannot be approved" in e.value for e in at2.error), [e.value for e in at2.error]


def test_a_repair_superseded_while_on_screen_is_not_decided(ui_env, demo_day):
    """oscar has the proposal on screen; a later message changes the break (the old proposal is superseded
    and a new one made) before he clicks. His click must not approve or reject a repair he has not read."""
    from breakdesk.app.services.cases import get_case_by_key, reanalyse_case
    from breakdesk.app.services.workflow import explain_case
    from breakdesk.app.ui import state

    at, key = _open("oscar", ref="E2E-4472")
    with session_scope(ui_env) as s:
        case = get_case_by_key(s, key=key)
        [shown] = [r.id for r in case.repairs if r.state == "proposed"]
        reanalyse_case(s, case_id=case.id, actor="system:breakdesk", reason="a later message changed the break")
        explain_case(s, case_key=key, runtime=state.runtime())  # the new analysis proposes again
    at.text_input(key="decide_reason").input("creditor asked us to hold")
    at.button(key="reject_btn").click().run()
    assert any(f"repair {shown} of case {key} is no longer the open one" in e.value for e in at.error), at.error
    with session_scope(ui_env) as s:
        assert not s.execute(select(AuditRecord).where(AuditRecord.action == "repair.reject")).first()
        assert [r.state for r in get_case_by_key(s, key=key).repairs] == ["superseded", "proposed"]


def test_a_merged_case_says_which_case_carries_on(ui_env, demo_day):
    from breakdesk.app.services.cases import get_case_by_key, merge_case

    at, older = _open("oscar", ref="E2E-4471")
    at, newer = _open("oscar", ref="E2E-4472")
    assert not [i for i in at.info if "Merged into" in i.value]
    with session_scope(ui_env) as s:
        merge_case(s, case_id=get_case_by_key(s, key=newer).id, into_id=get_case_by_key(s, key=older).id,
                   actor="system:breakdesk", reason="a later message joined their threads")
    at, _ = _open("oscar", ref="E2E-4472")
    assert any(f"Merged into {older}" in i.value for i in at.info), [i.value for i in at.info]
