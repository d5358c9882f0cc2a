"""`breakdesk demo`: the README's main job on the embedded defaults.

For now it parses a folder of sample messages and prints what Breakdesk understood of each file.
Without a folder it reads the shared corpus beside a checkout, else the demo day shipped in the package
(so an installed copy has something to show).
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import click

from breakdesk import parsers
from breakdesk.app.cli.parse_cmds import expand_paths
from breakdesk.app.samples import DEMO_DAY_DIR
from breakdesk.parsers.errors import ParseError

REPO_ROOT = Path(__file__).resolve().parents[2]


def default_sample_dir() -> Path:
    shared = REPO_ROOT.parent / "shared" / "corpus"
    return shared if shared.is_dir() else DEMO_DAY_DIR


@click.command("demo")
@click.argument("folder", required=False, type=click.Path(exists=True, file_okay=False, path_type=Path))
def demo_cmd(folder: Path | None) -> None:
    """Parse a folder of MT/MX messages and print a summary (default: ../shared/corpus, else the demo day)."""
    folder = folder or default_sample_dir()
    files = expand_paths((str(folder),))
    by_type: Counter[str] = Counter()
    findings: Counter[str] = Counter()
    entries = transactions = 0
    bad: list[str] = []
    for path in files:
        try:
            messages = parsers.parse_file(path)
        except ParseError as exc:
            bad.append(str(exc))
            continue
        for msg in messages:
            by_type[msg.family] += 1
            transactions += len(msg.transactions)
            entries += sum(len(s.entries) for s in msg.statements)
            for f in parsers.validate(msg):
                findings[f"{f.severity}:{f.code}"] += 1
    click.echo(f"Breakdesk parsed {sum(by_type.values())} messages from {len(files) - len(bad)} of {len(files)} files in {folder}")
    click.echo(f"  {transactions} payment transactions, {entries} statement entries")
    for family, n in sorted(by_type.items()):
        click.echo(f"  {family:<10} {n}")
    if findings:
        click.echo("Validation findings:")
        for key, n in findings.most_common():
            click.echo(f"  {key:<40} {n}")
    if bad:
        click.echo(f"Refused {len(bad)} file(s):")
        for line in bad:
            click.echo(f"  {line}")
    sys.exit(0)


commands = [demo_cmd]
