"""Threading a payment's lifecycle across pain, pacs, camt and MT messages.

Messages about one payment share identifiers, but rarely all of them: a pain.001 has InstrId and
EndToEndId, the pacs.008 adds a UETR, a pacs.002 quotes OrgnlEndToEndId, a camt.053 entry may carry
only the EndToEndId, an MT103 return quotes the original :20: in /MREF/. We link every step that shares
ANY identifier with another (union-find), so a thread is the transitive closure of shared references.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal

from breakdesk.parsers.canonical import Entry, EntryReferences, Message, Provenance, Reason
from breakdesk.parsers.currency import format_money

Stage = Literal["initiated", "sent", "status", "booked", "returned", "recall_requested", "recall_answered", "notice"]
STAGE_ORDER = {s: i for i, s in enumerate(
    ["initiated", "sent", "status", "notice", "booked", "recall_requested", "recall_answered", "returned"])}


@dataclass(frozen=True)
class Step:
    """One thing that happened to a payment, with the message that says so."""

    stage: Stage
    message_type: str
    provenance: Provenance
    ids: frozenset[str]
    date: date | None = None
    amount: Decimal | None = None
    currency: str | None = None
    status: str | None = None
    reason_code: str | None = None
    summary: str = ""
    #: message-derived free text inside `summary` (a party's name): shown to people, fenced for a model,
    #: never evidence for the grounding guard
    untrusted: tuple[str, ...] = ()
    #: the payment's own ids as this message names them (a return's OrgnlEndToEndId …), for labelling a
    #: case whose original payment Breakdesk has not seen
    end_to_end_id: str | None = None
    instruction_id: str | None = None
    uetr: str | None = None


@dataclass
class PaymentThread:
    steps: list[Step] = field(default_factory=list)

    @property
    def ids(self) -> set[str]:
        out: set[str] = set()
        for s in self.steps:
            out |= s.ids
        return out

    def ordered(self) -> list[Step]:
        # Stage order first: many messages carry no date of their own, and a status never precedes its payment.
        return sorted(self.steps, key=lambda s: (STAGE_ORDER[s.stage], s.date or date.min))


def _id(value: str | None) -> str | None:
    v = (value or "").strip()
    return v if v and v.upper() not in {"NOTPROVIDED", "NONREF"} else None


def _ids(*values: str | None) -> frozenset[str]:
    return frozenset(v for v in map(_id, values) if v)


def _labels(end_to_end_id: str | None, instruction_id: str | None, uetr: str | None) -> dict[str, str | None]:
    return {"end_to_end_id": _id(end_to_end_id), "instruction_id": _id(instruction_id), "uetr": _id(uetr)}


def steps_from_message(msg: Message) -> list[Step]:
    """Every lifecycle step a message contributes."""
    mt = msg.message_type
    out: list[Step] = []
    initiated = msg.family == "pain.001"
    for tx in msg.transactions:
        if msg.kind == "return":
            continue  # the return record below says more
        out.append(Step(
            "initiated" if initiated else "sent", mt, tx.provenance,
            _ids(tx.end_to_end_id, tx.instruction_id, tx.uetr, tx.transaction_id),
            tx.requested_execution_date or tx.settlement_date, tx.amount, tx.currency,
            summary=f"{mt} {format_money(tx.amount, tx.currency)} to {tx.creditor.name or tx.creditor.account or '?'}",
            untrusted=(tx.creditor.name,) if tx.creditor.name else (),
            **_labels(tx.end_to_end_id, tx.instruction_id, tx.uetr),
        ))
    for st in msg.statuses:
        ids = _ids(st.original_end_to_end_id, st.original_instruction_id, st.original_uetr, st.original_transaction_id)
        if st.level != "transaction" and not ids:
            ids = _ids(st.original_payment_info_id, st.original_message_id)
        out.append(Step(
            "status", mt, st.provenance, ids, st.effective_date or (msg.header.created_at.date() if msg.header.created_at else None),
            st.original_amount, st.original_currency, st.status, st.reason_code or st.reason_proprietary,
            summary=f"{mt} status {st.status or '?'}" + (f" reason {st.reason_code or st.reason_proprietary}" if (st.reason_code or st.reason_proprietary) else ""),
            **_labels(st.original_end_to_end_id, st.original_instruction_id, st.original_uetr),
        ))
    for r in msg.returns:
        tx_ids: frozenset[str] = frozenset()
        if msg.transactions:
            t = msg.transactions[0]
            tx_ids = _ids(t.instruction_id)
        out.append(Step(
            "returned", mt, r.provenance,
            _ids(r.original_end_to_end_id, r.original_instruction_id, r.original_uetr, r.original_transaction_id) | tx_ids,
            r.settlement_date, r.returned_amount, r.currency, r.kind.upper(), r.reason_code or r.reason_proprietary,
            summary=f"{mt} {r.kind} {format_money(r.returned_amount, r.currency)} reason {r.reason_code or r.reason_proprietary or '?'}",
            **_labels(r.original_end_to_end_id, r.original_instruction_id, r.original_uetr),
        ))
    # An MT192/292 is answered by an MT196/296 whose :21: quotes the request's :20:, and neither need
    # quote the payment's own reference again: the request's reference threads them. (Only MT: a camt.056
    # may give one Case/Id to several payments, which must not become one thread.)
    one_payment = msg.family.startswith("MT")
    for c in msg.cancellations:
        out.append(Step(
            "recall_requested", mt, c.provenance,
            _ids(c.original_end_to_end_id, c.original_instruction_id, c.original_uetr, c.original_transaction_id,
                 c.cancellation_id if one_payment else None),
            c.original_settlement_date, c.original_amount, c.original_currency, None, c.reason_code or c.reason_proprietary,
            summary=f"{mt} recall requested, reason {c.reason_code or c.reason_proprietary or '?'}",
            **_labels(c.original_end_to_end_id, c.original_instruction_id, c.original_uetr),
        ))
    for a in msg.answers:
        out.append(Step(
            "recall_answered", mt, a.provenance,
            _ids(a.original_end_to_end_id, a.original_instruction_id, a.original_uetr, a.original_transaction_id, a.case_id,
                 a.resolved_case_id if one_payment else None),
            None, a.original_amount, a.original_currency, a.status, a.reason_code or a.reason_proprietary,
            summary=f"{mt} recall answer {a.status or '?'}",
            **_labels(a.original_end_to_end_id, a.original_instruction_id, a.original_uetr),
        ))
    for st in msg.statements:
        for e in st.entries:
            out += _entry_steps(mt, st.account, e)
    if msg.free_format is not None:
        ff = msg.free_format
        out.append(Step("notice", mt, ff.provenance, _ids(ff.related_reference), None, None, None, None,
                        ff.reason_codes[0] if ff.reason_codes else None, summary=f"{mt} free-format notice"))
    return out


def _entry_steps(mt: str, account: str | None, e: Entry) -> list[Step]:
    """A statement line is one step; a batch booking is one step per transaction detail. Each detail is
    its own payment: one step for the batch would thread the payments of a salary run into one, and a
    SEPA direct debit batch that reports two of its collections returned (AC01, CUST in their TxDtls)
    would read as one booking instead of two returns."""
    parts: list[tuple[Provenance, EntryReferences, Decimal | None, str | None, Reason | None]] = [
        (d.provenance, d.references, d.amount if d.amount is not None else (e.amount if len(e.details) == 1 else None),
         d.currency or e.currency, d.return_reason or e.return_reason) for d in e.details
    ] or [(e.provenance, e.references, e.amount, e.currency, e.return_reason)]
    steps = []
    for prov, refs, amount, currency, reason in parts:
        code = (reason.code or reason.proprietary) if reason is not None else None
        steps.append(Step(
            "returned" if code else "booked", mt, prov, _ids(refs.end_to_end_id, refs.instruction_id, refs.uetr, refs.transaction_id),
            e.booking_date or e.value_date, amount, currency, e.status, code,
            summary=f"{mt} {'return ' if code else ''}entry {e.credit_debit} {format_money(amount, currency)} on {account or '?'}",
            **_labels(refs.end_to_end_id, refs.instruction_id, refs.uetr),
        ))
    return steps


def thread_messages(messages: Iterable[Message]) -> list[PaymentThread]:
    """Group every step of every message into payment threads by shared identifiers."""
    return thread_steps([s for m in messages for s in steps_from_message(m)])


def thread_steps(steps: Sequence[Step]) -> list[PaymentThread]:
    """Group steps into payment threads by shared identifiers. Threads come in the order of their first
    step and keep their steps in the order given, so threading a subset that holds whole threads gives
    those threads exactly as threading everything would."""
    parent = list(range(len(steps)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[str, int] = {}
    for i, step in enumerate(steps):
        for ident in step.ids:
            if ident in owner:
                parent[find(i)] = find(owner[ident])
            else:
                owner[ident] = i
    groups: dict[int, PaymentThread] = defaultdict(PaymentThread)
    for i, step in enumerate(steps):
        groups[find(i)].steps.append(step)
    return list(groups.values())
