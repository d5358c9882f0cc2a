"""The ops chat's facts from the store on the demo day (imported and reconciled): a question about one
payment is answered about that payment, and "what is still open" is answered from the open breaks."""

import pytest
from sqlalchemy import select

from breakdesk.agents.graph.chat_graph import extract_terms
from breakdesk.app.services.chat_facts import find_facts
from breakdesk.app.services.reconciliation import run_matching
from breakdesk.app.services.workflow import ask, ingest_files
from breakdesk.app.store.db import session_scope
from breakdesk.app.store.models import BankEntry, BookItem, Break
from tests.integration.test_workflow_demo_day import _cheap_bcrypt, workspace  # noqa: F401 - fixtures
from tests.support.workflow import demo_files


@pytest.fixture
def reconciled(workspace):
    engine, runtime = workspace
    with session_scope(engine) as s:
        ingest_files(s, files=demo_files(), user="olivia")
    with session_scope(engine) as s:
        run_matching(s, user="carl")
    return engine, runtime


def _facts(engine, question):
    with session_scope(engine) as s:
        return find_facts(s)(question, extract_terms(question))


def test_a_question_about_one_payment_is_answered_about_that_payment(reconciled):
    engine, runtime = reconciled
    facts = _facts(engine, "why was E2E-4471 rejected?")
    texts = " ".join(f["text"] for f in facts)
    assert "E2E-4471" in texts and "AC04" in texts
    # not every other rejected payment of the day (it listed E2E-4472, -4477 and -4479 too, and 4471 twice)
    assert not {"E2E-4472", "E2E-4477", "E2E-4479"} & set(texts.replace("(", " ").replace(")", " ").split())
    assert len({f["text"] for f in facts}) == len(facts)
    assert _facts(engine, "why was e2e-4471 rejected?") == facts  # references ignore case
    with session_scope(engine) as s:
        out = ask(s, question="why was E2E-4471 rejected?", thread_id="one", runtime=runtime)
    assert "E2E-4472" not in out["answer"] and "AC04" in out["answer"]


def test_what_is_still_open_on_a_day_comes_from_the_open_breaks(reconciled):
    engine, runtime = reconciled
    with session_scope(engine) as s:  # the oracle: open breaks whose item is booked or valued on 27 November
        expected = []
        for b in s.scalars(select(Break).where(Break.status == "open").order_by(Break.id)):
            row = s.get(BankEntry, b.bank_entry_id) if b.side == "bank" else s.get(BookItem, b.book_item_id)
            if "2026-11-27" in (str(row.booking_date), str(row.value_date)):
                expected.append(b)
    assert len(expected) >= 3
    facts = _facts(engine, "is there anything unmatched on the statement of 27 November?")
    head, *lines = facts
    assert head["text"].startswith(f"{len(expected)} open reconciliation break(s) dated 11-27:")
    assert len(lines) == min(len(expected), 11) and all(f["text"].startswith("Open break (") for f in lines)
    texts = " ".join(f["text"] for f in facts)
    assert "CBK-20261127-0004" in texts and "bank only ACMT/MDOP/CHRG" in texts  # the 12.50 bank charge
    assert "AR-125" in texts and "Umbrella Ltd" in texts and "missing booking" in texts  # Umbrella never paid
    assert all(f["source"] for f in facts) and any(".xml" in f["source"] for f in lines)
    assert "CBK-20261128" not in texts  # the next day's lines are not dated 27 November

    with session_scope(engine) as s:
        out = ask(s, question="is there anything unmatched on the statement of 27 November?", thread_id="open",
                  runtime=runtime)
    assert f"{len(expected)} open reconciliation break(s)" in out["answer"] and "CBK-20261127-0004" in out["answer"]

    by_amount = _facts(engine, "which open items are 3,400.00 EUR?")
    assert "AR-125" in by_amount[1]["text"] and by_amount[0]["text"].startswith("1 open reconciliation break(s) of EUR 3400.00")
    nothing = _facts(engine, "any breaks on 2026-12-25?")
    assert [f["text"] for f in nothing] == ["No open reconciliation break dated 2026-12-25."]


def test_an_amount_finds_the_open_case_and_the_items_of_that_amount(reconciled):
    engine, _ = reconciled
    texts = " ".join(f["text"] for f in _facts(engine, "what happened to the EUR 15,000.00 payment?"))
    assert "E2E-4477" in texts and "AM05" in texts  # the duplicate payment rejected as AM05


def test_why_a_line_did_not_match_names_its_break(reconciled):
    engine, _ = reconciled
    facts = _facts(engine, "why didn't CBK-20261127-0004 match?")
    assert facts[0]["text"] == "1 open reconciliation break(s) for CBK-20261127-0004: 1 bank only."
    assert any(f["text"].startswith("Open break (bank only ACMT/MDOP/CHRG): Statement line CBK-20261127-0004") for f in facts)
    assert sum("Statement line CBK-20261127-0004" in f["text"] for f in facts) == 1  # quoted once, as its break


def test_a_counterparty_named_by_one_word_gives_what_is_open_about_them(reconciled):
    engine, _ = reconciled
    facts = _facts(engine, "has Umbrella paid yet?")
    assert facts[0]["text"].startswith("1 open reconciliation break(s) naming Umbrella Ltd: 1 missing booking")
    assert "AR-125" in facts[1]["text"]
    texts = " ".join(f["text"] for f in _facts(engine, "anything about nordwind?"))
    assert "E2E-4471" in texts and "Umbrella" not in texts
    assert _facts(engine, "what does the trading desk do?") == []  # a generic word names no one


def test_an_item_found_by_the_banks_reference_brings_its_case_and_its_match(reconciled):
    engine, _ = reconciled
    facts = _facts(engine, "what is CBK-20261128-0002?")  # the return of E2E-4478, known to the bank by its own ref
    assert facts[0]["source"].startswith("case ") and "E2E-4478" in facts[0]["text"] and "FOCR" in facts[0]["text"]
    globex = " ".join(f["text"] for f in _facts(engine, "did Globex pay invoice 118 in full?"))
    assert "EUR 4985.00" in globex and "pending (awaiting a clerk)" in globex and "short by 15.00 EUR" in globex
    assert [f["text"] for f in _facts(engine, "what recalls are open?")] == ["No open recall case."]
    once = _facts(engine, "what about E2E-4471 and ACME-I-4471?")
    assert len([f for f in once if f["source"].startswith("case ")]) == 1  # one case, however many of its ids


def _conversation(engine, runtime, thread, *questions):
    outs = []
    for q in questions:
        with session_scope(engine) as s:
            outs.append(ask(s, question=q, thread_id=thread, runtime=runtime))
    return outs


def test_a_follow_up_is_about_the_payment_of_the_turn_before(reconciled):
    engine, runtime = reconciled
    why, todo, who = _conversation(engine, runtime, "follow-up", "Why was E2E-4471 rejected?",
                                   "what should I do about it?", "who approved it?")
    assert "AC04" in why["answer"]
    assert todo["answer"].startswith("About E2E-4471") and "Next:" in todo["answer"]
    assert "Next step for E2E-4471" in todo["answer"] and "escalat" not in todo["answer"].split("Next:")[0].lower()
    assert who["answer"].startswith("About E2E-4471")
    assert "E2E-4471" in who["answer"] and ("No person has acted" in who["answer"] or "History of" in who["answer"])


def test_counts_and_totals_of_open_cases(reconciled):
    engine, runtime = reconciled
    (out,) = _conversation(engine, runtime, "counts", "how many rejected payments are open?")
    with session_scope(engine) as s:
        from breakdesk.app.store.models import Case

        n = len(s.execute(select(Case).where(Case.kind == "rejected", Case.state.not_in(("resolved", "closed")),
                                             Case.merged_into_id.is_(None))).scalars().all())
    assert n and f"{n} open rejected case(s)" in out["answer"] and "totalling" in out["answer"]


def test_a_plain_word_question_names_the_code_and_the_next_step(reconciled):
    engine, runtime = reconciled
    (out,) = _conversation(engine, runtime, "plain", "the bank refused it because the account was closed")
    assert "AC04" in out["answer"] and "Next:" in out["answer"]


def test_drafts_to_the_beneficiary_the_bank_and_the_team_are_about_the_conversations_payment(reconciled):
    engine, runtime = reconciled
    _why, to_payee, to_bank, internal = _conversation(
        engine, runtime, "drafts", "Why was E2E-4471 rejected?",
        "draft a message to the beneficiary asking for new account details",
        "and an investigation request to the bank", "write an internal note about it")
    assert "Draft (beneficiary; edit before sending, nothing is sent):" in to_payee["answer"]
    assert "> Subject: Our payment E2E-4471 of EUR 1250.00" in to_payee["answer"] and "IBAN and BIC" in to_payee["answer"]
    assert "Draft (bank;" in to_bank["answer"] and "Investigation - our reference E2E-4471" in to_bank["answer"]
    assert "Draft (internal;" in internal["answer"] and "unassigned" in internal["answer"]
