"""One report for the CLI and the Monitoring page: metrics, drift, alerts, registry.

`build_report` is the whole answer to "is the matcher still as good as when we approved it, and what
changed?": the current window's metrics, each feature's drift against the reference window, the open
alerts (breaches are written as alerts here), and the registry.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from breakdesk.app.services.monitoring.alerts import alert_json, open_alerts, raise_alerts
from breakdesk.app.services.monitoring.drift import DriftConfig, Window, compare, load_config, reference_window
from breakdesk.app.services.monitoring.metrics import compute_metrics
from breakdesk.app.services.monitoring.registry import registry
from breakdesk.app.store.types import utcnow

DEFAULT_DAYS = 7


def build_report(session: Session, *, since: datetime | None = None, until: datetime | None = None,
                 reference: Window | None = None, config: DriftConfig | None = None,
                 raise_breaches: bool = True) -> dict[str, Any]:
    """Current window [since, until) (default: the last 7 days) against `reference` (default: the
    active scorer's training window, else the 28 days before `since`)."""
    cfg = config or load_config()
    until = until or utcnow()
    since = since or until - timedelta(days=DEFAULT_DAYS)
    current = Window(since, until, "current")
    ref = reference or reference_window(session, Window(since - timedelta(days=28), since, "28 days before the window"))
    drift = compare(ref, current, session, cfg)
    if raise_breaches:
        raise_alerts(session, drift, current=current, reference=ref, config=cfg)
    metrics = compute_metrics(session, since=since, until=until)
    metrics.update(drift_reference=ref.as_dict(), drift_config_version=cfg.version)
    return {
        "metrics": metrics,
        "drift": [{"feature": d.feature, "psi": d.psi, "p_value": d.p_value, "threshold": d.threshold, "alert": d.alert}
                  for d in drift],
        "alerts": [alert_json(a) for a in open_alerts(session)],
        "registry": registry(session),
    }
