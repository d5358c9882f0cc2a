"""camt.029 resolution of investigation (v03 … v13): answers to cancellation requests.

The overall answer is `Sts/Conf` (CNCL, RJCR, PDCR …); per transaction `CxlDtls/TxInfAndSts/TxCxlSts`
with `CxlStsRsnInf`. Without transaction details the message gives one answer from `Sts/Conf`.
"""

from __future__ import annotations

from breakdesk.parsers.canonical import CancellationAnswer, Message
from breakdesk.parsers.iso20022.node import Node
from breakdesk.parsers.iso20022.original import original_ids, reason_fields, reasons
from breakdesk.parsers.iso20022.registry import register


@register("camt.029", kind="cancellation_answer", roots=("RsltnOfInvstgtn",))
def read_camt029(root: Node, message: Message) -> None:
    common = dict(
        case_id=root.text("RslvdCase/Id", "Case/Id"),
        assignment_id=root.text("Assgnmt/Id"),
        resolved_case_id=root.text("RslvdCase/Id"),
    )
    conf = root.text("Sts/Conf", "Sts/Cd")
    for details in root.children("CxlDtls"):
        group = details.child("OrgnlGrpInfAndSts")
        for tx in details.children("TxInfAndSts"):
            found = reasons(tx, "CxlStsRsnInf")
            message.answers.append(
                CancellationAnswer(
                    provenance=tx.provenance(),
                    status=tx.text("TxCxlSts") or conf,
                    cancellation_status_id=tx.text("CxlStsId"),
                    **common,
                    **original_ids(tx, group),
                    **reason_fields(found),
                )
            )
    if not message.answers:
        sts = root.child("Sts")
        if sts is None:
            raise root.error("<RsltnOfInvstgtn> has no <Sts> and no transaction details")
        message.answers.append(CancellationAnswer(provenance=sts.provenance(), status=conf, **common))
