"""Shared reader of payment status reports (pain.002, pacs.002), at three levels.

* group: `OrgnlGrpInfAndSts/GrpSts` (only when a status or reason is given: pacs.002 v10 often sends
  the block just to name the original message);
* payment information (pain.002): `OrgnlPmtInfAndSts/PmtInfSts`;
* transaction: `TxInfAndSts/TxSts`, top-level (pacs.002) or inside `OrgnlPmtInfAndSts` (pain.002).
"""

from __future__ import annotations

from breakdesk.parsers.canonical import Message, Status
from breakdesk.parsers.iso20022.common import party
from breakdesk.parsers.iso20022.node import Node
from breakdesk.parsers.iso20022.original import original_ids, reason_fields, reasons


def _group_status(g: Node) -> Status | None:
    found = reasons(g, "StsRsnInf")
    status = g.text("GrpSts")
    if status is None and not found:
        return None
    return Status(
        provenance=g.provenance(),
        level="group",
        status=status,
        reasons=found,
        original_message_id=g.text("OrgnlMsgId"),
        original_message_type=g.text("OrgnlMsgNmId"),
        **reason_fields(found),
    )


def _tx_status(tx: Node, group: Node | None, payment_info_id: str | None) -> Status:
    found = reasons(tx, "StsRsnInf")
    ref = tx.child("OrgnlTxRef")
    return Status(
        provenance=tx.provenance(),
        level="transaction",
        status=tx.text("TxSts"),
        reasons=found,
        status_id=tx.text("StsId"),
        original_payment_info_id=payment_info_id,
        acceptance_datetime=tx.datetime("AccptncDtTm"),
        effective_date=tx.date("FctvIntrBkSttlmDt", "FctvIntrBkSttlmDt/Dt"),
        debtor=party(ref.find("Dbtr"), account_node=ref.child("DbtrAcct"), agent_node=ref.child("DbtrAgt"))
        if ref is not None
        else None,
        creditor=party(ref.find("Cdtr"), account_node=ref.child("CdtrAcct"), agent_node=ref.child("CdtrAgt"))
        if ref is not None
        else None,
        **original_ids(tx, group),
        **reason_fields(found),
    )


def read_statuses(root: Node, message: Message) -> None:
    groups = list(root.children("OrgnlGrpInfAndSts"))
    group = groups[0] if groups else None
    for g in groups:
        if (s := _group_status(g)) is not None:
            message.statuses.append(s)
    for pmt in root.children("OrgnlPmtInfAndSts"):
        info_id = pmt.text("OrgnlPmtInfId")
        found = reasons(pmt, "StsRsnInf")
        if pmt.text("PmtInfSts") or found:
            message.statuses.append(
                Status(
                    provenance=pmt.provenance(),
                    level="payment_info",
                    status=pmt.text("PmtInfSts"),
                    reasons=found,
                    original_payment_info_id=info_id,
                    original_message_id=group.text("OrgnlMsgId") if group is not None else None,
                    original_message_type=group.text("OrgnlMsgNmId") if group is not None else None,
                    **reason_fields(found),
                )
            )
        message.statuses.extend(_tx_status(tx, group, info_id) for tx in pmt.children("TxInfAndSts"))
    message.statuses.extend(_tx_status(tx, group, None) for tx in root.children("TxInfAndSts"))
    if not message.statuses:
        raise root.error(f"<{root.name}> reports no status (no GrpSts, PmtInfSts or TxInfAndSts)")
