import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from langgraph.checkpoint.memory import InMemorySaver

from breakdesk.agents.graph.chat_graph import ChatDeps, ask, build_chat_graph, extract_terms
from breakdesk.agents.llm import LLMSettings, Provider, load_chat_model

PASSAGES = {"AC04": {"citation_id": "iso-status-reason-codes#ac04", "title": "AC04", "text": "AC04 Closed account number: the account is closed."}}
FACTS = [{"text": "E2E-4471 EUR 1250.00 rejected with AC04 by pain.002", "source": "p2.xml /Document/.../TxInfAndSts[1]"}]


def deps(provider=None):
    def retrieve(q, k):
        return [PASSAGES["AC04"]] if "AC04" in q or "closed" in q.lower() else []

    def find_facts(question, terms):
        return FACTS if "E2E-4471" in terms["refs"] else []

    return ChatDeps(provider=provider or load_chat_model(LLMSettings(provider="none")), retrieve=retrieve, find_facts=find_facts)


def test_terms():
    t = extract_terms("why did E2E-4471 fail? and what is AC04, invoice 123 for Acme Corp")
    assert t["refs"] == ["E2E-4471"] and t["codes"] == ["AC04"] and t["invoices"] == ["123"]
    assert t["names"] == ["Acme Corp"] and t["kinds"] == ["rejected"]


def test_deterministic_answers_cite_and_use_facts():
    g = build_chat_graph(deps(), InMemorySaver())
    out = ask(g, "what does AC04 mean?")
    assert "[iso-status-reason-codes#ac04]" in out["answer"] and out["provider"] == "none"
    out = ask(g, "why did E2E-4471 fail?")
    assert "E2E-4471" in out["answer"] and "p2.xml" in out["answer"]
    out = ask(g, "why did E2E-9999 fail?")
    assert "No payment" in out["answer"]


def test_history_is_kept_per_thread():
    g = build_chat_graph(deps(), InMemorySaver())
    ask(g, "what does AC04 mean?", thread_id="t1")
    state = g.get_state({"configurable": {"thread_id": "t1"}}).values
    assert len(state["messages"]) == 2
    ask(g, "and E2E-4471?", thread_id="t1")
    assert len(g.get_state({"configurable": {"thread_id": "t1"}}).values["messages"]) == 4


def test_ungrounded_llm_answer_is_replaced():
    chat = FakeListChatModel(responses=["E2E-4471 failed because of a sanctions hit on 2026-01-01 [iso-status-reason-codes#ac04]."])
    out = ask(build_chat_graph(deps(Provider("openai", "fake", chat, False, False))), "why did E2E-4471 fail?")
    assert out["grounded"] is False and "sanctions" not in out["answer"] and out["provider"] == "openai/fake"


def test_grounded_llm_answer_is_shown_with_its_citations():
    chat = FakeListChatModel(responses=["E2E-4471 was rejected with AC04: the account is closed [iso-status-reason-codes#ac04]."])
    out = ask(build_chat_graph(deps(Provider("openai", "fake", chat, False, False))), "why did E2E-4471 fail with AC04?")
    assert out["grounded"] is True and out["answer"].startswith("E2E-4471") and out["provider"] == "openai/fake"
    assert out["citations"] == ["iso-status-reason-codes#ac04"] and out["note"] is None


def test_names_in_the_facts_and_the_question_are_masked_for_an_external_model():
    seen: list[str] = []

    class Recording(FakeListChatModel):
        def _call(self, messages, stop=None, run_manager=None, **kwargs):  # type: ignore[no-untyped-def]
            seen.append(" ".join(str(m.content) for m in messages))
            return super()._call(messages, stop, run_manager, **kwargs)

    facts = [{"text": "E2E-4471 EUR 1250.00 to Nordwind Logistik GmbH rejected with AC04", "source": "p2.xml",
              "names": ["Nordwind Logistik GmbH"]}]
    d = deps(Provider("openai", "fake", Recording(responses=["[PARTY_1] was rejected."]), True, True))
    d = ChatDeps(provider=d.provider, retrieve=d.retrieve, find_facts=lambda q, t: facts)
    ask(build_chat_graph(d), "why did E2E-4471 for Baltic Supplies fail?")
    assert seen and "E2E-4471" in seen[0]
    assert "Nordwind" not in seen[0] and "Baltic Supplies" not in seen[0]


@pytest.mark.parametrize("question, dates, amounts", [
    ("anything unmatched on the statement of 27 November?", ["--11-27"], []),
    ("the EUR 1,250.00 payment on 2026-11-27", ["2026-11-27"], ["EUR 1250.00"]),
    ("15.000,00 EUR from Baltic on 28.11.2026", ["2026-11-28"], ["EUR 15000.00"]),
    ("what about €760 and 12.50 on November 27th, 2026", ["2026-11-27"], ["12.50", "EUR 760"]),
    ("CBK-20261127-0004 and E2E-4471 of 15,000 EUR", [], ["EUR 15000"]),
    ("1 234.56 CHF on 31.11.2026, line 3 of 27.11.", ["--11-27"], ["CHF 1234.56"]),  # 31 November is no date
    ("3 payments of 760 on 29 February", ["--02-29"], []),  # a bare whole number is not an amount
])
def test_dates_and_amounts_in_a_question(question, dates, amounts):
    t = extract_terms(question)
    assert (t["dates"], t["amounts"]) == (dates, amounts)


@pytest.mark.parametrize("question, invoices", [
    ("and an investigation request to the bank", []),  # "investigation" is no invoice "estigation"
    ("did Globex pay invoice 118 in full?", ["118"]), ("inv. NW-88123 paid?", ["NW-88123"]),
])
def test_invoice_numbers(question, invoices):
    assert extract_terms(question)["invoices"] == invoices


@pytest.mark.parametrize("question, audience", [
    ("draft a message to the beneficiary", "beneficiary"), ("write an investigation request to the bank", "bank"),
    ("prepare an internal note for the team", "internal"), ("draft something", "beneficiary"),
])
def test_what_a_draft_is_and_whom_it_is_for(question, audience):
    t = extract_terms(question)
    assert "draft" in t["topics"] and t["audience"] == [audience]


def test_questions_about_what_is_still_open():
    for q in ("is there anything unmatched?", "what is still open on the 28th", "open items for Umbrella",
              "why didn't CBK-1 match?", "list the breaks", "which lines are not reconciled"):
        assert extract_terms(q)["topics"] == ["open_items"], q
    assert extract_terms("why was E2E-4471 rejected?")["topics"] == []


def test_a_follow_up_question_is_about_the_payment_before_and_the_answer_says_so():
    seen_terms: list[dict] = []

    def find_facts(question, terms):
        seen_terms.append(terms)
        return [dict(FACTS[0], ref="E2E-4471", case="CASE-1")] if "E2E-4471" in terms["refs"] else []

    d = deps()
    g = build_chat_graph(ChatDeps(provider=d.provider, retrieve=d.retrieve, find_facts=find_facts), InMemorySaver())
    ask(g, "why did E2E-4471 fail?", thread_id="f")
    out = ask(g, "what should I do about it?", thread_id="f")
    assert seen_terms[-1]["refs"] == ["E2E-4471"] and "next_step" in seen_terms[-1]["topics"]
    assert out["answer"].startswith("About E2E-4471 (from earlier in this conversation)") and out["cases"] == ["CASE-1"]
    other = ask(g, "what should I do about it?", thread_id="a-new-thread")  # no earlier turn: nothing to resolve
    assert seen_terms[-1]["refs"] == [] and "E2E-4471" not in other["answer"]


@pytest.mark.parametrize("question, focus, refs", [
    ("who approved it?", ["E2E-1"], ["E2E-1"]),
    ("and the second one?", ["E2E-1", "E2E-2"], ["E2E-2"]),
    ("what does AC04 mean?", ["E2E-1"], []),  # a new question, not a follow-up
    ("how many returns are open?", ["E2E-1"], []),  # a count is about the whole worklist
    ("why was E2E-9 rejected?", ["E2E-1"], ["E2E-9"]),  # a question that names a payment is about that one
])
def test_follow_ups_resolve_to_the_conversations_payments(question, focus, refs):
    from breakdesk.agents.graph.chat_graph import resolve_follow_up

    assert resolve_follow_up(question, extract_terms(question), focus)["refs"] == refs


def test_a_plain_word_question_is_answered_with_the_code_and_the_next_step():
    g = build_chat_graph(deps(), InMemorySaver())
    out = ask(g, "the payment bounced because the account is closed")
    lines = out["answer"].splitlines()
    assert lines[0].startswith("This reads like reason code AC04") and "Sources: [iso-status-reason-codes#ac04]" in lines
    assert [t["name"] for t in out["tool_calls"]] == ["find_facts", "search_knowledge_base"]
