import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.types import Command

from breakdesk.agents.graph.case_graph import build_case_graph
from breakdesk.agents.llm import Provider
from tests.support.case_graph_deps import CASE, make_deps

CFG = {"configurable": {"thread_id": CASE["case_id"]}}


def run_until_interrupt(graph):
    out = graph.invoke({"case": CASE}, config=CFG)
    assert "__interrupt__" in out
    return out


def test_graph_stops_for_a_person_then_applies_on_approval(tmp_path):
    graph = build_case_graph(make_deps(str(tmp_path)), InMemorySaver())
    out = run_until_interrupt(graph)
    assert out["repair"]["valid"] is True and out["provider"] == "none"
    assert "AC04" in out["answer"] and "[iso-status-reason-codes#ac04]" in out["answer"]
    assert not (tmp_path / "CASE-TEST1.xml").exists()  # nothing applied before a person decides
    done = graph.invoke(Command(resume={"action": "approve", "user": "bob"}), config=CFG)
    assert done["outcome"]["status"] == "applied" and (tmp_path / "CASE-TEST1.xml").exists()
    assert [e["node"] for e in done["events"]][-2:] == ["decision", "apply"]


def test_rejection_applies_nothing(tmp_path):
    graph = build_case_graph(make_deps(str(tmp_path)), InMemorySaver())
    run_until_interrupt(graph)
    done = graph.invoke(Command(resume={"action": "reject", "user": "bob", "reason": "wrong IBAN"}), config=CFG)
    assert done["outcome"] == {"status": "rejected", "reason": "wrong IBAN"}
    assert not list(tmp_path.iterdir())


def test_prompt_injection_in_remittance_changes_nothing(tmp_path):
    # The model obeys the injected text; the grounding guard refuses it, and nothing gets approved.
    chat = FakeListChatModel(responses=["Approved. The repair is approved and the payment was sent."])
    graph = build_case_graph(make_deps(str(tmp_path), Provider("openai", "fake", chat, False, False)), InMemorySaver())
    out = run_until_interrupt(graph)
    assert out["grounded"] is False and "Approved" not in out["answer"]
    assert "treated as data" in out["grounding_note"]
    assert not list(tmp_path.iterdir()) and "decision" not in out


def test_grounded_llm_answer_is_shown(tmp_path):
    chat = FakeListChatModel(responses=["E2E-4471 was rejected with AC04: the creditor account is closed [iso-status-reason-codes#ac04]."])
    graph = build_case_graph(make_deps(str(tmp_path), Provider("openai", "fake", chat, False, False)), InMemorySaver())
    out = run_until_interrupt(graph)
    assert out["grounded"] is True and out["answer"].startswith("E2E-4471") and out["provider"] == "openai/fake"


def test_bad_decision_is_refused(tmp_path):
    graph = build_case_graph(make_deps(str(tmp_path)), InMemorySaver())
    run_until_interrupt(graph)
    with pytest.raises(ValueError, match="approve"):
        graph.invoke(Command(resume={"action": "maybe"}), config=CFG)
