from __future__ import annotations

from breakdesk.knowledge_base.keyword_index import KeywordIndex, tokenize


def test_tokenize_keeps_codes_and_tags_and_stems_words() -> None:
    assert tokenize("Returned payments: AC04, field :71A: and R01") == ["return", "payment", "ac04", "field", "71a", "r01"]
    assert tokenize("after the cut-off") == ["after", "cut", "off", "cutoff"]


def test_bm25_ranks_and_masks() -> None:
    metas = [{"title": "Codes", "section": s, "scheme": sch} for s, sch in
             [("AC04 — Closed account", "iso20022"), ("R01 — Insufficient funds", "nacha"), ("Fees", "iso20022")]]
    index = KeywordIndex.build(["a", "b", "c"], metas, ["account closed at bank", "not enough funds", "charges taken"])
    scores = index.scores("closed accounts")
    assert scores.argmax() == 0 and scores[1] == 0
    assert index.scores("zebra").sum() == 0  # unknown words score nothing, and do not fail
    assert index.mask({"scheme": ["nacha"]}).tolist() == [False, True, False]
    assert index.mask(None) is None
    assert index.codes == {} and index.tags == {}  # those come from metadata `code` / `tags`
