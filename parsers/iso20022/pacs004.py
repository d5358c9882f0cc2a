"""pacs.004 payment return (v02 … v13): one `PaymentReturn` per `TxInf`.

The returned debtor/creditor are in `RtrChain` from v09 on and in `OrgnlTxRef` before.
"""

from __future__ import annotations

from breakdesk.parsers.canonical import Message, PaymentReturn
from breakdesk.parsers.iso20022.common import charges, party
from breakdesk.parsers.iso20022.node import Node
from breakdesk.parsers.iso20022.original import original_ids, reason_fields, reasons
from breakdesk.parsers.iso20022.registry import register


def _side(tx: Node, role: str):
    chain = tx.child("RtrChain")
    if chain is not None and chain.child(role) is not None:
        holder = chain.child(role)
        return party(holder, account_node=chain.child(f"{role}Acct"), agent_node=chain.child(f"{role}Agt"))
    ref = tx.child("OrgnlTxRef")
    if ref is not None:
        return party(ref.child(role), account_node=ref.child(f"{role}Acct"), agent_node=ref.child(f"{role}Agt"))
    return None


@register("pacs.004", kind="return", roots=("PmtRtr",))
def read_pacs004(root: Node, message: Message) -> None:
    group = root.child("OrgnlGrpInf")
    txs = list(root.children("TxInf"))
    if not txs:
        raise root.error("<PmtRtr> has no <TxInf> element")
    for tx in txs:
        found = reasons(tx, "RtrRsnInf")
        amt, ccy = tx.amount("RtrdIntrBkSttlmAmt")
        message.returns.append(
            PaymentReturn(
                provenance=tx.provenance(),
                return_id=tx.text("RtrId"),
                returned_amount=amt,
                currency=ccy,
                settlement_date=tx.date("IntrBkSttlmDt") or message.header.settlement_date,
                charge_bearer=tx.text("ChrgBr"),
                charges=charges(tx),
                debtor=_side(tx, "Dbtr"),
                creditor=_side(tx, "Cdtr"),
                **original_ids(tx, group),
                **reason_fields(found),
            )
        )
