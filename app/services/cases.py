"""Exception cases and their repairs, with maker-checker on approval.

A repair is any JSON the agent or a person proposes (corrected fields, a message to re-send, a return
to raise …); this module does not interpret it. Whoever proposed a repair or edited it is one of its
makers and cannot approve it: a second person must (the "four eyes" rule). Programs (actors named
`system:…`, e.g. the agent) may open cases and propose repairs but never decide.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from breakdesk.app.services import audit
from breakdesk.app.services.access import require, require_person_or_system, username_of
from breakdesk.app.services.errors import ConflictError, NotFound, PermissionDenied
from breakdesk.app.store.models import Break, Case, CaseEvent, CaseIdent, Repair, User
from breakdesk.app.store.repositories.chunks import in_chunks
from breakdesk.app.store.repositories.locks import lock_by_id
from breakdesk.app.store.types import utcnow

CASE_STATES = ("open", "investigating", "repair_proposed", "resolved", "closed")
SEVERITIES = ("low", "medium", "high", "critical")


def _event(session: Session, case: Case, actor: str, event_type: str, payload: dict[str, Any]) -> None:
    session.add(CaseEvent(case_id=case.id, actor=actor, event_type=event_type, payload=audit.jsonable(payload)))
    case.updated_at = utcnow()


def _lock_case(session: Session, case_id: int) -> Case:
    case = lock_by_id(session, Case, row_id=case_id)
    if case is None:
        raise NotFound(f"no case {case_id}")
    return case


def _lock_repair(session: Session, repair_id: int) -> Repair:
    repair = lock_by_id(session, Repair, row_id=repair_id)
    if repair is None:
        raise NotFound(f"no repair {repair_id}")
    return repair


def open_case(
    session: Session,
    *,
    actor: str | User,
    kind: str,
    reason_code: str | None = None,
    title: str | None = None,
    payment_ids: dict[str, Any] | None = None,
    severity: str = "medium",
    break_ids: list[int] | None = None,
    key: str | None = None,
    detail: dict[str, Any] | None = None,
) -> Case:
    who = require_person_or_system(session, actor, "case.open")
    if severity not in SEVERITIES:
        raise ValueError(f"severity must be one of {SEVERITIES}")
    case = Case(kind=kind, reason_code=reason_code, title=title, payment_ids=audit.jsonable(payment_ids or {}), severity=severity,
                key=key, detail=audit.jsonable(detail) if detail is not None else None)
    session.add(case)
    session.flush()
    if break_ids:
        breaks = list(session.execute(select(Break).where(Break.id.in_(break_ids))).scalars())
        missing = sorted(set(break_ids) - {b.id for b in breaks})
        if missing:
            raise NotFound(f"no break(s) {missing}")
        for brk in breaks:
            brk.case_id = case.id
    _event(session, case, who, "opened", {"kind": kind, "key": key, "reason_code": reason_code, "break_ids": break_ids or []})
    session.flush()
    audit.append(session, actor=who, action="case.open", object_type="case", object_id=case.id,
                 after={"kind": kind, "reason_code": reason_code, "severity": severity,
                        "payment_ids": case.payment_ids, "break_ids": break_ids or []})
    return case


def assign_case(session: Session, *, case_id: int, assignee: str | None, actor: str | User, reason: str | None = None) -> Case:
    who = require(session, actor, "case.update").username
    case = _lock_case(session, case_id)
    if case.assignee == assignee:
        return case
    before = {"assignee": case.assignee}
    case.assignee = assignee
    case.version += 1
    _event(session, case, who, "assigned", {"assignee": assignee})
    session.flush()
    audit.append(session, actor=who, action="case.assign", object_type="case", object_id=case.id,
                 before=before, after={"assignee": assignee}, reason=reason)
    return case


def set_case_state(session: Session, *, case_id: int, state: str, actor: str | User, reason: str) -> Case:
    who = require_person_or_system(session, actor, "case.update")  # a re-analysis reopens cases too
    if state not in CASE_STATES:
        raise ValueError(f"case state must be one of {CASE_STATES}")
    case = _lock_case(session, case_id)
    if case.state == state:
        return case
    before = {"state": case.state}
    case.state = state
    case.version += 1
    _event(session, case, who, "state", {"from": before["state"], "to": state, "reason": reason})
    session.flush()
    audit.append(session, actor=who, action="case.state", object_type="case", object_id=case.id,
                 before=before, after={"state": state}, reason=reason)
    return case


def propose_repair(session: Session, *, case_id: int, payload: dict[str, Any], actor: str | User,
                   reason: str | None = None) -> Repair:
    """Store a proposed repair; one open proposal per case (edit or reject it before proposing anew)."""
    who = require_person_or_system(session, actor, "repair.propose")
    case = _lock_case(session, case_id)
    open_ = session.execute(select(Repair.id).where(Repair.case_id == case_id, Repair.state == "proposed")).first()
    if open_ is not None:
        raise ConflictError(f"case {case_id} already has proposed repair {open_[0]}; edit or reject it first")
    repair = Repair(case_id=case_id, payload=audit.jsonable(payload), proposed_by=who, editors=[])
    session.add(repair)
    session.flush()
    before_state = case.state
    case.state = "repair_proposed"
    case.version += 1
    _event(session, case, who, "repair_proposed", {"repair_id": repair.id, "reason": reason})
    session.flush()
    audit.append(session, actor=who, action="repair.propose", object_type="repair", object_id=repair.id,
                 before={"case_state": before_state}, after={"case_id": case_id, "payload": repair.payload}, reason=reason)
    return repair


def edit_repair(session: Session, *, repair_id: int, payload: dict[str, Any], actor: str | User, reason: str,
                expected_version: int | None = None) -> Repair:
    """A person changes a proposal; they become one of its makers."""
    who = require(session, actor, "repair.edit").username
    repair = _lock_repair(session, repair_id)
    _check_open(repair, expected_version)
    new_payload = audit.jsonable(payload)
    if new_payload == repair.payload:
        return repair
    before = {"payload": repair.payload, "version": repair.version}
    repair.payload = new_payload
    if who not in repair.editors:
        repair.editors = [*repair.editors, who]
    repair.version += 1
    case = _lock_case(session, repair.case_id)
    _event(session, case, who, "repair_edited", {"repair_id": repair.id, "reason": reason})
    session.flush()
    audit.append(session, actor=who, action="repair.edit", object_type="repair", object_id=repair.id,
                 before=before, after={"payload": new_payload, "version": repair.version}, reason=reason)
    return repair


def approve_repair(session: Session, *, repair_id: int, actor: str | User, reason: str | None = None,
                   expected_version: int | None = None) -> Repair:
    return _decide(session, repair_id=repair_id, actor=actor, approve=True, reason=reason, expected_version=expected_version)


def reject_repair(session: Session, *, repair_id: int, actor: str | User, reason: str,
                  expected_version: int | None = None) -> Repair:
    if not (reason or "").strip():
        raise ValueError("rejecting a repair needs a reason")
    return _decide(session, repair_id=repair_id, actor=actor, approve=False, reason=reason, expected_version=expected_version)


def _decide(session: Session, *, repair_id: int, actor: str | User, approve: bool, reason: str | None,
            expected_version: int | None) -> Repair:
    who = require(session, actor, "repair.decide").username
    target = "approved" if approve else "rejected"
    repair = _lock_repair(session, repair_id)
    if repair.state == target and repair.decided_by == who:
        return repair  # same decision again
    if approve and who in repair.makers:
        raise PermissionDenied(
            f"maker-checker: {who} proposed or edited repair {repair_id} and cannot approve it; another user must"
        )
    _check_open(repair, expected_version)
    repair.state = target
    repair.decided_by = who
    repair.decided_at = utcnow()
    repair.decision_reason = reason
    repair.version += 1
    case = _lock_case(session, repair.case_id)
    case.state = "resolved" if approve else "investigating"
    case.version += 1
    _event(session, case, who, f"repair_{target}", {"repair_id": repair.id, "reason": reason})
    session.flush()
    audit.append(session, actor=who, action=f"repair.{'approve' if approve else 'reject'}", object_type="repair",
                 object_id=repair.id, before={"state": "proposed"},
                 after={"state": target, "case_id": repair.case_id, "makers": sorted(repair.makers)}, reason=reason)
    return repair


def _check_open(repair: Repair, expected_version: int | None) -> None:
    if repair.state != "proposed":
        raise ConflictError(
            f"repair {repair.id} is already {repair.state}"
            + (f" by {repair.decided_by}" if repair.decided_by else "")
            + "; reload the case"
        )
    if expected_version is not None and expected_version != repair.version:
        raise ConflictError(
            f"repair {repair.id} changed since you loaded it (version {expected_version}, now {repair.version}); reload"
        )


def get_case_by_key(session: Session, *, key: str) -> Case | None:
    return session.execute(select(Case).where(Case.key == key)).scalar_one_or_none()


#: The actor that keeps reconciliation break cases in step with people's match decisions.
MATCH_ACTOR = "system:reconciliation"


def follow_match(session: Session, *, suggestion_id: int, action: str, decided_by: str,
                 bank_entry_ids: list[int], book_item_ids: list[int]) -> list[Case]:
    """Keep the cases of reconciliation breaks in step with a match decision; returns the cases changed.

    An approved match resolves the open cases of its items' breaks (bank only, missing booking, a value-date
    or amount difference …) and supersedes their open proposals ("record the match or a write-off"): the
    late statement line that pays AR-125 settles its "missing booking", which must not stay on the
    Exceptions page with a proposal still to approve. Undoing the match (`unmatch`) sends the cases that
    approval resolved, and only those (a case a person closed stays closed), back to investigation with a
    fresh analysis. Each change is audited by `MATCH_ACTOR`, naming the suggestion and who decided it."""
    if action not in ("approve", "unmatch"):
        return []
    case_ids: set[int] = set()
    for column, ids in ((Break.bank_entry_id, bank_entry_ids), (Break.book_item_id, book_item_ids)):
        for chunk in in_chunks(ids):
            case_ids.update(session.execute(select(Break.case_id).where(column.in_(chunk), Break.case_id.is_not(None))).scalars())
    changed: list[Case] = []
    for case_id in sorted(case_ids):  # in id order, as every writer locks cases
        case = _lock_case(session, case_id)  # its state is read under the lock a concurrent decision waits on
        if case.merged_into_id is not None:
            continue
        detail = case.detail or {}
        if action == "approve" and case.state not in ("resolved", "closed"):
            reason = f"matched: suggestion {suggestion_id} approved by {decided_by}"
            _supersede_open_repairs(session, case, MATCH_ACTOR, reason)
            set_case_state(session, case_id=case_id, state="resolved", actor=MATCH_ACTOR, reason=reason)
            case.detail = {**detail, "resolved_by_match": suggestion_id}
            changed.append(case)
        elif action == "unmatch" and detail.get("resolved_by_match") == suggestion_id and case.state == "resolved":
            case.detail = {k: v for k, v in detail.items() if k != "resolved_by_match"}
            reanalyse_case(session, case_id=case_id, actor=MATCH_ACTOR,
                           reason=f"match undone: suggestion {suggestion_id} unmatched by {decided_by}")
            changed.append(case)
    return changed


def get_cases_by_key(session: Session, *, keys: list[str]) -> dict[str, Case]:
    """The stored cases among `keys`, by key (absent keys are left out)."""
    found: dict[str, Case] = {}
    for chunk in in_chunks(keys):
        found.update((c.key, c) for c in session.execute(select(Case).where(Case.key.in_(chunk))).scalars())
    return found


def cases_sharing_idents(session: Session, *, idents: set[str]) -> list[tuple[Case, set[str]]]:
    """The cases not merged away that have any of `idents`, oldest first, each with those of `idents` it has."""
    shared: dict[int, set[str]] = {}
    # The identifiers alone first, by their index: joined to cases, SQLite walked every open case and
    # probed each for the chunk's identifiers (80 ms a chunk at 1,600 cases, growing with them).
    for chunk in in_chunks(idents):
        for case_id, ident in session.execute(select(CaseIdent.case_id, CaseIdent.ident).where(CaseIdent.ident.in_(chunk))):
            shared.setdefault(case_id, set()).add(ident)
    if not shared:
        return []
    found: list[Case] = []
    for chunk in in_chunks(shared):
        found += session.execute(select(Case).where(Case.id.in_(chunk), Case.merged_into_id.is_(None))).scalars()
    return [(case, shared[case.id]) for case in sorted(found, key=lambda c: c.id)]


def add_case_idents(session: Session, *, case: Case, idents: set[str] | frozenset[str]) -> None:
    """Record identifiers the case's thread has gained (the caller knows they are new to this case)."""
    session.add_all(CaseIdent(case_id=case.id, ident=ident) for ident in sorted(idents))


def update_case_summary(session: Session, *, case_id: int, actor: str | User, kind: str, reason_code: str | None,
                        title: str | None, severity: str, payment_ids: dict[str, Any], reason: str) -> Case:
    """A later message changed what a case list shows of the case (a rejected payment is now returned,
    the original payment's ids are known): the case keeps its id, assignment and history, and its
    events and the audit log say what it was before. Nothing changed, nothing written."""
    who = require_person_or_system(session, actor, "case.update")
    if severity not in SEVERITIES:
        raise ValueError(f"severity must be one of {SEVERITIES}")
    after = {"kind": kind, "reason_code": reason_code, "title": title, "severity": severity,
             "payment_ids": audit.jsonable(payment_ids)}
    cached = session.get(Case, case_id)
    if cached is not None and _summary(cached) == after:
        return cached  # the common case: no lock taken
    case = _lock_case(session, case_id)
    before = _summary(case)
    if before == after:
        return case
    case.kind, case.reason_code, case.title, case.severity = kind, reason_code, title, severity
    case.payment_ids = after["payment_ids"]
    case.version += 1
    _event(session, case, who, "updated", {"from": before, "to": after, "reason": reason})
    session.flush()
    audit.append(session, actor=who, action="case.update", object_type="case", object_id=case.id,
                 before=before, after=after, reason=reason)
    return case


def reanalyse_case(session: Session, *, case_id: int, actor: str | User, reason: str) -> Case:
    """The break a case is about changed (a rejected payment came back returned, a recall arrived): what
    was explained and proposed for the old break no longer holds. Open proposals are superseded (kept,
    with who and why, but no longer decidable), the stored explanation is dropped, and the case's
    analysis counter moves on so the next explanation runs the case graph afresh (`workflow`'s
    checkpoint thread is per analysis). A resolved case is investigated again."""
    who = require_person_or_system(session, actor, "case.update")
    case = _lock_case(session, case_id)
    _supersede_open_repairs(session, case, who, reason)
    detail = {k: v for k, v in (case.detail or {}).items() if k != "explanation"}
    case.detail = {**detail, "analysis": int(detail.get("analysis", 0)) + 1}
    case.version += 1
    session.flush()
    if case.state in ("repair_proposed", "resolved"):
        set_case_state(session, case_id=case.id, state="investigating", actor=who, reason=reason)
    return case


def _supersede_open_repairs(session: Session, case: Case, who: str, reason: str) -> None:
    """Open proposals that no longer hold are kept with who and why, but can no longer be decided."""
    for repair in [r for r in case.repairs if r.state == "proposed"]:
        repair.state, repair.decided_by, repair.decided_at, repair.decision_reason = "superseded", who, utcnow(), reason
        repair.version += 1
        _event(session, case, who, "repair_superseded", {"repair_id": repair.id, "reason": reason})
        session.flush()
        audit.append(session, actor=who, action="repair.supersede", object_type="repair", object_id=repair.id,
                     before={"state": "proposed"}, after={"state": "superseded", "case_id": case.id}, reason=reason)


def _summary(case: Case) -> dict[str, Any]:
    return {"kind": case.kind, "reason_code": case.reason_code, "title": case.title, "severity": case.severity,
            "payment_ids": case.payment_ids}


def merge_case(session: Session, *, case_id: int, into_id: int, actor: str | User, reason: str) -> Case:
    """Close a case whose payment thread joined an older case's, pointing it at that case. Nothing is
    deleted: its events, assignment and repairs stay on it, and both cases record the merge."""
    who = require_person_or_system(session, actor, "case.update")
    if case_id == into_id:
        raise ValueError("a case cannot be merged into itself")
    case, into = _lock_case(session, case_id), _lock_case(session, into_id)
    if case.merged_into_id == into_id:
        return case
    if case.merged_into_id is not None or into.merged_into_id is not None:
        raise ConflictError(f"case {case.key or case_id} or {into.key or into_id} is already merged into another case")
    before = {"state": case.state, "merged_into": None}
    case.merged_into_id = into.id
    case.state = "closed"
    case.version += 1
    _event(session, case, who, "merged", {"into": into.key, "from_state": before["state"], "reason": reason})
    _event(session, into, who, "merged_in", {"from": case.key, "reason": reason})
    session.flush()
    audit.append(session, actor=who, action="case.merge", object_type="case", object_id=case.id,
                 before=before, after={"state": "closed", "merged_into": into.key}, reason=reason)
    return case


def get_case(session: Session, *, case_id: int) -> Case | None:
    return session.get(Case, case_id)


__all__ = [
    "CASE_STATES",
    "add_case_idents",
    "approve_repair",
    "assign_case",
    "cases_sharing_idents",
    "edit_repair",
    "follow_match",
    "get_case",
    "merge_case",
    "open_case",
    "propose_repair",
    "reject_repair",
    "set_case_state",
    "update_case_summary",
    "username_of",
]
