"""Exceptions page on the demo day: queue filters, explanation with citations, edit-then-approve by two
people (maker-checker refusal shown), and the decisions in the audit log."""

import pytest
from sqlalchemy import select

from breakdesk.app.store.db import session_scope
from breakdesk.app.store.models import AuditRecord, Case
from tests.ui.conftest import open_app

NEW_IBAN = "DE74100200300987654321"


def _key_of(at, ref):
    pick = at.selectbox(key="case_pick")
    keys = [o.split(" · ")[0] for o in pick.options if ref in o]
    assert keys, pick.options
    return keys[0]


def _open(user, ref="E2E-4471", *, analyse=True):
    """Open the case of payment `ref`; analyse it first (an explicit action) when nobody has yet."""
    at = open_app("views/exceptions.py", user=user)
    key = _key_of(at, ref)
    at.selectbox(key="case_pick").select(key).run()
    if analyse and [b for b in at.button if b.key == f"analyse:{key}"]:
        at.button(key=f"analyse:{key}").click().run()
        assert not at.error, [e.value for e in at.error]
    return at, key


def _audit(engine, action):
    with session_scope(engine) as s:
        return list(s.execute(select(AuditRecord).where(AuditRecord.action == action)).scalars())


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
    assert at.button(key=f"approve_btn:{key}").disabled  # nothing to approve yet: the new IBAN is missing

    at.text_input(key=f"edit_creditor.account:{key}").input(NEW_IBAN)
    at.text_input(key=f"edit_reason:{key}").input("new IBAN confirmed by Nordwind by phone")
    at.button(key=f"save_edit:{key}").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    diff = next(df.value for df in at.dataframe if list(df.value.columns) == ["field", "before", "after"])
    assert NEW_IBAN in list(diff["after"])
    assert any("Re-validated" in s.value for s in at.success)
    assert at.code and "<Document" in at.code[0].value and NEW_IBAN in at.code[0].value

    at.button(key=f"approve_btn:{key}").click().run()  # olivia is now a maker
    at.button(key=f"confirm_btn:{key}").click().run()
    assert any("maker-checker" in e.value for e in at.error)

    at2, _ = _open("oscar")
    at2.text_input(key=f"decide_reason:{key}").input("checked against the phone note")
    at2.button(key=f"approve_btn:{key}").click().run()
    # approving says what will be sent, and asks to confirm: nothing is decided yet
    box = " ".join(m.value for m in at2.markdown)
    assert "to the outbox" in box and NEW_IBAN in box and "Approve repair" in box, box
    assert not _audit(ui_env, "repair.approve")
    at2.button(key=f"confirm_btn:{key}").click().run()
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
    at.button(key=f"reject_btn:{key}").click().run()
    assert any("needs a reason" in e.value for e in at.error)
    at.text_input(key=f"decide_reason:{key}").input("creditor asked us to hold")
    at.button(key=f"reject_btn:{key}").click().run()
    assert not at.error
    with session_scope(ui_env) as s:
        rec = s.execute(select(AuditRecord).where(AuditRecord.action == "repair.reject")).scalar_one()
    assert rec.actor == "oscar" and rec.reason == "creditor asked us to hold"


def test_assign(ui_env, demo_day):
    at, key = _open("olivia")
    at.selectbox(key=f"assign_to:{key}").select("oscar")
    at.button(key=f"assign_btn:{key}").click().run()
    assert not at.error
    with session_scope(ui_env) as s:
        assert s.execute(select(Case.assignee).where(Case.key == key)).scalar_one() == "oscar"
        assert s.execute(select(AuditRecord.actor).where(AuditRecord.action == "case.assign")).scalar_one() == "olivia"


def test_compliance_may_decide_but_not_edit(ui_env, demo_day):
    at, key = _open("chloe")
    assert [b for b in at.button if b.key == f"approve_btn:{key}"]
    assert not [t for t in at.text_input if t.key == f"edit_reason:{key}"]


def test_an_edit_needs_a_value_and_a_reason(ui_env, demo_day):
    at, key = _open("olivia")
    at.button(key=f"save_edit:{key}").click().run()
    assert any("at least one corrected value" in e.value for e in at.error)
    at.text_input(key=f"edit_creditor.account:{key}").input(NEW_IBAN)
    at.button(key=f"save_edit:{key}").click().run()
    assert any("needs a reason" in e.value for e in at.error)
    with session_scope(ui_env) as s:
        assert not s.execute(select(AuditRecord).where(AuditRecord.action == "repair.edit")).first()


@pytest.mark.parametrize("typed", ["DE00123", "DE00123456780000000000", "XX89370400440532013000"])
def test_an_invalid_iban_is_refused_as_typed_and_nothing_is_stored(ui_env, demo_day, typed):
    at, key = _open("olivia")
    at.text_input(key=f"edit_creditor.account:{key}").input(typed)
    at.text_input(key=f"edit_reason:{key}").input("typo test")
    at.button(key=f"save_edit:{key}").click().run()
    assert any("is not a valid IBAN" in e.value for e in at.error), [e.value for e in at.error]
    assert not at.success or not any("edited" in s.value for s in at.success)
    assert not _audit(ui_env, "repair.edit")


def test_enter_in_a_reason_field_decides_nothing(ui_env, demo_day):
    """Typing a reason and pressing Enter (a text input's submit) used to approve the repair."""
    at, key = _open("oscar", ref="E2E-4472")
    at.text_input(key=f"decide_reason:{key}").input("creditor asked us to hold").run()  # Enter
    at.text_input(key=f"decide_reason:{key}").input("creditor asked us to hold, really").run()
    assert not _audit(ui_env, "repair.approve") and not _audit(ui_env, "repair.reject")
    with session_scope(ui_env) as s:
        assert s.execute(select(Case.state).where(Case.key == key)).scalar_one() == "repair_proposed"


def test_opening_a_case_changes_nothing_and_needs_no_model(ui_env, demo_day):
    with session_scope(ui_env) as s:
        before = {c.key: (c.state, c.version) for c in s.execute(select(Case)).scalars()}
    at, key = _open("olivia", analyse=False)
    assert [b for b in at.button if b.key == f"analyse:{key}"]
    assert any("Not analysed yet" in i.value for i in at.info)
    with session_scope(ui_env) as s:
        assert {c.key: (c.state, c.version) for c in s.execute(select(Case)).scalars()} == before
        assert not s.execute(select(AuditRecord).where(AuditRecord.action == "repair.propose")).first()


def test_an_action_stays_on_the_open_case_across_reruns(ui_env, demo_day):
    """Opening (analysing) a case nobody had viewed changed its state and so the picker's options; the
    picker reset to the first case and "Assign" assigned that one."""
    at = open_app("views/exceptions.py", user="olivia")
    keys = [o.split(" · ")[0] for o in at.selectbox(key="case_pick").options]
    target = keys[-1]
    at.selectbox(key="case_pick").select(target).run()
    at.button(key=f"analyse:{target}").click().run()  # its state and label change
    assert at.selectbox(key="case_pick").value == target
    assert at.query_params["case"] == [target] or at.query_params["case"] == target
    at.selectbox(key=f"assign_to:{target}").select("oscar")
    at.button(key=f"assign_btn:{target}").click().run()
    with session_scope(ui_env) as s:
        assignees = dict(s.execute(select(Case.key, Case.assignee)).all())
    assert assignees[target] == "oscar"
    assert [k for k, a in assignees.items() if a] == [target]


def test_a_link_opens_its_case(ui_env, demo_day):
    at = open_app("views/exceptions.py", user="olivia")
    target = _key_of(at, "E2E-4472")
    linked = open_app(None, user="olivia")
    linked.query_params["case"] = target
    linked.switch_page("views/exceptions.py").run()
    assert linked.selectbox(key="case_pick").value == target
    assert any(target in h.value for h in linked.subheader)


def test_a_case_no_message_can_fix_shows_its_next_step_not_an_approve_button(ui_env, demo_day):
    at, key = _open("oscar", ref="E2E-4477")  # AM05 duplicate: re-sending would pay twice
    assert any(i.value.startswith("Next step: No message can fix this") for i in at.info), [i.value for i in at.info]
    assert not [b for b in at.button if b.key in (f"approve_btn:{key}", f"reject_btn:{key}")]


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
    at.text_input(key=f"decide_reason:{key}").input("creditor asked us to hold")
    at.button(key=f"reject_btn:{key}").click().run()
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


def test_the_queue_shows_the_sla_and_filters_breaches_and_my_cases(ui_env, demo_day):
    from datetime import UTC, datetime, timedelta

    at, key = _open("olivia", analyse=False)
    with session_scope(ui_env) as s:  # one case opened long ago and assigned to olivia
        case = s.execute(select(Case).where(Case.key == key)).scalar_one()
        case.created_at = datetime.now(UTC) - timedelta(days=5)
        case.assignee = "olivia"
    at = open_app("views/exceptions.py", user="olivia")
    queue = at.dataframe[0].value.set_index("case")
    assert queue.loc[key, "breach"] and queue.loc[key, "SLA"].startswith("⚠ overdue")
    assert any("past their SLA" in c.value for c in at.caption)
    at.checkbox(key="q_breached").check().run()
    assert list(at.dataframe[0].value["case"]) == [key]
    at.checkbox(key="q_breached").uncheck()
    at.checkbox(key="q_mine").check().run()
    assert list(at.dataframe[0].value["case"]) == [key]
    theirs = open_app("views/exceptions.py", user="oscar").checkbox(key="q_mine").check().run()
    assert theirs.dataframe[0].value.empty  # oscar has none


def test_notes_on_a_case_are_kept_with_who_wrote_them(ui_env, demo_day):
    at, key = _open("olivia", analyse=False)
    at.text_area(key=f"note:{key}").input("Called the beneficiary: new IBAN by letter on Monday").run()
    at.button(key=f"note_btn:{key}").click().run()
    assert not at.error, [e.value for e in at.error]
    assert any("Called the beneficiary" in m.value and "olivia" in m.value for m in at.markdown)
    [rec] = _audit(ui_env, "case.note")
    assert (rec.actor, rec.object_type, rec.object_id) == ("olivia", "case", key)
    other, _ = _open("chloe", analyse=False)  # compliance reads the note on the same case
    other.selectbox(key="case_pick").select(key).run()
    assert any("Called the beneficiary" in m.value for m in other.markdown)
