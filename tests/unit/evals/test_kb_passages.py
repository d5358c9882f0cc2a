"""The model-free retriever the offline gate uses applies the hybrid retriever's exact-match rule."""

from __future__ import annotations

import pytest

from breakdesk.evals.kb_passages import LexicalRetriever

EXACT = 100.0  # the score LexicalRetriever gives an exact code or tag match


@pytest.fixture(scope="module")
def lexical() -> LexicalRetriever:
    return LexicalRetriever()


def test_a_code_typed_in_lower_case_is_still_an_exact_match(lexical: LexicalRetriever) -> None:
    hits = lexical("what does ac04 mean", 5)
    exact = {h["citation_id"] for h in hits if h["score"] == EXACT}
    assert exact == {"iso-status-reason-codes#ac04", "iso-return-reason-codes#ac04",
                     "iso-cancellation-rejection-codes#ac04"}
    assert [h["score"] for h in hits[:3]] == [EXACT] * 3


def test_an_mt_field_tag_goes_straight_to_its_passage(lexical: LexicalRetriever) -> None:
    hits = lexical("who pays the charges in field 71A", 5)
    assert (hits[0]["citation_id"], hits[0]["score"]) == ("swift-mt-fields#f71a", EXACT)


def test_a_letter_only_code_in_prose_is_not_an_exact_match(lexical: LexicalRetriever) -> None:
    """"cust" in a sentence is a word, CUST in capitals is the code."""
    assert all(h["score"] < EXACT for h in lexical("the cust asked for the money back", 5))
    assert any(h["score"] == EXACT for h in lexical("recall with reason CUST", 5))
