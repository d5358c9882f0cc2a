"""Run a golden suite through the product and build its scorecard (a plain JSON-able dict).

Suites: `cases` (break cases: detect → diagnose → retrieve → explain → repair → re-validate, plus the
matcher's false-auto-match rate) and `chat` (ops questions through the chat graph). A stage that
cannot be imported or raises fails the run (see `evals.pipeline`), so a broken build can never reach
the gate as a smaller, passing scorecard. Nothing is skipped: a corpus example whose file is absent
fails the run too, before anything is scored.
"""

from __future__ import annotations

import platform
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from breakdesk.agents.llm import LLMSettings, MemoryRecorder, Provider, load_chat_model
from breakdesk.agents.prompts import load_prompt, prompt_dir, prompt_hashes
from breakdesk.evals import metrics as m
from breakdesk.evals import pipeline
from breakdesk.evals.golden import REPO_ROOT, CaseExample, Dataset, DatasetError, load_dataset
from breakdesk.evals.kb_passages import load_passages
from breakdesk.evals.ragas_eval import JudgeConfig, judge_scores, non_llm_scores

SUITES = ("cases", "chat")
SCHEMA_VERSION = 1


def make_runtime(provider: str | Provider = "none", *, retriever: pipeline.RetrieverKind = "lexical",
                 model: str | None = None, base_url: str | None = None,
                 pipeline_kind: pipeline.PipelineKind = "graph") -> pipeline.EvalRuntime:
    if isinstance(provider, Provider):
        prov = provider
    else:
        overrides: dict[str, Any] = {"provider": provider}
        if model:
            overrides["model"] = model
        if base_url:
            overrides["base_url"] = base_url
        prov = load_chat_model(LLMSettings.from_env(**overrides))
    retrieve, name = pipeline.make_retriever(retriever)
    return pipeline.EvalRuntime(provider=prov, retrieve=retrieve, retriever_name=name, recorder=MemoryRecorder(),
                                pipeline=pipeline_kind)


def _passage_text() -> dict[str, str]:
    return {p.citation_id: p.text for p in load_passages()}


def _matches(result: dict, target: dict[str, str]) -> bool:
    pay = result.get("payment") or {}
    known = {str(v) for v in (pay.get("ids") or [])} | {str(v) for k, v in pay.items() if isinstance(v, str)}
    return any(v in known for v in target.values())


def _run_case_example(ex: CaseExample, rt: pipeline.EvalRuntime) -> list[dict]:
    messages, ledgers, files = [], [], []
    for msg in ex.messages:
        path = msg.resolve()
        data = path.read_bytes() if path else msg.text.encode("utf-8")
        files.append((path.name if path else msg.name, data))
        if msg.format == "csv":
            ledgers.append(data.decode("utf-8"))
        else:
            messages += pipeline.parse_text(data, filename=path.name if path else msg.name)
    if ledgers:
        return [c for ledger in ledgers for c in pipeline.recon_cases(messages, ledger, rt)]
    if rt.pipeline == "workflow":
        return pipeline.explain_files_via_workflow(files, rt)
    return pipeline.explain_messages(messages, rt)


def score_case(ex: CaseExample, got: dict | None, texts: dict[str, str]) -> dict[str, Any]:
    e = ex.expected
    row: dict[str, Any] = {"id": ex.id, "category": ex.category, "status": "scored" if got else "not_detected",
                           "expected": e.model_dump(), "question": ex.description, "reference_answer": ex.reference_answer,
                           "reference_ids": ex.reference_contexts, "reference_texts": [texts[c] for c in ex.reference_contexts]}
    if got is None:
        row.update(diagnosis_correct=False, retry_correct=False, repair_kind_correct=False, repair_has_message=False,
                   citation_precision=0.0, citation_recall=0.0, llm_answered=False, grounded=None, answer="",
                   retrieved_ids=[], retrieved_texts=[])
        return row
    d, repair = got["diagnosis"], got["repair"]
    cited = m.cited_ids(got["answer"])
    precision, recall = m.precision_recall(cited, ex.reference_citations)
    row.update(
        case_id=got["case_id"], got={"kind": got["kind"], "reason_code": d.get("reason_code"), "retry_class": d.get("retry_class"),
                                     "repair_kind": repair.get("kind")},
        diagnosis_correct=got["kind"] == e.kind and (d.get("reason_code") or None) == e.reason_code,
        retry_correct=d.get("retry_class") == e.retry_class,
        repair_kind_correct=repair.get("kind") == e.repair_kind,
        repair_has_message=bool(repair.get("message")), repair_valid=repair.get("valid") is True,
        repair_findings=[f.get("code") for f in repair.get("findings") or [] if f.get("severity") == "error"],
        answer=got["answer"], provider=got.get("provider"), llm_answered=(got.get("provider") or "none") != "none",
        grounded=got.get("grounded"), grounding_note=got.get("grounding_note"), cited=cited,
        citation_precision=precision, citation_recall=recall,
        retrieved_ids=got["passages"], retrieved_texts=[got["passage_texts"][c] for c in got["passages"]],
    )
    return row


def require_inputs(ds: Dataset) -> None:
    """Every file the examples reference exists, or `DatasetError` naming them: scoring a subset would
    let the gate compare fewer examples than compliance approved."""
    missing = [(ex.id, path) for ex in ds.examples for path in ex.missing_files()]
    if missing:
        shown = "; ".join(f"{ex_id}: {path}" for ex_id, path in missing[:3])
        raise DatasetError(f"{ds.path}: {len(missing)} input file(s) of the golden examples are absent ({shown}"
                           f"{' …' if len(missing) > 3 else ''}); the sample corpus is read from ../shared beside the "
                           "checkout, or from BREAKDESK_SHARED")


def run_cases(ds: Dataset, rt: pipeline.EvalRuntime) -> list[dict]:
    require_inputs(ds)
    texts = _passage_text()
    rows = []
    for ex in ds.examples:
        try:
            found = _run_case_example(ex, rt)
        except Exception as exc:  # re-raised: a stage that fails on a golden example fails the run
            exc.add_note(f"while scoring golden example {ex.id} of {ds.path}")
            raise
        got = next((c for c in found if _matches(c, ex.target)), None)
        rows.append(score_case(ex, got, texts))
    return rows


def run_chat(ds: Dataset, rt: pipeline.EvalRuntime) -> list[dict]:
    texts = _passage_text()
    rows = []
    for ex in ds.examples:
        try:
            got = pipeline.ask_chat(ex.question, rt, thread_id=ex.id)
        except Exception as exc:
            exc.add_note(f"while scoring golden example {ex.id} of {ds.path}")
            raise
        cited = list(dict.fromkeys(m.cited_ids(got["answer"]) + [c for c in got["citations"] if c in got["passages"]]))
        precision, recall = m.precision_recall(cited, ex.reference_contexts)
        rows.append({"id": ex.id, "status": "scored", "topic": ex.topic, "question": ex.question, "answer": got["answer"],
                     "reference_answer": ex.reference_answer, "provider": got["provider"],
                     "llm_answered": (got["provider"] or "none") != "none", "grounded": got["grounded"], "note": got["note"],
                     "cited": cited, "citation_precision": precision, "citation_recall": recall,
                     "retrieved_ids": got["passages"], "retrieved_texts": [got["passage_texts"][c] for c in got["passages"]],
                     "reference_ids": ex.reference_contexts, "reference_texts": [texts[c] for c in ex.reference_contexts]})
    return rows


def run_suite(suite: str, rt: pipeline.EvalRuntime, *, dataset_path: Path | None = None, judge: JudgeConfig | None = None,
              with_recon_quality: bool = True) -> dict[str, Any]:
    """The scorecard payload for one suite (see `evals.scorecard` for storing and gating it)."""
    ds = load_dataset(suite, dataset_path)
    started = datetime.now(UTC)
    rows = (run_cases if suite == "cases" else run_chat)(ds, rt)
    notes: list[str] = []
    metrics = m.case_metrics(rows) if suite == "cases" else m.chat_metrics(rows)
    if rows:
        metrics.update(non_llm_scores(rows))
    if suite == "cases" and with_recon_quality:
        metrics["false_auto_match_rate"] = m.false_auto_match_metric(pipeline.false_auto_match())
    if judge is not None and rows:
        metrics.update(judge_scores(rows, judge))
    for name, value in metrics.items():
        value["higher_is_better"] = name not in m.LOWER_IS_BETTER
    folder = prompt_dir()
    hashes = prompt_hashes()
    calls = getattr(rt.recorder, "calls", [])
    return {
        "schema": SCHEMA_VERSION,
        "suite": suite,
        "status": "scored",  # always: a dataset has examples and every one is scored, or the run raised
        "created_at": started.isoformat(timespec="seconds"),
        "duration_s": round((datetime.now(UTC) - started).total_seconds(), 2),
        "provider": rt.provider.name,
        "model": rt.provider.model,
        "provider_label": rt.provider.label,
        "prompts": {name: {"id": load_prompt(name).id, "hash": h} for name, h in hashes.items()},
        "prompt_hashes": hashes,
        "prompt_dir": str(folder.relative_to(REPO_ROOT)) if folder.is_relative_to(REPO_ROOT) else str(folder),
        "dataset": {"name": ds.name, "version": ds.version, "sha256": ds.sha256, "examples": len(ds.examples),
                    "path": str(ds.path.relative_to(REPO_ROOT)) if ds.path.is_relative_to(REPO_ROOT) else str(ds.path)},
        "retriever": rt.retriever_name,
        "pipeline": rt.pipeline,
        "judge": judge.label if judge else None,
        "llm_calls": {"total": len(calls), "failed": sum(1 for c in calls if not c.ok)},
        "environment": {"python": platform.python_version()},
        "metrics": metrics,
        "cases": [{k: v for k, v in r.items() if k not in ("retrieved_texts", "reference_texts")} for r in rows],
        # Both kept for the scorecard schema (stored scorecards and the committed baselines carry them): a
        # run no longer skips an example or leaves a metric unmeasured, so both are always empty.
        "skipped": [],
        "notes": notes,
        "unavailable_metrics": [],
    }
