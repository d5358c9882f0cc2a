"""Read models for the UI and CLI: filtered lists as plain dicts, CSV export, scorecard views.

Nothing here changes data, so no audit; the screens check the reading permission
(`app.services.access.require(..., "audit.read")` and friends) before calling these.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from itertools import islice
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from breakdesk.app.services.csv_export import to_safe_csv
from breakdesk.app.store.models import (
    AuditRecord,
    BankEntry,
    BookItem,
    Break,
    Case,
    LlmCall,
    MatchSuggestion,
    Scorecard,
)
from breakdesk.app.store.repositories.chunks import in_chunks

# ------------------------------------------------------------------------------ audit log and LLM calls


def audit_filter_options(session: Session) -> dict[str, list[str]]:
    """Distinct actors, actions and object types, for the filter widgets."""
    def distinct(col) -> list[str]:
        return [v for (v,) in session.execute(select(col).distinct().order_by(col)) if v is not None]

    return {"actor": distinct(AuditRecord.actor), "action": distinct(AuditRecord.action),
            "object_type": distinct(AuditRecord.object_type)}


def audit_records(
    session: Session, *, actors: Sequence[str] = (), actions: Sequence[str] = (), object_types: Sequence[str] = (),
    object_id: str | None = None, since: datetime | None = None, until: datetime | None = None, text: str | None = None,
    limit: int = 5000,
) -> list[dict[str, Any]]:
    """Newest first. `text` searches the reason, the object id and the before/after JSON."""
    q = select(AuditRecord).order_by(AuditRecord.seq.desc())
    if actors:
        q = q.where(AuditRecord.actor.in_(list(actors)))
    if actions:
        q = q.where(AuditRecord.action.in_(list(actions)))
    if object_types:
        q = q.where(AuditRecord.object_type.in_(list(object_types)))
    if object_id:
        q = q.where(AuditRecord.object_id == object_id)
    if since is not None:
        q = q.where(AuditRecord.at >= since)
    if until is not None:
        q = q.where(AuditRecord.at < until)
    rows = []
    needle = (text or "").strip().lower()
    records = session.execute(q).scalars()
    while page := list(islice(records, 1000)):
        labels = _object_labels(session, page)
        for rec in page:
            row = {
                "seq": rec.seq, "at": rec.at, "actor": rec.actor, "action": rec.action, "object_type": rec.object_type,
                "object_id": rec.object_id, "object": labels.get(rec.seq) or rec.object_id, "reason": rec.reason,
                "before": _json(rec.before), "after": _json(rec.after), "hash": rec.hash, "prev_hash": rec.prev_hash,
            }
            searched = ("object_id", "object", "reason", "before", "after")
            if needle and needle not in " ".join(str(row[k] or "") for k in searched).lower():
                continue
            rows.append(row)
            if len(rows) >= limit:
                return rows
    return rows


def _object_labels(session: Session, records: Sequence[AuditRecord]) -> dict[int, str]:
    """What a person calls each record's object: a case by its key and payment (CASE-… · E2E-4471), a repair
    by its case, a suggestion by its number. Records keep the internal ids they were written with (the
    chain covers them); the label is read beside them, so searching CASE-… or an EndToEndId finds them."""
    from breakdesk.agents.case_view import payment_label
    from breakdesk.app.store.models import Repair

    def ids(kind: str) -> list[int]:
        return [int(r.object_id) for r in records if r.object_type == kind and (r.object_id or "").isdigit()]

    repairs = dict(session.execute(select(Repair.id, Repair.case_id).where(Repair.id.in_(ids("repair")))).all()) \
        if ids("repair") else {}
    case_ids = set(ids("case")) | set(repairs.values())
    keys = [r.object_id for r in records if r.object_type == "case" and (r.object_id or "").startswith("CASE-")]
    cases: dict[Any, str] = {}
    if case_ids or keys:
        from sqlalchemy import or_

        for cid, key, payment in session.execute(select(Case.id, Case.key, Case.payment_ids).where(
                or_(Case.id.in_(case_ids), Case.key.in_(keys)))).all():
            label = " · ".join(p for p in (key, payment_label(payment)) if p)
            cases[cid] = cases[key] = label
    out: dict[int, str] = {}
    for r in records:
        oid = r.object_id or ""
        if r.object_type == "case":
            out[r.seq] = cases.get(int(oid) if oid.isdigit() else oid, oid)
        elif r.object_type == "repair" and oid.isdigit() and int(oid) in repairs:
            out[r.seq] = f"repair {oid} of {cases.get(repairs[int(oid)], 'case ' + str(repairs[int(oid)]))}"
        elif r.object_type == "match_suggestion" and oid:
            out[r.seq] = f"suggestion #{oid}"
    return out


def llm_calls(
    session: Session, *, providers: Sequence[str] = (), prompt_ids: Sequence[str] = (), case_id: int | None = None,
    errors_only: bool = False, limit: int = 5000,
) -> list[dict[str, Any]]:
    q = select(LlmCall).order_by(LlmCall.id.desc()).limit(limit)
    if providers:
        q = q.where(LlmCall.provider.in_(list(providers)))
    if prompt_ids:
        q = q.where(LlmCall.prompt_id.in_(list(prompt_ids)))
    if case_id is not None:
        q = q.where(LlmCall.case_id == case_id)
    if errors_only:
        q = q.where(LlmCall.error.is_not(None))
    return [
        {"id": c.id, "at": c.created_at, "prompt_id": c.prompt_id, "prompt_hash": c.prompt_hash, "provider": c.provider,
         "model": c.model, "tokens_in": c.tokens_in, "tokens_out": c.tokens_out, "latency_ms": c.latency_ms,
         "case_id": c.case_id, "error": c.error}
        for c in session.execute(q).scalars()
    ]


def llm_filter_options(session: Session) -> dict[str, list[str]]:
    return {
        "provider": [v for (v,) in session.execute(select(LlmCall.provider).distinct().order_by(LlmCall.provider))],
        "prompt_id": [v for (v,) in session.execute(select(LlmCall.prompt_id).distinct().order_by(LlmCall.prompt_id))],
    }


def to_csv(rows: Iterable[dict[str, Any]], columns: Sequence[str] | None = None) -> bytes:
    """UTF-8 CSV with a header; datetimes in ISO 8601, nested values as JSON, formula cells neutralised
    (see `csv_export`): every export of this module is safe to open in a spreadsheet."""
    return to_safe_csv(rows, columns)


def _json(value: Any) -> str:
    return "" if value is None else json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


# ------------------------------------------------------------------------------ scorecards
#
# The payload is written by evals/ (evals/scorecard.py). What is read here, all optional:
#   metrics:  {name: number} or {name: {"value": n, "higher_is_better": bool, "ci_low", "ci_high", "status", …}}
#   thresholds: {name: number}   (else the `thresholds` argument: floors/ceilings from evals/gate.toml)
#   gate:     {"passed": bool, "rows": [{"metric", "verdict", "detail"}]}   (the gate's verdict per metric)
#   cases:    [{"id"|"case_id": …, "status"|"passed": …, <metric>: n, …}]
#   prompt_hashes / provider_label: the prompt and model versions

GATE_FAILURES = frozenset({"REGRESSION", "BELOW FLOOR", "ABOVE CEILING", "NOT SCORED", "PASS^K LOW", "MISSING"})


def _metric_rows(payload: dict[str, Any], thresholds: dict[str, float] | None = None) -> list[dict[str, Any]]:
    metrics = payload.get("metrics") or {}
    limits = {**(thresholds or {}), **(payload.get("thresholds") or {})}
    verdicts = {r.get("metric"): r for r in (payload.get("gate") or {}).get("rows", [])}
    rows = []
    for name, raw in metrics.items():
        spec = raw if isinstance(raw, dict) else {"value": raw}
        value = spec.get("value", spec.get("score"))
        threshold = spec.get("threshold", limits.get(name))
        higher = spec.get("higher_is_better", not any(w in name for w in ("false", "error", "latency")))
        passed = spec.get("passed")
        gate = verdicts.get(name)
        if passed is None and gate is not None and gate.get("verdict") not in ("n/a", "skipped", "new"):
            passed = gate["verdict"] not in GATE_FAILURES
        if passed is None and isinstance(value, (int, float)) and isinstance(threshold, (int, float)):
            passed = value >= threshold if higher else value <= threshold
        rows.append({"metric": name, "value": value, "threshold": threshold, "higher_is_better": higher, "passed": passed,
                     "ci": (f"{spec['ci_low']:.3f}–{spec['ci_high']:.3f}"
                            if isinstance(spec.get("ci_low"), (int, float)) and isinstance(spec.get("ci_high"), (int, float))
                            else None),
                     "gate": (gate or {}).get("verdict"), "detail": (gate or {}).get("detail")})
    return rows


def prompt_version_label(card: Scorecard) -> str:
    label = (card.payload or {}).get("prompt_version")
    if label:
        return str(label)
    hashes = card.prompt_hashes or {}
    return ", ".join(f"{k}@{str(v)[:8]}" for k, v in sorted(hashes.items())) or "—"


def scorecards(session: Session, *, suite: str | None = None,
               thresholds: dict[str, float] | None = None) -> list[dict[str, Any]]:
    """Oldest first (trend order), with metrics flattened."""
    q = select(Scorecard).order_by(Scorecard.created_at, Scorecard.id)
    if suite:
        q = q.where(Scorecard.suite == suite)
    out = []
    for card in session.execute(q).scalars():
        payload = card.payload or {}
        out.append({
            "id": card.id, "suite": card.suite,
            "model": card.model or payload.get("provider_label") or payload.get("model_version") or "—",
            "prompt_version": prompt_version_label(card), "created_at": card.created_at, "passed": card.passed,
            "approved_by": card.approved_by, "approved_at": card.approved_at,
            "metrics": _metric_rows(payload, thresholds), "cases": list(payload.get("cases") or []),
        })
    return out


def scorecard_suites(session: Session) -> list[str]:
    return [v for (v,) in session.execute(select(Scorecard.suite).distinct().order_by(Scorecard.suite))]


# ------------------------------------------------------------------------------ reconciliation


def _item_reference(item: BankEntry | BookItem) -> str | None:
    if isinstance(item, BankEntry):
        return item.end_to_end_id or item.instruction_id or item.account_servicer_reference or item.entry_reference
    return item.end_to_end_id or item.instruction_id or item.external_id or item.reference


def _item_label(item: BankEntry | BookItem) -> str:
    ref = _item_reference(item)
    amount = f"{item.currency} {money(item.amount, item.currency)}" if item.amount is not None else item.currency
    return " · ".join(p for p in (ref, amount, item.counterparty_name, str(item.booking_date or "")) if p)


def item_view(item: BankEntry | BookItem) -> dict[str, Any]:
    """One side of a match as a clerk compares it: what the bank or the books say about the item."""
    bank = isinstance(item, BankEntry)
    refs = {
        "EndToEndId": item.end_to_end_id, "InstrId": item.instruction_id, "UETR": item.uetr,
        "PmtInfId": item.payment_info_id,
        **({"bank reference": item.account_servicer_reference, "our reference (:61:)": item.account_owner_reference}
           if bank else {"ledger id": item.external_id, "reference": item.reference}),
    }
    return {
        "id": item.id, "side": "bank" if bank else "book", "reference": _item_reference(item),
        "amount": None if item.amount is None else money(item.amount, item.currency), "currency": item.currency,
        "direction": item.credit_debit, "booking_date": item.booking_date, "value_date": item.value_date,
        "counterparty": item.counterparty_name, "account": item.counterparty_account,
        "references": {k: v for k, v in refs.items() if v},
        "text": (item.remittance_text or "") if bank else (item.description or item.remittance_text or ""),
    }


def reading_findings(session: Session, entries: Sequence[BankEntry]) -> dict[int, list[str]]:
    """What lenient reading noted on each entry's own statement line (a bank quirk it tolerated), as
    "line: severity: CODE: why", by entry id. One read of the messages' findings column, never their
    payload (a 100k-entry statement's payload is large)."""
    from breakdesk.app.store.models import StoredMessage

    ids = {e.message_id for e in entries}
    if not ids:
        return {}
    rows = session.execute(select(StoredMessage.id, StoredMessage.findings)
                           .where(StoredMessage.id.in_(ids))).all()
    by_message = {mid: found for mid, found in rows if found}
    out: dict[int, list[str]] = {}
    for e in entries:
        line = (e.provenance or {}).get("line")
        for f in by_message.get(e.message_id, ()):
            if line is not None and (f.get("location") or {}).get("line") == line:
                out.setdefault(e.id, []).append(f"line {line}: {f['severity']}: {f['code']}: {f['message']}")
    return out


def case_reading_findings(session: Session, lifecycle: Sequence[dict[str, Any]]) -> list[str]:
    """What lenient reading noted on the lines a case's lifecycle steps come from ("file:line: severity:
    CODE: why"): a bank quirk tolerated on the payment's own line is shown with the case."""
    from breakdesk.app.store.models import StoredMessage

    lines: dict[str, set[int]] = {}
    for step in lifecycle:
        file, _, line = str(step.get("source") or "").rpartition(":")
        if file and line.isdigit():
            lines.setdefault(file, set()).add(int(line))
    if not lines:
        return []
    out: list[str] = []
    rows = session.execute(select(StoredMessage.file_name, StoredMessage.findings)
                           .where(StoredMessage.file_name.in_(lines))).all()
    for file, found in rows:
        for f in found or ():
            line = (f.get("location") or {}).get("line")
            text = f"{file}:{line}: {f['severity']}: {f['code']}: {f['message']}"
            if line in lines[file] and text not in out:
                out.append(text)
    return out


def _difference(bank: Sequence[BankEntry], book: Sequence[BookItem]) -> tuple[str | None, Any]:
    """(currency, bank total − book total) of a suggestion; (None, None) when its sides mix currencies."""
    currencies = {i.currency for i in (*bank, *book)}
    if len(currencies) != 1 or any(i.amount is None for i in (*bank, *book)):
        return None, None
    total = sum(i.amount for i in bank) - sum(i.amount for i in book)
    return currencies.pop(), total


def _search_clause(text: str):
    """Suggestions whose bank or book items match `text`: a reference, counterparty or text fragment, an
    amount (12,50 / 12.50 / 1,234.50) or a date (2026-11-02)."""
    from datetime import date as _date
    from decimal import Decimal, InvalidOperation

    from breakdesk.app.store.models.matching import suggestion_bank_entries, suggestion_book_items

    text = text.strip()
    like = f"%{text.lower()}%"
    amount = None
    cleaned = text.replace(" ", "").replace("'", "")
    if "," in cleaned and "." in cleaned:
        cleaned = cleaned.replace(",", "") if cleaned.rfind(".") > cleaned.rfind(",") else cleaned.replace(".", "").replace(",", ".")
    elif "," in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        amount = Decimal(cleaned)
    except (InvalidOperation, ValueError):
        amount = None
    try:
        day = _date.fromisoformat(text)
    except ValueError:
        day = None

    def item_clause(model, fields):
        conds = [func.lower(func.coalesce(getattr(model, f), "")).like(like) for f in fields]
        if amount is not None and amount.is_finite():
            conds.append(model.amount == amount)
        if day is not None:
            conds += [model.booking_date == day, model.value_date == day]
        from sqlalchemy import or_

        return or_(*conds)

    bank_fields = ("end_to_end_id", "instruction_id", "uetr", "account_servicer_reference", "account_owner_reference",
                   "entry_reference", "counterparty_name", "counterparty_account", "remittance_text")
    book_fields = ("end_to_end_id", "instruction_id", "uetr", "external_id", "reference", "counterparty_name",
                   "counterparty_account", "description", "remittance_text")
    bank_ids = select(BankEntry.id).where(item_clause(BankEntry, bank_fields))
    book_ids = select(BookItem.id).where(item_clause(BookItem, book_fields))
    return bank_ids, book_ids, suggestion_bank_entries, suggestion_book_items


def _suggestion_filter(q, decision_states: Sequence[str], min_confidence: float, search: str | None,
                       ids: Sequence[int] | None = None):
    q = q.where(MatchSuggestion.confidence >= min_confidence)
    if ids is not None:
        q = q.where(MatchSuggestion.id.in_(list(ids)))
    if decision_states:
        q = q.where(MatchSuggestion.decision_state.in_(list(decision_states)))
    if search and search.strip():
        from sqlalchemy import or_

        bank_ids, book_ids, sbe, sbi = _search_clause(search)
        q = q.where(or_(
            MatchSuggestion.id.in_(select(sbe.c.suggestion_id).where(sbe.c.bank_entry_id.in_(bank_ids))),
            MatchSuggestion.id.in_(select(sbi.c.suggestion_id).where(sbi.c.book_item_id.in_(book_ids))),
        ))
    return q


def count_suggestions(session: Session, *, decision_states: Sequence[str] = ("pending",), min_confidence: float = 0.0,
                      search: str | None = None) -> int:
    """How many suggestions the same filters give, however many a page lists."""
    q = _suggestion_filter(select(func.count()).select_from(MatchSuggestion), decision_states, min_confidence, search)
    return session.execute(q).scalar_one()


def suggestions(session: Session, *, decision_states: Sequence[str] = ("pending",), min_confidence: float = 0.0,
                limit: int = 1000, search: str | None = None, details: bool = False,
                ids: Sequence[int] | None = None) -> list[dict[str, Any]]:
    """Match suggestions, most confident first, with readable sides, reasons and the open difference
    (bank total − book total: a write-off a person decides). `details` adds both sides item by item."""
    q = (select(MatchSuggestion)
         .options(selectinload(MatchSuggestion.bank_entries), selectinload(MatchSuggestion.book_items))
         .order_by(MatchSuggestion.confidence.desc(), MatchSuggestion.id).limit(limit))
    q = _suggestion_filter(q, decision_states, min_confidence, search, ids)
    out = []
    for s in session.execute(q).scalars():
        currency, diff = _difference(s.bank_entries, s.book_items)
        row = {
            "id": s.id, "version": s.version, "confidence": s.confidence, "status": s.status,
            "decision_state": s.decision_state, "decided_by": s.decided_by,
            "bank": "; ".join(_item_label(e) for e in s.bank_entries),
            "book": "; ".join(_item_label(b) for b in s.book_items),
            "shape": f"{len(s.bank_entries)}:{len(s.book_items)}",
            "reasons": "; ".join(_reason_text(r) for r in (s.reasons or [])),
            "difference": None if not diff else f"{'+' if diff > 0 else '-'}{money(abs(diff), currency)}",
            "has_difference": diff is None or diff != 0,
        }
        if details:
            found = reading_findings(session, s.bank_entries)
            row["bank_items"] = [{**item_view(e), "findings": found.get(e.id, [])} for e in s.bank_entries]
            row["book_items"] = [item_view(b) for b in s.book_items]
            row["reason_list"] = [r if isinstance(r, dict) else {"text": str(r)} for r in (s.reasons or [])]
        out.append(row)
    return out


def open_items(session: Session, *, search: str | None = None, limit: int = 200) -> dict[str, list[dict[str, Any]]]:
    """Statement entries and book items no approved match holds (for a manual match), newest first, each
    as `{"id", "label", "amount", "currency", "direction"}`; `search` as for `suggestions`."""
    out: dict[str, list[dict[str, Any]]] = {}
    clauses = _search_clause(search) if search and search.strip() else None
    for side, model in (("bank", BankEntry), ("book", BookItem)):
        q = select(model).where(model.matched_suggestion_id.is_(None))
        if model is BankEntry:
            q = q.where(BankEntry.level == "entry")
        if clauses is not None:
            q = q.where(model.id.in_(clauses[0] if model is BankEntry else clauses[1]))
        q = q.order_by(model.booking_date.desc(), model.id.desc()).limit(limit)
        out[side] = [{"id": i.id, "label": _item_label(i), "amount": i.amount, "currency": i.currency,
                      "direction": i.credit_debit} for i in session.execute(q).scalars()]
    return out


def bulk_targets(rows: Sequence[dict[str, Any]], threshold: float) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(approvable, held back) among suggestion rows at or above `threshold`: one with an open difference
    (a fee, a short payment, mixed currencies) is never approved in bulk; it needs its write-off decided."""
    above = [r for r in rows if r["confidence"] >= threshold]
    return [r for r in above if not r["has_difference"]], [r for r in above if r["has_difference"]]


def money(amount, currency: str | None) -> str:
    """Written with the currency's minor units (ISO 4217), e.g. EUR 6150.00 rather than 6150.00000000."""
    from breakdesk.parsers.currency import money_text

    return money_text(amount, currency)


def _reason_text(reason: Any) -> str:
    if isinstance(reason, dict):
        text = str(reason.get("text") or reason.get("detail") or reason.get("code") or reason)
        weight = reason.get("contribution")
        return f"{text} ({weight:+.2f})" if isinstance(weight, (int, float)) and weight else text
    return str(reason)


def breaks_by_class(session: Session, *, status: str | None = "open", search: str | None = None,
                    ) -> dict[str, list[dict[str, Any]]]:
    """Breaks by class, each with the item it is about (reference, counterparty, date) and the key of its
    case (if it has one); `search` as for `suggestions`."""
    q = (select(Break).options(selectinload(Break.bank_entry), selectinload(Break.book_item))
         .order_by(Break.break_class, Break.id))
    if status:
        q = q.where(Break.status == status)
    if search and search.strip():
        from sqlalchemy import or_

        bank_ids, book_ids, _sbe, _sbi = _search_clause(search)
        q = q.where(or_(Break.bank_entry_id.in_(bank_ids), Break.book_item_id.in_(book_ids),
                        func.lower(func.coalesce(Break.description, "")).like(f"%{search.strip().lower()}%")))
    found = list(session.execute(q).scalars())
    keys: dict[int, str] = {}
    for chunk in in_chunks(b.case_id for b in found if b.case_id is not None):
        keys.update(session.execute(select(Case.id, Case.key).where(Case.id.in_(chunk))).all())
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for b in found:
        item = b.bank_entry if b.side == "bank" else b.book_item
        out[b.break_class].append({
            "id": b.id, "side": b.side, "reason_code": b.reason_code, "description": b.description,
            "amount": None if b.amount is None else money(b.amount, b.currency), "currency": b.currency,
            "reference": _item_reference(item) if item is not None else None,
            "counterparty": item.counterparty_name if item is not None else None,
            "date": (item.value_date or item.booking_date) if item is not None else None,
            "case": keys.get(b.case_id) if b.case_id is not None else None, "status": b.status,
        })
    return dict(out)


def unmatched_counts(session: Session) -> dict[str, int]:
    """Items with no approved match (batch details excluded: their booking is the item)."""
    bank = session.execute(select(func.count()).select_from(BankEntry).where(
        BankEntry.matched_suggestion_id.is_(None), BankEntry.level == "entry")).scalar_one()
    book = session.execute(select(func.count()).select_from(BookItem).where(
        BookItem.matched_suggestion_id.is_(None))).scalar_one()
    return {"bank": bank, "book": book}


# ------------------------------------------------------------------------------ payment lifecycle


def payment_lifecycle(session: Session, *, reference: str) -> list[dict[str, Any]]:
    """Every step of the payment thread that carries `reference` (any id: EndToEndId, InstrId, UETR, MT :20:,
    matched ignoring case), threaded across the stored messages (agents.lifecycle). Empty when no stored
    message carries it. When threads carry it in different cases, the one a scan in storage order meets
    first wins.

    Only the messages that can share a thread with `reference` are read, those reachable from it through
    the identifier index, and only their steps that do share one are threaded
    (`message_index.steps_threading_with`), not the whole history; the thread is the one a scan of every
    stored message would give. Messages not yet threaded (their import's case refresh has not run) are
    read along rather than indexed here: this query writes nothing, and indexing marks a message
    threaded, which promises its cases were refreshed too."""
    from breakdesk.agents.lifecycle import thread_steps
    from breakdesk.app.services.message_index import steps_threading_with

    ref = reference.strip()
    if not ref:
        return []
    for thread in thread_steps(steps_threading_with(session, ref)):
        if ref in thread.ids or ref.upper() in {i.upper() for i in thread.ids}:
            return [lifecycle_row(s) for s in thread.ordered()]
    return []


def lifecycle_row(s) -> dict[str, Any]:
    """One step of a payment's lifecycle as the Ask page and chat show it."""
    return {"stage": s.stage, "date": s.date.isoformat() if s.date else None, "message_type": s.message_type,
            "status": s.status, "reason_code": s.reason_code,
            "amount": None if s.amount is None else f"{s.currency or ''} {s.amount}".strip(),
            "summary": s.summary, "source": s.provenance.describe()}
