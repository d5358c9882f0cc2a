"""MT192/292 requests for cancellation and MT196/296 answers → `CancellationRequest` / `CancellationAnswer`.

Identifiers follow the CBPR+ translation: the request's :20: is the case (and cancellation) id, its
:21: the original message's :20:; the answer's :21: points back at the request (resolved case).
"""

from __future__ import annotations

import re

from breakdesk.parsers.canonical import CancellationAnswer, CancellationRequest
from breakdesk.parsers.swift import values as v
from breakdesk.parsers.swift.parties import read_party
from breakdesk.parsers.swift.reading import MessageContext
from breakdesk.parsers.swift.reasons import CANCELLATION_REASONS, leading_code
from breakdesk.parsers.swift.values import ValueProblem

_ANSWER = re.compile(r"\s*/([A-Z]{4})/(?:([A-Z]{2}\d{2}|[A-Z]{4})(?=[\s/]|$))?")


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()]


def read_cancellation_request(ctx: MessageContext) -> CancellationRequest:
    data: dict = {"additional_info": []}
    line = ctx.line
    for f in ctx.fields:
        tag = f.tag
        if tag == "20":
            data["cancellation_id"] = data["case_id"] = ctx.read(f)["reference"]
            line = f.line
        elif tag == "21":
            data["original_instruction_id"] = ctx.read(f)["reference"]
        elif tag == "11S":
            g = ctx.read(f)
            data["original_message_type"] = f"MT{g['mt']}"
            data["original_message_date"] = g["date"]
        elif tag == "79":
            text = f.value
            code = leading_code(text)
            if code and code in CANCELLATION_REASONS:
                data["reason_code"] = code
            elif code:
                data["reason_proprietary"] = code
            data["additional_info"].extend(_lines(text))
        elif tag == "32A":  # copy of the original's mandatory fields
            g = ctx.read(f)
            data["original_amount"], data["original_currency"] = g["amount"], g["currency"]
            data["original_settlement_date"] = g["date"]
        elif tag in ("32B", "33B"):
            g = ctx.read(f)
            data.setdefault("original_amount", g["amount"])
            data.setdefault("original_currency", g["currency"])
        elif f.number == "50":
            data["debtor"] = read_party(ctx, f)
        elif f.number == "59":
            data["creditor"] = read_party(ctx, f)
        elif tag == "121":  # a copy of the original's UETR some senders put in block 4
            try:
                data["original_uetr"] = v.uetr(f.value.strip())
            except ValueProblem as exc:
                raise ctx.error(str(exc), f) from None
        # Any other copied field of the original message is kept out of the model on purpose.
    if "cancellation_id" not in data:
        raise ctx.missing("20")
    return CancellationRequest(provenance=ctx.provenance(line), **data)


def read_cancellation_answer(ctx: MessageContext) -> CancellationAnswer:
    data: dict = {"additional_info": []}
    line = ctx.line
    for f in ctx.fields:
        tag = f.tag
        if tag == "20":
            data["assignment_id"] = data["cancellation_status_id"] = ctx.read(f)["reference"]
            line = f.line
        elif tag == "21":
            data["resolved_case_id"] = ctx.read(f)["reference"]
        elif tag == "76":
            # `/CNCL/`, `/PDCR/`, or a refusal with its reason right after it: `/RJCR/LEGL/`, `/RJCR/AC04`
            answer = _ANSWER.match(f.value)
            data["status"] = answer.group(1) if answer else leading_code(f.value)
            if answer and answer.group(2):
                data["reason_code"] = answer.group(2)
            data["additional_info"].extend(_lines(f.value))
        elif tag in ("77A", "79"):
            data["additional_info"].extend(_lines(f.value))
            if tag == "79":
                code = leading_code(f.value)
                if code and code in CANCELLATION_REASONS:
                    data.setdefault("reason_code", code)
        elif tag in ("11R", "11S"):
            g = ctx.read(f)
            data["original_message_type"] = f"MT{g['mt']}"
            data["original_message_date"] = g["date"]
        elif tag == "32A":
            g = ctx.read(f)
            data["original_amount"], data["original_currency"] = g["amount"], g["currency"]
    if "assignment_id" not in data:
        raise ctx.missing("20")
    if "76" not in {f.tag for f in ctx.fields}:
        raise ctx.missing("76")
    return CancellationAnswer(provenance=ctx.provenance(line), **data)
