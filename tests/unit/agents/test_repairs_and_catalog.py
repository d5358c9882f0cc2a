"""Diagnosis on the real reason-code catalogue, and repairs built with the real writers."""

from datetime import date
from decimal import Decimal

import pytest
from lxml import etree

from breakdesk.agents.diagnosis import diagnose_code
from breakdesk.agents.repairs import duplicate_guard, next_business_day, propose_repair, resend_id
from breakdesk.parsers.canonical import Agent, Party, PostalAddress, Provenance, Transaction
from tests.conftest import REFERENCE


@pytest.mark.parametrize("code,context,retry,kind,citation", [
    ("AC04", "status", "human", "correct_creditor_account", "iso-status-reason-codes#ac04"),
    ("AC04", "cancellation_answer", "human", "contact_debtor", "iso-cancellation-rejection-codes#ac04"),
    ("BE04", "return", "human", "add_structured_address", "iso-return-reason-codes#be04"),
    ("TM01", "status", "auto_retry", "new_end_to_end_id_resend", "iso-status-reason-codes#tm01"),
    ("AM05", "status", "final", "none", "iso-status-reason-codes#am05"),
    ("DUPL", "cancellation", "final", "none", "iso-cancellation-reason-codes#dupl"),
    ("R01", "return", "human", "none", "nacha-return-codes#r01"),
])
def test_real_catalog(code, context, retry, kind, citation):
    d = diagnose_code(code, context=context)
    assert (d.retry_class, d.repair_kind, d.citation_id, d.known) == (retry, kind, citation, True)
    assert d.meaning


def test_unknown_code_is_human():
    d = diagnose_code("QX77", context="status")
    assert (d.known, d.retry_class) == (False, "human")


def _tx(**kw):
    base = dict(
        provenance=Provenance(file="p.xml", xpath="/Document/CstmrCdtTrfInitn/PmtInf[1]/CdtTrfTxInf[1]"),
        end_to_end_id="E2E-4471", instruction_id="ACME-I-4471", amount=Decimal("1250.00"), currency="EUR",
        requested_execution_date=date(2026, 11, 27), payment_info_id="PMT-1",
        debtor=Party(name="ACME Trading GmbH", account="DE89370400440532013000", account_scheme="IBAN", agent=Agent(bic="COBADEFFXXX")),
        creditor=Party(name="Nordwind Logistik GmbH", account="DE94500700100123456789", account_scheme="IBAN", agent=Agent(bic="DEUTDEFFXXX"),
                       address=PostalAddress(town_name="Frankfurt am Main", country="DE")),
    )
    base.update(kw)
    return Transaction(**base)


def _case(kind="rejected", tx=None, lifecycle=None, code="AC04"):
    tx = tx or _tx()
    return {"case_id": "CASE-X1", "kind": kind, "reason_code": code, "payment": {"end_to_end_id": tx.end_to_end_id},
            "lifecycle": lifecycle or [{"stage": "initiated"}, {"stage": "status", "status": "RJCT"}],
            "original": tx.model_dump(mode="json")}


def _xsd_valid(xml: str) -> bool:
    schema = etree.XMLSchema(etree.parse(str(REFERENCE / "xsd" / "pain.001.001.09.xsd")))
    return schema.validate(etree.fromstring(xml.encode()))


def test_closed_account_without_new_iban_says_what_is_missing():
    r = propose_repair(_case(), diagnose_code("AC04", context="status").as_dict())
    assert r["valid"] is False and r["missing"] == ["creditor.account"] and "debtor" in r["who_must_provide"]
    assert r["message"] is None


@pytest.mark.shared
def test_closed_account_with_new_iban_regenerates_a_valid_pain001():
    r = propose_repair(_case(), diagnose_code("AC04", context="status").as_dict(),
                       corrections={"creditor.account": "DE74 1002 0030 0987 6543 21"}, today=date(2026, 11, 27))
    fields = {d["field"]: d for d in r["diff"]}
    assert fields["creditor.account"] == {"field": "creditor.account", "before": "DE94500700100123456789", "after": "DE74 1002 0030 0987 6543 21"}
    assert fields["end_to_end_id"]["after"] == "E2E-4471-R1"
    assert fields["requested_execution_date"]["after"] == "2026-11-30"  # Friday → next Monday
    assert "<IBAN>DE74100200300987654321</IBAN>" in r["message"] and _xsd_valid(r["message"])


@pytest.mark.shared
def test_cut_off_reject_is_resent_with_a_new_end_to_end_id():
    r = propose_repair(_case(code="TM01"), diagnose_code("TM01", context="status").as_dict(), today=date(2026, 11, 25))
    assert r["message"] and _xsd_valid(r["message"]) and "<EndToEndId>E2E-4471-R1</EndToEndId>" in r["message"]


@pytest.mark.shared
def test_missing_address_derives_country_but_not_town():
    tx = _tx(creditor=Party(name="Verdi Consulting Srl", account="IT60X0542811101000000123456", account_scheme="IBAN",
                            agent=Agent(bic="BCITITMMXXX")))
    r = propose_repair(_case("returned", tx, [{"stage": "initiated"}, {"stage": "returned"}], "BE04"),
                       diagnose_code("BE04", context="return").as_dict())
    assert r["missing"] == ["creditor.address.town_name"]
    r = propose_repair(_case("returned", tx, [{"stage": "initiated"}, {"stage": "returned"}], "BE04"),
                       diagnose_code("BE04", context="return").as_dict(), corrections={"creditor.address.town_name": "Milano"})
    assert _xsd_valid(r["message"]) and "<TwnNm>Milano</TwnNm>" in r["message"] and "<Ctry>IT</Ctry>" in r["message"]


@pytest.mark.parametrize("lifecycle,known,code,why", [
    ([{"stage": "status", "status": "RJCT"}, {"stage": "booked"}], set(), "AC04", "booked"),
    ([{"stage": "status", "status": "RJCT"}, {"stage": "status", "status": "ACSP"}], set(), "AC04", "pending"),
    ([{"stage": "status", "status": "RJCT"}], {"E2E-4471-R1"}, "AC04", "already resent"),
    ([{"stage": "status", "status": "RJCT"}], set(), "AM05", "final"),
])
def test_duplicate_guard_refuses_resends(lifecycle, known, code, why):
    d = diagnose_code(code, context="status").as_dict()
    reason = duplicate_guard(_case(lifecycle=lifecycle, code=code), d, known)
    assert reason and why in reason
    r = propose_repair(_case(lifecycle=lifecycle, code=code), d, corrections={"creditor.account": "DE74100200300987654321"}, known_ids=known)
    assert r["valid"] is False and r["message"] is None


def test_ids_and_dates():
    assert resend_id("E2E-1", {"E2E-1-R1"}) == "E2E-1-R2"
    assert len(resend_id("X" * 35, set())) == 35
    assert next_business_day(date(2026, 11, 28)) == date(2026, 11, 30)
