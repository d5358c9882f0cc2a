"""`breakdesk monitor report | ack`: production quality, drift and the model registry from the terminal.

`report` prints `{"metrics", "drift", "alerts", "registry"}` with `--json` (a drift breach is written
as an alert record, and POSTed to a webhook when one is configured); `ack` is compliance's
acknowledgement of an alert (role-checked, audited, needs a reason).
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, time

import click

from breakdesk.app.cli.signin import signed_in


def _day(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.combine(datetime.strptime(value, "%Y-%m-%d").date(), time(0), tzinfo=UTC)
    except ValueError as exc:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from exc


def _session():
    from breakdesk.app.store.db import session_scope
    from breakdesk.app.store.migrate import upgrade

    upgrade()
    return session_scope()


@click.group()
def monitor() -> None:
    """Production monitoring: metrics, drift against a reference window, alerts, model registry."""


@monitor.command("report")
@click.option("--since", default=None, help="Start of the window (YYYY-MM-DD, UTC); default: the last 7 days.")
@click.option("--reference-since", default=None, help="Reference window start (default: the active scorer's training window).")
@click.option("--reference-until", default=None, help="Reference window end (exclusive).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def report_cmd(since: str | None, reference_since: str | None, reference_until: str | None, as_json: bool) -> None:
    """Metrics, drift per feature, open alerts and the registry (a breach is recorded as an alert)."""
    from breakdesk.app.services.monitoring.drift import Window
    from breakdesk.app.services.monitoring.report import build_report

    ref = None
    if reference_since or reference_until:
        ref = Window(_day(reference_since), _day(reference_until), "chosen period")
    with _session() as session:
        report = build_report(session, since=_day(since), reference=ref)
    if as_json:
        click.echo(json.dumps(report, default=str, sort_keys=True))
        return
    t = report["metrics"]["totals"]
    click.echo(f"window {report['metrics']['since']} .. {report['metrics']['until']}: {t['suggestions']} suggestions, "
               f"acceptance {t['acceptance_rate']}, rejection {t['rejection_rate']}, auto-matches undone {t['auto_matches_undone']}")
    click.echo(f"reference: {report['metrics']['drift_reference']['source']} (thresholds {report['metrics']['drift_config_version']})")
    for d in report["drift"]:
        psi = "-" if d["psi"] is None else f"{d['psi']:.4f}"
        p = "-" if d["p_value"] is None else f"{d['p_value']:.3g}"
        click.echo(f"  {'ALERT' if d['alert'] else 'ok':<5} {d['feature']:<26} psi {psi:>8} (>= {d['threshold']}) p {p}")
    click.echo(f"open alerts: {len(report['alerts'])}")
    for r in report["registry"]:
        if r["kind"] == "scorer":
            click.echo(f"  scorer {r['version']}{' (active)' if r['active'] else ''} by {r['trained_by']}: {r['backtest_text']}")
        else:
            click.echo(f"  {r['version']} {r['suite']} {r['model']} passed={r['passed']} approved_by={r['approved_by']}")


@monitor.command("ack")
@click.argument("alert_id", type=int)
@signed_in("Compliance or admin.")
@click.option("--reason", required=True)
def ack_cmd(alert_id: int, actor: str, reason: str) -> None:
    """Acknowledge a drift alert (audited)."""
    from breakdesk.app.services.errors import ConflictError, NotFound, PermissionDenied
    from breakdesk.app.services.monitoring.alerts import acknowledge

    try:
        with _session() as session:
            acknowledge(session, alert_id=alert_id, user=actor, reason=reason)
    except (ConflictError, NotFound, PermissionDenied, ValueError) as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    click.echo(f"alert {alert_id} acknowledged")


commands = [monitor]
