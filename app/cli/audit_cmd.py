"""`breakdesk audit verify` and `breakdesk audit seal`: check the keyed audit chain from the shell.

`verify` is what an auditor or a nightly job runs: exit 0 when the chain and the decision columns it
covers are intact, exit 1 naming the first broken record otherwise (so a scheduler alerts). It only
reads; it needs the database and the audit key (`BREAKDESK_AUDIT_KEY` or `<data dir>/audit.key`).
`seal` keys a chain written before the key existed (any audited change does the same).
"""

from __future__ import annotations

import click


@click.group("audit")
def audit_group() -> None:
    """Audit chain checks."""


@audit_group.command("verify")
@click.option("--url", envvar="DATABASE_URL", help="SQLAlchemy URL (default: DATABASE_URL or the embedded SQLite file).")
@click.option("--all", "show_all", is_flag=True, help="List every problem, not only the first ten.")
def audit_verify(url: str | None, show_all: bool) -> None:
    """Re-compute the keyed chain and cross-check decisions; exit 1 when anything was tampered with."""
    from breakdesk.app.services.audit import verify_chain
    from breakdesk.app.store.db import make_engine, read_scope

    engine = make_engine(url or None)
    try:
        with read_scope(engine) as session:
            result = verify_chain(session)
    finally:
        engine.dispose()
    click.echo(result.summary())
    if result.ok:
        return
    first = result.problems[0]
    click.echo(f"first broken record: seq {first.seq if first.seq is not None else '-'} ({first.kind}): {first.detail}")
    shown = result.problems if show_all else result.problems[:10]
    for problem in shown:
        click.echo(f"  seq {problem.seq if problem.seq is not None else '-'}\t{problem.kind}\t{problem.detail}")
    if len(shown) < len(result.problems):
        click.echo(f"  … {len(result.problems) - len(shown)} more (--all)")
    raise SystemExit(1)


@audit_group.command("seal")
@click.option("--url", envvar="DATABASE_URL", help="SQLAlchemy URL (default: DATABASE_URL or the embedded SQLite file).")
def audit_seal(url: str | None) -> None:
    """Key a chain written before the audit key existed (adds one `audit.key_adopted` record)."""
    from breakdesk.app.services.audit import seal_chain
    from breakdesk.app.store.db import make_engine, session_scope

    engine = make_engine(url or None)
    try:
        with session_scope(engine) as session:
            sealed = seal_chain(session)
    finally:
        engine.dispose()
    click.echo("audit chain sealed with the audit key" if sealed else "audit chain already keyed: nothing to do")


commands = [audit_group]
