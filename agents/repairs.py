"""Repairs: concrete, field-level, re-validated — or an honest list of what is missing.

A repair is built from the diagnosis's `repair_kind` and the original payment. When the repair needs a
fact nobody has given us yet (the beneficiary's new IBAN, a town for the address), it is not invented:
the repair says what is missing and who must provide it, and a person can supply it (edit-then-approve).
Re-initiations always get a new EndToEndId, and a duplicate guard refuses to resend a payment that is
settled, still pending, or already resent.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from breakdesk.agents.recall_outcome import recall_outcome
from breakdesk.parsers.canonical import Agent, Message, Party, PostalAddress, Transaction

SETTLED_OR_PENDING = frozenset({"ACSC", "ACCC", "ACSP", "ACTC", "ACCP", "ACWC", "PDNG"})
MESSAGE_KINDS = frozenset({
    "correct_creditor_account", "correct_creditor_agent", "add_structured_address", "add_regulatory_info",
    "correct_amount", "new_end_to_end_id_resend",
})
WHO = {
    "correct_creditor_account": "the debtor (our client), who must get the beneficiary's current account",
    "correct_creditor_agent": "the debtor (our client), who must confirm the beneficiary bank's BIC",
    "add_structured_address": "vendor master data (or the debtor) for the beneficiary's postal address",
    "add_regulatory_info": "the debtor's compliance contact for the regulatory reporting details",
    "correct_amount": "the debtor, who must confirm the intended amount",
}
REQUIRED = {
    "correct_creditor_account": ["creditor.account"],
    "correct_creditor_agent": ["creditor.agent_bic"],
    "add_structured_address": ["creditor.address.town_name", "creditor.address.country"],
    "add_regulatory_info": ["regulatory_reporting"],
    "correct_amount": ["amount"],
}


def next_business_day(d: date) -> date:
    d += timedelta(days=1)
    while d.weekday() >= 5:
        d += timedelta(days=1)
    return d


def resend_id(original: str, taken: set[str]) -> str:
    """`E2E-4471` → `E2E-4471-R1` (then R2 …), kept within the 35-character ISO limit."""
    for n in range(1, 100):
        suffix = f"-R{n}"
        candidate = original[: 35 - len(suffix)] + suffix
        if candidate not in taken:
            return candidate
    raise ValueError(f"too many resends of {original}")


def duplicate_guard(case: dict[str, Any], diagnosis: dict[str, Any], known_ids: set[str]) -> str | None:
    """Why a resend must NOT happen, or None when it may."""
    if diagnosis.get("retry_class") == "final":
        return f"reason code {diagnosis.get('reason_code')} is final: the payment must not be resent"
    stages = case.get("lifecycle", [])
    if case["kind"] == "rejected":
        if any(s["stage"] == "booked" for s in stages):
            return "the statement already shows this payment booked: it settled, a resend would pay twice"
        if any(s["stage"] == "status" and (s.get("status") or "").upper() in SETTLED_OR_PENDING for s in stages):
            return "a later status says the payment is accepted or pending: a resend would pay twice"
    if case["kind"] == "recall":
        return "a recall is answered by the counterparty bank, not by resending"
    e2e = (case.get("payment") or {}).get("end_to_end_id")
    if e2e and any(i.startswith(e2e + "-R") for i in known_ids):
        return f"{e2e} was already resent ({', '.join(sorted(i for i in known_ids if i.startswith(e2e + '-R')))})"
    return None


def _set(tx: Transaction, field: str, value: str) -> tuple[Transaction, Any]:
    """Apply one dotted-path correction to a copy of the transaction; returns (new tx, old value)."""
    if field == "creditor.account":
        old = tx.creditor.account
        return tx.model_copy(update={"creditor": tx.creditor.model_copy(update={"account": value.replace(" ", "").upper(), "account_scheme": "IBAN"})}), old
    if field == "creditor.agent_bic":
        old = tx.creditor.agent_bic
        agent = (tx.creditor.agent or Agent()).model_copy(update={"bic": value.strip().upper()})
        return tx.model_copy(update={"creditor": tx.creditor.model_copy(update={"agent": agent})}), old
    if field.startswith("creditor.address."):
        key = field.rsplit(".", 1)[1]
        addr = tx.creditor.address or PostalAddress()
        old = getattr(addr, key)
        new_addr = addr.model_copy(update={key: value})
        return tx.model_copy(update={"creditor": tx.creditor.model_copy(update={"address": new_addr})}), old
    if field == "amount":
        return tx.model_copy(update={"amount": Decimal(value)}), str(tx.amount)
    if field == "regulatory_reporting":
        return tx.model_copy(update={"regulatory_reporting": [value]}), "; ".join(tx.regulatory_reporting) or None
    raise ValueError(f"cannot correct field {field!r}")


def _derived_corrections(kind: str, tx: Transaction) -> dict[str, str]:
    """Corrections we can make from facts already in the payment (never guesses)."""
    out: dict[str, str] = {}
    if kind == "add_structured_address":
        addr = tx.creditor.address
        if addr and addr.country:
            out["creditor.address.country"] = addr.country
        elif tx.creditor.account and tx.creditor.account[:2].isalpha() and tx.creditor.account_scheme in (None, "IBAN"):
            out["creditor.address.country"] = tx.creditor.account[:2].upper()
    return out


def propose_repair(
    case: dict[str, Any],
    diagnosis: dict[str, Any],
    *,
    corrections: dict[str, str] | None = None,
    known_ids: set[str] | None = None,
    today: date | None = None,
    debtor_message_id: str | None = None,
) -> dict[str, Any]:
    kind = diagnosis.get("repair_kind") or "none"
    base = {"kind": kind, "diff": [], "message": None, "message_type": None, "valid": None, "findings": [],
            "missing": [], "who_must_provide": None, "guard": None, "summary": ""}
    if case["kind"] not in ("rejected", "returned", "recall"):
        return {**base, "kind": "reconciliation", "valid": True,
                "summary": "Record the suggested match or write-off after review in Reconciliation."}
    outcome = recall_outcome(case.get("lifecycle") or []) if case["kind"] == "recall" else None
    if outcome is not None and outcome.adds_to(case):  # the answer decides what is next, not the request
        return {**base, "valid": False, "summary": outcome.next_step() + ".", "who_must_provide": "ops analyst"}
    if kind not in MESSAGE_KINDS:
        options = diagnosis.get("repair_options") or []
        return {**base, "valid": False, "summary": "No message can fix this: " + ("; ".join(options[:2]) or "a person must investigate."),
                "who_must_provide": "ops analyst"}
    guard = duplicate_guard(case, diagnosis, known_ids or set())
    if guard:
        return {**base, "valid": False, "guard": guard, "summary": f"Resend refused: {guard}."}
    if not case.get("original"):
        return {**base, "valid": False, "missing": ["the original payment message"],
                "who_must_provide": "ops analyst (import the pain.001 or pacs.008 we sent)",
                "summary": "The original payment is not known, so no corrected message can be built."}
    tx = Transaction.model_validate(case["original"])
    wanted = dict(_derived_corrections(kind, tx))
    wanted.update({k: v for k, v in (corrections or {}).items() if v not in (None, "")})
    missing = [f for f in REQUIRED.get(kind, []) if f not in wanted]
    if missing:
        return {**base, "valid": False, "missing": missing, "who_must_provide": WHO.get(kind),
                "summary": "Cannot build the corrected payment yet: missing " + ", ".join(missing) + "."}
    diff = []
    for field_name, value in wanted.items():
        tx, old = _set(tx, field_name, value)
        if str(old) != str(value):
            diff.append({"field": field_name, "before": old, "after": value})
    taken = set(known_ids or set())
    old_e2e = tx.end_to_end_id or tx.instruction_id or case["case_id"]
    new_e2e = resend_id(old_e2e, taken)
    new_instr = resend_id(tx.instruction_id, taken) if tx.instruction_id else None
    today = today or datetime.now(UTC).date()
    exec_date = next_business_day(today)
    diff += [{"field": "end_to_end_id", "before": tx.end_to_end_id, "after": new_e2e}]
    if new_instr:
        diff.append({"field": "instruction_id", "before": tx.instruction_id, "after": new_instr})
    diff.append({"field": "requested_execution_date", "before": str(tx.requested_execution_date or ""), "after": exec_date.isoformat()})
    tx = tx.model_copy(update={"end_to_end_id": new_e2e, "instruction_id": new_instr, "requested_execution_date": exec_date,
                               "uetr": None, "message_id": None})
    from breakdesk.parsers.writers import WriteError, write_pain001

    try:
        xml = write_pain001([tx], version="pain.001.001.09",
                            message_id=(debtor_message_id or f"BDK-{case['case_id']}")[:35],
                            initiating_party=tx.initiating_party or Party(name=tx.debtor.name))
    except WriteError as exc:
        return {**base, "diff": diff, "valid": False, "missing": exc.problems, "who_must_provide": WHO.get(kind),
                "summary": "The corrected payment would not be valid: " + "; ".join(exc.problems[:3])}
    corrected = [d["field"] for d in diff if d["field"] not in ("end_to_end_id", "instruction_id", "requested_execution_date")]
    return {**base, "diff": diff, "message": xml.decode("utf-8"), "message_type": "pain.001.001.09",
            "summary": f"Re-initiate {old_e2e} as {new_e2e} on {exec_date.isoformat()}"
                       + (f" with {', '.join(corrected)} corrected." if corrected else " with the same details.")}


def revalidate_repair(repair: dict[str, Any]) -> dict[str, Any]:
    """Parse the regenerated message back and validate it (XSD, IBAN/BIC, sums). Invalid → not applicable."""
    if not repair.get("message"):
        return repair
    from breakdesk import parsers
    from breakdesk.parsers.iso20022.xsd import xsd_findings

    data = repair["message"].encode("utf-8")
    try:
        messages: list[Message] = parsers.parse(data, filename="repair.xml")
    except parsers.ParseError as exc:
        return {**repair, "valid": False, "findings": [{"severity": "error", "code": "REPARSE_FAILED", "message": str(exc)}]}
    findings = [f.model_dump(mode="json") for f in xsd_findings(data, "repair.xml")]
    findings += [f.model_dump(mode="json") for f in parsers.validate_messages(messages)]
    findings = [f for f in findings if f["code"] != "XSD_NOT_AVAILABLE"]
    valid = not any(f["severity"] == "error" for f in findings)
    return {**repair, "valid": valid, "findings": findings}
