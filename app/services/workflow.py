"""The case workflow as use cases: ingest files → open cases → explain → edit → decide.

This is where the agent meets the store. The LangGraph case graph runs until it needs a person
(interrupt), checkpointed under the case key, so `decide_case` can resume it later from any process.
Every person's action goes through `app.services.cases` (role check, maker-checker, audit in the same
transaction); the agent acts only as `system:breakdesk`, which may open cases and propose repairs but
never decide.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path
from typing import Any

from langgraph.types import Command
from sqlalchemy import func, select
from sqlalchemy.exc import DataError
from sqlalchemy.orm import Session

from breakdesk import parsers
from breakdesk.agents.case_view import case_to_dict, payment_label
from breakdesk.agents.cases import CaseBook, detect_cases
from breakdesk.agents.graph.case_graph import CaseDeps, build_case_graph
from breakdesk.agents.graph.chat_graph import ChatDeps, build_chat_graph
from breakdesk.agents.graph.chat_graph import ask as ask_graph
from breakdesk.agents.graph.checkpoint import open_checkpointer, prepare_checkpointer
from breakdesk.agents.llm import LLMCallRecord, LLMSettings, Provider, load_chat_model
from breakdesk.agents.repairs import propose_repair as build_repair
from breakdesk.agents.repairs import revalidate_repair
from breakdesk.app.samples import DEMO_DAY_DIR
from breakdesk.app.services import audit
from breakdesk.app.services import cases as case_service
from breakdesk.app.services import statement_stream as stream
from breakdesk.app.services.chat_facts import find_facts
from breakdesk.app.services.corrections import checked_corrections
from breakdesk.app.services.errors import ConflictError, NotFound
from breakdesk.app.services.imports import import_ledger_csv, import_message_pages, import_messages
from breakdesk.app.services.message_index import take_unthreaded
from breakdesk.app.settings import Settings, get_settings
from breakdesk.app.store.models import (
    AuditRecord,
    BankEntry,
    BookItem,
    Case,
    OutboxMessage,
    Repair,
    StoredMessage,
)
from breakdesk.app.store.repositories.llm import record_llm_call
from breakdesk.app.store.repositories.locks import lock_by_id
from breakdesk.app.store.types import utcnow
from breakdesk.parsers.currency import format_money

AGENT = "system:breakdesk"
Retrieve = Callable[[str, int], list[dict[str, Any]]]


def _default_retrieve() -> Retrieve:
    """Hybrid retrieval over the configured knowledge base; the first use on an empty store ingests
    the packaged documents (a fresh install explains with citations without a separate step)."""
    from breakdesk import knowledge_base
    ready = False

    def retrieve(query: str, k: int) -> list[dict[str, Any]]:
        nonlocal ready
        if not ready:
            from breakdesk.knowledge_base.store import KBStore, StoreConfig

            if KBStore(StoreConfig.from_env()).count() == 0:
                knowledge_base.ingest_paths()
            ready = True
        return [h.model_dump() for h in knowledge_base.retrieve(query, k=k)]

    return retrieve


@dataclass
class Runtime:
    """What the workflow needs besides the database: a model, retrieval, checkpoints, an outbox."""

    provider: Provider
    retrieve: Retrieve
    checkpoint_url: str
    outbox: Path

    def __post_init__(self) -> None:
        # The checkpoint tables are made before any use case opens a transaction (prepare_checkpointer).
        prepare_checkpointer(self.checkpoint_url)

    @classmethod
    def from_settings(cls, settings: Settings | None = None, *, provider: Provider | None = None,
                      retrieve: Retrieve | None = None) -> Runtime:
        settings = settings or get_settings()
        if provider is None:
            provider = load_chat_model(LLMSettings.from_env(provider=settings.llm, data_dir=str(settings.data_dir)))
        url = settings.database_url
        checkpoint_url = url if url.startswith("postgresql") else f"sqlite:///{settings.data_dir / 'checkpoints.sqlite3'}"
        return cls(provider=provider, retrieve=retrieve or _default_retrieve(), checkpoint_url=checkpoint_url,
                   outbox=settings.data_dir / "outbox")


class _DbRecorder:
    """LLM call records go to `llm_calls` in the caller's transaction."""

    def __init__(self, session: Session, case_id: int | None) -> None:
        self.session, self.case_id = session, case_id

    def record(self, call: LLMCallRecord) -> None:
        record_llm_call(self.session, prompt_id=call.prompt_id, prompt_hash=call.prompt_hash, provider=call.provider,
                        model=call.model or "", tokens_in=call.input_tokens, tokens_out=call.output_tokens,
                        latency_ms=call.latency_ms, case_id=self.case_id, error=call.error)


# ------------------------------------------------------------------------------------------ ingest

@dataclass
class IngestReport:
    imported: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    case_keys: list[str] = field(default_factory=list)
    #: What lenient reading tolerated or left out, one line each ("file:line: severity: CODE: why").
    findings: list[str] = field(default_factory=list)


def ingest_files(session: Session, *, files: Sequence[tuple[str, bytes | Path]], user: str,
                 ledger_columns: Mapping[str, str] | None = None, strict: bool | None = None,
                 progress: stream.Progress | None = None) -> IngestReport:
    """Import every good file; a bad file is reported by name and location and writes nothing.
    `ledger_columns` renames ledger CSV headers (`agents.recon.ledger.parse_column_map`). MT files are
    read leniently unless `strict` (default: `BREAKDESK_STRICT_PARSING`): what was tolerated or left out
    is stored on each message (`Message.findings`) and listed in the report.

    A file is given as bytes or as a path (read only when needed). A camt.052/053/054 of at least
    `BREAKDESK_STREAM_IMPORT_MB` is imported entry by entry in pages (`app.services.statement_stream`):
    memory stays bounded whatever its size, and `progress(name, entries stored)` is called after each page."""
    settings = get_settings()
    if strict is None:
        strict = settings.strict_parsing
    stream_from = settings.stream_import_mb * 1024 * 1024
    report = IngestReport()
    for name, source in files:
        try:
            with session.begin_nested():
                if name.lower().endswith(".csv"):
                    result = import_ledger_csv(session, file_name=name, content_bytes=_bytes(source),
                                               column_map=ledger_columns, user=user)
                elif stream.size_of(source) >= stream_from and stream.is_statement_xml(source):
                    result = _import_streamed(session, name, source, user, progress, report,
                                              stream.pages(source, filename=name))
                elif stream.size_of(source) >= stream_from and stream.is_mt(source, filename=name):
                    # message by message: the text is read whole, the messages are not held together
                    result = _import_streamed(session, name, source, user, progress, report,
                                              parsers.iter_messages(source, filename=name, strict=strict))
                else:
                    data = _bytes(source)
                    messages = parsers.parse(data, filename=name, strict=strict)
                    result = import_messages(session, file_name=name, content_bytes=data, messages=messages, user=user)
                    report.findings.extend(f.describe() for m in messages for f in m.findings)
        except parsers.ParseError as exc:  # a ledger's LedgerError is one too
            report.errors.append(str(exc) if name in str(exc) else f"{name}: {exc}")
            continue
        except DataError as exc:
            # A value the readers let through but the database cannot store (PostgreSQL: NUL in text).
            # The savepoint is rolled back, so this file writes nothing and the others still import.
            why = str(exc.orig).splitlines()[0] if exc.orig is not None else "a value it cannot store"
            report.errors.append(f"{name}: the database refused the file ({why}); nothing of it was imported")
            continue
        (report.imported if result.created else report.duplicates).append(name)
    _add_keys(report.case_keys, refresh_cases(session))
    return report


def _add_keys(keys: list[str], more: list[str]) -> None:
    """Append the case keys not yet listed, in order (a streamed file adds some with every page)."""
    seen = set(keys)
    keys.extend(k for k in dict.fromkeys(more) if k not in seen)


def _bytes(source: bytes | Path) -> bytes:
    return source.read_bytes() if isinstance(source, Path) else source


def _import_streamed(session: Session, name: str, source: bytes | Path, user: str,
                     progress: stream.Progress | None, report: IngestReport, pages: Iterator[parsers.Message]):
    """One large file, page by page (a camt statement's pages, or an MT file's messages): each page is
    threaded into cases as soon as it is stored (as a file per page would be), then its rows leave the
    session, so memory holds one page. The cases the pages open or update and their reading findings
    go into `report`."""
    stored = 0

    def after_page(message: parsers.Message, written: list[Any]) -> None:
        nonlocal stored
        fresh = {written[0].id: message}  # the page's own row comes first
        _add_keys(report.case_keys, refresh_cases(session, fresh))
        report.findings.extend(f.describe() for f in message.findings)
        stored += sum(1 for obj in written if isinstance(obj, BankEntry))
        for obj in list(session.identity_map.values()):
            if isinstance(obj, (StoredMessage, BankEntry)):
                session.expunge(obj)
        if progress is not None:
            progress(name, stored)

    return import_message_pages(session, file_name=name, digest=stream.sha256_of(source), size=stream.size_of(source),
                                pages=pages, user=user, after_page=after_page)


def _severity(view: dict[str, Any]) -> str:
    from decimal import Decimal

    amount = Decimal(view["amount"]) if view.get("amount") else Decimal(0)
    if view["kind"] == "recall" or amount >= 10000:
        return "high"
    return "medium" if amount >= 1000 else "low"


def refresh_cases(session: Session, fresh: Mapping[int, parsers.Message] | None = None) -> list[str]:
    """Open a case for every break the newly stored messages take part in, and refresh the known cases
    they touch; returns those case keys. Only the new messages and the stored ones they thread with are
    read (`app.services.message_index`), so an import does not re-read the whole history.

    A thread's case is found by any identifier it has had (`agents.cases.CaseBook`), so a late message
    that adds one updates the payment's case instead of opening a second; one that joins two threads
    with a case each merges the newer case into the older."""
    # Two imports holding halves of one new payment thread would each find no case of the other's (not
    # committed yet) and open one each: refreshes take the audit chain's lock first, so the second waits
    # and then reads the first's messages and case.
    audit.hold_chain(session)
    component = take_unthreaded(session, fresh)
    if not component.new:
        return []
    found = [bc for bc in detect_cases(component.messages()) if bc.thread.ids & component.idents]
    found += [bc for bc in detect_cases(list(component.new.values())) if not bc.thread.ids]  # no identifier at all
    rows = {c.key: c for c in case_service.get_cases_by_key(session, keys=[bc.case_id for bc in found]).values()
            if c.merged_into_id is None}  # one read for all, not one per case
    sharing = case_service.cases_sharing_idents(session, idents=component.idents)
    rows.update((c.key, c) for c, _ in sharing)
    shared = {c.key: ids for c, ids in sharing}
    book = CaseBook((key, shared.get(key, set())) for key in sorted(rows, key=lambda k: rows[k].id))  # oldest first
    for bc in found:
        placement = book.place(bc)  # bc.case_id is now the stable id
        view = case_to_dict(bc)
        ref = payment_label(view["payment"]) or bc.case_id
        summary = {"kind": bc.kind, "reason_code": bc.reason_code, "severity": _severity(view),
                   "title": (f"{bc.kind} {ref}" + (f" ({bc.reason_code})" if bc.reason_code else ""))[:200],
                   "payment_ids": {k: v for k, v in view["payment"].items() if k != "ids"}}
        case = rows.get(placement.key)
        if case is None:
            case = rows[bc.case_id] = case_service.open_case(session, actor=AGENT, key=bc.case_id, detail={"case": view},
                                                             **summary)
        else:
            if (case.detail or {}).get("case") != view:
                case.detail = {**(case.detail or {}), "case": view}
            why = "a later message about the payment changed what the case is"
            changed_break = (case.kind, case.reason_code) != (bc.kind, bc.reason_code)
            case_service.update_case_summary(session, case_id=case.id, actor=AGENT, **summary, reason=why)
            if changed_break:
                case_service.reanalyse_case(session, case_id=case.id, actor=AGENT, reason=why)
        case_service.add_case_idents(session, case=case, idents=placement.new_ids)
        for key in placement.merged:
            case_service.merge_case(session, case_id=rows[key].id, into_id=case.id, actor=AGENT,
                                    reason=f"a later message joined its payment thread with the older case {case.key}")
    return [bc.case_id for bc in found]


# ------------------------------------------------------------------------------------------ queries

def _case_row(c: Case) -> dict[str, Any]:
    view = (c.detail or {}).get("case", {})
    return {"key": c.key, "id": c.id, "kind": c.kind, "reason_code": c.reason_code, "state": c.state,
            "merged_into": c.merged_into.key if c.merged_into_id is not None else None,
            "severity": c.severity, "assignee": c.assignee, "title": c.title,
            "created_at": c.created_at.astimezone(UTC).isoformat() if c.created_at else None,
            "payment": c.payment_ids, "amount": view.get("amount"), "currency": view.get("currency")}


def _case_query(q, *, kind: str | None = None, reason_code: str | None = None, state: str | None = None,
                assignee: str | None = None, severity: str | None = None, min_age_hours: float | None = None,
                key: str | None = None):
    from datetime import datetime, timedelta

    for col, value in ((Case.kind, kind), (Case.reason_code, reason_code), (Case.state, state),
                       (Case.assignee, assignee), (Case.severity, severity), (Case.key, key)):
        if value:
            q = q.where(col == value)
    if min_age_hours:
        q = q.where(Case.created_at <= datetime.now(UTC) - timedelta(hours=min_age_hours))
    return q


def list_cases(session: Session, *, limit: int | None = None, offset: int = 0, **filters: Any) -> list[dict[str, Any]]:
    """Cases oldest first, filtered by `kind`, `reason_code`, `state`, `assignee`, `severity`,
    `min_age_hours` or `key`; a page of them with `limit`/`offset`."""
    q = _case_query(select(Case).order_by(Case.id), **filters).offset(offset)
    if limit is not None:
        q = q.limit(limit)
    return [_case_row(c) for c in session.execute(q).scalars()]


def count_cases(session: Session, **filters: Any) -> int:
    """How many cases `list_cases` would give with these filters and no page."""
    return session.execute(_case_query(select(func.count()).select_from(Case), **filters)).scalar_one()


FACETS = ("kind", "reason_code", "state", "assignee", "severity")


def case_facets(session: Session) -> dict[str, Any]:
    """What the case queue's filters can choose from, and how many cases there are, without loading the
    cases themselves (their detail JSON is the bulk of a row)."""
    facets: dict[str, Any] = {"total": session.execute(select(func.count()).select_from(Case)).scalar_one()}
    for name in FACETS:
        col = getattr(Case, name)
        facets[name] = sorted(session.execute(select(col).where(col.is_not(None)).distinct()).scalars())
    return facets


def _case(session: Session, key: str) -> Case:
    case = case_service.get_case_by_key(session, key=key)
    if case is None:
        raise NotFound(f"no case {key}")
    return case


def _open_repair(case: Case) -> Repair | None:
    return next((r for r in reversed(case.repairs) if r.state == "proposed"), None)


def _known_ids(session: Session) -> set[str]:
    rows = session.execute(select(BookItem.end_to_end_id).where(BookItem.end_to_end_id.is_not(None))).scalars()
    return set(rows)


# ------------------------------------------------------------------------------------------ the graph

def outbox_file_name(case_key: str, repair: dict[str, Any]) -> str:
    """The name an approved repair's message gets in the outbox (shown to the approver beforehand)."""
    return f"{case_key}-{(repair.get('diff') or [{}])[-1].get('after', 'repair')}.xml".replace("/", "_")


def _outbox_outcome(runtime: Runtime) -> Callable[[dict, dict, dict], dict]:
    """The graph's `apply` step only reports: the corrected message is stored by `decide_case` in the
    decision's own transaction (an outbox row) and written by `deliver_outbox` after the commit. The
    graph's checkpoints live outside that transaction, so no side effect may happen in the graph: a
    decision that failed to commit would otherwise have released the file."""

    def apply(case_view: dict, repair: dict, decision: dict) -> dict:
        if not repair.get("message"):
            return {"status": "approved", "by": decision.get("user")}
        return {"status": "applied", "path": str(runtime.outbox / outbox_file_name(case_view["case_id"], repair)),
                "by": decision.get("user")}

    return apply


def deliver_outbox(outbox: Path | None = None, *, engine: Any = None) -> list[dict[str, Any]]:
    """Write every committed, undelivered corrected message to the outbox folder; idempotent.

    Each message is written to a temporary name and renamed into place (the folder never holds half a
    file) and marked delivered in its own transaction; a failure is recorded on the row and retried on
    the next call. Concurrent deliverers skip the rows another one holds (PostgreSQL SKIP LOCKED). With
    `BREAKDESK_OUTBOX_WEBHOOK_URL` set, each written message is then POSTed there (`_post_outbox`)."""
    from breakdesk.app.store.db import get_engine, session_scope

    delivered: list[dict[str, Any]] = []
    engine = engine or get_engine()
    outbox = outbox or get_settings().data_dir / "outbox"
    while True:
        with session_scope(engine) as session:
            row = session.execute(
                select(OutboxMessage, Case.key).join(Case, Case.id == OutboxMessage.case_id)
                .where(OutboxMessage.state == "pending").order_by(OutboxMessage.id).limit(1)
                .with_for_update(skip_locked=True, of=OutboxMessage)).first()
            if row is None:
                break  # every file written; the webhook calls follow, outside this transaction
            msg, key = row
            path = outbox / msg.file_name
            msg.attempts += 1
            try:
                outbox.mkdir(parents=True, exist_ok=True)
                tmp = path.with_name(f".{path.name}.{msg.id}.tmp")
                tmp.write_text(msg.payload, encoding="utf-8")
                tmp.replace(path)
            except OSError as exc:
                msg.last_error = f"{type(exc).__name__}: {exc}"
                delivered.append({"case": key, "path": None, "error": msg.last_error})
                return delivered  # the folder is the problem: stop, the row stays pending for the next call
            webhook = bool(get_settings().outbox_webhook_url)
            msg.state, msg.last_error = ("posting" if webhook else "delivered"), None
            if webhook:
                msg.attempts = 0  # from here on, the count is of webhook calls
            else:
                msg.delivered_at = utcnow()
            delivered.append({"case": key, "path": str(path)})
    return _post_outbox(engine, delivered)


def _post_outbox(engine: Any, delivered: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Call the webhook for every written message that is due (`app.services.webhook`); each attempt
    audited, a failure retried later with backoff, given up (`failed`) after `MAX_ATTEMPTS`."""
    from breakdesk.app.services import webhook
    from breakdesk.app.store.db import session_scope

    settings = get_settings()
    if not settings.outbox_webhook_url or settings.outbox_webhook_secret is None:
        return delivered
    secret = settings.outbox_webhook_secret.get_secret_value()
    tried: set[int] = set()
    while True:
        with session_scope(engine) as session:
            now = utcnow()
            row = session.execute(
                select(OutboxMessage, Case.key).join(Case, Case.id == OutboxMessage.case_id)
                .where(OutboxMessage.state == "posting", OutboxMessage.id.not_in(tried or {0}),
                       (OutboxMessage.next_attempt_at.is_(None)) | (OutboxMessage.next_attempt_at <= now))
                .order_by(OutboxMessage.id).limit(1).with_for_update(skip_locked=True, of=OutboxMessage)).first()
            if row is None:
                return delivered
            msg, key = row
            tried.add(msg.id)
            body = webhook.body_for(delivery_id=msg.id, case_key=key, repair_id=msg.repair_id, file_name=msg.file_name,
                                    message=msg.payload)
            result = webhook.post(settings.outbox_webhook_url, body, secret=secret, delivery_id=msg.id)
            msg.attempts += 1
            if result.ok:
                msg.state, msg.delivered_at, msg.last_error, msg.next_attempt_at = "delivered", now, None, None
            else:
                msg.last_error = result.error
                gave_up = msg.attempts >= webhook.MAX_ATTEMPTS
                msg.state = "failed" if gave_up else "posting"
                msg.next_attempt_at = None if gave_up else webhook.next_attempt(now, msg.attempts)
            audit.append(session, actor="system:outbox", action="outbox.webhook", object_type="repair",
                         object_id=msg.repair_id, reason=None if result.ok else result.error,
                         after={"case": key, "delivery_id": msg.id, "status": result.status, "attempt": msg.attempts,
                                "state": msg.state, "next_attempt_at": msg.next_attempt_at})
            delivered.append({"case": key, "webhook": msg.state, "status": result.status, "error": result.error})


@contextlib.contextmanager
def _graph(session: Session, runtime: Runtime, case: Case) -> Iterator[Any]:
    known = _known_ids(session)
    deps = CaseDeps(
        provider=runtime.provider, retrieve=runtime.retrieve,
        propose_repair=lambda c, d: build_repair(c, d, known_ids=known),
        revalidate=revalidate_repair, apply_repair=_outbox_outcome(runtime),
        recorder=_DbRecorder(session, case.id),
    )
    with open_checkpointer(runtime.checkpoint_url) as saver:
        yield build_case_graph(deps, saver)


def _explain_json(case: Case, values: dict[str, Any]) -> dict[str, Any]:
    view = values.get("case") or (case.detail or {}).get("case", {})
    repair = dict(values.get("repair") or {})
    stored = _open_repair(case) or (case.repairs[-1] if case.repairs else None)
    if stored is not None:
        repair.update(stored.payload)
        repair.update(repair_id=stored.id, repair_state=stored.state, repair_version=stored.version,
                      proposed_by=stored.proposed_by, editors=list(stored.editors))
    d = values.get("diagnosis") or {}
    return {
        "case_id": case.key, "kind": case.kind, "state": case.state, "payment": view.get("payment"),
        "amount": view.get("amount"), "currency": view.get("currency"),
        "lifecycle": view.get("lifecycle", []), "facts": view.get("facts", []),
        "diagnosis": {k: d.get(k) for k in ("reason_code", "meaning", "retry_class", "root_cause", "what_to_check", "repair_kind")},
        "answer": values.get("answer"), "provider": values.get("provider"), "grounded": values.get("grounded"),
        "note": values.get("grounding_note"),
        "citations": next((e.get("citations", []) for e in reversed(values.get("events", [])) if e.get("node") == "explain"), []),
        "passages": values.get("passages", []),
        "repair": repair, "outcome": values.get("outcome"),
    }


def _thread_id(case: Case) -> str:
    """The case graph's checkpoint thread for the case's current analysis (`cases.reanalyse_case` starts
    a new one when the break changes); the first analysis keeps the bare key, as stored before."""
    n = int((case.detail or {}).get("analysis", 0))
    return case.key if n == 0 else f"{case.key}~{n}"


def explain_case(session: Session, *, case_key: str, runtime: Runtime, analyse: bool = True) -> dict[str, Any]:
    """Run the case graph up to the person's decision (once per analysis), store its proposal, return the
    explain JSON (`analysed` says whether the graph has run for the case's current analysis).

    `analyse=False` is how a page *opens* a case: it reads what the last analysis stored and writes
    nothing, so looking at a case never changes its state or waits on a model; the analysis itself
    (explanation, proposal) is a person's explicit action, the CLI's `explain`, or a decision."""
    prepare_checkpointer(runtime.checkpoint_url)  # before this session's first read (see the function)
    case = _case(session, case_key)
    thread = _thread_id(case)
    config = {"configurable": {"thread_id": thread}}
    with _graph(session, runtime, case) as graph:
        values = graph.get_state(config).values
        if not values.get("answer"):
            if not analyse:
                return {**_explain_json(case, {}), "analysed": False}
            graph.invoke({"case": (case.detail or {})["case"]}, config=config)
            values = graph.get_state(config).values
    # One proposal per analysis; cases stored before analyses were counted proposed under the bare key.
    proposed_for = (case.detail or {}).get("repair_for", case.key if case.repairs else None)
    if values.get("repair") and proposed_for != thread:
        case_service.propose_repair(session, case_id=case.id, payload=values["repair"], actor=AGENT,
                                    reason=values["repair"].get("summary"))
        case.detail = {**(case.detail or {}), "repair_for": thread}
    result = {**_explain_json(case, values), "analysed": True}
    if not analyse:
        return result
    explanation = {k: result[k] for k in ("answer", "provider", "grounded", "note", "citations")}
    if (case.detail or {}).get("explanation") != explanation:  # a page redraw reads; it must not write
        case.detail = {**(case.detail or {}), "explanation": explanation}
    return result


def repair_history(session: Session, *, repair_id: int | None) -> list[dict[str, Any]]:
    """Who proposed and edited a repair, when and why: the checker reads the makers' reasons before deciding."""
    if repair_id is None:
        return []
    rows = session.execute(select(AuditRecord).where(AuditRecord.object_type == "repair",
                                                     AuditRecord.object_id == str(repair_id)).order_by(AuditRecord.seq)).scalars()
    return [{"actor": r.actor, "action": r.action.removeprefix("repair."), "at": r.at.isoformat(timespec="minutes"),
             "reason": r.reason} for r in rows]


def approval_preview(case_key: str, repair: dict[str, Any]) -> dict[str, Any]:
    """What approving a repair will do, read back from the regenerated message itself (not from the
    proposal's summary): the outbox file, the payment's amount, beneficiary, account and bank, its new
    EndToEndId and execution date. Shown to the approver, who confirms it."""
    if not repair.get("message"):
        return {"file": None}
    (tx,) = [t for m in parsers.parse(repair["message"].encode("utf-8"), filename="repair.xml") for t in m.transactions]
    return {"file": outbox_file_name(case_key, repair), "message_type": repair.get("message_type"),
            "amount": format_money(tx.amount, tx.currency), "beneficiary": tx.creditor.name,
            "account": tx.creditor.account, "bic": tx.creditor.agent_bic, "end_to_end_id": tx.end_to_end_id,
            "execution_date": tx.requested_execution_date.isoformat() if tx.requested_execution_date else None}


def edit_repair(session: Session, *, case_key: str, corrections: dict[str, str], user: str, reason: str,
                runtime: Runtime) -> dict[str, Any]:
    """A person supplies what was missing (e.g. the new IBAN); the repair is rebuilt and re-validated."""
    case = _case(session, case_key)
    corrections = checked_corrections(corrections, currency=(case.detail or {}).get("case", {}).get("currency"))
    explained = explain_case(session, case_key=case_key, runtime=runtime)
    stored = _open_repair(case)
    if stored is None:
        raise ConflictError(f"case {case_key} has no open repair to edit")
    diagnosis = {**explained["diagnosis"], **{"repair_options": [], "citation_id": None}}
    rebuilt = revalidate_repair(build_repair((case.detail or {})["case"], diagnosis, corrections=corrections,
                                             known_ids=_known_ids(session)))
    case_service.edit_repair(session, repair_id=stored.id, payload=rebuilt, actor=user, reason=reason)
    return {**rebuilt, "repair_id": stored.id, "proposed_by": stored.proposed_by, "editors": list(stored.editors)}


def decide_case(session: Session, *, case_key: str, action: str, user: str, reason: str | None,
                runtime: Runtime, repair_id: int | None = None, repair_version: int | None = None) -> dict[str, Any]:
    """Approve or reject the open repair (role, maker-checker and audit via the cases service), then resume.

    `repair_id`/`repair_version` are what the person was shown: if the open repair is another one (a later
    message superseded it) or was edited since, the decision is refused rather than applied to a repair
    they have not read."""
    if action not in ("approve", "reject"):
        raise ValueError("action must be 'approve' or 'reject'")
    prepare_checkpointer(runtime.checkpoint_url)
    case = _case(session, case_key)
    # One decision at a time per case: the lock is held to the commit, so a second person deciding at
    # once waits, then reads the committed outcome and is refused (no second proposal, no second approval).
    lock_by_id(session, Case, row_id=case.id)
    session.expire(case)
    explain_case(session, case_key=case_key, runtime=runtime)  # make sure the graph waits for a person
    stored = _open_repair(case)
    if stored is None:
        raise ConflictError(f"case {case_key} has no open repair to decide (state {case.state})")
    if repair_id is not None and stored.id != repair_id:
        raise ConflictError(f"repair {repair_id} of case {case_key} is no longer the open one (now repair {stored.id}); reload the case")
    if action == "approve":
        if not stored.payload.get("valid"):
            why = stored.payload.get("guard") or ("missing " + ", ".join(stored.payload.get("missing") or []) if stored.payload.get("missing") else "it did not validate")
            raise ConflictError(f"repair {stored.id} cannot be approved: {why}")
        case_service.approve_repair(session, repair_id=stored.id, actor=user, reason=reason, expected_version=repair_version)
        if stored.payload.get("message"):  # released with the approval, in its transaction (see deliver_outbox)
            session.add(OutboxMessage(case_id=case.id, repair_id=stored.id, payload=stored.payload["message"],
                                      file_name=outbox_file_name(case_key, stored.payload), state="pending", attempts=0))
    else:
        case_service.reject_repair(session, repair_id=stored.id, actor=user, reason=reason or "", expected_version=repair_version)
    with _graph(session, runtime, case) as graph:
        out = graph.invoke(Command(resume={"action": action, "user": user, "reason": reason, "repair": stored.payload}),
                           config={"configurable": {"thread_id": _thread_id(case)}})
    return {"case_id": case_key, "action": action, "user": user, "outcome": out.get("outcome"), "state": case.state}


# ------------------------------------------------------------------------------------------ chat

def ask(session: Session, *, question: str, thread_id: str, runtime: Runtime) -> dict[str, Any]:
    deps = ChatDeps(provider=runtime.provider, retrieve=runtime.retrieve, find_facts=find_facts(session),
                    recorder=_DbRecorder(session, None))
    with open_checkpointer(runtime.checkpoint_url) as saver:
        return ask_graph(build_chat_graph(deps, saver), question, thread_id=f"chat:{thread_id}")


# ------------------------------------------------------------------------------------------ one-shot

def explain_files(paths: list[Path], *, runtime: Runtime | None = None, user: str = "cli") -> dict[str, Any]:
    """Explain every break in the given files, in a throw-away workspace (nothing persists)."""
    from breakdesk.app.services.users import bootstrap_user
    from breakdesk.app.store.db import make_engine, session_scope
    from breakdesk.app.store.migrate import upgrade

    with tempfile.TemporaryDirectory(prefix="breakdesk-explain-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'workspace.sqlite3'}"
        upgrade(url)
        engine = make_engine(url)
        base = runtime or Runtime.from_settings()
        rt = Runtime(provider=base.provider, retrieve=base.retrieve,
                     checkpoint_url=f"sqlite:///{Path(tmp) / 'checkpoints.sqlite3'}", outbox=Path(tmp) / "outbox")
        try:
            with session_scope(engine) as session:
                bootstrap_user(session, username=user, role="ops", password="not-used-" + tmp, origin="explain")
                report = ingest_files(session, files=[(str(p), Path(p).read_bytes()) for p in paths], user=user)
                out = [explain_case(session, case_key=k, runtime=rt) for k in report.case_keys]
        finally:
            engine.dispose()
    return {"cases": out, "errors": report.errors}


# ------------------------------------------------------------------------------------------ demo


def seed_demo(session: Session, *, runtime: Runtime, user: str = "admin", folder: Path | None = None) -> dict[str, Any]:
    """Load the demo day once: import it, reconcile it, explain every case. Safe to call again."""
    from breakdesk.app.services.reconciliation import run_matching

    folder = folder or DEMO_DAY_DIR
    files = [(p.name, p.read_bytes()) for p in sorted(folder.iterdir()) if p.suffix.lower() in {".xml", ".csv", ".txt", ".sta"}]
    report = ingest_files(session, files=files, user=user)
    summary = run_matching(session, user=user) if report.imported else None
    explained = [explain_case(session, case_key=row["key"], runtime=runtime)["case_id"] for row in list_cases(session)]
    return {"imported": report.imported, "errors": report.errors, "matching": summary, "cases": explained}
