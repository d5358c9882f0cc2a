"""Building blocks every family shares: parties, agents, accounts, remittance, reasons.

Objects are built with `construct` (no pydantic re-validation): every value here is already typed by
`Node` (str, Decimal, date) or checked. Absent optional branches are skipped with `Node.has` before
any path under them is tried, which is most of the work on real statements.

Version differences handled here, once:
* agent BIC is `FinInstnId/BICFI` from v08 on and `FinInstnId/BIC` before;
* a camt party is `Dbtr/Pty` from v08 on and `Dbtr` directly before;
* an account is `Id/IBAN` or `Id/Othr/Id` (with `SchmeNm/Cd|Prtry`).
"""

from __future__ import annotations

from breakdesk.parsers.canonical import Agent, Money, Party, PostalAddress, Reason, Remittance, StructuredRemittance
from breakdesk.parsers.construct import construct
from breakdesk.parsers.iso20022.node import Node

_ADDRESS_FIELDS = {
    "StrtNm": "street_name",
    "BldgNb": "building_number",
    "PstCd": "post_code",
    "TwnNm": "town_name",
    "CtrySubDvsn": "country_sub_division",
    "Ctry": "country",
}


def address(node: Node | None) -> PostalAddress | None:
    if node is None:
        return None
    values = {attr: node.text(tag) for tag, attr in _ADDRESS_FIELDS.items()}
    lines = node.texts("AdrLine")
    if not any(values.values()) and not lines:
        return None
    return construct(PostalAddress, **values, address_lines=lines)


def account(node: Node | None) -> tuple[str | None, str | None, str | None]:
    """(account id, scheme, currency) of a CashAccount: IBAN, or Othr/Id with its scheme or None."""
    if node is None:
        return None, None, None
    ccy = node.text("Ccy")
    iban = node.text("Id/IBAN")
    if iban:
        return iban.replace(" ", ""), "IBAN", ccy
    other = node.find("Id/Othr")
    if other is not None:
        return other.text("Id"), other.text("SchmeNm/Cd", "SchmeNm/Prtry"), ccy
    return None, None, ccy


def agent(node: Node | None) -> Agent | None:
    """A FinInstnId holder (DbtrAgt, InstgAgt, Fr/FIId, Svcr …) or a FinInstnId itself."""
    if node is None:
        return None
    fin = node.child("FinInstnId") or (node if node.name == "FinInstnId" else None)
    if fin is None:
        return None
    bic = fin.text("BICFI", "BIC")
    member = fin.find("ClrSysMmbId")
    result = construct(
        Agent,
        bic=bic,
        clearing_system_member_id=member.text("MmbId") if member is not None else None,
        clearing_system=member.text("ClrSysId/Cd", "ClrSysId/Prtry") if member is not None else None,
        name=fin.text("Nm"),
        address=address(fin.child("PstlAdr")) if fin.has("PstlAdr") else None,
        account=None,
        provenance=node.provenance(),
    )
    if not any((result.bic, result.clearing_system_member_id, result.name)):
        return None
    return result


def _identifiers(node: Node) -> list[str]:
    ids: list[str] = []
    for path in ("Id/OrgId/AnyBIC", "Id/OrgId/BICOrBEI", "Id/OrgId/LEI"):
        v = node.text(path)
        if v:
            ids.append(v)
    for path in ("Id/OrgId/Othr", "Id/PrvtId/Othr"):
        ids.extend(v for n in node.find_all(path) if (v := n.text("Id")))
    birth = node.find("Id/PrvtId/DtAndPlcOfBirth")
    if birth is not None:
        # a private person identified by birth date and place: kept as one readable identifier
        parts = [birth.text(t) for t in ("BirthDt", "CityOfBirth", "PrvcOfBirth", "CtryOfBirth")]
        ids.append("born " + ", ".join(p for p in parts if p))
    return ids


def party(
    node: Node | None,
    *,
    account_node: Node | None = None,
    agent_node: Node | None = None,
) -> Party | None:
    """A debtor/creditor with its account and bank. `node` may be the v08+ `Pty` wrapper's parent."""
    acct, scheme, ccy = account(account_node) if account_node is not None else (None, None, None)
    agt = agent(agent_node) if agent_node is not None else None
    if node is not None and node.has("Pty"):
        node = node.child("Pty")  # camt v08+: RltdPties/Dbtr/Pty
    name = adr = None
    ids: list[str] = []
    residence = None
    if node is not None:
        kids = node.kids()
        name = node.text("Nm")
        adr = address(node.child("PstlAdr")) if "PstlAdr" in kids else None
        ids = _identifiers(node) if "Id" in kids else []
        residence = node.text("CtryOfRes") if "CtryOfRes" in kids else None
        if "FinInstnId" in kids:
            # a party that is itself a bank (pacs.009 Dbtr/Cdtr): its BIC is its identifier, and it is
            # its own agent unless a DbtrAgt/CdtrAgt is given
            bank = agent(node)
            if bank is not None:
                ids = [i for i in (bank.bic, bank.clearing_system_member_id) if i] + ids
                name = name or bank.name
                agt = agt or bank
    if not any((name, adr, ids, acct, agt, residence)):
        return None
    return construct(
        Party,
        name=name,
        address=adr,
        account=acct,
        account_scheme=scheme,
        account_currency=ccy,
        agent=agt,
        identifiers=ids,
        country_of_residence=residence,
        provenance=(node or account_node or agent_node).provenance(),  # type: ignore[union-attr]
    )


def remittance(node: Node | None) -> Remittance:
    if node is None:
        return construct(Remittance)
    structured: list[StructuredRemittance] = []
    for s in node.children("Strd") if node.has("Strd") else ():
        amt, ccy = s.amount("RfrdDocAmt/RmtdAmt", "RfrdDocAmt/DuePyblAmt")
        structured.append(
            construct(
                StructuredRemittance,
                creditor_reference=s.text("CdtrRefInf/Ref"),
                creditor_reference_type=s.text("CdtrRefInf/Tp/CdOrPrtry/Cd", "CdtrRefInf/Tp/CdOrPrtry/Prtry"),
                referred_document_type=s.text("RfrdDocInf/Tp/CdOrPrtry/Cd", "RfrdDocInf/Tp/CdOrPrtry/Prtry"),
                referred_document_number=s.text("RfrdDocInf/Nb"),
                referred_document_date=s.date("RfrdDocInf/RltdDt/Dt", "RfrdDocInf/RltdDt"),
                amount=amt,
                currency=ccy,
                additional_info=s.texts("AddtlRmtInf"),
            )
        )
    return construct(Remittance, unstructured=node.texts("Ustrd"), structured=structured)


def reason(node: Node | None, *, reason_tag: str = "Rsn") -> Reason | None:
    """StsRsnInf / RtrRsnInf / CxlRsnInf: `Rsn/Cd|Prtry`, `AddtlInf`, `Orgtr`."""
    if node is None:
        return None
    r = construct(
        Reason,
        code=node.text(f"{reason_tag}/Cd"),
        proprietary=node.text(f"{reason_tag}/Prtry"),
        additional_info=node.texts("AddtlInf"),
        originator=node.text("Orgtr/Nm", "Orgtr/Id/OrgId/AnyBIC", "Orgtr/Id/OrgId/BICOrBEI"),
    )
    if not any((r.code, r.proprietary, r.additional_info, r.originator)):
        return None
    return r


def money(node: Node | None) -> Money | None:
    if node is None or node.value is None:
        return None
    amt = node.decimal()
    ccy = node.attr("Ccy")
    if amt is None or not ccy:
        return None
    return construct(Money, amount=amt, currency=ccy)


def charges(node: Node) -> list[Money]:
    out = []
    for c in node.children("ChrgsInf"):
        m = money(c.child("Amt"))
        if m:
            out.append(m)
    return out
