"""camt.056 FI to FI payment cancellation request (v01 … v11).

Transactions are `Undrlyg/TxInf` (or `Undrlyg/OrgnlPmtInfAndCxl/TxInf`). The reason is
`CxlRsnInf/CxlRsn/Cd` in v01 and `CxlRsnInf/Rsn/Cd` later; the case is on the message in v01 and may be
on the transaction later.
"""

from __future__ import annotations

from breakdesk.parsers.canonical import CancellationRequest, Message
from breakdesk.parsers.iso20022.common import party
from breakdesk.parsers.iso20022.node import Node
from breakdesk.parsers.iso20022.original import original_ids, reason_fields, reasons
from breakdesk.parsers.iso20022.registry import register


@register("camt.056", kind="cancellation_request", roots=("FIToFIPmtCxlReq",))
def read_camt056(root: Node, message: Message) -> None:
    case_id = root.text("Case/Id")
    assignment_id = root.text("Assgnmt/Id")
    found_any = False
    for und in root.children("Undrlyg"):
        group = und.child("OrgnlGrpInfAndCxl") or und.child("OrgnlGrpInf")
        txs = list(und.children("TxInf")) + list(und.find_all("OrgnlPmtInfAndCxl/TxInf"))
        for tx in txs:
            found_any = True
            found = reasons(tx, "CxlRsnInf", reason_tag="CxlRsn" if tx.find("CxlRsnInf/CxlRsn") else "Rsn")
            ref = tx.child("OrgnlTxRef")
            message.cancellations.append(
                CancellationRequest(
                    provenance=tx.provenance(),
                    case_id=tx.text("Case/Id") or case_id,
                    assignment_id=assignment_id,
                    cancellation_id=tx.text("CxlId"),
                    original_settlement_date=tx.date("OrgnlIntrBkSttlmDt"),
                    debtor=party(ref.child("Dbtr"), account_node=ref.child("DbtrAcct"), agent_node=ref.child("DbtrAgt"))
                    if ref is not None
                    else None,
                    creditor=party(ref.child("Cdtr"), account_node=ref.child("CdtrAcct"), agent_node=ref.child("CdtrAgt"))
                    if ref is not None
                    else None,
                    **original_ids(tx, group),
                    **reason_fields(found),
                )
            )
    if not found_any:
        raise root.error("<FIToFIPmtCxlReq> has no <Undrlyg>/<TxInf> element")
