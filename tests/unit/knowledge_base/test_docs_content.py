"""Content checks for the knowledge base: documents, reason-code table, retrieval eval set.

The retrieval engine cites passages as ``<doc id>#<anchor>``; these tests apply the agreed anchor rule
independently of the engine, so a broken heading or a stale eval citation fails here first.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from breakdesk.knowledge_base.tools import build_docs

REPO = Path(__file__).resolve().parents[3]
DOCS = REPO / "knowledge_base" / "docs"
REASON_CODES = REPO / "knowledge_base" / "reason_codes.yaml"
EVAL_SET = REPO / "evals" / "datasets" / "kb_retrieval.jsonl"

SCHEMES = {"iso20022", "swift-mt", "cbpr-plus", "sepa", "sepa-inst", "nacha", "fedwire", "fednow",
           "rtp", "internal"}
KINDS = {"rulebook", "code-set", "sop"}
RETRY_CLASSES = {"auto_retry", "human", "final"}
REPAIR_KINDS = {"correct_creditor_account", "correct_creditor_agent", "add_structured_address",
                "add_regulatory_info", "correct_amount", "new_end_to_end_id_resend", "contact_debtor",
                "none", "cancel"}
ENTRY_FIELDS = ("code", "name", "definition", "typical_root_cause", "what_to_check", "repair_options",
                "retry_class", "carried_by", "repair_kind", "required_fields")
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
HEADING_RE = re.compile(r"^(#{1,6})\s+(.*?)\s*$")
EXPLICIT_ANCHOR_RE = re.compile(r"^(.*?)\s*\{#([^}]+)\}$")
CODE_HEADING_RE = re.compile(r"^([A-Z0-9]{4}|R\d{2}) — ")
MIN_WORDS, MAX_WORDS = 60, 350
# A generated code entry is as long as its facts (name, ISO definition, messages, playbook); padding it
# to 60 words with repeated wording is what crowded the SOPs and rulebooks out of retrieval.
MIN_CODE_ENTRY_WORDS = 15


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def split_front_matter(text: str, path: Path) -> tuple[dict, str]:
    assert text.startswith("---\n"), f"{path}: no front matter"
    end = text.index("\n---\n", 4)
    return yaml.safe_load(text[4:end]), text[end + 5:]


def passages(body: str) -> list[tuple[str, str, str]]:
    """(anchor, heading text, body) for every ``##``/``###`` heading, skipping fenced code."""
    out: list[tuple[str, str, list[str]]] = []
    in_fence = False
    for line in body.splitlines():
        if line.startswith("```"):
            in_fence = not in_fence
        m = None if in_fence else HEADING_RE.match(line)
        if m and len(m.group(1)) in (2, 3):
            text = m.group(2)
            explicit = EXPLICIT_ANCHOR_RE.match(text)
            if explicit:
                out.append((explicit.group(2), explicit.group(1), []))
            else:
                out.append((slug(text), text, []))
        elif m and len(m.group(1)) == 1:
            continue
        elif out:
            out[-1][2].append(line)
    return [(a, h, "\n".join(b).strip()) for a, h, b in out]


def load_docs() -> dict[Path, tuple[dict, list[tuple[str, str, str]]]]:
    docs = {}
    for path in sorted(DOCS.rglob("*.md")):
        meta, body = split_front_matter(path.read_text(encoding="utf-8"), path)
        docs[path] = (meta, passages(body))
    return docs


DOC_INDEX = load_docs()


def citation_ids() -> set[str]:
    return {f"{meta['id']}#{anchor}" for meta, ps in DOC_INDEX.values() for anchor, _, _ in ps}


def reason_codes() -> list[dict]:
    return yaml.safe_load(REASON_CODES.read_text(encoding="utf-8"))["codes"]


# --- documents --------------------------------------------------------------------------------------

def test_there_are_documents_of_every_kind():
    kinds = Counter(meta["kind"] for meta, _ in DOC_INDEX.values())
    assert set(kinds) == KINDS, kinds


@pytest.mark.parametrize("path", sorted(DOC_INDEX), ids=lambda p: str(p.relative_to(DOCS)))
def test_front_matter_schema(path):
    meta, ps = DOC_INDEX[path]
    assert {"id", "title", "scheme", "kind", "version", "effective"} <= set(meta), meta
    assert set(meta) <= {"id", "title", "scheme", "kind", "version", "effective", "tags"}, meta
    assert ID_RE.match(meta["id"]), meta["id"]
    assert isinstance(meta["title"], str) and meta["title"].strip()
    assert meta["scheme"] in SCHEMES
    assert meta["kind"] in KINDS
    assert isinstance(meta["version"], str | int | float) and str(meta["version"]).strip()
    assert isinstance(meta["effective"], dt.date), "effective must be an ISO date"
    assert isinstance(meta.get("tags", []), list)
    assert ps, f"{path}: no ## or ### sections"


def test_document_ids_unique():
    ids = Counter(meta["id"] for meta, _ in DOC_INDEX.values())
    assert [i for i, n in ids.items() if n > 1] == []


@pytest.mark.parametrize("path", sorted(DOC_INDEX), ids=lambda p: str(p.relative_to(DOCS)))
def test_anchors_unique_and_passages_sized(path):
    meta, ps = DOC_INDEX[path]
    anchors = Counter(a for a, _, _ in ps)
    assert [a for a, n in anchors.items() if n > 1] == [], f"{meta['id']}: duplicate anchors"
    for anchor, heading, body in ps:
        assert ID_RE.match(anchor), f"{meta['id']}#{anchor}: anchor is not kebab-case"
        words = len(body.split())
        code = CODE_HEADING_RE.match(heading)
        minimum = MIN_CODE_ENTRY_WORDS if code and meta["kind"] == "code-set" else MIN_WORDS
        assert minimum <= words <= MAX_WORDS, f"{meta['id']}#{anchor}: {words} words"
        if code:
            assert anchor == code.group(1).lower(), f"{meta['id']}: code heading {heading!r}"
            assert code.group(1) in body, f"{meta['id']}#{anchor}: body does not repeat the code"
        if heading.startswith(":") or heading.startswith("{121:}"):
            tag = heading.split()[0]
            assert tag in body, f"{meta['id']}#{anchor}: body does not repeat {tag}"


def test_slug_rule():
    assert slug("Step 3 — Check the IBAN & BIC!") == "step-3-check-the-iban-bic"
    assert passages("## AC04 — Closed account {#ac04}\nx\n### Plain heading\ny")[1][0] == "plain-heading"


# --- generated code-set documents -------------------------------------------------------------------

CODE_SETS_DIR = build_docs.default_code_sets_dir()
needs_reference = pytest.mark.skipif(
    not (CODE_SETS_DIR / build_docs.BUNDLE_FILE).is_file(),
    reason=f"ISO code sets not found at {CODE_SETS_DIR} (set BREAKDESK_SHARED)",
)


@needs_reference
def test_generator_reproduces_committed_code_set_docs():
    generated = build_docs.render_all(CODE_SETS_DIR)
    committed = {p.name: p.read_text(encoding="utf-8") for p in build_docs.DEFAULT_OUT.glob("*.md")}
    assert sorted(generated) == sorted(committed)
    for name, text in generated.items():
        assert committed[name] == text, f"{name} is stale: run python -m breakdesk.knowledge_base.tools.build_docs"


@needs_reference
@pytest.mark.parametrize("spec", build_docs.SPECS, ids=lambda s: s.name)
def test_every_iso_code_has_exactly_one_passage(spec):
    codes = json.loads((CODE_SETS_DIR / spec.per_set_file).read_text(encoding="utf-8"))["codes"]
    path = build_docs.DEFAULT_OUT / f"{spec.doc_id}.md"
    _, ps = DOC_INDEX[path]
    anchors = Counter(a for a, _, _ in ps if a != "about")
    assert set(anchors) == {c.lower() for c in codes}
    assert all(n == 1 for n in anchors.values())


@needs_reference
def test_reason_code_table_codes_exist_in_iso_sets():
    known = set()
    for spec in build_docs.SPECS:
        known |= set(json.loads((CODE_SETS_DIR / spec.per_set_file).read_text("utf-8"))["codes"])
    assert [e["code"] for e in reason_codes() if e["code"] not in known] == []


def test_bundle_parser_keeps_full_multiline_definitions():
    bundle = {"definitions": {"X": {"description": "Intro.\n*`AB01`-First line\nsecond line.\u00a0\n"
                                                   "*`AB02`-Other."}}}
    assert build_docs.parse_bundle_definitions(bundle, "X") == {
        "AB01": "First line second line.", "AB02": "Other."}


# --- reason_codes.yaml ------------------------------------------------------------------------------

def test_reason_code_entries_complete():
    entries = reason_codes()
    assert len(entries) >= 45
    codes = Counter(e["code"] for e in entries)
    assert [c for c, n in codes.items() if n > 1] == []
    for e in entries:
        missing = [f for f in ENTRY_FIELDS if f not in e]
        assert missing == [], f"{e.get('code')}: missing {missing}"
        for f in ("name", "definition", "typical_root_cause"):
            assert isinstance(e[f], str) and e[f].strip(), f"{e['code']}.{f}"
        for f in ("what_to_check", "repair_options", "carried_by"):
            assert isinstance(e[f], list) and e[f] and all(isinstance(x, str) and x for x in e[f])
        assert isinstance(e["required_fields"], list)
        assert e["retry_class"] in RETRY_CLASSES, e["code"]
        assert e["repair_kind"] in REPAIR_KINDS, e["code"]
        variant = e.get("as_cancellation_rejection")
        if variant:
            assert variant["retry_class"] in RETRY_CLASSES
            assert variant["repair_kind"] in REPAIR_KINDS
            assert {"name", "definition", "typical_root_cause", "what_to_check",
                    "repair_options"} <= set(variant)


def test_required_codes_present_and_duplicates_never_retried():
    by_code = {e["code"]: e for e in reason_codes()}
    required = ("AC01 AC03 AC04 AC06 AC13 AG01 AG02 AM01 AM02 AM04 AM05 AM09 BE01 BE04 BE05 BE06 CUST "
                "CUTA DUPL DT01 FF01 FOCR FRAD FRTR LEGL MD01 MD06 MD07 MS02 MS03 NARR NOAS NOOR RC01 "
                "RR01 RR02 RR03 RR04 RUTA SL01 TECH TM01 UPAY ARDT ED05").split()
    assert [c for c in required if c not in by_code] == []
    assert by_code["AM05"]["retry_class"] == "final"
    assert by_code["DUPL"]["retry_class"] == "final"


def test_every_reason_code_is_enriched_in_the_code_set_docs():
    text = "\n".join(p.read_text("utf-8") for p in build_docs.DEFAULT_OUT.glob("*.md"))
    for e in reason_codes():
        assert f"What {e['code']} means for operations:" in text, e["code"]


# --- retrieval eval set -----------------------------------------------------------------------------

def load_eval_set() -> list[dict]:
    lines = EVAL_SET.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def test_eval_set_shape():
    rows = load_eval_set()
    assert len(rows) >= 80
    assert len({r["id"] for r in rows}) == len(rows)
    assert len({r["question"].lower() for r in rows}) == len(rows)
    for r in rows:
        assert set(r) == {"id", "question", "expected", "filters"}, r
        assert r["question"].strip() and isinstance(r["filters"], dict)
        assert isinstance(r["expected"], list) and r["expected"]


def test_eval_set_citations_resolve():
    known = citation_ids()
    unresolved = [(r["id"], c) for r in load_eval_set() for c in r["expected"] if c not in known]
    assert unresolved == []


def test_eval_set_filters_agree_with_expected_documents():
    """A filter such as {"scheme": "nacha"} must not exclude the passages the question expects."""
    meta_by_id = {meta["id"]: meta for meta, _ in DOC_INDEX.values()}
    for r in load_eval_set():
        for key, value in r["filters"].items():
            assert key in {"scheme", "kind"}, r["id"]
            for citation in r["expected"]:
                assert meta_by_id[citation.split("#")[0]][key] == value, (r["id"], citation)
