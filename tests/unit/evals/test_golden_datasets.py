"""The golden datasets: they load and validate, cover what issue 7 asks, and agree with the catalogue."""

import json
from collections import Counter

import pytest
import yaml
from lxml import etree

from breakdesk.evals.datasets import build_cases, build_chat
from breakdesk.evals.golden import DATASET_DIR, REPO_ROOT, DatasetError, load_dataset

CATALOGUE = {r["code"]: r for r in yaml.safe_load((REPO_ROOT / "knowledge_base" / "reason_codes.yaml").read_text())["codes"]}


def test_cases_cover_the_break_families():
    ds = load_dataset("cases")
    assert len(ds.examples) >= 60 and len(ds.sha256) == 64
    by_category = Counter(e.category for e in ds.examples)
    assert all(by_category[c] >= 4 for c in ("status_reject", "return", "recall", "reconciliation")), by_category
    types = Counter(m.name.split(".")[0].split("_")[0] for e in ds.examples for m in e.messages)
    for family in ("pain002", "pacs002", "pacs004", "camt054", "camt056", "camt029", "mt103", "mt192", "camt053", "ledger"):
        assert types[family], f"no case carries a {family} message"
    assert len({e.expected.reason_code for e in ds.examples if e.expected.reason_code}) >= 30
    assert {e.expected.retry_class for e in ds.examples} == {"auto_retry", "human", "final"}


def test_expected_truth_matches_the_reason_code_catalogue():
    for e in load_dataset("cases").examples:
        code = e.expected.reason_code
        if code is None:
            assert e.expected.repair_kind == "reconciliation"
            continue
        entry = dict(CATALOGUE[code])
        if e.expected.reason_context == "cancellation_answer" and entry.get("as_cancellation_rejection"):
            entry.update(entry["as_cancellation_rejection"])
        retry = "final" if code in ("AM05", "DUPL") else entry["retry_class"]
        assert e.expected.retry_class == retry, e.id
        kind = entry["repair_kind"]
        assert e.expected.repair_kind == ("new_end_to_end_id_resend" if retry == "auto_retry" and kind == "none" else kind), e.id
        assert e.reference_citations[0].endswith("#" + code.lower()) and code in e.reference_answer


def test_committed_files_are_the_builders_output():
    rebuilt = "".join(json.dumps(c, ensure_ascii=False, sort_keys=True) + "\n" for c in build_cases.build())
    assert rebuilt == (DATASET_DIR / "cases.jsonl").read_text(encoding="utf-8"), "run python -m breakdesk.evals.datasets.build_cases"
    assert len(build_chat.CODE_QUESTIONS) + len(build_chat.OPS_QUESTIONS) == len(load_dataset("chat").examples)


def test_authored_messages_are_well_formed_and_corpus_cases_are_marked():
    for e in load_dataset("cases").examples:
        for m in e.messages:
            if e.source == "corpus":
                assert m.path.startswith("../shared/corpus/") and m.text is None
            elif m.format == "xml":
                etree.fromstring(m.text.encode())  # raises on a malformed message
            elif m.format == "mt":
                assert m.text.startswith("{1:") and "{4:" in m.text and m.text.rstrip().endswith("-}")


def test_chat_questions_have_contexts():
    ds = load_dataset("chat")
    assert len(ds.examples) >= 40
    assert all(e.reference_answer and e.reference_contexts for e in ds.examples)


@pytest.mark.parametrize("mutate, message", [
    (lambda row: row.update(reference_contexts=["sop-rejected-payment#step-99"]), "not in knowledge_base/docs"),
    (lambda row: row.pop("question"), "question"),
    (lambda row: row.update(extra="x"), "extra"),
])
def test_loader_names_the_bad_line(tmp_path, mutate, message):
    rows = [json.loads(line) for line in (DATASET_DIR / "chat.jsonl").read_text().splitlines()[:3]]
    mutate(rows[1])
    path = tmp_path / "chat.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    with pytest.raises(DatasetError, match=rf"(?s)chat.jsonl:2: .*{message}"):
        load_dataset("chat", path)


def test_an_empty_dataset_is_refused(tmp_path):
    path = tmp_path / "chat.jsonl"
    path.write_text("\n")
    with pytest.raises(DatasetError, match="chat.jsonl: no examples"):
        load_dataset("chat", path)
