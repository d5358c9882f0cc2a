"""Monitoring: drift alerts raised when production data moves away from its reference window.

An alert is a record, not a log line, so compliance can see which are open, who acknowledged one and
why, and which thresholds (config version) were in force when it fired.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from breakdesk.app.store.models.base import Base
from breakdesk.app.store.types import BigIntPK, JSONDoc, UtcDateTime, utcnow


class MonitorAlert(Base):
    __tablename__ = "monitor_alerts"

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), default="drift", doc="drift (more kinds may follow)")
    feature: Mapped[str] = mapped_column(String(100), index=True)
    psi: Mapped[float | None] = mapped_column(Float)
    p_value: Mapped[float | None] = mapped_column(Float)
    threshold: Mapped[float | None] = mapped_column(Float, doc="the PSI threshold that was crossed")
    config_version: Mapped[str] = mapped_column(String(40))
    window_start: Mapped[datetime | None] = mapped_column(UtcDateTime)
    window_end: Mapped[datetime | None] = mapped_column(UtcDateTime)
    reference: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict, doc="the reference window and its source")
    details: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict, doc="sample sizes, test, top moves")
    status: Mapped[str] = mapped_column(String(12), default="open", index=True, doc="open, acknowledged")
    raised_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    acknowledged_by: Mapped[str | None] = mapped_column(String(64))
    acknowledged_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    ack_reason: Mapped[str | None] = mapped_column(Text)
    webhook_status: Mapped[int | None] = mapped_column(Integer, doc="HTTP status of the webhook POST, if one is configured")
