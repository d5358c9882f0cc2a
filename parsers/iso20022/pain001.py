"""pain.001 customer credit transfer initiation (v03 … v11, SIX/DK variants).

Debtor, debtor agent, execution date and charge bearer live on the `PmtInf` block and apply to each of
its `CdtTrfTxInf`. `ReqdExctnDt` is a plain date up to v07 and `ReqdExctnDt/Dt|DtTm` from v08.
"""

from __future__ import annotations

from breakdesk.parsers.canonical import Message, PaymentGroup, Transaction
from breakdesk.parsers.iso20022.common import agent, charges, money, party, remittance
from breakdesk.parsers.iso20022.node import Node
from breakdesk.parsers.iso20022.payments import _code, _instructions, _parties, _regulatory
from breakdesk.parsers.iso20022.registry import register


@register("pain.001", kind="payment", roots=("CstmrCdtTrfInitn",))
def read_pain001(root: Node, message: Message) -> None:
    blocks = list(root.children("PmtInf"))
    if not blocks:
        raise root.error("<CstmrCdtTrfInitn> has no <PmtInf> element")
    for pmt in blocks:
        info_id = pmt.text("PmtInfId")
        exec_date = pmt.date("ReqdExctnDt")
        debtor = party(pmt.child("Dbtr"), account_node=pmt.child("DbtrAcct"), agent_node=pmt.child("DbtrAgt"))
        message.payment_groups.append(
            PaymentGroup(
                provenance=pmt.provenance(),
                payment_info_id=info_id,
                number_of_transactions=pmt.integer("NbOfTxs"),
                control_sum=pmt.decimal("CtrlSum"),
                requested_execution_date=exec_date,
                debtor=debtor,
            )
        )
        for tx in pmt.children("CdtTrfTxInf"):
            amount, currency = tx.amount("Amt/InstdAmt", "Amt/EqvtAmt/Amt")
            if amount is None:
                raise tx.error("transaction without Amt/InstdAmt")
            message.transactions.append(
                Transaction(
                    provenance=tx.provenance(),
                    message_id=message.header.message_id,
                    payment_info_id=info_id,
                    instruction_id=tx.text("PmtId/InstrId"),
                    end_to_end_id=tx.text("PmtId/EndToEndId"),
                    uetr=tx.text("PmtId/UETR"),
                    amount=amount,
                    currency=currency or "",
                    instructed_amount=money(tx.find("Amt/InstdAmt")),
                    exchange_rate=tx.decimal("XchgRateInf/XchgRate"),
                    charge_bearer=tx.text("ChrgBr") or pmt.text("ChrgBr"),
                    charges=charges(tx),
                    payment_method=pmt.text("PmtMtd"),
                    service_level=_code(tx, "PmtTpInf/SvcLvl") or _code(pmt, "PmtTpInf/SvcLvl"),
                    local_instrument=_code(tx, "PmtTpInf/LclInstrm") or _code(pmt, "PmtTpInf/LclInstrm"),
                    category_purpose=_code(tx, "PmtTpInf/CtgyPurp") or _code(pmt, "PmtTpInf/CtgyPurp"),
                    purpose=_code(tx, "Purp"),
                    requested_execution_date=exec_date,
                    initiating_party=message.header.initiating_party,
                    intermediaries=[a for t in ("IntrmyAgt1", "IntrmyAgt2", "IntrmyAgt3") if (a := agent(tx.child(t)))],
                    remittance=remittance(tx.child("RmtInf")),
                    instructions_for_agents=_instructions(tx),
                    regulatory_reporting=_regulatory(tx),
                    **_parties(tx, debtor_from=pmt),
                )
            )
