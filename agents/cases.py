"""Break detection: every rejected, returned or recalled payment becomes one case.

A case is the payment it is about (its thread): ingesting the same files twice, or a pacs.002 and the
camt.054 that books the same return, never gives two cases. Its id is a hash of the break's kind and
the thread's identifiers when it is first found, and then stays for the case's lifetime: `CaseBook`
finds a grown thread's case by any identifier it has had (see docs/adr/0007-stable-case-ids.md).
Reconciliation breaks arrive from the matcher already classified and are wrapped the same way.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from breakdesk.agents.lifecycle import PaymentThread, Step, thread_messages
from breakdesk.parsers.canonical import Message, Transaction
from breakdesk.parsers.currency import format_money

CaseKind = Literal[
    "rejected", "returned", "recall",
    "missing_booking", "bank_only", "amount_difference", "fee_difference", "duplicate", "value_date_difference",
]
REJECT_STATUSES = frozenset({"RJCT"})
REASON_CONTEXT = {"status": "status", "notice": "status", "returned": "return",
                  "recall_requested": "cancellation", "recall_answered": "cancellation_answer"}


@dataclass(frozen=True)
class Fact:
    """A fact the deterministic layer established, with the exact field it comes from."""

    text: str
    source: str
    #: message-derived free text inside `text` (names, narratives): data for people, never evidence
    untrusted: tuple[str, ...] = ()


@dataclass
class BreakCase:
    case_id: str
    kind: CaseKind
    reason_code: str | None
    thread: PaymentThread
    facts: list[Fact] = field(default_factory=list)
    payment: dict[str, str | None] = field(default_factory=dict)
    amount: Decimal | None = None
    currency: str | None = None
    original: Transaction | None = None
    original_message_type: str | None = None
    free_text: dict[str, str] = field(default_factory=dict)
    additional_info: list[str] = field(default_factory=list)
    reason_context: str | None = None  # status | return | cancellation | cancellation_answer

    def lifecycle(self) -> list[dict]:
        return [
            {"stage": s.stage, "message_type": s.message_type, "date": s.date.isoformat() if s.date else None,
             "status": s.status, "reason_code": s.reason_code, "summary": s.summary, "source": s.provenance.describe()}
            for s in self.thread.ordered()
        ]


def _case_id(kind: str, thread: PaymentThread, extra: str = "") -> str:
    key = kind + "|" + "|".join(sorted(thread.ids)) + "|" + extra
    return "CASE-" + hashlib.sha1(key.encode()).hexdigest()[:10].upper()


def _originals(messages: Iterable[Message]) -> dict[str, tuple[Transaction, str]]:
    index: dict[str, tuple[Transaction, str]] = {}
    for m in messages:
        if m.kind != "payment":
            continue
        for tx in m.transactions:
            for ident in (tx.end_to_end_id, tx.instruction_id, tx.uetr):
                if ident and ident.upper() != "NOTPROVIDED":
                    # Prefer what we initiated (pain.001) over interbank copies.
                    if ident not in index or m.family == "pain.001":
                        index[ident] = (tx, m.message_type)
    return index


def _break_step(thread: PaymentThread) -> tuple[CaseKind, Step] | None:
    ordered = thread.ordered()
    for stage, kind in (("returned", "returned"), ("status", "rejected"), ("recall_requested", "recall"),
                        ("recall_answered", "recall"), ("notice", "rejected")):
        for step in reversed(ordered):
            if step.stage != stage:
                continue
            if stage == "status" and (step.status or "").upper() not in REJECT_STATUSES:
                continue
            if stage == "returned" and step.status == "REJECT":
                return "rejected", step
            if stage == "notice" and not step.reason_code:
                continue
            return kind, step  # type: ignore[return-value]
    return None


def detect_cases(messages: list[Message]) -> list[BreakCase]:
    originals = _originals(messages)
    cases: list[BreakCase] = []
    for thread in thread_messages(messages):
        found = _break_step(thread)
        if not found:
            continue
        kind, step = found
        original = next((originals[i] for i in sorted(thread.ids) if i in originals), None)
        tx, tx_type = original if original else (None, None)
        facts = [Fact(s.summary + (f" (reason {s.reason_code})" if s.reason_code and "reason" not in s.summary else ""),
                      f"{s.message_type} {s.provenance.describe()}", s.untrusted) for s in thread.ordered()]
        payment = {  # the original's own ids; without it, as the thread's messages quote them (OrgnlEndToEndId …)
            label: (getattr(tx, label) if tx else next((v for s in thread.ordered() if (v := getattr(s, label))), None))
            for label in ("end_to_end_id", "instruction_id", "uetr")
        }
        payment["ids"] = sorted(thread.ids)  # type: ignore[assignment]
        free_text: dict[str, str] = {}
        if tx:
            facts.append(Fact(f"Original payment {tx.end_to_end_id or tx.instruction_id}: {format_money(tx.amount, tx.currency)}, "
                              f"creditor {tx.creditor.name or '?'} account {tx.creditor.account or '?'} "
                              f"at {tx.creditor.agent_bic or '?'}", f"{tx_type} {tx.provenance.describe()}",
                              (tx.creditor.name,) if tx.creditor.name else ()))
            if tx.remittance.unstructured:
                free_text["remittance"] = " ".join(tx.remittance.unstructured)
            if tx.instructions_for_agents:
                free_text["instructions"] = " ".join(tx.instructions_for_agents)
        cases.append(BreakCase(
            # a thread with no identifier at all (an MT940 return line with NONREF, a batch detail with only the
            # bank's reference) is told apart by where its break was reported, or two of them shared one case
            case_id=_case_id(kind, thread, "" if thread.ids else step.provenance.describe()), kind=kind,
            reason_code=step.reason_code, thread=thread, facts=facts,
            payment=payment, amount=(tx.amount if tx else step.amount), currency=(tx.currency if tx else step.currency),
            original=tx, original_message_type=tx_type, free_text=free_text,
            reason_context=REASON_CONTEXT[step.stage],
        ))
    return sorted(cases, key=lambda c: c.case_id)


@dataclass(frozen=True)
class Placement:
    """Which case a detected break belongs to: `key` is its stable id, `existing` says a known case
    has that id, `merged` are the newer known cases its thread now joins (merged into `key`), and
    `new_ids` the identifiers the thread adds to the case."""

    key: str
    existing: bool
    merged: tuple[str, ...] = ()
    new_ids: frozenset[str] = frozenset()


class CaseBook:
    """The known payment cases, oldest first, each with every identifier its thread has had.

    A thread grows when a late message adds an identifier (a pacs.004 with a TxId not seen before, a
    camt.056 quoting the UETR), which changes the hash of its identifiers: keyed by that hash alone, the
    payment would get a second case and the first one, with its assignment and decisions, would go
    stale. `place` finds the case by any shared identifier instead, so one thread is one case under one
    id for its lifetime. When a late message joins two threads that both have a case, the older case
    goes on and the newer ones are reported as merged into it. A thread without any identifier can only
    be found by its hash.
    """

    def __init__(self, known: Iterable[tuple[str, Iterable[str]]] = ()) -> None:
        self._ids: dict[str, set[str]] = {}  # by key, in insertion order: oldest first
        for key, ids in known:
            self._ids.setdefault(key, set()).update(ids)

    def place(self, case: BreakCase) -> Placement:
        """Find or make the case `case` belongs to, record its identifiers, and give `case` that id."""
        ids = case.thread.ids
        hits = [key for key, known in self._ids.items() if ids & known] if ids else []
        key = hits[0] if hits else case.case_id
        existing = key in self._ids
        known = self._ids.setdefault(key, set())
        new_ids = frozenset(ids - known)
        known |= ids
        for merged in hits[1:]:
            del self._ids[merged]  # it takes no more messages: its thread is the older case's now
        case.case_id = key
        return Placement(key=key, existing=existing, merged=tuple(hits[1:]), new_ids=new_ids)


def scan_cases(batches: Iterable[Sequence[Message]]) -> list[BreakCase]:
    """The cases that refreshing after each batch of messages leaves open or closed (merged ones left
    out), found the slow, obvious way: every message is detected again after each batch. The
    incremental refresh (`app.services.workflow.refresh_cases`) is tested against it."""
    book = CaseBook()
    seen: list[Message] = []
    live: dict[str, BreakCase] = {}
    for batch in batches:
        seen.extend(batch)
        for case in detect_cases(seen):
            placement = book.place(case)
            live[placement.key] = case
            for merged in placement.merged:
                live.pop(merged, None)
    return sorted(live.values(), key=lambda c: c.case_id)
