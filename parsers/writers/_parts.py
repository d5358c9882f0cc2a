"""Building blocks shared by pain.001 and pacs.008: parties, agents, accounts, addresses, remittance.

Optional elements appear only when the canonical model has them; nothing is invented. The one
convention used is the EPC/CBPR+ `NOTPROVIDED` placeholder for a mandatory agent nobody identified
(pain.001 DbtrAgt under the SEPA IBAN-only rule).
"""

from __future__ import annotations

import re

from lxml import etree

from breakdesk.parsers.canonical import Agent, Party, PostalAddress, Remittance, StructuredRemittance
from breakdesk.parsers.writers._build import COUNTRY_RE, CREDITOR_REFERENCE_TYPES, CURRENCY_RE, IBAN_RE, LEI_RE, Builder

NOT_PROVIDED = "NOTPROVIDED"


def address(b: Builder, parent: etree._Element, tag: str, addr: PostalAddress | None, where: str) -> None:
    if addr is None or not any((addr.street_name, addr.building_number, addr.post_code, addr.town_name,
                                addr.country_sub_division, addr.country, addr.address_lines)):
        return
    node = b.el(parent, tag)
    b.text(node, "StrtNm", addr.street_name, max_len=70, where=f"{where}.street_name")
    b.text(node, "BldgNb", addr.building_number, max_len=16, where=f"{where}.building_number")
    b.text(node, "PstCd", addr.post_code, max_len=16, where=f"{where}.post_code")
    b.text(node, "TwnNm", addr.town_name, max_len=35, where=f"{where}.town_name")
    b.text(node, "CtrySubDvsn", addr.country_sub_division, max_len=35, where=f"{where}.country_sub_division")
    b.pattern(node, "Ctry", addr.country, COUNTRY_RE, where=f"{where}.country", what="ISO 3166 country code")
    if len(addr.address_lines) > 7:
        b.problem(f"{where}.address_lines", f"{len(addr.address_lines)} lines, the schema allows 7")
    for i, line in enumerate(addr.address_lines[:7]):
        b.text(node, "AdrLine", line, max_len=70, where=f"{where}.address_lines[{i}]")


def account(b: Builder, parent: etree._Element, tag: str, number: str | None, scheme: str | None,
            currency: str | None, where: str) -> None:
    if not number:
        return
    node = b.el(parent, tag)
    ident = b.el(node, "Id")
    compact = number.replace(" ", "")
    if (scheme or "").upper() == "IBAN" or (scheme is None and IBAN_RE.match(compact)):
        b.pattern(ident, "IBAN", compact.upper(), IBAN_RE, where=where, what="IBAN")
    else:
        othr = b.el(ident, "Othr")
        b.text(othr, "Id", number, max_len=34, where=where)
        if scheme:
            b.code_or_proprietary(othr, "SchmeNm", scheme, code_max=4, where=f"{where}_scheme")
    if currency:
        b.pattern(node, "Ccy", currency, CURRENCY_RE, where=f"{where}_currency", what="currency code")


def agent(b: Builder, parent: etree._Element, tag: str, ag: Agent | None, where: str, *,
          required: bool = False, placeholder: bool = False) -> etree._Element | None:
    """A BranchAndFinancialInstitutionIdentification; `placeholder` writes Othr/Id NOTPROVIDED."""
    identified = ag is not None and any((ag.bic, ag.clearing_system_member_id, ag.name, ag.address))
    if not identified:
        if placeholder:
            node = b.el(parent, tag)
            b.text(b.el(b.el(node, "FinInstnId"), "Othr"), "Id", NOT_PROVIDED, max_len=35, where=where)
            return node
        if required:
            b.problem(where, "missing (BIC, clearing system member id or name)")
        return None
    assert ag is not None
    node = b.el(parent, tag)
    fin = b.el(node, "FinInstnId")
    if ag.bic:
        b.pattern(fin, b.dialect.agent_bic_tag, ag.bic.upper(), b.dialect.bic_re, where=f"{where}.bic", what="BIC")
    if ag.clearing_system_member_id:
        clr = b.el(fin, "ClrSysMmbId")
        if ag.clearing_system:
            b.code_or_proprietary(clr, "ClrSysId", ag.clearing_system, code_max=5,
                                  where=f"{where}.clearing_system")
        b.text(clr, "MmbId", ag.clearing_system_member_id, max_len=35, where=f"{where}.clearing_system_member_id")
    b.text(fin, "Nm", ag.name, max_len=140, where=f"{where}.name")
    address(b, fin, "PstlAdr", ag.address, f"{where}.address")
    return node


def agent_account(b: Builder, parent: etree._Element, tag: str, ag: Agent | None, where: str) -> None:
    if ag is not None and ag.account:
        account(b, parent, tag, ag.account, None, None, f"{where}.account")


def intermediaries(b: Builder, parent: etree._Element, agents: list[Agent], where: str) -> None:
    """IntrmyAgt1..3 with their accounts; the schema has room for three, more is a problem."""
    if len(agents) > 3:
        b.problem(where, f"{len(agents)} intermediaries, the schema allows 3")
    for k, ag in enumerate(agents[:3], start=1):
        agent(b, parent, f"IntrmyAgt{k}", ag, f"{where}[{k - 1}]")
        agent_account(b, parent, f"IntrmyAgt{k}Acct", ag, f"{where}[{k - 1}]")


def party(b: Builder, parent: etree._Element, tag: str, p: Party | None, where: str, *,
          required: bool = False) -> etree._Element | None:
    """A PartyIdentification: name, postal address, organisation ids, country of residence."""
    if p is None or not (p.name or p.identifiers or p.address):
        if required:
            b.problem(where, "missing (name or identification)")
        return None
    node = b.el(parent, tag)
    b.text(node, "Nm", p.name, max_len=140, where=f"{where}.name")
    address(b, node, "PstlAdr", p.address, f"{where}.address")
    if p.identifiers:
        _party_ids(b, b.el(b.el(node, "Id"), "OrgId"), p.identifiers, f"{where}.identifiers")
    if p.country_of_residence:
        b.pattern(node, "CtryOfRes", p.country_of_residence, COUNTRY_RE, where=f"{where}.country_of_residence",
                  what="ISO 3166 country code")
    return node


def _party_ids(b: Builder, org: etree._Element, ids: list[str], where: str) -> None:
    """One BIC (AnyBIC/BICOrBEI), one LEI where the version has it, the rest as Othr/Id, in XSD order."""
    bic = next((i for i in ids if b.dialect.bic_re.match(i)), None)
    lei = next((i for i in ids if LEI_RE.match(i)), None) if b.dialect.has_lei else None
    if bic:
        b.text(org, b.dialect.party_bic_tag, bic, max_len=11, where=where)
    if lei:
        b.text(org, "LEI", lei, max_len=20, where=where)
    for i, ident in enumerate(x for x in ids if x not in (bic, lei)):
        b.text(b.el(org, "Othr"), "Id", ident, max_len=35, where=f"{where}[{i}]")


def remittance(b: Builder, parent: etree._Element, rmt: Remittance, where: str, currency_hint: str) -> None:
    if rmt.is_empty():
        return
    node = b.el(parent, "RmtInf")
    for i, line in enumerate(rmt.unstructured):
        b.text(node, "Ustrd", line, max_len=140, where=f"{where}.unstructured[{i}]")
    for i, s in enumerate(rmt.structured):
        _structured(b, b.el(node, "Strd"), s, f"{where}.structured[{i}]", currency_hint)


def _structured(b: Builder, node: etree._Element, s: StructuredRemittance, where: str, currency_hint: str) -> None:
    if s.referred_document_number or s.referred_document_type or s.referred_document_date:
        doc = b.el(node, "RfrdDocInf")
        if s.referred_document_type:
            tp = b.el(doc, "Tp")
            b.code_or_proprietary(tp, "CdOrPrtry", s.referred_document_type, code_max=4,
                                  codes=b.dialect.document_types, where=f"{where}.referred_document_type")
        b.text(doc, "Nb", s.referred_document_number, max_len=35, where=f"{where}.referred_document_number")
        b.date(doc, "RltdDt", s.referred_document_date, where=f"{where}.referred_document_date")
    if s.amount is not None:
        amt = b.el(node, "RfrdDocAmt")
        b.amount(amt, "RmtdAmt", s.amount, s.currency or currency_hint, where=f"{where}.amount")
    if s.creditor_reference or s.creditor_reference_type:
        ref = b.el(node, "CdtrRefInf")
        if s.creditor_reference_type:
            tp = b.el(ref, "Tp")
            b.code_or_proprietary(tp, "CdOrPrtry", s.creditor_reference_type, code_max=4,
                                  codes=CREDITOR_REFERENCE_TYPES, where=f"{where}.creditor_reference_type")
        b.text(ref, "Ref", s.creditor_reference, max_len=35, where=f"{where}.creditor_reference")
    if len(s.additional_info) > 3:
        b.problem(f"{where}.additional_info", f"{len(s.additional_info)} lines, the schema allows 3")
    for i, line in enumerate(s.additional_info[:3]):
        b.text(node, "AddtlRmtInf", line, max_len=140, where=f"{where}.additional_info[{i}]")


#: InstrForCdtrAgt codes (Instruction3Code); a canonical line may start with one ("PHOB +32 2 222").
_INSTRUCTION = re.compile(r"^/?(CHQB|HOLD|PHOB|TELB)(?:/|:\s*|\s+|$)(.*)$", re.DOTALL)


def instructions_for_creditor_agent(b: Builder, parent: etree._Element, lines: list[str], where: str) -> None:
    """One InstrForCdtrAgt per line; a leading Instruction3Code goes to Cd, the rest to InstrInf."""
    for i, line in enumerate(lines):
        node = b.el(parent, "InstrForCdtrAgt")
        match = _INSTRUCTION.match(line)
        if match:
            b.el(node, "Cd").text = match.group(1)
            b.text(node, "InstrInf", match.group(2).strip() or None, max_len=140, where=f"{where}[{i}]")
        else:
            b.text(node, "InstrInf", line, max_len=140, where=f"{where}[{i}]")


def regulatory_reporting(b: Builder, parent: etree._Element, lines: list[str], where: str) -> None:
    """Each canonical line becomes one RgltryRptg/Dtls/Inf (Max35Text; the schema allows 10 blocks)."""
    if len(lines) > 10:
        b.problem(where, f"{len(lines)} regulatory reports, the schema allows 10")
    for i, line in enumerate(lines[:10]):
        dtls = b.el(b.el(parent, "RgltryRptg"), "Dtls")
        b.text(dtls, "Inf", line, max_len=35, where=f"{where}[{i}]")


def payment_type(b: Builder, parent: etree._Element, service_level: str | None, local_instrument: str | None,
                 category_purpose: str | None, where: str) -> None:
    if not (service_level or local_instrument or category_purpose):
        return
    node = b.el(parent, "PmtTpInf")
    b.code_or_proprietary(node, "SvcLvl", service_level, code_max=4, where=f"{where}.service_level")
    b.code_or_proprietary(node, "LclInstrm", local_instrument, code_max=35, where=f"{where}.local_instrument")
    b.code_or_proprietary(node, "CtgyPurp", category_purpose, code_max=4, where=f"{where}.category_purpose")


def purpose(b: Builder, parent: etree._Element, value: str | None, where: str) -> None:
    b.code_or_proprietary(parent, "Purp", value, code_max=4, where=where)
