"""`breakdesk recon run`: match bank statements against book items, without any database.

    breakdesk recon run --bank stmt.xml --bank stmt2.sta --book ledger.csv [--json] [--auto-confirm]

Bank files are parsed with `parsers.parse_file` (MT940/942/950, camt.052/053/054); `.json`/`.jsonl`
files holding canonical messages (as `breakdesk parse --json` prints) are read as they are. Book files
are ledger CSVs (`.csv`, see `agents.recon.ledger`) or payment messages we sent (pain.001, pacs.008,
MT103). Exit code 2 when an input cannot be read (nothing is printed then), else 0.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from breakdesk.agents.recon import (
    MatchConfig,
    bank_items_from_messages,
    book_items_from_ledger_csv,
    book_items_from_messages,
    match,
)
from breakdesk.app.cli.ledger_option import ledger_columns_option
from breakdesk.app.cli.signin import signed_in
from breakdesk.parsers.canonical import Message
from breakdesk.parsers.errors import ParseError


def _messages(path: Path) -> list[Message]:
    if path.suffix.lower() in (".json", ".jsonl"):
        out = []
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if line.strip():
                try:
                    out.append(Message.model_validate_json(line))
                except ValueError as exc:
                    raise ParseError(f"not a canonical message: {str(exc).splitlines()[0]}", file=str(path),
                                     line=n) from None
        return out
    from breakdesk import parsers
    return parsers.parse_file(path)


@click.group("recon")
def recon() -> None:
    """Reconciliation: match bank statement lines against book items."""


@recon.command("run")
@click.option("--bank", "bank_files", multiple=True, required=True, type=click.Path(dir_okay=False),
              help="Statement file (MT940/942/950, camt.05x, or canonical .jsonl). Repeatable.")
@click.option("--book", "book_files", multiple=True, required=True, type=click.Path(dir_okay=False),
              help="Ledger .csv or sent payments (pain.001, pacs.008, MT103). Repeatable.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")
@click.option("--auto-confirm", is_flag=True, help="Mark suggestions at or above the threshold `auto`.")
@click.option("--threshold", type=click.FloatRange(0, 1), default=None,
              help=f"Auto threshold (default {MatchConfig().auto_threshold}).")
@ledger_columns_option
def run_cmd(bank_files, book_files, as_json: bool, auto_confirm: bool, threshold: float | None,
            ledger_columns: dict[str, str]) -> None:
    """Match, then print suggestions (with reasons) and unmatched items (with a break class)."""
    try:
        bank_msgs = [m for f in bank_files for m in _messages(Path(f))]
        books = []
        for f in book_files:
            p = Path(f)
            if p.suffix.lower() == ".csv":
                books += book_items_from_ledger_csv(p, ledger_columns)
            else:
                books += book_items_from_messages(_messages(p))
    except ParseError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except OSError as exc:
        click.echo(f"error: {exc.filename}: cannot read: {exc.strerror or exc}", err=True)
        sys.exit(2)
    banks = bank_items_from_messages(bank_msgs)
    cfg = MatchConfig() if threshold is None else MatchConfig(auto_threshold=threshold)
    result = match(banks, books, cfg, auto_confirm=auto_confirm)
    if as_json:
        click.echo(json.dumps(result.to_json_dict(), ensure_ascii=False, indent=2))
        return
    click.echo(f"{len(banks)} bank line(s), {len(books)} book item(s): "
               f"{len(result.suggestions)} suggestion(s), {len(result.breaks)} unmatched")
    for s in result.suggestions:
        diff = f"  difference {s.difference:f} {s.currency}" if s.difference is not None else ""
        click.echo(f"[{s.status}{'*' if s.auto_eligible and s.status != 'auto' else ''}] {s.confidence:.2f}  "
                   f"bank {','.join(s.bank_ids)} <-> book {','.join(s.book_ids)}{diff}")
        click.echo("      " + "; ".join(r.text for r in s.reasons))
    for b in result.breaks:
        code = f" ({b.reason_code})" if b.reason_code else ""
        rel = f" related {','.join(b.related_ids)}" if b.related_ids else ""
        click.echo(f"[{b.break_class}]{code} {b.side} {b.item_id}{rel}")


def _store_session():
    from breakdesk.app.store.db import session_scope
    from breakdesk.app.store.migrate import upgrade

    upgrade()
    return session_scope()


@recon.command("match")
@signed_in("A clerk or admin.")
@click.option("--auto-confirm", is_flag=True, help="Confirm `auto` suggestions at or above the threshold.")
@click.option("--threshold", type=click.FloatRange(0, 1), default=None)
def match_cmd(actor: str, auto_confirm: bool, threshold: float | None) -> None:
    """Match what is open in the database (imported with `cases ingest`); store suggestions and breaks."""
    from breakdesk.app.services.reconciliation import run_matching

    with _store_session() as session:
        summary = run_matching(session, user=actor, auto_confirm=auto_confirm, threshold=threshold)
    click.echo(json.dumps(summary, default=str))


@recon.command("train")
@signed_in("A clerk or admin.")
@click.option("--threshold", type=click.FloatRange(0, 1), default=0.9, show_default=True)
def train_cmd(actor: str, threshold: float) -> None:
    """Learn a scorer from the clerks' decisions; prints its backtest. It stays inactive until activated."""
    from breakdesk.app.services.errors import ConflictError
    from breakdesk.app.services.scorers import train_scorer

    try:
        with _store_session() as session:
            row = train_scorer(session, user=actor, threshold=threshold)
            click.echo(f"scorer {row.version}: {row.backtest['text']}")
    except ConflictError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)


@recon.command("activate")
@click.argument("version")
@signed_in("Compliance or admin.")
@click.option("--reason", required=True)
def activate_cmd(version: str, actor: str, reason: str) -> None:
    """Make a learned scorer the one matching uses (`none` for the fixed weights). Audited."""
    from breakdesk.app.services.scorers import activate_scorer

    with _store_session() as session:
        activate_scorer(session, version=None if version == "none" else version, user=actor, reason=reason)
    click.echo(f"active scorer: {version}")


commands = [recon]
