"""The HTTP API: `breakdesk api` serves it; `/openapi.json` documents it.

The same services as the UI and the CLI, under `/api/v1`: a request is one transaction of one service
call, made as the token's owner, refused with the service's own words (`problems.py`). A list answers
`{"<name>": [...], "total": N}`. Uploads are idempotent by content (the import dedups by SHA-256), and
an approved repair's file is delivered from the outbox after the decision's commit, as in the UI.
"""

from __future__ import annotations

import threading
from typing import Any, Literal

from fastapi import Depends, FastAPI, File, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field
from sqlalchemy import text
from starlette.exceptions import HTTPException

from breakdesk.app.api import problems
from breakdesk.app.api.auth import Caller, allowed, caller
from breakdesk.app.services.errors import ServiceError
from breakdesk.app.settings import get_settings
from breakdesk.app.store.db import get_engine, read_scope, session_scope
from breakdesk.parsers.errors import ParseError

API = "/api/v1"


class CaseDecision(BaseModel):
    action: Literal["approve", "reject"]
    reason: str | None = Field(default=None, max_length=2000)
    repair_id: int | None = Field(default=None, description="the repair you reviewed; refused if another is open now")
    repair_version: int | None = Field(default=None, description="its version; refused if it was edited since")


class SuggestionDecision(BaseModel):
    action: Literal["approve", "reject", "unmatch"]
    reason: str | None = Field(default=None, max_length=2000)
    version: int | None = Field(default=None, description="the version you reviewed; refused if it changed since")


class Note(BaseModel):
    text: str = Field(min_length=1, max_length=4000)


class ManualMatch(BaseModel):
    bank_entry_ids: list[int] = Field(min_length=1, max_length=500)
    book_item_ids: list[int] = Field(min_length=1, max_length=500)
    reason: str = Field(min_length=1, max_length=2000)
    write_off: str | None = Field(default=None, max_length=40, description="the difference, when the sums differ")


class Question(BaseModel):
    question: str = Field(min_length=1, max_length=4000)
    thread: str = Field(default="api", max_length=100, description="follow-ups with the same thread keep its payment")


class _Runtime:
    """The workflow runtime (provider, retrieval, checkpoints, outbox), built on first need: reads that do
    not explain or answer never load the embedding model."""

    def __init__(self) -> None:
        self._value: Any = None
        self._lock = threading.Lock()

    def __call__(self) -> Any:
        with self._lock:
            if self._value is None:
                from breakdesk.app.services.workflow import Runtime

                self._value = Runtime.from_settings(get_settings())
            return self._value


def create_app() -> FastAPI:
    app = FastAPI(title="Breakdesk API", version="1", openapi_url="/openapi.json", docs_url="/docs",
                  description="Payment breaks, reconciliation and the ops assistant. Authenticate with "
                              "`Authorization: Bearer <token>` from `breakdesk tokens create`.")
    runtime = _Runtime()
    app.add_exception_handler(ServiceError, problems.service_error)
    app.add_exception_handler(ParseError, problems.parse_error)
    app.add_exception_handler(HTTPException, problems.http_error)
    app.add_exception_handler(RequestValidationError, problems.validation_error)

    @app.middleware("http")
    async def limit_size(request: Request, call_next):  # type: ignore[no-untyped-def]
        limit = get_settings().api_max_upload_mb * 1024 * 1024
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > limit:
            return problems.problem(413, "Too large", f"the request is {int(length)} bytes; the limit is {limit} "
                                    "(BREAKDESK_API_MAX_UPLOAD_MB)")
        return await call_next(request)

    @app.get(f"{API}/health", tags=["operations"])
    def health() -> dict[str, Any]:
        """Liveness and readiness: the process answers and the database does too (no token needed)."""
        try:
            with read_scope(get_engine()) as session:
                session.execute(text("SELECT 1"))
            database = "ok"
        except Exception as exc:  # noqa: BLE001 - reported, not raised: this is the health answer
            database = f"unavailable: {type(exc).__name__}"
        status = "ok" if database == "ok" else "degraded"
        return {"status": status, "database": database}

    @app.post(f"{API}/messages", tags=["intake"], status_code=201)
    async def upload(file: UploadFile = File(...), who: Caller = Depends(caller),
                     strict: bool | None = Query(None, description="Refuse an MT file at its first deviation "
                                                 "(default: BREAKDESK_STRICT_PARSING)")) -> dict[str, Any]:
        """Import one MT/MX message file or ledger CSV (multipart field `file`). The same content twice is
        imported once (`duplicate: true`); a bad file is 422 naming the file and its line or XPath, and
        writes nothing. An MT file is read leniently unless `strict`: `findings` lists what was tolerated
        or left out (each also kept on its message)."""
        from breakdesk.app.services.workflow import ingest_files

        allowed(who, "import")  # before reading a byte of it
        limit = get_settings().api_max_upload_mb * 1024 * 1024
        data = await file.read(limit + 1)
        if len(data) > limit:
            raise HTTPException(413, f"{file.filename}: larger than {limit} bytes (BREAKDESK_API_MAX_UPLOAD_MB)")
        name = (file.filename or "upload").replace("\\", "/").rsplit("/", 1)[-1]
        with session_scope(get_engine()) as session:
            report = ingest_files(session, files=[(name, data)], user=who.username, strict=strict)
        if report.errors:
            return problems.problem(422, "Unreadable file", report.errors[0], file=name)  # type: ignore[return-value]
        return {"file": name, "imported": bool(report.imported), "duplicate": bool(report.duplicates),
                "case_keys": report.case_keys, "findings": report.findings}

    @app.get(f"{API}/cases", tags=["cases"])
    def cases(who: Caller = Depends(caller), kind: str | None = None, state: str | None = None,
              reason_code: str | None = None, assignee: str | None = None, severity: str | None = None,
              limit: int = Query(100, ge=1, le=1000), offset: int = Query(0, ge=0)) -> dict[str, Any]:
        """Cases, oldest first, filtered; `total` counts every match of the filters."""
        from breakdesk.app.services.workflow import count_cases, list_cases

        allowed(who, "case.read")
        filters = {"kind": kind, "state": state, "reason_code": reason_code, "assignee": assignee, "severity": severity}
        with read_scope(get_engine()) as session:
            rows = list_cases(session, **filters, limit=limit, offset=offset)
            total = count_cases(session, **filters)
        return {"cases": rows, "total": total, "limit": limit, "offset": offset}

    @app.get(f"{API}/cases/{{key}}", tags=["cases"])
    def case(key: str, who: Caller = Depends(caller)) -> dict[str, Any]:
        """One case: explanation, lifecycle, findings, the open repair and its history (read-only: opening
        a case never analyses it; `analysed` says whether it has been)."""
        from breakdesk.app.services import case_desk, queries
        from breakdesk.app.services.workflow import explain_case, repair_history

        allowed(who, "case.read")
        with read_scope(get_engine()) as session:
            out = explain_case(session, case_key=key, runtime=runtime(), analyse=False)
            out["history"] = repair_history(session, repair_id=(out.get("repair") or {}).get("repair_id"))
            out["notes"] = case_desk.notes(session, case_key=key)
            out["reading_findings"] = queries.case_reading_findings(session, out.get("lifecycle") or [])
        return out

    @app.post(f"{API}/cases/{{key}}/notes", tags=["cases"], status_code=201)
    def note(key: str, body: Note, who: Caller = Depends(caller)) -> dict[str, Any]:
        """Add a note to a case (kept in the audit chain with who wrote it)."""
        from breakdesk.app.services import case_desk

        with session_scope(get_engine()) as session:
            return case_desk.add_note(session, case_key=key, user=who.username, text=body.text)

    @app.post(f"{API}/cases/{{key}}/decision", tags=["cases"])
    def decide(key: str, body: CaseDecision, who: Caller = Depends(caller)) -> dict[str, Any]:
        """Approve or reject the case's open repair (maker-checker; one winner when two decide at once)."""
        from breakdesk.app.services.workflow import decide_case, deliver_outbox

        rt = runtime()
        with session_scope(get_engine()) as session:
            out = decide_case(session, case_key=key, action=body.action, user=who.username, reason=body.reason,
                              runtime=rt, repair_id=body.repair_id, repair_version=body.repair_version)
        if body.action == "approve":
            out["delivered"] = deliver_outbox(rt.outbox, engine=get_engine())
        return out

    @app.get(f"{API}/suggestions", tags=["reconciliation"])
    def suggestions(who: Caller = Depends(caller), state: Literal["pending", "approved", "rejected", "all"] = "pending",
                    min_confidence: float = Query(0.0, ge=0, le=1), limit: int = Query(200, ge=1, le=5000),
                    q: str | None = Query(None, max_length=200)) -> dict[str, Any]:
        """Match suggestions, most confident first; `q` narrows to items whose reference, counterparty, text,
        amount or date match; `total` counts all that match, however many `limit` lists."""
        from breakdesk.app.services import queries

        allowed(who, "match.read")
        states = () if state == "all" else (state,)
        with read_scope(get_engine()) as session:
            rows = queries.suggestions(session, decision_states=states, min_confidence=min_confidence, limit=limit,
                                       search=q)
            total = queries.count_suggestions(session, decision_states=states, min_confidence=min_confidence, search=q)
        return {"suggestions": rows, "total": total}

    @app.post(f"{API}/matches", tags=["reconciliation"], status_code=201)
    def match_by_hand(body: ManualMatch, who: Caller = Depends(caller)) -> dict[str, Any]:
        """A clerk's own match of any entries and items (sum check; a write-off above the limit waits for a
        second clerk, who approves it through `POST /suggestions/{id}/decision`)."""
        from breakdesk.app.services import queries
        from breakdesk.app.services.manual_match import manual_match

        with session_scope(get_engine()) as session:
            sid = manual_match(session, bank_entry_ids=body.bank_entry_ids, book_item_ids=body.book_item_ids,
                               user=who.username, reason=body.reason, write_off=body.write_off).id
        with read_scope(get_engine()) as session:
            [row] = queries.suggestions(session, decision_states=(), ids=[sid])
        return row

    @app.post(f"{API}/suggestions/{{suggestion_id}}/decision", tags=["reconciliation"])
    def decide_suggestion(suggestion_id: int, body: SuggestionDecision, who: Caller = Depends(caller)) -> dict[str, Any]:
        """Approve, reject or unmatch a suggestion (a repeated identical decision is harmless)."""
        from breakdesk.app.services import decisions

        if body.action != "approve" and not (body.reason or "").strip():
            raise HTTPException(422, f"a {body.action} needs a reason")
        with session_scope(get_engine()) as session:
            made = decisions.decide(session, suggestion_id=suggestion_id, action=body.action, user=who.username,
                                    reason=body.reason, expected_version=body.version)
            return {"suggestion_id": suggestion_id, "action": made.action, "decided_by": made.decided_by,
                    "reason": made.reason}

    @app.post(f"{API}/ask", tags=["assistant"])
    def ask(body: Question, who: Caller = Depends(caller)) -> dict[str, Any]:
        """The ops assistant (the Ask page's path), per caller and thread."""
        from breakdesk.app.services.workflow import ask as ask_service

        allowed(who, "chat")
        with session_scope(get_engine()) as session:
            out = ask_service(session, question=body.question, thread_id=f"api:{who.username}:{body.thread}", runtime=runtime())
        facts = [{k: f.get(k) for k in ("text", "source", "case", "ref") if f.get(k)} for f in out.get("facts") or []]
        return {**{k: out.get(k) for k in ("answer", "provider", "grounded", "citations", "cases", "tool_calls")},
                "facts": facts}

    @app.get(f"{API}/scorecards", tags=["governance"])
    def scorecards(who: Caller = Depends(caller), suite: str | None = None) -> dict[str, Any]:
        """Evaluation scorecards, oldest first, with their metrics and approvals."""
        from breakdesk.app.services import queries

        allowed(who, "scorecard.read")
        with read_scope(get_engine()) as session:
            rows = queries.scorecards(session, suite=suite)
        return {"scorecards": rows, "total": len(rows)}

    @app.get(f"{API}/audit", tags=["governance"])
    def audit(who: Caller = Depends(caller), actor: str | None = None, action: str | None = None,
              object_type: str | None = None, object_id: str | None = None, q: str | None = None,
              limit: int = Query(200, ge=1, le=5000)) -> dict[str, Any]:
        """Audit records, newest first."""
        from breakdesk.app.services import queries

        allowed(who, "audit.read")
        with read_scope(get_engine()) as session:
            rows = queries.audit_records(session, actors=[actor] if actor else (), actions=[action] if action else (),
                                         object_types=[object_type] if object_type else (), object_id=object_id,
                                         text=q, limit=limit)
        return {"audit": rows, "total": len(rows)}

    return app
