"""Reconciliation as a use case: match the stored bank side against the stored book side.

The deterministic matcher (`agents.recon`) works on its own item types; here we build them from the
store (statement entries and payments from the stored canonical messages, ledger lines from their
rows), key every item by its store row id, persist the run, its suggestions and its breaks, open a case
for every break that is not already a payment case, and apply auto-confirmation only when the caller
enabled it. Items already matched by an earlier decision are left out, so a re-run only looks at what is
still open; pending suggestions of earlier runs stay where they are for the clerks. A run's breaks replace
the open breaks earlier runs recorded for the items it looked at (those become `superseded`).
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from breakdesk import parsers
from breakdesk.agents.recon import (
    BankItem,
    LedgerLine,
    MatchConfig,
    bank_items_from_messages,
    book_items_from_messages,
    match,
)
from breakdesk.agents.recon import BookItem as ReconBook
from breakdesk.app.services import cases as case_service
from breakdesk.app.services import decisions
from breakdesk.app.services.access import require
from breakdesk.app.services.errors import ConflictError
from breakdesk.app.services.item_facts import describe_provenance, item_fact, item_ref
from breakdesk.app.services.scorers import active_scorer
from breakdesk.app.store.models import (
    BankEntry,
    BookItem,
    Case,
    MatchSuggestion,
)
from breakdesk.app.store.repositories.batches import message_payloads
from breakdesk.app.store.repositories.chunks import in_chunks
from breakdesk.app.store.repositories.matching import (
    add_break,
    add_suggestion,
    create_run,
    finish_run,
    suggestion_link,
    supersede_breaks,
)
from breakdesk.parsers.currency import quantize

Progress = Callable[[float, str], None]
AGENT = "system:breakdesk"
#: Break classes that are payment cases already (a return entry threads with its payment).
PAYMENT_CASE_CLASSES = frozenset({"returned"})


def _held(model):
    """The ids of `model` rows a pending suggestion holds (a subquery)."""
    link, member = suggestion_link(model)
    return (select(member).join(MatchSuggestion, MatchSuggestion.id == link.c.suggestion_id)
            .where(MatchSuggestion.decision_state == "pending"))


def _open_rows(session: Session, model) -> list:
    """Rows with no approved match that no pending suggestion holds either (one query, not one per suggestion)."""
    q = select(model).where(model.matched_suggestion_id.is_(None), model.id.not_in(_held(model))).order_by(model.id)
    if model is BankEntry:
        q = q.where(BankEntry.level == "entry")
    return list(session.execute(q).scalars())


def _settled_rows(session: Session, model, like: list) -> list:
    """Rows matched or held by a pending suggestion with the currency, amount and date (value date, else
    booking date) of one of the open rows `like`: the only settled rows a duplicate check can pair with an
    open one (its key holds all three), and so the only ones whose messages are worth reading."""
    def key(r) -> tuple:
        return (r.currency, r.amount, r.value_date or r.booking_date)

    wanted = {key(r) for r in like}
    found: list = []
    for chunk in in_chunks({amount for _currency, amount, _day in wanted}):
        q = select(model).where(or_(model.matched_suggestion_id.is_not(None), model.id.in_(_held(model))),
                                model.amount.in_(chunk))
        if model is BankEntry:
            q = q.where(BankEntry.level == "entry")
        found += [r for r in session.execute(q).scalars() if key(r) in wanted]
    return sorted(found, key=lambda r: r.id)


def _ledger_item(row: BookItem) -> ReconBook:
    """A stored ledger line as the matcher sees it: the same mapping the CSV reader uses, keyed by row id."""
    line = LedgerLine(
        file=(row.provenance or {}).get("file") or "", line=row.line_number or 0, id=row.external_id or str(row.id),
        booking_date=row.booking_date, amount=quantize(row.amount, row.currency), currency=row.currency,
        direction=row.credit_debit,  # type: ignore[arg-type]
        counterparty=row.counterparty_name, reference=row.reference, description=row.description,
        iban=row.counterparty_account, end_to_end_id=row.end_to_end_id, value_date=row.value_date, account=row.account,
    )
    return line.book_item(id=str(row.id), provenance=describe_provenance(row.provenance))


def _items(session: Session) -> tuple[list[BankItem], list[ReconBook], dict[tuple[str, int], BankEntry | BookItem]]:
    """(bank items, book items) keyed by store row id, for the rows still open, and those rows by (side, id)."""
    bank_rows = _open_rows(session, BankEntry)
    book_rows = _open_rows(session, BookItem)
    rows: dict[tuple[str, int], BankEntry | BookItem] = {("bank", r.id): r for r in bank_rows}
    rows |= {("book", r.id): r for r in book_rows}
    return *_build_items(session, bank_rows, book_rows), rows


def _settled_items(session: Session, rows: dict[tuple[str, int], BankEntry | BookItem]) -> tuple[list[BankItem], list[ReconBook]]:
    """The settled look-alikes of the open `rows` (`_settled_rows`) as matcher items, to tell duplicates."""
    bank_rows = _settled_rows(session, BankEntry, [r for (side, _), r in rows.items() if side == "bank"])
    book_rows = _settled_rows(session, BookItem, [r for (side, _), r in rows.items() if side == "book"])
    return _build_items(session, bank_rows, book_rows)


def _build_items(session: Session, bank_rows: list[BankEntry], book_rows: list[BookItem]) -> tuple[list[BankItem], list[ReconBook]]:
    """Matcher items of these rows, keyed by store row id.

    Statement lines and payments are built from their stored messages, and only the messages the rows
    come from are read: a statement whose lines are all matched is not parsed again on every run (unless
    one of its lines looks like an open one: same currency, amount and date, `_settled_rows`).
    An item goes with the row of its own message that has its provenance (file, line or XPath);
    keyed by provenance alone, two files of the same name (a bank's daily `statement.xml`) would mix
    their lines."""
    # message id -> side -> provenance -> row
    wanted: dict[int, dict[str, dict[str, BankEntry | BookItem]]] = defaultdict(lambda: {"bank": {}, "book": {}})
    for side, side_rows in (("bank", bank_rows), ("book", [r for r in book_rows if r.source != "ledger_csv"])):
        for r in side_rows:
            wanted[r.message_id][side][describe_provenance(r.provenance)] = r
    bank: list[BankItem] = []
    book: list[ReconBook] = []
    for message_id, payload in message_payloads(session, ids=wanted):
        message = parsers.Message.model_validate(payload)
        mine = wanted[message_id]
        if message.kind == "statement":
            bank += [dataclasses.replace(b, id=str(mine["bank"][b.provenance].id))
                     for b in bank_items_from_messages([message]) if b.provenance in mine["bank"]]
        if message.kind == "payment":
            book += [dataclasses.replace(b, id=str(mine["book"][b.provenance].id))
                     for b in book_items_from_messages([message]) if b.provenance in mine["book"]]
    book += [_ledger_item(r) for r in book_rows if r.source == "ledger_csv"]
    return bank, book


def _reasons(s) -> list[dict[str, Any]]:
    return [{"signal": r.signal, "text": r.text, "contribution": r.contribution} for r in s.reasons]


def _payment_cases(session: Session) -> tuple[set[str], dict[str, tuple[int, str | None]]]:
    """One read of the payment cases (rejected, returned, recalled): every reference that has a case, and
    {reference: (case id, reason code)} of the payments the bank rejected, which never settle and so
    are no missing bookings (the store path of `agents.recon.status_reports`)."""
    refs: set[str] = set()
    rejected: dict[str, tuple[int, str | None]] = {}
    for case_id, kind, code, merged, detail in session.execute(
            select(Case.id, Case.kind, Case.reason_code, Case.merged_into_id, Case.detail)
            .where(Case.kind.in_(("rejected", "returned", "recall")))):
        ids = ((detail or {}).get("case", {}).get("payment") or {}).get("ids") or []
        refs.update(ids)
        if kind == "rejected" and merged is None:
            rejected.update(dict.fromkeys(ids, (case_id, code)))
    return refs, rejected


def _set_aside_rejected(book: list[ReconBook], rejected: dict[str, tuple[int, str | None]]
                        ) -> tuple[list[ReconBook], list[tuple[ReconBook, int, str | None]]]:
    """The book items still to match, and (item, payment case, reason) for each one the bank rejected."""
    kept, aside = [], []
    for item in book:
        hit = next((rejected[k] for k in (item.end_to_end_id, item.instruction_id, item.uetr) if k and k in rejected), None)
        if hit is None:
            kept.append(item)
        else:
            aside.append((item, *hit))
    return kept, aside


def _break_key(brk, row, side: str) -> str:
    """A break that pairs a bank line with a book item (value-date or amount difference) is one case,
    keyed by the pair, whichever side reports it first."""
    members = sorted([f"{side}:{row.id}"] + [f"{'book' if side == 'bank' else 'bank'}:{i}" for i in brk.related_ids])
    return "CASE-" + hashlib.sha1(f"recon|{brk.break_class}|{'|'.join(members)}".encode()).hexdigest()[:10].upper()


def _break_case(session: Session, brk, row, side: str, payment_refs: set[str], known: dict[str, int]) -> int | None:
    """The id of the break's case: the one with its key (`known`: the stored ones, read once per run, and
    those this run opened, added here), else a new one; None when it is a payment's case already."""
    key = _break_key(brk, row, side)
    if key in known:
        return known[key]
    if {row.end_to_end_id, row.instruction_id} & payment_refs:
        return None  # e.g. a rejected payment never reaches the statement: its payment case says why
    ref = item_ref(row)
    amount = quantize(row.amount, row.currency) if row.amount is not None else None
    fact = item_fact(row, note=brk.note)
    view = {"case_id": key, "kind": brk.break_class, "reason_code": brk.reason_code, "reason_context": None,
            "payment": {"end_to_end_id": row.end_to_end_id, "instruction_id": row.instruction_id, "ids": [ref]},
            "amount": format(amount, "f") if amount is not None else None, "currency": row.currency,
            "lifecycle": [], "facts": [{k: fact[k] for k in ("text", "source", "untrusted")}], "free_text": {}, "original": None,
            "original_message_type": None}
    case = case_service.open_case(session, actor=AGENT, kind=brk.break_class, reason_code=brk.reason_code,
                           title=f"{brk.break_class.replace('_', ' ')} {ref}"[:200], payment_ids={"reference": ref},
                           severity="medium", key=key, detail={"case": view})
    known[key] = case.id
    return case.id


def run_matching(session: Session, *, user: str, auto_confirm: bool = False, threshold: float | None = None,
                 config: MatchConfig | None = None, progress: Progress | None = None) -> dict[str, Any]:
    """Match what is open, persist suggestions and breaks, open break cases; returns the run's summary."""
    actor = require(session, user, "match.run").username
    note = progress or (lambda fraction, text: None)
    note(0.05, "loading open statement lines and book items")
    bank, book, rows = _items(session)
    read_book = len(book)  # every open book item looked at, the rejected ones too
    payment_refs, rejected_refs = _payment_cases(session)
    book, rejected = _set_aside_rejected(book, rejected_refs)
    settled_bank, settled_book = _settled_items(session, rows)
    cfg = config or MatchConfig()
    if threshold is not None:
        cfg = dataclasses.replace(cfg, auto_threshold=threshold)
    learned = active_scorer(session)
    version = f"agents.recon+scorer:{learned[0]}" if learned else "agents.recon"
    run = create_run(session, started_by=actor, matcher_version=version,
                     parameters={"auto_confirm": auto_confirm, "threshold": threshold, "bank": len(bank), "book": read_book})
    note(0.2, f"matching {len(bank)} statement lines against {len(book)} book items")
    result = match(bank, book, cfg, auto_confirm=auto_confirm, scorer=learned[1].predict if learned else None,
                   settled_bank=settled_bank, settled_book=settled_book)
    note(0.7, "saving suggestions and breaks")
    stored = []
    for s in result.suggestions:
        stored.append(add_suggestion(session, run_id=run.id, features=dict(s.features) if s.features else None,
                                     bank_entries=[rows[("bank", int(i))] for i in s.bank_ids],
                                     book_items=[rows[("book", int(i))] for i in s.book_ids],
                                     confidence=min(1.0, max(0.0, s.confidence)),
                                     reasons=_reasons(s) + ([{"signal": "difference", "text": f"open difference {s.difference}",
                                                              "contribution": 0.0}] if s.difference else []),
                                     status=s.status, flush=False))
    session.flush()  # the run's suggestions in batches, not one round trip each
    supersede_breaks(session, bank_entry_ids=[i for side, i in rows if side == "bank"],
                     book_item_ids=[i for side, i in rows if side == "book"])
    breaks = [(brk, rows[(brk.side, int(brk.item_id))]) for brk in result.breaks]
    known = {key: case.id for key, case in case_service.get_cases_by_key(session, keys=[
        _break_key(brk, row, brk.side) for brk, row in breaks if brk.break_class not in PAYMENT_CASE_CLASSES]).items()}
    for brk, row in breaks:
        case_id = (_break_case(session, brk, row, brk.side, payment_refs, known)
                   if brk.break_class not in PAYMENT_CASE_CLASSES else None)
        add_break(session, run_id=run.id, side=brk.side, bank_entry_id=row.id if brk.side == "bank" else None,
                  book_item_id=row.id if brk.side == "book" else None, break_class=brk.break_class,
                  reason_code=brk.reason_code, description=brk.note, amount=row.amount, currency=row.currency,
                  case_id=case_id,
                  details={"related": list(brk.related_ids), "difference": str(brk.difference) if brk.difference else None})
    for item, case_id, code in rejected:  # the bank rejected it: the payment's own case says why
        row = rows[("book", int(item.id))]
        add_break(session, run_id=run.id, side="book", bank_entry_id=None, book_item_id=row.id, break_class="rejected",
                  reason_code=code, amount=row.amount, currency=row.currency, case_id=case_id, details={},
                  description="the bank rejected this payment" + (f" ({code})" if code else "")
                              + "; it will not appear on a statement")
    confirmed = 0
    if auto_confirm:
        for s in stored:
            try:
                confirmed += decisions.auto_confirm(session, suggestion_id=s.id, threshold=threshold) is not None
            except ConflictError:
                continue
    stats = {"bank": len(bank), "book": read_book, "suggestions": len(stored), "auto_confirmed": confirmed,
             "breaks": len(result.breaks) + len(rejected), "rejected": len(rejected),
             "by_status": {st: sum(1 for s in stored if s.status == st) for st in ("auto", "review", "none")}}
    finish_run(session, run=run, stats=stats)
    note(1.0, "done")
    return {"run_id": run.id, "matcher": version, **stats}
