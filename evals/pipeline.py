"""The one place the eval runner touches the product: parse, retrieve, explain, reconcile.

Each function here calls the real stage when the build has it and says clearly when it does not
(`Unavailable`), so the runner can mark a suite or a case "not available in this build" instead of
scoring it as wrong. Pieces that land later are wired in here and nowhere else:

* parsers (`parsers.parse`)                       → `parse_text`
* hybrid retrieval (`knowledge_base.retrieve`)    → `make_retriever("hybrid")`
* the workflow (`app.services.workflow`)          → `explain_files_via_workflow` (pipeline "workflow");
                                                    the default pipeline "graph" runs the same case graph
                                                    with the same repair builders, without a database,
                                                    so the offline gate stays fast
* the matcher (`agents.recon`) and its quality    → `recon_cases`, `false_auto_match`
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from agents.llm import CallRecorder, Provider

Retrieve = Callable[[str, int], list[dict[str, Any]]]
RetrieverKind = Literal["auto", "hybrid", "lexical"]
PipelineKind = Literal["graph", "workflow"]
#: Repairs are built as if on this day, so a corrected message (its execution date) is the same on every run.
EVAL_TODAY = date(2026, 11, 30)


class Unavailable(RuntimeError):
    """The build lacks a stage this evaluation needs (not a failure of the stage)."""


@dataclass
class EvalRuntime:
    provider: Provider
    retrieve: Retrieve
    retriever_name: str
    recorder: CallRecorder | None = None
    pipeline: PipelineKind = "graph"
    notes: list[str] = field(default_factory=list)


def has_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:  # a parent package is missing
        return False


# --- parsing -----------------------------------------------------------------------------------------

def parse_text(data: bytes, filename: str) -> list:
    import parsers

    try:
        return parsers.parse(data, filename=filename)
    except parsers.ParseError as exc:
        if "not available in this build" in str(exc):
            raise Unavailable(str(exc)) from exc
        raise


# --- retrieval ---------------------------------------------------------------------------------------

def hybrid_available() -> bool:
    return has_module("knowledge_base.retrieval")


def make_retriever(kind: RetrieverKind = "auto") -> tuple[Retrieve, str]:
    """(retrieve(query, k) -> passages as dicts, name). `auto` prefers the hybrid retriever when built."""
    if kind == "hybrid" or (kind == "auto" and hybrid_available()):
        if not hybrid_available():
            raise Unavailable("hybrid retrieval (knowledge_base.retrieve) is not in this build")
        from knowledge_base import retrieve as kb_retrieve

        def retrieve(query: str, k: int = 5) -> list[dict[str, Any]]:
            return [h.model_dump() if hasattr(h, "model_dump") else dict(h) for h in kb_retrieve(query, k=k)]

        return retrieve, "hybrid"
    from evals.kb_passages import LexicalRetriever

    return LexicalRetriever(), LexicalRetriever.name


# --- explaining cases --------------------------------------------------------------------------------

def _case_graph(rt: EvalRuntime):
    from langgraph.checkpoint.memory import InMemorySaver

    from agents.graph.case_graph import CaseDeps, build_case_graph
    from agents.repairs import propose_repair, revalidate_repair

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
    from agents.case_view import case_to_dict
    from agents.cases import detect_cases

    graph = _case_graph(rt)
    return [run_case(case_to_dict(c), rt, graph) for c in detect_cases(messages)]


def explain_files_via_workflow(files: list[tuple[str, bytes]], rt: EvalRuntime) -> list[dict[str, Any]]:
    """The store-backed path: `app.services.workflow.explain_files` in its throw-away workspace."""
    if not has_module("app.services.workflow"):
        raise Unavailable("app.services.workflow is not in this build")
    import tempfile
    from pathlib import Path

    from app.services.workflow import Runtime, explain_files

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

def recon_available() -> bool:
    return has_module("agents.recon")


def recon_cases(messages: list, ledger_csv: str, rt: EvalRuntime) -> list[dict[str, Any]]:
    """Match statement lines against the ledger; every break the matcher leaves becomes a case."""
    if not recon_available():
        raise Unavailable("the reconciliation matcher (agents.recon) is not in this build")
    from agents.recon import bank_items_from_messages, book_items_from_ledger_csv, match

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
    if not has_module("evals.recon.quality"):
        raise Unavailable("the reconciliation quality module (evals.recon.quality) is not in this build")
    from evals.recon.quality import run

    report = run(n=n, seed=seed)
    return {"wrong_auto": report.auto_eligible - report.auto_correct, "bank_lines": report.n_bank,
            "rate": report.false_auto_rate, "generator": {"n": n, "seed": seed}}


# --- chat --------------------------------------------------------------------------------------------

def ask_chat(question: str, rt: EvalRuntime, *, thread_id: str) -> dict[str, Any]:
    """The ops chat on reference questions: no payments in scope, so facts come only from the question."""
    from langgraph.checkpoint.memory import InMemorySaver

    from agents.graph.chat_graph import ChatDeps, ask, build_chat_graph

    graph = build_chat_graph(ChatDeps(provider=rt.provider, retrieve=rt.retrieve, find_facts=lambda q, terms: [],
                                      recorder=rt.recorder), InMemorySaver())
    out = ask(graph, question, thread_id=thread_id)
    return {"answer": out.get("answer") or "", "provider": out.get("provider"), "grounded": out.get("grounded"),
            "note": out.get("note"), "citations": out.get("citations") or [],
            "passages": [p["citation_id"] for p in out.get("passages") or []],
            "passage_texts": {p["citation_id"]: p["text"] for p in out.get("passages") or []}}
