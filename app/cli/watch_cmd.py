"""`breakdesk watch DIR`: import files as they arrive (see `app/services/intake.py`)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import click

from breakdesk.app.cli.signin import signed_in


@click.command("watch")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@signed_in("The person the imports are made as (ops, clerk or admin; clerk or admin to match). Use a token.")
@click.option("--interval", default=2.0, show_default=True, type=click.FloatRange(0.1, 3600),
              help="Seconds between scans; a file is taken once two scans see it unchanged.")
@click.option("--no-match", is_flag=True, help="Do not run matching after a batch.")
@click.option("--once", is_flag=True, help="Import what is complete now and exit (cron, tests).")
@click.option("--json", "as_json", is_flag=True, help="With --once: print the batch report as JSON.")
def watch_cmd(folder: Path, actor: str, interval: float, no_match: bool, once: bool, as_json: bool) -> None:
    """Import MT/MX/CSV files dropped into FOLDER; file them under processed/ or failed/ (with the reason
    beside them) and match after each batch. Senders write NAME.part and rename it when complete. Between
    scans, the outbox is delivered (files, and webhook calls that are due)."""
    from breakdesk.app.services.intake import Watcher
    from breakdesk.app.services.workflow import deliver_outbox
    from breakdesk.app.store.migrate import upgrade

    upgrade()
    folder.mkdir(parents=True, exist_ok=True)
    watcher = Watcher(folder, user=actor, match=not no_match)
    echo = (lambda _s: None) if as_json else click.echo
    if once:
        report = watcher.process(watcher.scan(settle=False), echo=echo)
        if as_json:
            click.echo(json.dumps({**report.__dict__, "files": report.files}, default=str))
        raise SystemExit(2 if report.failed else 0)
    click.echo(f"watching {folder} every {interval:g} s as {actor} (Ctrl-C to stop)")
    try:
        while True:
            ready = watcher.scan()
            if ready:
                watcher.process(ready, echo=click.echo)
            for d in deliver_outbox():  # approved repairs' files and webhook calls due (retries with backoff)
                click.echo(f"outbox: {d}")
            time.sleep(interval)
    except KeyboardInterrupt:
        click.echo("stopped")


commands = [watch_cmd]
