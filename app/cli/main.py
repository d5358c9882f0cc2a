"""The `breakdesk` command. Sub-command groups live in sibling modules and register here."""

from __future__ import annotations

import click

from app.runtime import apply_offline_defaults

apply_offline_defaults()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="breakdesk")
def cli() -> None:
    """Breakdesk: payments exception handling and reconciliation assistant."""


def _register() -> None:
    # One line per command module; each module exposes `commands` (a list of click commands).
    from app.cli import admin_cmd, cases_cmd, demo_cmd, evals_cmd, kb_cmd, parse_cmds, recon_cmd, ui_cmd

    for module in (parse_cmds, demo_cmd, admin_cmd, kb_cmd, cases_cmd, recon_cmd, evals_cmd, ui_cmd):
        for command in module.commands:
            cli.add_command(command)


_register()

if __name__ == "__main__":  # pragma: no cover
    cli()
