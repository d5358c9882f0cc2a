"""`breakdesk recon run`: match bank statements against book items, without any database.

    breakdesk recon run --bank stmt.xml --bank stmt2.sta --book ledger.csv [--json] [--auto-confirm]

Bank files are parsed with `parsers.parse_file` (MT940/942/950, camt.052/053/054); `.json`/`.jsonl`
files holding canonical messages (as `breakdesk parse --json` prints) are read as they are. Book files
are ledger CSVs (`.csv`, see `agents.recon.ledger`) or payment messages we sent (pain.001, pacs.008,
MT103). Exit code 2 when an input cannot be read (nothing is printed then), else 0.
"""

from __future__ import annotations

import dataclasses
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
              help="Auto threshold (default: BREAKDESK_AUTO_CONFIRM_THRESHOLD, 0.95).")
@ledger_columns_option
def run_cmd(bank_files, book_files, as_json: bool, auto_confirm: bool, threshold: float | None,
            ledger_columns: dict[str, str]) -> None:
    """Match, then print suggestions (with reasons) and unmatched items (with a break class)."""
    from breakdesk.agents.recon.status_reports import outcomes, set_aside

    unused: list[dict[str, str]] = []  # inputs that gave matching nothing: said, never silently dropped
    try:
        bank_msgs = []
        for f in bank_files:
            msgs = _messages(Path(f))
            if not bank_items_from_messages(msgs):
                unused.append({"file": f, "reason": "no statement lines (not a camt.05x/MT94x statement?)"})
            bank_msgs += msgs
        books, reports = [], []
        for f in book_files:
            p = Path(f)
            if p.suffix.lower() == ".csv":
                books += book_items_from_ledger_csv(p, ledger_columns)
                continue
            msgs = _messages(p)
            items = book_items_from_messages(msgs)
            books += items
            if outcomes(msgs):
                reports += msgs  # status reports and returns: their payments leave the book side below
            elif not items:
                unused.append({"file": f, "reason": "no payments we sent and no status report or return"})
    except ParseError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except OSError as exc:
        click.echo(f"error: {exc.filename}: cannot read: {exc.strerror or exc}", err=True)
        sys.exit(2)
    banks = bank_items_from_messages(bank_msgs)
    if threshold is None:  # the one setting the store's matching uses too
        from breakdesk.app.settings import get_settings

        threshold = get_settings().auto_confirm_threshold
    books, set_aside_breaks = set_aside(books, reports)
    result = match(banks, books, MatchConfig(auto_threshold=threshold), auto_confirm=auto_confirm)
    result = dataclasses.replace(result, breaks=(*set_aside_breaks, *result.breaks))
    for u in unused:
        click.echo(f"warning: {u['file']}: {u['reason']}; it contributed nothing to matching", err=True)
    if as_json:
        click.echo(json.dumps({**result.to_json_dict(), "auto_threshold": threshold, "unused_inputs": unused}, ensure_ascii=False, indent=2))
        return
    click.echo(f"{len(banks)} bank line(s), {len(books)} book item(s): "
               f"{len(result.suggestions)} suggestion(s), {len(result.breaks)} unmatched")
    for s in result.suggestions:
        diff = f"  difference {s.difference:f} {s.currency}" if s.difference is not None else ""
        click.echo(f"[{s.status}{'*' if s.auto_eligible and s.status != 'auto' else ''}] {s.confidence:.2f}  "
                   f"bank {','.join(s.bank_ids)} <-> book {','.join(s.book_ids)}{diff}")
        click.echo("      " + "; ".join(r.text for r in s.reasons))
    for b in result.breaks:
        code = (f" ({b.reason_code})" if b.reason_code else "") + (f" [{b.bank_transaction_code}]" if b.bank_transaction_code else "")
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
