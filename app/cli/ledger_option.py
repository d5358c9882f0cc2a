"""`--ledger-columns`, shared by the commands that read ledger CSVs (`recon run`, `cases ingest`).

Banks' and ERPs' ledger exports name their columns in their own way ("Betrag", "Buchungsdatum"); the
option (or `BREAKDESK_LEDGER_COLUMNS`, which the UI uses too) maps them onto the ledger fields.
"""

from __future__ import annotations

import click

from breakdesk.agents.recon.ledger import parse_column_map


def _resolve(ctx: click.Context, param: click.Parameter, value: str | None) -> dict[str, str]:
    if value is None:
        from breakdesk.app.settings import get_settings

        return get_settings().ledger_column_map
    try:
        return parse_column_map(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), ctx=ctx, param=param) from None


ledger_columns_option = click.option(
    "--ledger-columns", default=None, metavar="FIELD=HEADER,…", callback=_resolve,
    help="Ledger CSV header names, e.g. amount=Betrag,date=Buchungsdatum (default $BREAKDESK_LEDGER_COLUMNS).",
)
