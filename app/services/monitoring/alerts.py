"""Alert records for drift breaches, an optional signed webhook, and acknowledgement by compliance.

A breach is written as a `MonitorAlert` (audited as `system:monitor`); while one is open for a feature
another breach of it is not written again, so a daily report does not bury the page in duplicates.
When `BREAKDESK_ALERT_WEBHOOK_URL` is set the alert is also POSTed there as JSON, signed with
HMAC-SHA256 over the body under `BREAKDESK_ALERT_WEBHOOK_SECRET` (header `X-Breakdesk-Signature:
sha256=<hex>`); no URL, no network. A failed POST is recorded on the alert, never raised.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import urllib.request
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from breakdesk.app.services import audit
from breakdesk.app.services.access import require
from breakdesk.app.services.errors import ConflictError, NotFound
from breakdesk.app.services.monitoring.drift import DriftConfig, DriftResult, Window
from breakdesk.app.store.models import MonitorAlert
from breakdesk.app.store.types import utcnow

MONITOR_ACTOR = "system:monitor"


def sign(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def alert_json(a: MonitorAlert) -> dict[str, Any]:
    return {"id": a.id, "kind": a.kind, "feature": a.feature, "psi": a.psi, "p_value": a.p_value,
            "threshold": a.threshold, "config_version": a.config_version, "status": a.status,
            "window": {"start": a.window_start.isoformat() if a.window_start else None,
                       "end": a.window_end.isoformat() if a.window_end else None},
            "reference": a.reference, "created_at": a.created_at.isoformat() if a.created_at else None,
            "acknowledged_by": a.acknowledged_by, "ack_reason": a.ack_reason, "webhook_status": a.webhook_status}


def post_webhook(payload: dict[str, Any], *, url: str, secret: str | None, timeout: float = 5.0) -> int | None:
    body = json.dumps(payload, sort_keys=True, default=str).encode()
    headers = {"Content-Type": "application/json"}
    if secret:
        headers["X-Breakdesk-Signature"] = sign(body, secret)
    req = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return int(resp.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)
    except OSError:
        return None


def raise_alerts(session: Session, results: Sequence[DriftResult], *, current: Window, reference: Window,
                 config: DriftConfig) -> list[MonitorAlert]:
    """Write an alert for each breach that has no open alert yet; POST it when a webhook is configured."""
    open_features = set(session.execute(select(MonitorAlert.feature).where(MonitorAlert.status == "open")).scalars())
    url, secret = os.environ.get("BREAKDESK_ALERT_WEBHOOK_URL"), os.environ.get("BREAKDESK_ALERT_WEBHOOK_SECRET")
    new = []
    for r in results:
        if not r.alert or r.feature in open_features:
            continue
        row = MonitorAlert(kind="drift", feature=r.feature, psi=r.psi, p_value=r.p_value, threshold=r.threshold,
                           config_version=config.version, window_start=current.start, window_end=current.end,
                           reference=reference.as_dict(), details=r.report(), status="open", raised_by=MONITOR_ACTOR)
        session.add(row)
        session.flush()
        if url:
            row.webhook_status = post_webhook(alert_json(row), url=url, secret=secret)
        audit.append(session, actor=MONITOR_ACTOR, action="monitor.alert", object_type="monitor_alert",
                     object_id=row.id, after=alert_json(row))
        new.append(row)
    return new


def open_alerts(session: Session) -> list[MonitorAlert]:
    return list(session.execute(select(MonitorAlert).where(MonitorAlert.status == "open").order_by(MonitorAlert.id)).scalars())


def acknowledge(session: Session, *, alert_id: int, user: str, reason: str) -> MonitorAlert:
    """Compliance has looked at an alert and says why it is handled (audited; needs a reason)."""
    who = require(session, user, "monitor.manage").username
    if not (reason or "").strip():
        raise ValueError("acknowledging an alert needs a reason")
    row = session.get(MonitorAlert, alert_id, with_for_update=True)
    if row is None:
        raise NotFound(f"no alert {alert_id}")
    if row.status != "open":
        raise ConflictError(f"alert {alert_id} is already {row.status} (by {row.acknowledged_by})")
    row.status, row.acknowledged_by, row.acknowledged_at, row.ack_reason = "acknowledged", who, utcnow(), reason
    audit.append(session, actor=who, action="monitor.acknowledge", object_type="monitor_alert", object_id=row.id,
                 before={"status": "open"}, after={"status": "acknowledged"}, reason=reason)
    return row
