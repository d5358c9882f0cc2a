"""`breakdesk cases ingest|list`, `breakdesk explain`, `breakdesk decide`.

`explain` takes either a stored case id (CASE-…) or files: with files it works in a throw-away
workspace, so "what is wrong with these three messages?" needs no setup.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import click

from breakdesk.app.cli.ledger_option import ledger_columns_option
from breakdesk.app.cli.parse_cmds import expand_paths
from breakdesk.app.cli.signin import signed_in

CASE_KEY = re.compile(r"^CASE-[0-9A-F]{10}$")


def _dump(data, as_json: bool, text: str) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=None if as_json else 2, default=str) if as_json else text)


def _session():
    from breakdesk.app.store.db import session_scope
    from breakdesk.app.store.migrate import upgrade

    upgrade()
    return session_scope()


def _render_case(c: dict) -> str:
    d = c.get("diagnosis") or {}
    lines = [f"{c['case_id']}  {c['kind']}  {d.get('reason_code') or '-'}  retry={d.get('retry_class')}  provider={c.get('provider')}"
             + ("" if c.get("grounded") in (True, None) else "  (model answer not grounded)")]
    lines.append("  " + (c.get("answer") or ""))
    if c.get("note"):
        lines.append("  note: " + c["note"])
    for step in c.get("lifecycle", []):
        lines.append(f"    {step['stage']:<17} {step['message_type']:<18} {step.get('status') or '':<5} {step['source']}")
    r = c.get("repair") or {}
    if r:
        lines.append(f"  repair{' ' + str(r['repair_id']) if r.get('repair_id') else ''} ({r.get('repair_state', 'proposed')}): "
                     f"{r.get('kind')} valid={r.get('valid')}  {r.get('summary') or ''}")
        for d_ in r.get("diff", []):
            lines.append(f"    {d_['field']}: {d_.get('before')} -> {d_.get('after')}")
    if c.get("citations"):
        lines.append("  cites: " + ", ".join(c["citations"]))
    return "\n".join(lines)


@click.group("cases")
def cases_group() -> None:
    """Break cases: ingest messages, list what broke."""


@cases_group.command("ingest")
@click.argument("paths", nargs=-1, required=True)
@signed_in("The importing person (ops, clerk or admin).")
@click.option("--json", "as_json", is_flag=True)
@ledger_columns_option
@click.option("--strict", is_flag=True, default=None,
              help="Refuse an MT file at its first deviation from the standard (default: BREAKDESK_STRICT_PARSING).")
def cases_ingest(paths: tuple[str, ...], actor: str, as_json: bool, ledger_columns: dict[str, str],
                 strict: bool | None) -> None:
    """Import MT/MX/CSV files and open a case for every break found. A bank's known deviation, stray
    text or an unreadable line is printed as a finding (and kept on the message) and the rest imports."""
    from breakdesk.app.services.workflow import ingest_files

    files = [(str(p), p) for p in expand_paths(paths, ledgers=True)]  # read when needed (a large one streams)
    shown: dict[str, int] = {}

    def progress(name: str, stored: int) -> None:  # the first page, then every 10,000 entries
        if name not in shown or stored // 10_000 > shown[name]:
            shown[name] = stored // 10_000
            click.echo(f"{name}: {stored:,} entries stored …", err=True)

    with _session() as session:
        report = ingest_files(session, files=files, user=actor, ledger_columns=ledger_columns, strict=strict or None,
                              progress=progress)
    for err in report.errors:
        click.echo(f"error: {err}", err=True)
    for finding in report.findings:
        click.echo(f"finding: {finding}", err=True)
    _dump(report.__dict__, as_json, f"imported {len(report.imported)} file(s), {len(report.duplicates)} already known, "
          f"{len(report.errors)} refused; {len(report.case_keys)} case(s) opened or updated: {' '.join(report.case_keys)}")
    sys.exit(2 if report.errors else 0)


@cases_group.command("list")
@click.option("--kind")
@click.option("--state")
@click.option("--json", "as_json", is_flag=True)
def cases_list(kind: str | None, state: str | None, as_json: bool) -> None:
    """List cases."""
    from breakdesk.app.services.workflow import list_cases

    with _session() as session:
        rows = list_cases(session, kind=kind, state=state)
    text = "\n".join(f"{r['key']}  {r['kind']:<10} {r['reason_code'] or '-':<5} {r['state']:<16} {r['severity']:<6} "
                     f"{r['currency'] or ''} {r['amount'] or ''}  {r['title']}" for r in rows) or "no cases"
    _dump({"cases": rows}, as_json, text)


@click.command("explain")
@click.argument("targets", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True)
def explain_cmd(targets: tuple[str, ...], as_json: bool) -> None:
    """Explain a stored case (CASE-…), or every break found in the given files."""
    from breakdesk.app.services.errors import NotFound
    from breakdesk.app.services.workflow import Runtime, explain_case, explain_files

    runtime = Runtime.from_settings()
    if all(CASE_KEY.match(t) for t in targets):
        with _session() as session:
            try:
                result = {"cases": [explain_case(session, case_key=t, runtime=runtime) for t in targets], "errors": []}
            except NotFound as exc:
                click.echo(f"error: {exc}", err=True)
                sys.exit(2)
    else:
        missing = [t for t in targets if not Path(t).exists()]
        if missing:
            click.echo(f"error: no such file or case: {', '.join(missing)}", err=True)
            sys.exit(2)
        result = explain_files(expand_paths(targets, ledgers=True), runtime=runtime)
    for err in result.get("errors", []):
        click.echo(f"error: {err}", err=True)
    _dump(result, as_json, "\n\n".join(_render_case(c) for c in result["cases"]) or "no breaks found")
    sys.exit(2 if result.get("errors") else 0)


@click.command("decide")
@click.argument("case_id")
@click.argument("action", type=click.Choice(["approve", "reject"]))
@signed_in("The deciding person (not the repair's maker).")
@click.option("--reason")
@click.option("--repair", "repair_id", type=int, default=None,
              help="The repair you reviewed (`explain CASE-…` shows its id); refused if another one is open now.")
@click.option("--json", "as_json", is_flag=True)
def decide_cmd(case_id: str, action: str, actor: str, reason: str | None, repair_id: int | None, as_json: bool) -> None:
    """Approve or reject a case's proposed repair (maker-checker, audited)."""
    from breakdesk.app.services.errors import ConflictError, NotFound, PermissionDenied
    from breakdesk.app.services.workflow import Runtime, decide_case, deliver_outbox

    try:
        with _session() as session:
            runtime = Runtime.from_settings()
            result = decide_case(session, case_key=case_id, action=action, user=actor, reason=reason,
                                 runtime=runtime, repair_id=repair_id)
        delivered = deliver_outbox(runtime.outbox)  # after the commit: an approval that did not commit writes nothing
    except (ConflictError, NotFound, PermissionDenied, ValueError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    done = {"approve": "approved", "reject": "rejected"}[action]
    files = [d["path"] for d in delivered if d.get("case") == case_id]
    _dump({**result, "outbox": files}, as_json, f"{case_id}: {done} by {actor}; outcome {result['outcome']}"
          + (f"; written to {', '.join(files)}" if files else ""))


@click.group("outbox")
def outbox_group() -> None:
    """Corrected payments released by approvals."""


@outbox_group.command("deliver")
def outbox_deliver() -> None:
    """Write every approved, not yet delivered message to the outbox folder (idempotent; safe to rerun)."""
    from breakdesk.app.services.workflow import deliver_outbox
    from breakdesk.app.store.migrate import upgrade

    upgrade()
    done = deliver_outbox()
    for d in done:
        click.echo(f"{d['case']}: {d['path'] or 'not written: ' + d['error']}")
    if not done:
        click.echo("nothing to deliver")
    sys.exit(1 if any(d.get("error") for d in done) else 0)


@click.command("ask")
@click.argument("question")
@click.option("--thread", "thread_id", default="cli", show_default=True,
              help="Conversation id: a follow-up with the same id is read with the turns before it.")
@click.option("--json", "as_json", is_flag=True,
              help='Print {"answer", "provider", "grounded", "citations", "cases", "tool_calls", "facts"}.')
def ask_cmd(question: str, thread_id: str, as_json: bool) -> None:
    """Ask the ops assistant about the stored payments, cases and rulebooks (the Ask page's path)."""
    from breakdesk.app.services.workflow import Runtime, ask

    with _session() as session:
        out = ask(session, question=question, thread_id=f"cli:{thread_id}", runtime=Runtime.from_settings())
    data = {k: out.get(k) for k in ("answer", "provider", "grounded", "citations", "cases", "tool_calls", "facts")}
    data["facts"] = [{k: f.get(k) for k in ("text", "source", "case", "ref") if f.get(k)} for f in data["facts"] or []]
    text = out["answer"] + ("" if out.get("grounded") else f"\n({out.get('note')})" if out.get("note") else "")
    _dump(data, as_json, text)


commands = [cases_group, explain_cmd, decide_cmd, outbox_group, ask_cmd]
