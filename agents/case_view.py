"""The JSON view of a case: what the graph state, the store, the CLI and the UI all exchange."""

from __future__ import annotations

from typing import Any

from breakdesk.agents.cases import BreakCase
from breakdesk.parsers.currency import money_text


def case_to_dict(case: BreakCase) -> dict[str, Any]:
    return {
        "case_id": case.case_id,
        "kind": case.kind,
        "reason_code": case.reason_code,
        "reason_context": case.reason_context,
        "payment": case.payment,
        "amount": money_text(case.amount, case.currency) if case.amount is not None else None,
        "currency": case.currency,
        "lifecycle": case.lifecycle(),
        "facts": [{"text": f.text, "source": f.source, "untrusted": list(f.untrusted)} for f in case.facts],
        "free_text": dict(case.free_text),
        "original": case.original.model_dump(mode="json") if case.original else None,
        "original_message_type": case.original_message_type,
    }


def payment_label(payment: dict[str, Any] | None) -> str | None:
    """The reference a person knows a case's payment by: its EndToEndId, InstrId or UETR, else the
    reference of a reconciliation break's item, else any id of its thread (never None when it has one)."""
    payment = payment or {}
    for key in ("end_to_end_id", "instruction_id", "uetr", "reference"):
        if payment.get(key):
            return str(payment[key])
    ids = payment.get("ids") or []
    return str(ids[0]) if ids else None
