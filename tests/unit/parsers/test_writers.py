"""pain.001 / pacs.008 writers: every output validates against the official XSD, totals are computed,
amounts follow the currency's minor unit, and what cannot be valid is refused with all its problems."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache

import pytest
from lxml import etree
from validation_factories import pain001, party, structured_address, tx

from breakdesk.parsers.canonical import (
    Agent,
    Money,
    Party,
    PaymentGroup,
    PostalAddress,
    Remittance,
    StructuredRemittance,
)
from breakdesk.parsers.writers import WriteError, write_pacs008, write_pain001
from tests.conftest import REFERENCE

pytestmark = pytest.mark.shared  # every written message is validated against the official XSD in ../shared

CREATED = datetime(2026, 11, 27, 10, 30, tzinfo=UTC)
UETR = "eb6305c9-1f7f-49de-aed0-16487c27b42d"
PAIN_VERSIONS = ["pain.001.001.09", "pain.001.001.03"]


@cache
def schema(version: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(REFERENCE / "xsd" / f"{version}.xsd")))


def valid(xml: bytes, version: str) -> etree._Element:
    doc = etree.fromstring(xml)
    s = schema(version)
    assert s.validate(doc), "\n".join(str(e) for e in s.error_log)
    assert doc.nsmap[None] == f"urn:iso:std:iso:20022:tech:xsd:{version}"
    return doc


def xp(doc: etree._Element, path: str) -> list[str]:
    ns = {"d": doc.nsmap[None]}
    return [n if isinstance(n, str) else n.text for n in doc.xpath(path, namespaces=ns)]


def pain(txs, version="pain.001.001.09", **kw):
    return write_pain001(txs, version=version, message_id="MSG-1", created_at=CREATED,
                         initiating_party=Party(name="Debtor AG"), **kw)


def pacs_tx(amount="1000.00", currency="EUR", i=0, **kw):
    defaults = dict(uetr=UETR, settlement_date=date(2026, 11, 30), settlement_method="INDA", charge_bearer="SHAR",
                    instructing_agent=Agent(bic="COBADEFFXXX"), instructed_agent=Agent(bic="BNPAFRPPXXX"),
                    transaction_id=f"TX-{i}")
    defaults.update(kw)
    return tx(amount, currency, i=i, **defaults)


# --- pain.001 --------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", PAIN_VERSIONS)
def test_single_payment_validates_with_computed_totals(version):
    doc = valid(pain([tx("1234.50")], version), version)
    assert xp(doc, "//d:GrpHdr/d:NbOfTxs") == ["1"] and xp(doc, "//d:GrpHdr/d:CtrlSum") == ["1234.50"]
    assert xp(doc, "//d:InstdAmt/@Ccy") == ["EUR"] and xp(doc, "//d:InstdAmt") == ["1234.50"]
    assert xp(doc, "//d:CreDtTm") == ["2026-11-27T10:30:00+00:00"]
    bic_tag = "BICFI" if version.endswith("09") else "BIC"
    assert xp(doc, f"//d:CdtrAgt/d:FinInstnId/d:{bic_tag}") == ["BNPAFRPPXXX"]
    exec_date = "//d:ReqdExctnDt/d:Dt" if version.endswith("09") else "//d:ReqdExctnDt"
    assert xp(doc, exec_date) == ["2026-11-30"]


@pytest.mark.parametrize("version", PAIN_VERSIONS)
def test_multiple_payment_information_blocks(version):
    other_debtor = party("Zweite GmbH", "GB82WEST12345698765432", "NWBKGB2LXXX")
    txs = [tx("10.00", i=0), tx("20.00", i=1, payment_info_id="PMT-2", debtor=other_debtor),
           tx("30.05", i=2, payment_info_id="PMT-2", debtor=other_debtor), tx("5", i=3)]
    doc = valid(pain(txs, version), version)
    assert xp(doc, "//d:PmtInf/d:PmtInfId") == ["PMT-1", "PMT-2"]
    assert xp(doc, "//d:PmtInf/d:NbOfTxs") == ["2", "2"]
    assert xp(doc, "//d:PmtInf/d:CtrlSum") == ["15.00", "50.05"]
    assert xp(doc, "//d:GrpHdr/d:NbOfTxs") == ["4"] and xp(doc, "//d:GrpHdr/d:CtrlSum") == ["65.05"]
    assert xp(doc, "//d:PmtInf/d:Dbtr/d:Nm") == ["Debtor AG", "Zweite GmbH"]
    assert xp(doc, "//d:PmtInf[2]/d:CdtTrfTxInf/d:PmtId/d:EndToEndId") == ["E2E-1", "E2E-2"]


def test_transactions_without_payment_info_id_are_grouped_by_debtor_and_date():
    txs = [tx("1", i=0, payment_info_id=None), tx("2", i=1, payment_info_id=None),
           tx("3", i=2, payment_info_id=None, requested_execution_date=date(2026, 12, 1))]
    doc = valid(pain(txs), "pain.001.001.09")
    assert xp(doc, "//d:PmtInf/d:PmtInfId") == ["MSG-1-1", "MSG-1-2"]
    assert xp(doc, "//d:PmtInf/d:NbOfTxs") == ["2", "1"]


def test_execution_date_and_debtor_come_from_the_payment_group():
    group = PaymentGroup(provenance=tx().provenance, payment_info_id="PMT-1",
                         requested_execution_date=date(2026, 12, 2), debtor=party("Group Debtor"))
    t = tx(requested_execution_date=None, debtor=Party())
    doc = valid(pain([t], payment_groups=[group]), "pain.001.001.09")
    assert xp(doc, "//d:ReqdExctnDt/d:Dt") == ["2026-12-02"] and xp(doc, "//d:PmtInf/d:Dbtr/d:Nm") == ["Group Debtor"]


@pytest.mark.parametrize("version", PAIN_VERSIONS)
def test_non_ascii_names_are_kept_as_utf8(version):
    names = ["Müller & Söhne GmbH", "株式会社 東京商事", "Łódź Spółka z o.o."]
    txs = [tx(i=i, creditor=party(n, "FR1420041010050500013M02606", "BNPAFRPPXXX")) for i, n in enumerate(names)]
    out = pain(txs, version)
    assert out.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    doc = valid(out, version)
    assert xp(doc, "//d:Cdtr/d:Nm") == names


@pytest.mark.parametrize("version", PAIN_VERSIONS)
def test_structured_and_hybrid_addresses_ids_and_ultimate_parties(version):
    creditor = party("Creditor SA", "FR1420041010050500013M02606", "BNPAFRPPXXX",
                     address=structured_address(), identifiers=["BNPAFRPP", "529900T8BM49AURSDO55", "VAT-FR-123"],
                     country_of_residence="FR")
    debtor = party("Debtor AG", "DE89370400440532013000", "COBADEFFXXX",
                   address=PostalAddress(town_name="Berlin", country="DE", address_lines=["Hauptstrasse 1"]))
    t = tx(creditor=creditor, debtor=debtor, ultimate_debtor=Party(name="Parent Holding"),
           ultimate_creditor=Party(name="Creditor Subsidiary", address=PostalAddress(address_lines=["1 Rue X",
                                                                                                   "75001 Paris"])))
    doc = valid(pain([t], version), version)
    assert xp(doc, "//d:Cdtr/d:PstlAdr/*") == ["Hauptstrasse", "1", "10115", "Berlin", "DE"]
    assert xp(doc, "//d:PmtInf/d:Dbtr/d:PstlAdr/*") == ["Berlin", "DE", "Hauptstrasse 1"]
    assert xp(doc, "//d:UltmtDbtr/d:Nm") == ["Parent Holding"]
    assert xp(doc, "//d:UltmtCdtr/d:PstlAdr/d:AdrLine") == ["1 Rue X", "75001 Paris"]
    if version.endswith("09"):
        assert xp(doc, "//d:Cdtr/d:Id/d:OrgId//text()[normalize-space()]") == ["BNPAFRPP", "529900T8BM49AURSDO55", "VAT-FR-123"]
    else:  # no LEI element in 2009 versions: it travels as another id
        assert xp(doc, "//d:Cdtr/d:Id/d:OrgId/d:BICOrBEI") == ["BNPAFRPP"]
        assert xp(doc, "//d:Cdtr/d:Id/d:OrgId/d:Othr/d:Id") == ["529900T8BM49AURSDO55", "VAT-FR-123"]


@pytest.mark.parametrize("version", PAIN_VERSIONS)
def test_structured_remittance_purpose_instructions_and_regulatory_reporting(version):
    rmt = Remittance(unstructured=["Invoice 2026-001"], structured=[
        StructuredRemittance(creditor_reference="RF18539007547034", creditor_reference_type="SCOR"),
        StructuredRemittance(referred_document_type="CINV", referred_document_number="INV-77",
                             referred_document_date=date(2026, 11, 1), amount=Decimal("99.5"), currency="EUR",
                             additional_info=["Order 55"]),
    ])
    t = tx(remittance=rmt, purpose="SUPP", service_level="SEPA", category_purpose="SUPP",
           instructions_for_agents=["Call beneficiary before crediting"], regulatory_reporting=["BOP 101 GOODS"])
    doc = valid(pain([t], version), version)
    assert xp(doc, "//d:RmtInf/d:Ustrd") == ["Invoice 2026-001"]
    assert xp(doc, "//d:CdtrRefInf/d:Ref") == ["RF18539007547034"]
    assert xp(doc, "//d:CdtrRefInf/d:Tp/d:CdOrPrtry/d:Cd") == ["SCOR"]
    assert xp(doc, "//d:RfrdDocInf/d:Tp/d:CdOrPrtry/d:Cd") == ["CINV"]
    assert xp(doc, "//d:RfrdDocAmt/d:RmtdAmt") == ["99.50"]
    assert xp(doc, "//d:Purp/d:Cd") == ["SUPP"] and xp(doc, "//d:PmtTpInf/d:SvcLvl/d:Cd") == ["SEPA"]
    assert xp(doc, "//d:InstrForCdtrAgt/d:InstrInf") == ["Call beneficiary before crediting"]
    assert xp(doc, "//d:RgltryRptg/d:Dtls/d:Inf") == ["BOP 101 GOODS"]


@pytest.mark.parametrize(("amount", "currency", "text"), [
    ("1500", "JPY", "1500"), ("1500.00", "JPY", "1500"), ("100", "EUR", "100.00"), ("1.5", "BHD", "1.500"),
    ("0.01", "EUR", "0.01"),
])
def test_amounts_follow_the_currency_minor_unit(amount, currency, text):
    doc = valid(pain([tx(amount, currency)]), "pain.001.001.09")
    assert xp(doc, "//d:InstdAmt") == [text]


def test_uetr_only_where_the_version_has_it():
    t = tx(uetr=UETR)
    assert xp(valid(pain([t]), "pain.001.001.09"), "//d:UETR") == [UETR]
    assert xp(valid(pain([t], "pain.001.001.03"), "pain.001.001.03"), "//d:UETR") == []


def test_other_account_scheme_and_sepa_iban_only_debtor_agent():
    creditor = party("US Vendor Inc", "123456789", "CHASUS33", scheme="BBAN")
    debtor = party("Debtor AG", "DE89370400440532013000", None)
    doc = valid(pain([tx(currency="USD", creditor=creditor, debtor=debtor)]), "pain.001.001.09")
    assert xp(doc, "//d:CdtrAcct/d:Id/d:Othr/d:Id") == ["123456789"]
    assert xp(doc, "//d:CdtrAcct/d:Id/d:Othr/d:SchmeNm/d:Cd") == ["BBAN"]
    assert xp(doc, "//d:DbtrAgt/d:FinInstnId/d:Othr/d:Id") == ["NOTPROVIDED"]


def test_from_a_message_takes_header_and_groups():
    msg = pain001([tx("1.00", i=0), tx("2.00", i=1)])
    msg.header.initiating_party = Party(name="Initiator")
    doc = valid(write_pain001(msg), "pain.001.001.09")
    assert xp(doc, "//d:GrpHdr/d:MsgId") == ["MSG-1"] and xp(doc, "//d:InitgPty/d:Nm") == ["Initiator"]
    assert xp(doc, "//d:GrpHdr/d:CreDtTm") == ["2026-11-27T10:00:00"]


def test_refuses_what_cannot_be_valid_and_lists_every_problem():
    bad = tx("10.001", creditor=Party(), end_to_end_id="X" * 36, charge_bearer="OUR")
    with pytest.raises(WriteError) as err:
        write_pain001([bad], message_id="M", created_at=CREATED)
    problems = "\n".join(err.value.problems)
    for expected in ("initiating_party: missing", "transactions[0].creditor: missing",
                     "transactions[0].creditor.account: missing", "transactions[0].end_to_end_id: 36 characters",
                     "transactions[0].amount: 10.001 EUR has more decimals", "transactions[0].charge_bearer: 'OUR'"):
        assert expected in problems
    assert isinstance(err.value, ValueError) and "pain.001.001.09" in str(err.value)


@pytest.mark.parametrize("change", [{"amount": Decimal("1500.5"), "currency": "JPY"}, {"currency": "XYZ"},
                                    {"uetr": "EB6305C9-1F7F-49DE-AED0-16487C27B42D"}])
def test_refuses_invalid_amounts_currencies_and_uetrs(change):
    with pytest.raises(WriteError):
        pain([tx().model_copy(update=change)])


def test_refuses_missing_debtor_account_and_execution_date():
    t = tx(debtor=party("Debtor AG", account=None), requested_execution_date=None)
    with pytest.raises(WriteError) as err:
        pain([t])
    assert any("debtor.account" in p for p in err.value.problems)
    assert any("requested_execution_date" in p for p in err.value.problems)


def test_refuses_two_debtors_in_one_payment_information_block():
    with pytest.raises(WriteError, match="mixes debtors"):
        pain([tx(i=0), tx(i=1, debtor=party("Someone Else", "GB82WEST12345698765432"))])


def test_unknown_version_is_a_value_error():
    with pytest.raises(ValueError, match="unsupported"):
        pain([tx()], version="pain.001.001.12")


# --- pacs.008 --------------------------------------------------------------------------------------


def test_pacs008_single_payment_validates():
    out = write_pacs008([pacs_tx()], message_id="PACS-1", created_at=CREATED)
    doc = valid(out, "pacs.008.001.08")
    assert xp(doc, "//d:GrpHdr/d:NbOfTxs") == ["1"] and xp(doc, "//d:GrpHdr/d:CtrlSum") == ["1000.00"]
    assert xp(doc, "//d:GrpHdr/d:TtlIntrBkSttlmAmt") == ["1000.00"]
    assert xp(doc, "//d:SttlmInf/d:SttlmMtd") == ["INDA"]
    assert xp(doc, "//d:PmtId/*") == ["INSTR-0", "E2E-0", "TX-0", UETR]
    assert xp(doc, "//d:IntrBkSttlmAmt/@Ccy") == ["EUR"] and xp(doc, "//d:IntrBkSttlmDt") == ["2026-11-30"]
    assert xp(doc, "//d:InstgAgt/d:FinInstnId/d:BICFI") == ["COBADEFFXXX"]
    assert xp(doc, "//d:ChrgBr") == ["SHAR"]


def test_pacs008_multiple_currencies_full_transaction():
    rich = pacs_tx(
        "1500", "JPY", i=1,
        instructed_amount=Money(amount=Decimal("9.80"), currency="EUR"), exchange_rate=Decimal("153.0612"),
        charges=[Money(amount=Decimal("500"), currency="JPY")],
        intermediaries=[Agent(bic="BOTKJPJTXXX", account="1234567")],
        creditor=party("株式会社 東京商事", "0012345678", "MHCBJPJTXXX", scheme=None, address=structured_address()),
        ultimate_creditor=Party(name="Tokyo Branch"), initiating_party=Party(name="Debtor AG"),
        purpose="GDDS", regulatory_reporting=["TRADE GOODS"], instructions_for_agents=["PHONE BEN"],
        remittance=Remittance(structured=[StructuredRemittance(creditor_reference="RF18539007547034",
                                                               creditor_reference_type="SCOR")]),
    )
    doc = valid(write_pacs008([pacs_tx(), rich], message_id="PACS-2", created_at=CREATED), "pacs.008.001.08")
    assert xp(doc, "//d:GrpHdr/d:NbOfTxs") == ["2"] and xp(doc, "//d:GrpHdr/d:CtrlSum") == ["2500.00"]
    assert xp(doc, "//d:GrpHdr/d:TtlIntrBkSttlmAmt") == []  # two currencies: no single total
    assert xp(doc, "//d:CdtTrfTxInf[2]/d:IntrBkSttlmAmt") == ["1500"]
    assert xp(doc, "//d:CdtTrfTxInf[2]/d:InstdAmt") == ["9.80"]
    assert xp(doc, "//d:ChrgsInf/d:Amt") == ["500"]
    assert xp(doc, "//d:IntrmyAgt1/d:FinInstnId/d:BICFI") == ["BOTKJPJTXXX"]
    assert xp(doc, "//d:IntrmyAgt1Acct/d:Id/d:Othr/d:Id") == ["1234567"]
    assert xp(doc, "//d:CdtTrfTxInf[2]/d:CdtrAcct/d:Id/d:Othr/d:Id") == ["0012345678"]


def test_pacs008_clearing_member_id_agent():
    t = pacs_tx(creditor=Party(name="Vendor", account="12345", agent=Agent(clearing_system_member_id="021000021",
                                                                            clearing_system="USABA", name="Bank X")))
    doc = valid(write_pacs008([t], message_id="P", created_at=CREATED), "pacs.008.001.08")
    assert xp(doc, "//d:CdtrAgt/d:FinInstnId/d:ClrSysMmbId//text()[normalize-space()]") == ["USABA", "021000021"]


def test_pacs008_refuses_missing_mandatory_elements():
    t = pacs_tx(charge_bearer=None, settlement_method=None, creditor=party("Creditor SA", bic=None))
    with pytest.raises(WriteError) as err:
        write_pacs008([t], message_id="P", created_at=CREATED)
    problems = "\n".join(err.value.problems)
    assert "settlement_method: missing" in problems
    assert "transactions[0].charge_bearer: missing" in problems
    assert "transactions[0].creditor.agent: missing" in problems


def test_pacs008_settlement_method_must_agree():
    with pytest.raises(WriteError, match="disagree"):
        write_pacs008([pacs_tx(i=0), pacs_tx(i=1, settlement_method="CLRG")], message_id="P", created_at=CREATED)


def test_both_writers_refuse_a_fourth_intermediary():
    """The schema has IntrmyAgt1..3 only; a fourth agent is refused, not dropped silently."""
    four = [Agent(bic=bic) for bic in ("BOTKJPJTXXX", "CHASUS33XXX", "DEUTDEFFXXX", "BARCGB22XXX")]
    for write in (lambda: pain([tx(intermediaries=four)]),
                  lambda: write_pacs008([pacs_tx(intermediaries=four)], message_id="P", created_at=CREATED)):
        with pytest.raises(WriteError) as err:
            write()
        assert "transactions[0].intermediaries: 4 intermediaries, the schema allows 3" in err.value.problems


@pytest.mark.parametrize(("line", "cd", "info"), [
    ("PHOB +32/2/2222222", ["PHOB"], ["+32/2/2222222"]),
    ("/TELB/0049 30 1234", ["TELB"], ["0049 30 1234"]),
    ("HOLD", ["HOLD"], []),
    ("Please call before crediting", [], ["Please call before crediting"]),
])
def test_instruction_codes_go_to_cd(line, cd, info):
    doc = valid(pain([tx(instructions_for_agents=[line])]), "pain.001.001.09")
    assert xp(doc, "//d:InstrForCdtrAgt/d:Cd") == cd and xp(doc, "//d:InstrForCdtrAgt/d:InstrInf") == info
