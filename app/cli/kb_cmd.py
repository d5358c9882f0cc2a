"""`breakdesk kb ...`: ingest the knowledge base, search it, and measure retrieval quality.

Exit codes: 0 success; 1 when some document could not be ingested (the others are) or the eval
dataset is missing; 2 when the store itself is unusable (the message says to use `--rebuild`).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from breakdesk.knowledge_base.errors import KnowledgeBaseError, StoreError


def _fail_store(exc: KnowledgeBaseError) -> None:
    click.echo(f"error: {exc}", err=True)
    sys.exit(2)


@click.group("kb")
def kb() -> None:
    """Knowledge base: rulebooks, code sets and SOPs with hybrid retrieval."""


@kb.command("ingest")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--rebuild", is_flag=True, help="Drop the store (even a damaged one) and ingest from scratch.")
def ingest_cmd(paths: tuple[Path, ...], rebuild: bool) -> None:
    """Ingest documents (default: the packaged knowledge_base/docs); unchanged ones are not re-embedded.

    Folders are searched for Markdown, text, HTML and PDF files (a PDF is cited by page)."""
    from tqdm import tqdm

    from breakdesk.knowledge_base.ingestion import ingest_paths

    def progress(items, total):  # type: ignore[no-untyped-def]
        return tqdm(items, total=total, desc="ingest", unit="doc", file=sys.stderr, leave=False)

    try:
        report = ingest_paths(list(paths) or None, rebuild=rebuild, progress=progress)
    except StoreError as exc:
        _fail_store(exc)
        return
    for error in report.errors:
        click.echo(f"error: {error}", err=True)
    click.echo(
        f"added {len(report.added)}, updated {len(report.updated)}, unchanged {len(report.unchanged)}, "
        f"removed {len(report.removed)} document(s); {report.chunks_embedded} passage(s) embedded; "
        f"{len(report.errors)} error(s)"
    )
    sys.exit(0 if report.ok else 1)


@kb.command("search")
@click.argument("query")
@click.option("--k", "k", default=5, show_default=True, type=click.IntRange(min=1))
@click.option("--scheme", default=None, help="Only passages of this scheme (e.g. iso20022, nacha).")
@click.option("--kind", default=None, type=click.Choice(["rulebook", "code-set", "sop"]))
@click.option("--json", "as_json", is_flag=True, help='Print {"query": ..., "hits": [...]}.')
def search_cmd(query: str, k: int, scheme: str | None, kind: str | None, as_json: bool) -> None:
    """Hybrid search (exact code/tag, vector, BM25) over the ingested passages."""
    from breakdesk.knowledge_base.retrieval import make_retriever

    try:
        with make_retriever() as retriever:
            if not len(retriever.index):
                click.echo("error: the knowledge base is empty; run `breakdesk kb ingest` first", err=True)
                sys.exit(1)
            hits = retriever.search(query, k=k, filters={"scheme": scheme, "kind": kind})
    except StoreError as exc:
        _fail_store(exc)
        return
    if as_json:
        click.echo(json.dumps({"query": query, "hits": [h.model_dump() for h in hits]}, ensure_ascii=False, indent=2))
        return
    if not hits:
        click.echo("no passages found")
    for rank, hit in enumerate(hits, 1):
        snippet = " ".join(hit.text.split())
        click.echo(f"{rank}. [{hit.citation_id}] {hit.title} — {hit.section or '(intro)'}  "
                   f"score={hit.score:.4f} via {'+'.join(hit.matched_by)}")
        click.echo(f"   {snippet[:240]}{'…' if len(snippet) > 240 else ''}")


@kb.command("eval")
@click.option("--dataset", type=click.Path(path_type=Path), default=None,
              help="JSONL of questions and expected citation ids (default: evals/datasets/kb_retrieval.jsonl).")
@click.option("--k", "k", default=5, show_default=True, type=click.IntRange(min=1))
def eval_cmd(dataset: Path | None, k: int) -> None:
    """Recall@k and MRR of the hybrid retriever on the labelled question set, with the misses."""
    from breakdesk.evals.retrieval_eval import DEFAULT_DATASET, evaluate, format_report, load_dataset
    from breakdesk.knowledge_base.retrieval import make_retriever

    dataset = dataset or DEFAULT_DATASET
    if not dataset.is_file():
        click.echo(f"error: no eval dataset at {dataset}", err=True)
        sys.exit(1)
    try:
        cases = load_dataset(dataset)
    except ValueError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    try:
        with make_retriever() as retriever:
            if not len(retriever.index):
                click.echo("error: the knowledge base is empty; run `breakdesk kb ingest` first", err=True)
                sys.exit(1)
            report = evaluate(lambda q, n, f: [h.citation_id for h in retriever.search(q, k=n, filters=f)], cases, k)
    except StoreError as exc:
        _fail_store(exc)
        return
    click.echo(format_report(report))


commands = [kb]
