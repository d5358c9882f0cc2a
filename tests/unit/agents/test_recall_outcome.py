"""Issue #14 item 6: a recall case follows the counterparty bank's answer (camt.029, MT196): accepted,
partly accepted, pending, or refused without a reason change the explanation and the next step; a refusal
with a reason code stays the case's diagnosis, as before."""

from __future__ import annotations

import pytest

from breakdesk.agents.case_view import case_to_dict
from breakdesk.agents.cases import detect_cases
from breakdesk.agents.explain import deterministic_answer
from breakdesk.agents.recall_outcome import recall_outcome
from breakdesk.agents.repairs import propose_repair
from breakdesk.parsers import parse

MT192 = ("{1:F01DEUTDEFFAXXX0000000000}{2:O1921100261127BNPAFRPPAXXX00000000002611271100N}{4:\n:20:RCL-0001\n"
         ":21:PAY-103-0001\n:11S:103\n261126\n:79:/DUPL/ Duplicate sent in error.\n-}")


def _answer(code: str, reason: str = "") -> str:
    return ("{1:F01BNPAFRPPAXXX0000000000}{2:O1961600261128DEUTDEFFAXXX00000000002611281600N}{4:\n:20:ANS-0001\n"
            f":21:RCL-0001\n:76:/{code}/{reason} answered\n:11R:192\n261127\n-}}")


def _case(answer: str | None):
    messages = parse(MT192, filename="192.fin") + (parse(answer, filename="196.fin") if answer else [])
    (case,) = detect_cases(messages)  # the answer quotes the request's :20: in its :21:: one thread
    return case_to_dict(case)


DIAGNOSIS = {"reason_code": "DUPL", "meaning": "Duplicate payment", "retry_class": "final", "repair_kind": "none",
             "repair_options": ["Never re-send; recall the surplus copy if it settled"]}


@pytest.mark.parametrize("code, verdict, says, next_step", [
    ("CNCL", "accepted", "accepted the recall (CNCL, MT196)", "Recall accepted: nothing is to be re-sent"),
    ("PDCR", "pending", "has not decided the recall yet (PDCR, MT196)", "Recall pending"),
    ("RJCR", "refused", "refused the recall (RJCR, MT196) without giving a reason code", "ask the counterparty bank"),
])
def test_the_answer_decides_the_explanation_and_the_next_step(code, verdict, says, next_step):
    case = _case(_answer(code))
    assert [s["stage"] for s in case["lifecycle"]] == ["recall_requested", "recall_answered"]
    outcome = recall_outcome(case["lifecycle"])
    assert outcome is not None and outcome.verdict == verdict
    answer, _ = deterministic_answer(case, DIAGNOSIS, [])
    assert answer.startswith("Payment PAY-103-0001 is subject to a recall with reason code DUPL") and says in answer
    repair = propose_repair(case, DIAGNOSIS)
    assert repair["valid"] is False and repair["message"] is None and next_step in repair["summary"]


def test_without_an_answer_nothing_changes_and_a_reasoned_refusal_is_said_once():
    case = _case(None)
    assert recall_outcome(case["lifecycle"]) is None
    answer, _ = deterministic_answer(case, DIAGNOSIS, [])
    assert "counterparty bank" not in answer
    assert propose_repair(case, DIAGNOSIS)["summary"].startswith("No message can fix this")
    refused = _case(_answer("RJCR", "CUST"))
    outcome = recall_outcome(refused["lifecycle"])
    assert outcome is not None and outcome.reason_code == "CUST" and outcome.adds_to(refused)
    answer, _ = deterministic_answer(refused, DIAGNOSIS, [])  # diagnosed on the request's DUPL: the refusal is added
    assert "refused the recall (RJCR, MT196) with reason CUST." in answer
    assert propose_repair(refused, DIAGNOSIS)["summary"].startswith("Recall refused (CUST): the funds stay")
    # when the answer alone made the case, its reason is the diagnosis: the golden camt.029 refusals
    alone = {**refused, "reason_context": "cancellation_answer"}
    assert not outcome.adds_to(alone)
    answer, _ = deterministic_answer(alone, {**DIAGNOSIS, "reason_code": "CUST"}, [])
    assert "counterparty bank" not in answer


def test_an_unknown_answer_code_is_left_as_it_came():
    case = _case(_answer("ZZZZ"))
    assert recall_outcome(case["lifecycle"]) is None
