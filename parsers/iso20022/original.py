"""Reading the "original" references every follow-up message (status, return, recall, answer) carries.

`OrgnlGrpInf` sits on the transaction from pacs.002 v10 / pacs.004 v09 on, and on the message before;
callers pass the message-level one as the fallback.
"""

from __future__ import annotations

from breakdesk.parsers.canonical import Reason
from breakdesk.parsers.iso20022.common import reason
from breakdesk.parsers.iso20022.node import Node


def original_ids(tx: Node, group: Node | None = None) -> dict:
    grp = tx.child("OrgnlGrpInf") or group
    amt, ccy = tx.amount(
        "OrgnlIntrBkSttlmAmt", "OrgnlTxRef/IntrBkSttlmAmt", "OrgnlTxRef/Amt/InstdAmt", "OrgnlInstdAmt"
    )
    return dict(
        original_message_id=(grp.text("OrgnlMsgId") if grp is not None else None),
        original_message_type=(grp.text("OrgnlMsgNmId") if grp is not None else None),
        original_instruction_id=tx.text("OrgnlInstrId"),
        original_end_to_end_id=tx.text("OrgnlEndToEndId"),
        original_transaction_id=tx.text("OrgnlTxId"),
        original_uetr=tx.text("OrgnlUETR"),
        original_amount=amt,
        original_currency=ccy,
    )


def reasons(node: Node, tag: str, *, reason_tag: str = "Rsn") -> list[Reason]:
    return [r for n in node.children(tag) if (r := reason(n, reason_tag=reason_tag))]


def reason_fields(found: list[Reason]) -> dict:
    """Flat reason fields: the first code / proprietary code, every additional-info line."""
    return dict(
        reason_code=next((r.code for r in found if r.code), None),
        reason_proprietary=next((r.proprietary for r in found if r.proprietary), None),
        additional_info=[line for r in found for line in r.additional_info],
    )
