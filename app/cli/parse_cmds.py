"""`breakdesk parse`, `breakdesk validate`, `breakdesk schema`.

Exit codes: 0 when every file parsed; 2 when any file was unreadable or malformed. A bad file never
stops the good ones: they are still parsed and printed, and the error goes to stderr with its location.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from breakdesk import parsers
from breakdesk.parsers.errors import ParseError
from breakdesk.parsers.iso20022.xsd import xsd_findings
from breakdesk.parsers.source import sniff_syntax

#: Files in a folder that are not messages (a named file is always tried).
NOT_MESSAGES = {".md", ".csv", ".tsv", ".json", ".yaml", ".yml", ".py", ".pdf", ".html"}


def expand_paths(paths: tuple[str, ...], *, ledgers: bool = False) -> list[Path]:
    """Files as named, and the message files inside named folders (not READMEs or manifests; ledger
    CSVs only when `ledgers`)."""
    skip = NOT_MESSAGES - ({".csv"} if ledgers else set())
    out: list[Path] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            out.extend(sorted(f for f in path.rglob("*") if f.is_file() and not f.name.startswith(".")
                              and f.suffix.lower() not in skip and f.name != "README.txt"))
        else:
            out.append(path)
    return out


def _strict(flag: bool) -> bool:
    if flag:
        return True
    from breakdesk.app.settings import get_settings

    return get_settings().strict_parsing


def _load(path: Path, *, strict: bool = False) -> list[parsers.Message] | None:
    try:
        return parsers.parse(path, strict=strict)
    except ParseError as exc:
        click.echo(f"error: {exc}", err=True)
    except OSError as exc:
        click.echo(f"error: {path}: cannot read: {exc.strerror or exc}", err=True)
    return None


def _summary(msg: parsers.Message) -> str:
    bits = [msg.message_type, msg.kind]
    if msg.transactions:
        bits.append(f"{len(msg.transactions)} transaction(s)")
    if msg.statuses:
        bits.append("statuses " + ",".join(sorted({s.status or "?" for s in msg.statuses})))
    if msg.returns:
        bits.append(f"{len(msg.returns)} return(s) " + ",".join(r.reason_code or "?" for r in msg.returns))
    if msg.cancellations:
        bits.append(f"{len(msg.cancellations)} cancellation request(s)")
    if msg.answers:
        bits.append("answers " + ",".join(a.status or "?" for a in msg.answers))
    for st in msg.statements:
        bits.append(f"{st.kind} {st.account or '?'}: {len(st.entries)} entr{'y' if len(st.entries) == 1 else 'ies'}")
    return "  ".join(bits)


@click.command("parse")
@click.argument("paths", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per message (JSON Lines).")
@click.option("--strict", is_flag=True, help="Refuse an MT file at its first deviation from the standard "
              "(default: read the rest and print what was tolerated or left out; BREAKDESK_STRICT_PARSING).")
def parse_cmd(paths: tuple[str, ...], as_json: bool, strict: bool) -> None:
    """Parse SWIFT MT and ISO 20022 files into the canonical model."""
    failed = False
    for path in expand_paths(paths):
        messages = _load(path, strict=_strict(strict))
        if messages is None:
            failed = True
            continue
        for msg in messages:
            if as_json:
                click.echo(json.dumps(msg.to_json_dict(), ensure_ascii=False))
            else:
                click.echo(f"{path}#{msg.provenance.message_index}: {_summary(msg)}")
                for finding in msg.findings:
                    click.echo(f"  {finding.describe()}")
    sys.exit(2 if failed else 0)


@click.command("validate")
@click.argument("paths", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per finding (JSON Lines).")
@click.option("--strict", is_flag=True, help="Read MT files strictly (refuse one at its first deviation, exit 2) "
              "and exit 1 when any finding has severity 'error'.")
def validate_cmd(paths: tuple[str, ...], as_json: bool, strict: bool) -> None:
    """Validate messages: IBAN/BIC, currency, control sums, balances, duplicates, XSD; and what the
    reader tolerated or left out (BANK_DEVIATION, UNREADABLE_ENTRY …)."""
    failed = False
    errors = 0
    for path in expand_paths(paths):
        messages = _load(path, strict=_strict(strict))
        if messages is None:
            failed = True
            continue
        findings = parsers.validate_messages(messages)
        data = path.read_bytes()
        if sniff_syntax(data, filename=str(path)) == "mx":
            findings = xsd_findings(data, str(path)) + findings
        for finding in findings:
            errors += finding.severity == "error"
            if as_json:
                click.echo(json.dumps(finding.model_dump(mode="json"), ensure_ascii=False))
            else:
                click.echo(finding.describe())
    if failed:
        sys.exit(2)
    sys.exit(1 if strict and errors else 0)


@click.command("schema")
def schema_cmd() -> None:
    """Print the JSON Schema of the canonical model."""
    click.echo(json.dumps(parsers.message_json_schema(), indent=2))


commands = [parse_cmd, validate_cmd, schema_cmd]
