"""What the ops queue needs beyond the case itself: age against a service level, and notes.

* **SLA.** Each severity has hours to resolution (`BREAKDESK_SLA_HOURS`, default high 4, medium 24,
  low 72), counted from when the case was opened; a case still open past them is in breach. Resolved and
  closed cases have no clock.
* **Notes.** A note is an append-only audit record (`case.note`, object = the case key): it is kept in
  the tamper-evident chain with who wrote it and when, and found by the case's business id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from breakdesk.app.services import audit
from breakdesk.app.services.access import require
from breakdesk.app.services.errors import InvalidInput, NotFound
from breakdesk.app.settings import get_settings
from breakdesk.app.store.models import AuditRecord, Case, User

#: States whose clock has stopped.
DONE_STATES = frozenset({"resolved", "closed"})
NOTE_ACTION = "case.note"
MAX_NOTE = 4000


@dataclass(frozen=True)
class Sla:
    due_at: datetime | None  # None: no clock (resolved or closed)
    hours_left: float | None  # negative once breached

    @property
    def breached(self) -> bool:
        return self.hours_left is not None and self.hours_left < 0

    @property
    def text(self) -> str:
        if self.hours_left is None:
            return ""
        h = abs(self.hours_left)
        span = f"{h:.0f} h" if h < 48 else f"{h / 24:.0f} d"
        return f"overdue {span}" if self.breached else f"{span} left"


def sla(severity: str | None, state: str | None, created_at: datetime | str | None, now: datetime | None = None) -> Sla:
    """The service level of a case opened at `created_at` (see the module docstring)."""
    if state in DONE_STATES or not created_at:
        return Sla(None, None)
    opened = datetime.fromisoformat(created_at) if isinstance(created_at, str) else created_at
    if opened.tzinfo is None:
        opened = opened.replace(tzinfo=UTC)
    hours = get_settings().sla_hours.get(severity or "", get_settings().sla_hours.get("medium", 24.0))
    due = opened + timedelta(hours=hours)
    now = now or datetime.now(UTC)
    return Sla(due, (due - now).total_seconds() / 3600)


def add_note(session: Session, *, case_key: str, user: str | User, text: str) -> dict[str, Any]:
    """Append a note to a case; returns it as `notes` lists it."""
    actor = require(session, user, "case.read").username
    text = (text or "").strip()
    if not text:
        raise InvalidInput("a note needs some text")
    if len(text) > MAX_NOTE:
        raise InvalidInput(f"a note holds at most {MAX_NOTE} characters ({len(text)} given)")
    case = session.execute(select(Case).where(Case.key == case_key)).scalar_one_or_none()
    if case is None:
        raise NotFound(f"no case {case_key}")
    rec = audit.append(session, actor=actor, action=NOTE_ACTION, object_type="case", object_id=case_key,
                       after={"note": text, "state": case.state}, reason=None)
    return {"at": rec.at, "by": actor, "text": text}


def notes(session: Session, *, case_key: str) -> list[dict[str, Any]]:
    """A case's notes, oldest first."""
    rows = session.execute(select(AuditRecord).where(AuditRecord.action == NOTE_ACTION,
                                                     AuditRecord.object_type == "case",
                                                     AuditRecord.object_id == case_key)
                           .order_by(AuditRecord.seq)).scalars()
    return [{"at": r.at, "by": r.actor, "text": (r.after or {}).get("note", "")} for r in rows]
