"""`breakdesk evals run | gate | approve | list`: scorecards that gate prompt and model changes.

`run` scores the golden suites and stores each scorecard (database row + JSON under the data dir).
`gate` scores the current prompts and model and compares them with the approved baselines committed
in `evals/baselines/` (so it works on a clean clone with an empty database); exit code 1 on failure.
`approve` is compliance's decision (role-checked and audited) and writes the baseline file.
A module the evaluation cannot import, or a golden example whose input file is absent, fails `run` and
`gate` with exit code 1 (never a skipped suite or a scorecard of fewer examples).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from breakdesk.app.cli.signin import signed_in

SUITE_CHOICES = ("cases", "chat", "all")


def _judge(no_judge: bool, config):
    if no_judge:
        return None
    from breakdesk.evals.ragas_eval import JudgeConfig

    return JudgeConfig.from_env(k=int(config.judge.get("k", 3)), sample_threshold=float(config.judge.get("sample_threshold", 0.5)))


def _score(suite: str, provider: str, model: str | None, retriever: str, dataset: Path | None, judge,
           pipeline: str = "graph", gate_config: Path | None = None) -> list[dict]:
    """One scorecard per suite (`all`: every suite). An ImportError — at import or from a stage loaded on
    use (hybrid retrieval, the workflow) — becomes a clear error naming the module, and so does a dataset
    that cannot be scored whole, so a broken build fails the run instead of producing a scorecard that
    covers less."""
    from breakdesk.knowledge_base.errors import StoreError  # light: no chromadb or torch

    try:
        from breakdesk.app.services.evaluations import score_suites
        from breakdesk.evals.golden import DatasetError
        from breakdesk.evals.runner import SUITES

        suites = list(SUITES) if suite == "all" else [suite]
        return score_suites(suites, provider=provider, model=model, retriever=retriever, dataset=dataset, judge=judge,
                            pipeline=pipeline, gate_config=gate_config)
    except ImportError as exc:
        raise click.ClickException(
            f"the evaluation cannot import {exc.name or 'a module it needs'}: {exc}. A missing or broken module "
            "fails the eval run and the gate; nothing is skipped") from exc
    except DatasetError as exc:  # after ImportError on purpose: the name exists only once its import succeeded
        raise click.ClickException(str(exc)) from exc
    except StoreError as exc:  # the hybrid retriever's store is unusable or empty
        raise click.ClickException(str(exc)) from exc


def _summary(card: dict) -> str:
    lines = [f"suite {card['suite']} ({card['dataset']['version']}, provider {card['provider_label']}, "
             f"retriever {card['retriever']}): {card['status']}, {len(card['cases'])} scored, {len(card['skipped'])} skipped"]
    for name, m in card["metrics"].items():
        if m.get("value") is None:
            lines.append(f"  {name:<28} {m['status']}")
        else:
            lines.append(f"  {name:<28} {m['value']:.3f}  95% CI [{m['ci_low']:.3f}, {m['ci_high']:.3f}]  n={m['n']}"
                         + (f"  pass^{m['k']}={m['pass_k']:.2f}" if m.get("pass_k") is not None else "")
                         + ("" if m["status"] == "scored" else f"  ({m['status']})"))
    return "\n".join(lines)


common = [
    click.option("--provider", type=click.Choice(["none", "local", "openai"]), default="none", show_default=True,
                 help="Which model explains (none: the deterministic layer alone)."),
    click.option("--model", default=None, help="Model name for --provider openai (default BREAKDESK_MODEL)."),
    click.option("--suite", type=click.Choice(SUITE_CHOICES), default="all", show_default=True),
    click.option("--dataset", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
                 help="Another JSONL file for the one --suite given."),
    click.option("--retriever", type=click.Choice(["lexical", "hybrid", "auto"]), default="lexical", show_default=True,
                 help="Passages for the answers; the baselines are approved for lexical."),
    click.option("--pipeline", type=click.Choice(["graph", "workflow"]), default="graph", show_default=True,
                 help="graph: the case graph in memory (fast); workflow: app.services.workflow.explain_files (store-backed)."),
    click.option("--no-judge", is_flag=True, help="Skip LLM-judged metrics even if BREAKDESK_JUDGE_* is set."),
    click.option("--gate-config", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None),
]


def with_common(fn):
    for opt in reversed(common):
        fn = opt(fn)
    return fn


@click.group("evals")
def evals_group() -> None:
    """Evaluation scorecards and the gate for prompt and model changes."""


@evals_group.command("run")
@with_common
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Also write the scorecard(s) here.")
@click.option("--no-store", is_flag=True, help="Do not write to the database.")
def run_cmd(provider, model, suite, dataset, retriever, pipeline, no_judge, gate_config, out, no_store) -> None:
    """Score the golden suites and store each scorecard."""
    from breakdesk.app.services.evaluations import store_cards
    from breakdesk.app.settings import get_settings
    from breakdesk.evals.gate import GateConfig
    from breakdesk.evals.scorecard import save_json

    if dataset and suite == "all":
        raise click.UsageError("--dataset needs one --suite")
    config = GateConfig.load(gate_config)
    cards = _score(suite, provider, model, retriever, dataset, _judge(no_judge, config), pipeline, gate_config)
    settings = get_settings()
    if no_store:
        stored = []
        for card in cards:
            card["scorecard_id"] = None
            stored.append((None, save_json(card, settings.data_dir, scorecard_id=None)))
    else:
        from breakdesk.app.store.db import get_engine, session_scope
        from breakdesk.app.store.migrate import upgrade

        upgrade()
        with session_scope(get_engine()) as session:
            stored = store_cards(session, cards, settings.data_dir)
    for card, (card_id, path) in zip(cards, stored, strict=True):
        click.echo(_summary(card))
        click.echo(f"  scorecard {card_id if card_id else '(not stored)'}: {path}")
    if out:
        out.write_text(json.dumps(cards[0] if len(cards) == 1 else cards, indent=1, default=str) + "\n", encoding="utf-8")
        click.echo(f"wrote {out}")


@evals_group.command("gate")
@with_common
@click.option("--baseline-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Approved baselines (default: $BREAKDESK_BASELINE_DIR when it holds the suite's, else evals/baselines).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Write the verdicts as JSON.")
def gate_cmd(provider, model, suite, dataset, retriever, pipeline, no_judge, gate_config, baseline_dir, out) -> None:
    """Compare the current prompts and model with the approved baselines; exit 1 on a regression."""
    from breakdesk.evals.gate import GateConfig, format_table, gate_suite
    from breakdesk.evals.scorecard import load_baseline

    config = GateConfig.load(gate_config)
    cards = _score(suite, provider, model, retriever, dataset, _judge(no_judge, config), pipeline, gate_config)
    verdicts = [gate_suite(card, load_baseline(card["suite"], baseline_dir), config) for card in cards]
    for v in verdicts:
        click.echo(format_table(v))
    failed = [v.suite for v in verdicts if not v.passed]
    if out:
        out.write_text(json.dumps([v.as_dict() for v in verdicts], indent=1) + "\n", encoding="utf-8")
    click.echo(f"gate: {'FAILED (' + ', '.join(failed) + ')' if failed else 'passed'} "
               f"(thresholds {config.path.name} v{config.version})")
    sys.exit(1 if failed else 0)


@evals_group.command("approve")
@click.argument("scorecard_id", type=int)
@signed_in("The approving person (compliance role).")
@click.option("--reason", required=True, help="Why this scorecard becomes the baseline (kept in the audit log).")
@click.option("--accept-failed", is_flag=True, help="Approve a run its gate failed (the regression becomes the baseline).")
@click.option("--baseline-dir", type=click.Path(file_okay=False, path_type=Path), default=None)
def approve_cmd(scorecard_id: int, actor: str, reason: str | None, accept_failed: bool, baseline_dir: Path | None) -> None:
    """Approve a stored scorecard as the baseline for its suite (compliance; audited)."""
    from breakdesk.app.services.errors import ServiceError
    from breakdesk.app.store.db import get_engine, session_scope
    from breakdesk.evals.scorecard import approve

    try:
        with session_scope(get_engine()) as session:
            card, path = approve(session, scorecard_id=scorecard_id, user=actor, reason=reason, baseline_dir=baseline_dir,
                                 accept_failed=accept_failed)
            click.echo(f"scorecard {card.id} ({card.suite}, {card.model}) approved by {card.approved_by}; baseline written to {path}")
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from exc


@evals_group.command("list")
@click.option("--suite", default=None)
@click.option("--limit", default=20, show_default=True)
def list_cmd(suite: str | None, limit: int) -> None:
    """Stored scorecards, newest first."""
    from sqlalchemy import select

    from breakdesk.app.store.db import get_engine, session_scope
    from breakdesk.app.store.migrate import upgrade
    from breakdesk.app.store.models import Scorecard

    upgrade()
    with session_scope(get_engine()) as session:
        q = select(Scorecard).order_by(Scorecard.id.desc()).limit(limit)
        if suite:
            q = q.where(Scorecard.suite == suite)
        for c in session.execute(q).scalars():
            click.echo(f"{c.id:>5}  {c.suite:<6} {c.model or '-':<28} {c.created_at:%Y-%m-%d %H:%M}  "
                       f"{'approved by ' + c.approved_by if c.approved_by else 'not approved'}")


commands = [evals_group]
