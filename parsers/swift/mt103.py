"""MT103 customer transfers and MT202/202COV bank transfers → `Transaction` (and `PaymentReturn`).

MT202COV carries the underlying customer transfer in sequence B (from its first 50a on): it becomes
`transactions[0].underlying`. An MT103/202 whose :72: starts with `/RETN/` or `/REJT/` is a return
or reject under the SWIFT return guidelines; the transaction is kept and a `PaymentReturn` added.

CBPR+ translation rules for identifiers: :20: → instruction id (and transaction id), MT202 :21: →
end-to-end id, {121:} → UETR. MT103 has no end-to-end field; `/ROC/` in :70: carries it when present.
"""

from __future__ import annotations

import re

from breakdesk.parsers.canonical import Agent, Money, Party, PaymentReturn, Remittance, Transaction
from breakdesk.parsers.swift import values as v
from breakdesk.parsers.swift.fields import RawField
from breakdesk.parsers.swift.parties import read_agent, read_party
from breakdesk.parsers.swift.reading import MessageContext

_CHARGE_BEARER = {"OUR": "DEBT", "SHA": "SHAR", "BEN": "CRED"}
_ROC = re.compile(r"/ROC/([^/\n]+)")
#: Reason-code lines of a return/reject :72:. The guideline form is `/AC01/text`; banks also write
#: `/RC/AC01/text` and `/ReasonCode/AC01` (GoPlasmatic samples).
_REASON_LINES = (
    re.compile(r"/([A-Z]{2}\d{2})/?(.*)"),
    re.compile(r"/RC/([A-Z]{2}\d{2})/?(.*)"),
    re.compile(r"/REASON ?CODE/([A-Z]{2}\d{2})/?(.*)", re.I),
)
_KEYED_LINE = re.compile(r"/([A-Za-z]+)/(.*)")
_SEQUENCE_A = {"20", "21", "13C", "32A", "52", "53", "54", "56", "57", "58", "72"}
_ALLOWED = {
    "20", "21", "13C", "23B", "23E", "26T", "32A", "33B", "36", "50", "51", "52", "53", "54", "55", "56", "57", "58",
    "59", "70", "71A", "71F", "71G", "72", "77B", "77T",
}


def split_cover(fields: list[RawField]) -> tuple[list[RawField], list[RawField]]:
    """MT202COV: sequence A is everything before the first 50a, sequence B the rest."""
    for i, f in enumerate(fields):
        if f.tag[:2] == "50":
            return fields[:i], fields[i:]
    return fields, []


def read_transaction(ctx: MessageContext, fields: list[RawField], *, cover_b: bool = False) -> Transaction:
    data: dict = {
        "charges": [], "intermediaries": [], "instructions_for_agents": [], "regulatory_reporting": [],
        "instruction_codes": [],
    }
    remittance: list[str] = []
    first_line = fields[0].line if fields else ctx.line
    for f in fields:
        tag, number = f.tag, f.number
        if number not in _ALLOWED and tag not in _ALLOWED:
            raise ctx.error(f"does not belong in an {ctx.message_type}", f)
        if tag == "20":
            ref = ctx.read(f)["reference"]
            data["instruction_id"] = data["transaction_id"] = ref
            first_line = f.line
        elif tag == "21":
            ref = ctx.read(f)["reference"]
            if ctx.message_type.startswith(("MT202", "MT205")) or cover_b:
                data["end_to_end_id"] = ref
            else:
                data["related_reference"] = ref
        elif tag == "32A":
            g = ctx.read(f)
            data["settlement_date"], data["currency"], data["amount"] = g["date"], g["currency"], g["amount"]
        elif tag == "32B" or tag == "33B":
            g = ctx.read(f)
            money = Money(amount=g["amount"], currency=g["currency"])
            data["instructed_amount"] = money
            if cover_b and "amount" not in data:
                data["amount"], data["currency"] = g["amount"], g["currency"]
        elif tag == "36":
            data["exchange_rate"] = ctx.read(f)["rate"]
        elif tag == "71A":
            data["charge_bearer"] = _CHARGE_BEARER[ctx.read(f)["code"]]
        elif tag in ("71F", "71G"):
            g = ctx.read(f)
            data["charges"].append(Money(amount=g["amount"], currency=g["currency"]))
        elif tag == "23B":
            data["local_instrument"] = ctx.read(f)["code"]  # bank operation code: CRED, SPRI, SSTD …
        elif tag == "23E":
            g = ctx.read(f)
            if g["code"] == "SDVA":  # same-day value is a service level in ISO 20022
                data["service_level"] = "SDVA"
            else:
                data["instruction_codes"].append(f"/{g['code']}/{g['info'] or ''}".rstrip("/"))
        elif tag == "26T":
            data["purpose"] = ctx.read(f)["code"]
        elif tag == "13C":
            ctx.read(f)
        elif number == "50":
            data["debtor"] = read_party(ctx, f)
        elif number == "59":
            data["creditor"] = read_party(ctx, f)
        elif number == "52":
            data["debtor_agent"] = read_agent(ctx, f)
        elif number in ("53", "54", "55", "56"):
            data["intermediaries"].append(read_agent(ctx, f))
        elif number == "57":
            data["creditor_agent"] = read_agent(ctx, f)
        elif number == "58":
            # MT202: the beneficiary institution is the creditor.
            agent = read_agent(ctx, f)
            data["creditor_institution"] = agent
        elif number == "51":
            data["instructing_agent"] = read_agent(ctx, f)
        elif tag == "70":
            remittance.extend(line for line in f.value.split("\n") if line.strip())
        elif tag == "72":
            data["instructions_for_agents"].extend(line for line in f.value.split("\n") if line.strip())
        elif tag in ("77B", "77T"):
            data["regulatory_reporting"].extend(line for line in f.value.split("\n") if line.strip())
        else:
            raise ctx.error(f"does not belong in an {ctx.message_type}", f)
    if "amount" not in data:
        if cover_b:
            data["amount"], data["currency"] = None, None
        else:
            raise ctx.missing("32A")  # located at the message, as `mandatory.check_mandatory` does
    bank_transfer = ctx.message_type.startswith(("MT202", "MT205")) and not cover_b
    return _build(ctx, data, remittance, first_line, bank_transfer)


def _institution(agent: Agent) -> Party:
    """MT202 parties are banks: 52a ordering institution = debtor, 58a beneficiary institution = creditor."""
    return Party(
        name=agent.name, identifiers=[agent.bic] if agent.bic else [], account=agent.account,
        account_scheme=v.account_scheme(agent.account), address=agent.address, provenance=agent.provenance,
    )


def _build(ctx: MessageContext, data: dict, remittance: list[str], line: int, bank_transfer: bool) -> Transaction:
    debtor: Party = data.get("debtor") or Party()
    creditor: Party = data.get("creditor") or Party()
    if data.get("debtor_agent"):
        if bank_transfer and not data.get("debtor"):
            debtor = _institution(data["debtor_agent"])
        else:
            debtor.agent = data["debtor_agent"]
    if data.get("creditor_institution") and not data.get("creditor"):
        creditor = _institution(data["creditor_institution"])
    if data.get("creditor_agent"):
        creditor.agent = data["creditor_agent"]
    e2e = data.get("end_to_end_id")
    if e2e is None:
        m = _ROC.search("\n".join(remittance))
        if m:
            e2e = m.group(1).strip()
    return Transaction(
        provenance=ctx.provenance(line),
        message_id=data.get("instruction_id"),
        instruction_id=data.get("instruction_id"),
        transaction_id=data.get("transaction_id"),
        end_to_end_id=e2e,
        amount=data["amount"] if data["amount"] is not None else 0,
        currency=data["currency"] or "",
        instructed_amount=data.get("instructed_amount"),
        exchange_rate=data.get("exchange_rate"),
        charge_bearer=data.get("charge_bearer"),
        charges=data["charges"],
        service_level=data.get("service_level"),
        local_instrument=data.get("local_instrument"),
        purpose=data.get("purpose"),
        settlement_date=data.get("settlement_date"),
        debtor=debtor,
        creditor=creditor,
        instructing_agent=data.get("instructing_agent"),
        intermediaries=data["intermediaries"],
        remittance=Remittance(unstructured=remittance),
        instructions_for_agents=data["instruction_codes"] + data["instructions_for_agents"],
        regulatory_reporting=data["regulatory_reporting"],
    )


def return_of(
    ctx: MessageContext, tx: Transaction, field72: RawField, *, related: str | None = None
) -> PaymentReturn | None:
    """A `PaymentReturn` when :72: follows the return/reject guideline (`/RETN/` or `/REJT/` first)."""
    lines = [line.strip() for line in field72.value.split("\n") if line.strip()]
    if not lines or not (lines[0].upper().startswith("/RETN/") or lines[0].upper().startswith("/REJT/")):
        return None
    kind = "return" if lines[0].upper().startswith("/RETN/") else "reject"
    info: list[str] = []
    first_rest = lines[0][6:].strip()
    if first_rest:
        info.append(first_rest)
    code = None
    original_instruction = original_e2e = None
    current_text = False
    for line in lines[1:]:
        matched = False
        if code is None:
            for rx in _REASON_LINES:
                m = rx.fullmatch(line)
                if m:  # a code is two letters and two digits, so /MREF/, /TREF/, /TEXT/ never match
                    code = m.group(1).upper()
                    if m.group(2).strip():
                        info.append(m.group(2).strip())
                    matched = True
                    break
        if matched:
            current_text = False
            continue
        km = _KEYED_LINE.fullmatch(line)
        if km:
            key, value = km.group(1).upper(), km.group(2).strip()
            current_text = key == "TEXT"
            if key == "MREF":
                original_instruction = value or None
            elif key == "TREF":
                original_e2e = value or None
            elif key in ("TEXT", "RTRN", "RREF", "CHGS"):
                if key == "RTRN" and re.fullmatch(r"[A-Z]{2}\d{2}", value):
                    code = code or value
                if value and key != "RREF":
                    info.append(value)
            else:
                info.append(line)
        elif current_text or line.startswith("//"):
            info.append(line.lstrip("/"))
        else:
            info.append(line)
    return PaymentReturn(
        provenance=ctx.provenance(field72.line),
        kind=kind,
        return_id=tx.instruction_id,
        original_message_type=ctx.message_type,
        original_instruction_id=original_instruction or related,
        original_end_to_end_id=original_e2e,
        returned_amount=tx.amount,
        currency=tx.currency,
        settlement_date=tx.settlement_date,
        reason_code=code,
        additional_info=info,
        charge_bearer=tx.charge_bearer,
        charges=list(tx.charges),
        debtor=tx.debtor,
        creditor=tx.creditor,
    )
