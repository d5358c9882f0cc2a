"""The one place the eval runner touches the product: parse, retrieve, explain, reconcile.

Every stage the offline gate scores is imported here, at import time, and called unguarded: a
missing or broken module raises (ImportError, or whatever the stage raises) and fails the run. There
is deliberately no "not in this build" fallback — a gate that skips what it cannot import would pass
silently on a broken build. The stages:

* parsers (`parsers.parse`)                       → `parse_text`
* hybrid retrieval (`knowledge_base.retrieve`)    → `make_retriever("hybrid")` (imported on use: it
                                                    loads chromadb and torch, which the lexical default
                                                    does not need)
* the workflow (`app.services.workflow`)          → `explain_files_via_workflow` (pipeline "workflow",
                                                    imported on use: it needs the store); the default
                                                    pipeline "graph" runs the same case graph with the
                                                    same repair builders, without a database, so the
                                                    offline gate stays fast
* the matcher (`agents.recon`) and its quality    → `recon_cases`, `false_auto_match`
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

from langgraph.checkpoint.memory import InMemorySaver

from breakdesk import parsers
from breakdesk.agents.case_view import case_to_dict
from breakdesk.agents.cases import detect_cases
from breakdesk.agents.graph.case_graph import CaseDeps, build_case_graph
from breakdesk.agents.graph.chat_graph import ChatDeps, ask, build_chat_graph
from breakdesk.agents.llm import CallRecorder, Provider
from breakdesk.agents.recon import bank_items_from_messages, book_items_from_ledger_csv, match
from breakdesk.agents.repairs import propose_repair, revalidate_repair
from breakdesk.evals.kb_passages import LexicalRetriever
from breakdesk.evals.recon.quality import run as recon_quality_run

Retrieve = Callable[[str, int], list[dict[str, Any]]]
RetrieverKind = Literal["auto", "hybrid", "lexical"]
PipelineKind = Literal["graph", "workflow"]
#: Repairs are built as if on this day, so a corrected message (its execution date) is the same on every run.
EVAL_TODAY = date(2026, 11, 30)


@dataclass
class EvalRuntime:
    provider: Provider
    retrieve: Retrieve
    retriever_name: str
    recorder: CallRecorder | None = None
    pipeline: PipelineKind = "graph"
    notes: list[str] = field(default_factory=list)


# --- parsing -----------------------------------------------------------------------------------------

def parse_text(data: bytes, filename: str) -> list:
    """A `parsers.ParseError` propagates: a golden input the parsers refuse is a broken run, not a skip."""
    return parsers.parse(data, filename=filename)


# --- retrieval ---------------------------------------------------------------------------------------

def make_retriever(kind: RetrieverKind = "auto") -> tuple[Retrieve, str]:
    """(retrieve(query, k) -> passages as dicts, name). `auto` is the hybrid retriever (the choice is
    kept so `--retriever auto` still works); `lexical` is the in-process BM25 the baselines use."""
    if kind in ("hybrid", "auto"):
        from breakdesk.knowledge_base.errors import StoreError
        from breakdesk.knowledge_base.retrieval import retrieve as kb_retrieve
        from breakdesk.knowledge_base.store import KBStore, StoreConfig

        config = StoreConfig.from_env()
        if not KBStore(config).count():  # an empty store would score every citation 0 instead of failing
            raise StoreError(f"the knowledge base at {config.location} is empty: run `breakdesk kb ingest` first, "
                             "or score with --retriever lexical")

        def retrieve(query: str, k: int = 5) -> list[dict[str, Any]]:
            return [h.model_dump() if hasattr(h, "model_dump") else dict(h) for h in kb_retrieve(query, k=k)]

        return retrieve, "hybrid"
    if kind != "lexical":
        raise ValueError(f"unknown retriever {kind!r} (hybrid, auto or lexical)")
    return LexicalRetriever(), LexicalRetriever.name


# --- explaining cases --------------------------------------------------------------------------------

def _case_graph(rt: EvalRuntime):
    def no_apply(case, repair, decision):  # pragma: no cover - evals never reach a decision
        raise AssertionError("the evaluation never approves anything")

    deps = CaseDeps(provider=rt.provider, retrieve=rt.retrieve,
                    propose_repair=lambda case, d: propose_repair(case, d, today=EVAL_TODAY),
                    revalidate=revalidate_repair, apply_repair=no_apply, recorder=rt.recorder)
    return build_case_graph(deps, InMemorySaver())


def run_case(case: dict[str, Any], rt: EvalRuntime, graph=None) -> dict[str, Any]:
    """One case through the real case workflow up to the point where a person would decide."""
    graph = graph or _case_graph(rt)
    state = graph.invoke({"case": case}, config={"configurable": {"thread_id": case["case_id"]}})
    return {
        "case_id": case["case_id"], "kind": case["kind"], "payment": case.get("payment") or {},
        "diagnosis": state.get("diagnosis") or {}, "answer": state.get("answer") or "", "provider": state.get("provider"),
        "grounded": state.get("grounded"), "grounding_note": state.get("grounding_note"),
        "passages": [p["citation_id"] for p in state.get("passages") or []],
        "passage_texts": {p["citation_id"]: p["text"] for p in state.get("passages") or []}, "repair": state.get("repair") or {},
        "facts": case.get("facts") or [],
    }


def explain_messages(messages: list, rt: EvalRuntime) -> list[dict[str, Any]]:
    """Detect every break in `messages` and run each through the case workflow."""
    graph = _case_graph(rt)
    return [run_case(case_to_dict(c), rt, graph) for c in detect_cases(messages)]


def explain_files_via_workflow(files: list[tuple[str, bytes]], rt: EvalRuntime) -> list[dict[str, Any]]:
    """The store-backed path: `app.services.workflow.explain_files` in its throw-away workspace."""
    from breakdesk.app.services.workflow import Runtime, explain_files

    with tempfile.TemporaryDirectory(prefix="breakdesk-eval-") as tmp:
        paths = []
        for i, (name, data) in enumerate(files):
            path = Path(tmp) / f"{i:02d}_{Path(name).name}"
            path.write_bytes(data)
            paths.append(path)
        runtime = Runtime(provider=rt.provider, retrieve=rt.retrieve, checkpoint_url=f"sqlite:///{tmp}/unused.sqlite3",
                          outbox=Path(tmp) / "outbox")
        report = explain_files(paths, runtime=runtime)
    if report.get("errors"):
        raise RuntimeError(f"the workflow refused input: {report['errors']}")
    out = []
    for c in report["cases"]:
        passages = c.get("passages") or []
        out.append({"case_id": c["case_id"], "kind": c["kind"], "payment": c.get("payment") or {},
                    "diagnosis": c.get("diagnosis") or {}, "answer": c.get("answer") or "", "provider": c.get("provider"),
                    "grounded": c.get("grounded"), "grounding_note": c.get("note"),
                    "passages": [p["citation_id"] for p in passages],
                    "passage_texts": {p["citation_id"]: p["text"] for p in passages},
                    "repair": c.get("repair") or {}, "facts": c.get("facts") or []})
    return out


# --- reconciliation ----------------------------------------------------------------------------------

def recon_cases(messages: list, ledger_csv: str, rt: EvalRuntime) -> list[dict[str, Any]]:
    """Match statement lines against the ledger; every break the matcher leaves becomes a case."""
    bank = bank_items_from_messages(messages)
    book = book_items_from_ledger_csv(ledger_csv, filename="ledger.csv")
    items = {("bank", i.id): i for i in bank} | {("book", i.id): i for i in book}
    result = match(bank, book)
    graph = _case_graph(rt)
    out = []
    for b in result.breaks:
        if b.break_class == "returned":
            continue  # returns are payment cases, found by break detection
        item = items.get((b.side, b.item_id))
        what = (f"{item.direction} {item.currency} {format(item.amount, 'f')} dated {item.match_date}"
                + (f" from/to {item.counterparty_name}" if item.counterparty_name else "")) if item else ""
        facts = [{"text": f"{'Statement line' if b.side == 'bank' else 'Book item'} {b.item_id} {what} is unmatched: {b.note}"
                  + (f" (bank transaction code {b.reason_code})" if b.reason_code else ""), "source": item.provenance if item else b.side}]
        case = {"case_id": f"REC-{b.side}-{b.item_id}", "kind": b.break_class, "reason_code": None, "reason_context": None,
                "payment": {"item_id": b.item_id, "ids": [b.item_id, *b.related_ids]},
                "amount": format(item.amount, "f") if item else None, "currency": item.currency if item else None,
                "lifecycle": [], "free_text": {}, "original": None, "facts": facts}
        out.append(run_case(case, rt, graph))
    return out


def false_auto_match(n: int = 400, seed: int = 7) -> dict[str, Any]:
    """The matcher's wrong auto-confirmable suggestions per bank line, on its labelled generator."""
    report = recon_quality_run(n=n, seed=seed)
    return {"wrong_auto": report.auto_eligible - report.auto_correct, "bank_lines": report.n_bank,
            "rate": report.false_auto_rate, "generator": {"n": n, "seed": seed}}


# --- chat --------------------------------------------------------------------------------------------

def ask_chat(question: str, rt: EvalRuntime, *, thread_id: str) -> dict[str, Any]:
    """The ops chat on reference questions: no payments in scope, so facts come only from the question."""
    graph = build_chat_graph(ChatDeps(provider=rt.provider, retrieve=rt.retrieve, find_facts=lambda q, terms: [],
                                      recorder=rt.recorder), InMemorySaver())
    out = ask(graph, question, thread_id=thread_id)
    return {"answer": out.get("answer") or "", "provider": out.get("provider"), "grounded": out.get("grounded"),
            "note": out.get("note"), "citations": out.get("citations") or [],
            "passages": [p["citation_id"] for p in out.get("passages") or []],
            "passage_texts": {p["citation_id"]: p["text"] for p in out.get("passages") or []}}
