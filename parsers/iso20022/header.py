"""Header facts: the business application header (head.001 or the older `$ahV10`) + the group header.

`GrpHdr` wins over `AppHdr` where both say the same thing (message id, creation time), because it is
part of the signed business document; the AppHdr's own identifiers go to `business_message_id` etc.
Messages without a `GrpHdr` (camt.056/029 v01…) use their `Assgnmt` instead.
"""

from __future__ import annotations

import re

from breakdesk.parsers.canonical import Header, Money
from breakdesk.parsers.iso20022.common import agent, party
from breakdesk.parsers.iso20022.locate import message_type_from_namespace
from breakdesk.parsers.iso20022.node import Node, namespace_of

_DN_BIC = re.compile(r"ou=([a-z0-9]{8}|[a-z0-9]{11})(?:,|$)", re.IGNORECASE)


def application_header_type(app_hdr: Node) -> str:
    """`head.001.001.02`, `$ahV10`, or the namespace of a wrapper-specific header (TCH)."""
    candidates = [namespace_of(app_hdr.el)] + [namespace_of(c.el) for c in app_hdr.children()]
    for ns in candidates:
        found = message_type_from_namespace(ns)
        if found and found[1] == "head.001":
            return found[0]
    ns = namespace_of(app_hdr.el) or ""
    if "$ah" in ns:
        return ns.rsplit(":", 1)[-1]
    return ns or "AppHdr"


def _bic_from(node: Node | None) -> str | None:
    if node is None:
        return None
    a = agent(node.first("FIId", "FIId/FinInstnId") or node)
    if a and a.bic:
        return a.bic
    v = node.text("OrgId/Id/OrgId/AnyBIC")
    if v:
        return v
    dn = node.text("Id")  # $ahV10: <From><Type>DN</Type><Id>cn=…,ou=abcdchzz,o=swift</Id>
    m = _DN_BIC.search(dn or "")
    return m.group(1).upper() if m else None


def read_header(app_hdr: Node | None, msg_root: Node, envelope: str | None) -> Header:
    h = Header(envelope=envelope)
    if app_hdr is not None:
        h.has_application_header = True
        h.application_header_type = application_header_type(app_hdr)
        h.sender_bic = _bic_from(app_hdr.first("Fr", "From"))
        h.receiver_bic = _bic_from(app_hdr.first("To"))
        h.business_message_id = app_hdr.text("BizMsgIdr", "MsgRef")
        h.message_definition_id = app_hdr.text("MsgDefIdr")
        h.business_service = app_hdr.text("BizSvc")
        h.priority = app_hdr.text("Prty")
        h.created_at = app_hdr.datetime("CreDt", "CrDate")
    grp = msg_root.child("GrpHdr")
    if grp is not None:
        h.message_id = grp.text("MsgId") or h.message_id
        h.created_at = grp.datetime("CreDtTm") or h.created_at
        h.number_of_transactions = grp.integer("NbOfTxs")
        h.control_sum = grp.decimal("CtrlSum")
        amt, ccy = grp.amount("TtlIntrBkSttlmAmt")
        if amt is not None and ccy:
            h.total_settlement_amount = Money(amount=amt, currency=ccy)
        h.settlement_method = grp.text("SttlmInf/SttlmMtd")
        h.settlement_date = grp.date("IntrBkSttlmDt")
        initg = grp.child("InitgPty")
        if initg is not None:
            h.initiating_party = party(initg)
    else:
        assignment = msg_root.child("Assgnmt")
        if assignment is not None:
            h.message_id = assignment.text("Id")
            h.created_at = assignment.datetime("CreDtTm") or h.created_at
    return h
