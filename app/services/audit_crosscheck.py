"""Decisions stored outside the audit log must agree with it.

The chain proves its own records were not changed; it says nothing about a `repairs.decided_by` or a
`users.role` edited straight in the database. Every decision the services make is audited with who
made it and the resulting state, so replaying the chain gives what those columns must hold. This
module compares them and reports each disagreement as a `decision_mismatch` problem (with the seq of
the audit record that disagrees, or None when a decision has no record at all).

Covered: repairs (state, decided_by), match suggestions (decision_state, decided_by), match decisions
(one audit record each, same person) and users (role, active).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from breakdesk.app.store.models import AuditRecord, MatchDecision, MatchSuggestion, Repair, User

DECIDED_REPAIR_STATES = ("approved", "rejected", "superseded")


def _records(session: Session, object_type: str) -> list[AuditRecord]:
    return list(session.execute(
        select(AuditRecord).where(AuditRecord.object_type == object_type).order_by(AuditRecord.seq)
    ).scalars())


def _problem(seq: int | None, detail: str):
    from breakdesk.app.services.audit import ChainProblem

    return ChainProblem(seq, "decision_mismatch", detail)


def cross_check_decisions(session: Session) -> list[Any]:
    return [*_repairs(session), *_suggestions(session), *_match_decisions(session), *_users(session)]


def _repairs(session: Session) -> list[Any]:
    latest: dict[str, AuditRecord] = {}
    for rec in _records(session, "repair"):
        if (rec.after or {}).get("state") in DECIDED_REPAIR_STATES:
            latest[rec.object_id or ""] = rec
    problems = []
    for repair in session.execute(select(Repair).order_by(Repair.id)).scalars():
        rec = latest.get(str(repair.id))
        if repair.state in DECIDED_REPAIR_STATES:
            if rec is None:
                problems.append(_problem(None, f"repair {repair.id} is {repair.state} but no audit record says so"))
            elif rec.actor != repair.decided_by or rec.after.get("state") != repair.state:
                problems.append(_problem(rec.seq, f"repair {repair.id}: table says {repair.state} by {repair.decided_by}, "
                                                  f"audit says {rec.after.get('state')} by {rec.actor}"))
        elif rec is not None:
            problems.append(_problem(rec.seq, f"repair {repair.id} is {repair.state} but the audit says "
                                              f"{rec.after.get('state')} by {rec.actor}"))
    return problems


def _suggestions(session: Session) -> list[Any]:
    latest: dict[str, AuditRecord] = {}
    for rec in _records(session, "match_suggestion"):
        if rec.action.startswith("match.") and "decision_state" in (rec.after or {}):
            latest[rec.object_id or ""] = rec
    problems = []
    decided = select(MatchSuggestion).where(MatchSuggestion.decided_by.is_not(None)).order_by(MatchSuggestion.id)
    for sug in session.execute(decided).scalars():
        rec = latest.get(str(sug.id))
        if rec is None:
            problems.append(_problem(None, f"match suggestion {sug.id} was decided by {sug.decided_by} "
                                           "but no audit record says so"))
        elif rec.actor != sug.decided_by or rec.after.get("decision_state") != sug.decision_state:
            problems.append(_problem(rec.seq, f"match suggestion {sug.id}: table says {sug.decision_state} by "
                                              f"{sug.decided_by}, audit says {rec.after.get('decision_state')} by {rec.actor}"))
    return problems


def _match_decisions(session: Session) -> list[Any]:
    by_decision: dict[int, AuditRecord] = {}
    for rec in _records(session, "match_suggestion"):
        decision_id = (rec.after or {}).get("decision_id")
        if isinstance(decision_id, int):
            by_decision[decision_id] = rec
    problems = []
    for dec in session.execute(select(MatchDecision).order_by(MatchDecision.id)).scalars():
        rec = by_decision.get(dec.id)
        if rec is None:
            problems.append(_problem(None, f"match decision {dec.id} ({dec.action} by {dec.decided_by}) has no audit record"))
        elif rec.actor != dec.decided_by or rec.action != f"match.{dec.action}":
            problems.append(_problem(rec.seq, f"match decision {dec.id}: table says {dec.action} by {dec.decided_by}, "
                                              f"audit says {rec.action} by {rec.actor}"))
    return problems


def _users(session: Session) -> list[Any]:
    state: dict[str, dict[str, Any]] = {}
    for rec in _records(session, "user"):
        after = rec.after or {}
        known = state.setdefault(rec.object_id or "", {"active": True, "seq": rec.seq})
        known["seq"] = rec.seq
        for attr in ("role", "active"):
            if attr in after:
                known[attr] = after[attr]
    problems = []
    for user in session.execute(select(User).order_by(User.id)).scalars():
        known = state.get(str(user.id))
        if known is None:
            problems.append(_problem(None, f"user {user.username} has no audit record (created outside the services?)"))
            continue
        for attr in ("role", "active"):
            if attr in known and known[attr] != getattr(user, attr):
                problems.append(_problem(known["seq"], f"user {user.username}: table says {attr}={getattr(user, attr)!r}, "
                                                       f"audit says {known[attr]!r}"))
    return problems
