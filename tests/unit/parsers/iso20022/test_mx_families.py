"""One test group per family, on small documents in several versions, bare, namespace-less and wrapped."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from breakdesk.parsers.iso20022 import parse_mx
from tests.unit.parsers.iso20022 import docs


def one(text: str, filename: str = "t.xml"):
    msgs = list(parse_mx(text.encode(), filename=filename))
    assert len(msgs) == 1
    return msgs[0]


# --- statements -------------------------------------------------------------------------------------
_DOMAIN = "<Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn>"
_PROPRIETARY = "<Prtry><Cd>NTRF</Cd><Issr>SWIFT</Issr></Prtry>"


@pytest.mark.parametrize("drop", [_DOMAIN, _PROPRIETARY], ids=["proprietary-only", "domain-only"])
def test_hot_path_field_dicts_match_the_canonical_model(drop):
    """`exact` builds these from complete hand-written dicts (`_BTC_EMPTY`, `Node.provenance`, the lifted
    TxDtls references); a new model field must be added there too. The MT side: test_mt9xx.
    Half the code is dropped so that the defaults, not the values read, supply the other half."""
    from breakdesk.parsers.canonical import BankTransactionCode, EntryReferences, Provenance
    from breakdesk.parsers.construct import check_exact_fields

    text = docs.camt053_v2()
    assert drop in text
    (st,) = one(docs.document("camt.053.001.02", text.replace(drop, ""))).statements
    e1 = st.entries[0]
    for obj, cls in ((e1.bank_transaction_code, BankTransactionCode), (e1.references, EntryReferences),
                     (e1.provenance, Provenance)):
        check_exact_fields(cls, set(obj.__dict__))
        cls.model_validate(obj.model_dump())  # the values have the model's types


@pytest.mark.parametrize(
    "text, message_type",
    [
        (docs.document("camt.053.001.02", docs.camt053_v2()), "camt.053.001.02"),
        (docs.document(None, docs.camt053_v2()), "camt.053"),
        (docs.with_bah("camt.053.001.02", docs.camt053_v2()), "camt.053.001.02"),
    ],
    ids=["v02", "no-namespace", "bah-envelope"],
)
def test_camt053_v2_statement(text, message_type):
    msg = one(text)
    assert (msg.message_type, msg.family, msg.kind) == (message_type, "camt.053", "statement")
    assert msg.header.message_id == "STMT-MSG-1"
    (st,) = msg.statements
    assert st.kind == "statement" and st.statement_id == "S-1" and st.sequence_number == "42"
    assert (st.account, st.account_scheme, st.currency) == ("DE89370400440532013000", "IBAN", "EUR")
    assert st.servicer.bic == "COBADEFFXXX"
    assert st.from_datetime == dt.datetime(2024, 2, 29) and st.to_datetime.hour == 23
    assert [(b.type, b.amount, b.date) for b in st.balances] == [
        ("OPBD", Decimal("1000.00"), dt.date(2024, 2, 29)),
        ("CLBD", Decimal("850.50"), dt.date(2024, 2, 29)),
    ]
    assert st.opening_balance.type == "OPBD" and st.closing_balance.amount == Decimal("850.50")
    s = st.summary
    assert (s.total_count, s.net_amount, s.net_credit_debit, s.credit_count, s.debit_sum) == (
        2, Decimal("149.50"), "DBIT", 1, Decimal("199.50"))

    e1, e2 = st.entries
    assert (e1.amount, e1.currency, e1.credit_debit, e1.status, e1.reversal) == (Decimal("50.00"), "EUR", "CRDT", "BOOK", False)
    assert e1.entry_reference == "E1" and e1.booking_date == dt.date(2024, 2, 29)
    assert e1.bank_transaction_code.iso == "PMNT/RCDT/ESCT"
    assert (e1.bank_transaction_code.proprietary_code, e1.bank_transaction_code.proprietary_issuer) == ("NTRF", "SWIFT")
    assert e1.additional_info == "SEPA credit"
    # one TxDtls: lifted to the entry
    assert e1.references.end_to_end_id == "E2E-1" and e1.references.account_servicer_reference == "ASR-1"
    assert (e1.references.message_id, e1.references.transaction_id, e1.references.mandate_id) == ("M1", "TX-1", "MD-1")
    assert e1.counterparty.name == "Alice GmbH"  # debtor of a credit
    assert e1.counterparty.account == "DE02120300000000202051" and e1.counterparty.agent_bic == "BYLADEM1001"
    assert e1.counterparty.address.town_name == "Berlin" and e1.counterparty.address.address_lines == ["c/o X"]
    assert e1.remittance.unstructured == ["Invoice 4711"]
    assert e1.remittance.structured[0].creditor_reference == "RF18539007547034"
    assert e1.remittance.structured[0].referred_document_number == "INV-4711"
    (d,) = e1.details
    assert d.amount == Decimal("50.00") and d.additional_info == "extra"

    assert (e2.status, e2.reversal, e2.batch_count, e2.signed_amount) == ("PDNG", True, 2, Decimal("199.50"))
    assert e2.booking_date == dt.date(2024, 2, 29)
    assert e2.references.end_to_end_id is None and e2.counterparty is None  # two TxDtls: nothing lifted
    b1, b2 = e2.details
    assert (b1.references.end_to_end_id, b2.references.end_to_end_id) == ("B-1", "B-2")
    assert (b1.creditor.account, b1.creditor.account_scheme) == ("12345", "BBAN")
    assert (b1.return_reason.code, b1.return_reason.additional_info) == ("AC04", ["closed"])

    root = "/Envelope/Document" if "Envelope" in text else "/Document"
    assert st.provenance.xpath == f"{root}/BkToCstmrStmt/Stmt[1]"
    assert b2.provenance.xpath == f"{root}/BkToCstmrStmt/Stmt[1]/Ntry[2]/NtryDtls[1]/TxDtls[2]"
    assert b2.provenance.file == "t.xml" and b2.provenance.line and b2.provenance.line > e2.provenance.line


def test_camt053_v8_wrapped_party_status_code_and_other_account():
    msg = one(docs.document("camt.053.001.08", docs.camt053_v8()))
    (st,) = msg.statements
    assert (st.account, st.account_scheme, st.servicer.bic) == ("ACC-77", "LOCAL", "INGBNL2AXXX")
    (bal,) = st.balances
    assert (bal.type, bal.sub_type, bal.credit_debit, bal.signed_amount) == ("XPCD", "INTM", "DBIT", Decimal("-5"))
    (e,) = st.entries
    assert e.status == "BOOK"
    assert e.counterparty.name == "Carol Inc"  # creditor of a debit, from Cdtr/Pty
    assert (e.counterparty.account, e.counterparty.agent_bic) == ("GB33BUKB20201555555555", "BUKBGB22")
    assert e.references.uetr == "eb6305c9-1f7f-49de-aed0-16487c27b42d"
    assert e.references.account_servicer_reference == "TX-ASR"  # the entry has none of its own
    assert e.return_reason.proprietary == "R02"


@pytest.mark.parametrize(
    "root, repeat, family, kind",
    [("BkToCstmrAcctRpt", "Rpt", "camt.052", "report"), ("BkToCstmrDbtCdtNtfctn", "Ntfctn", "camt.054", "notification")],
)
def test_camt052_and_054_share_the_statement_reader(root, repeat, family, kind):
    body = docs.camt053_v8().replace("BkToCstmrStmt", root).replace("<Stmt>", f"<{repeat}>").replace("</Stmt>", f"</{repeat}>")
    for version in ("02", "08"):
        msg = one(docs.document(f"{family}.001.{version}", body))
        assert (msg.family, msg.kind, msg.statements[0].kind) == (family, "statement", kind)
        assert msg.statements[0].entries[0].provenance.xpath == f"/Document/{root}/{repeat}[1]/Ntry[1]"


# --- payments ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("version", ["03", "09"])
def test_pain001_groups_and_transactions(version):
    msg = one(docs.document(f"pain.001.001.{version}", docs.pain001(version)))
    assert (msg.kind, msg.header.number_of_transactions, msg.header.control_sum) == ("payment", 2, Decimal("300.25"))
    assert msg.header.initiating_party.name == "ACME Corp"
    (g,) = msg.payment_groups
    assert (g.payment_info_id, g.number_of_transactions, g.control_sum) == ("PI-1", 2, Decimal("300.25"))
    assert g.requested_execution_date == dt.date(2024, 4, 2) and g.debtor.account == "FR1420041010050500013M02606"
    t1, t2 = msg.transactions
    assert (t1.payment_info_id, t1.instruction_id, t1.end_to_end_id, t1.amount, t1.currency) == (
        "PI-1", "I-1", "E-1", Decimal("100.25"), "EUR")
    assert t1.requested_execution_date == dt.date(2024, 4, 2)
    assert (t1.debtor.name, t1.debtor.agent_bic, t2.debtor.name) == ("ACME Corp", "PSSTFRPPXXX", "ACME Corp")
    assert (t1.creditor.name, t1.creditor.account, t1.creditor.agent_bic) == ("Supplier A", "DE89370400440532013000", "DEUTDEFF")
    assert (t1.charge_bearer, t1.service_level, t1.payment_method) == ("SLEV", "SEPA", "TRF")
    assert t1.remittance.unstructured == ["INV 1"] and t2.amount == Decimal("200.00")
    assert t2.provenance.xpath == "/Document/CstmrCdtTrfInitn/PmtInf[1]/CdtTrfTxInf[2]"


@pytest.mark.parametrize("version", ["02", "08", "12"])
def test_pacs008(version):
    msg = one(docs.with_bah(f"pacs.008.001.{version}", docs.pacs008(version)))
    h = msg.header
    assert (h.sender_bic, h.receiver_bic, h.business_message_id, h.business_service) == (
        "SNDRGB2LXXX", "RCVRDEFFXXX", "BIZ-1", "swift.cbprplus.02")
    assert h.has_application_header and h.application_header_type == "head.001.001.02"
    assert h.envelope == "{urn:swift:xsd:envelope}Envelope"
    assert (h.message_id, h.settlement_method, h.settlement_date) == (f"P8-{version}", "INDA", dt.date(2024, 5, 2))
    assert h.total_settlement_amount.amount == Decimal("1000000.10")
    (t,) = msg.transactions
    assert (t.amount, t.currency, t.instructed_amount.amount, t.exchange_rate) == (
        Decimal("1000000.10"), "EUR", Decimal("1100000.00"), Decimal("0.9091"))
    assert (t.instruction_id, t.end_to_end_id, t.transaction_id) == ("INSTR-1", "E2E-P8", "TX-P8")
    assert t.uetr == (None if version == "02" else "97ed4827-7b6f-4491-a06f-b548d5a7512d")
    assert (t.debtor.name, t.debtor.account, t.debtor.agent_bic) == ("Debtor Ltd", "GB29NWBK60161331926819", "NWBKGB2L")
    assert (t.creditor.name, t.creditor.agent_bic, t.creditor.account_scheme) == ("Creditor AG", "DEUTDEFF", "IBAN")
    assert (t.instructing_agent.bic, t.instructed_agent.bic) == ("AAAAGB2L", "BBBBDEFF")
    assert t.charges[0].amount == Decimal("5.00") and t.charge_bearer == "SHAR"
    assert t.instructions_for_agents == ["/ACC/urgent"] and t.settlement_date == dt.date(2024, 5, 2)
    assert t.provenance.xpath == "/Envelope/Document/FIToFICstmrCdtTrf/CdtTrfTxInf[1]"


def test_pacs009_cov_has_underlying_customer_transfer():
    msg = one(docs.document("pacs.009.001.08", docs.pacs009_cov()))
    (t,) = msg.transactions
    assert (t.debtor.agent_bic, t.creditor.agent_bic) == ("CLYDGB2S", "CAIXESBB")
    assert "CLYDGB2S" in t.debtor.identifiers
    u = t.underlying
    assert (u.debtor.name, u.debtor.account, u.debtor.account_scheme, u.debtor.agent_bic) == ("A Debiter", "25698745", None, "CLYDGB2S")
    assert (u.creditor.name, u.creditor.account, u.amount, u.currency) == ("A Creditor", "ES9121000418450200051332", Decimal("500.00"), "EUR")
    assert u.provenance.xpath == "/Document/FICdtTrf/CdtTrfTxInf[1]/UndrlygCstmrCdtTrf[1]"


# --- statuses, returns, recalls, answers ------------------------------------------------------------
def test_pacs002_v3_group_and_transaction_levels_with_cdata():
    msg = one(docs.document("pacs.002.001.03", docs.pacs002_v3()))
    g, t = msg.statuses
    assert (g.level, g.status, g.reason_proprietary, g.original_message_id) == ("group", "PART", "118", "P8-02")
    assert g.additional_info == ["<b>not markup</b>"]  # CDATA is text
    assert (t.level, t.status, t.reason_code, t.additional_info) == ("transaction", "RJCT", "AC04", ["Account closed"])
    assert (t.original_instruction_id, t.original_end_to_end_id, t.original_transaction_id) == ("INSTR-1", "E2E-P8", "TX-P8")
    assert (t.original_message_id, t.original_message_type, t.status_id) == ("P8-02", "pacs.008.001.02", "S1")
    assert (t.original_amount, t.original_currency, t.debtor.name) == (Decimal("10.00"), "EUR", "Debtor Ltd")


@pytest.mark.parametrize("namespace", ["pacs.002.001.10", None])
def test_pacs002_v10_transaction_original_group_and_uetr(namespace):
    msg = one(docs.document(namespace, docs.pacs002_v10()))
    assert msg.message_type == (namespace or "pacs.002") and msg.family == "pacs.002"
    (s,) = msg.statuses  # the OrgnlGrpInf inside TxInfAndSts is not a group status
    assert (s.level, s.status, s.original_uetr) == ("transaction", "ACSC", "97ed4827-7b6f-4491-a06f-b548d5a7512d")
    assert (s.original_message_id, s.effective_date) == ("P8-08", dt.date(2024, 5, 2))
    assert s.acceptance_datetime == dt.datetime(2024, 5, 1, 10, 0, 5, tzinfo=dt.UTC)


def test_pain002_v3_three_levels():
    msg = one(docs.document("pain.002.001.03", docs.pain002_v3()))
    assert [(s.level, s.status) for s in msg.statuses] == [("group", "PART"), ("payment_info", "PART"), ("transaction", "RJCT")]
    tx = msg.statuses[2]
    assert (tx.original_payment_info_id, tx.original_end_to_end_id, tx.reason_code, tx.original_message_id) == (
        "PI-1", "E-2", "AM04", "PAIN-03")


@pytest.mark.parametrize("version", ["02", "09"])
def test_pacs004(version):
    msg = one(docs.document(f"pacs.004.001.{version}", docs.pacs004(version)))
    (r,) = msg.returns
    assert (r.reason_code, r.additional_info, r.return_id) == ("AC04", ["Closed account"], "R-1")
    assert (r.original_message_id, r.original_instruction_id, r.original_end_to_end_id, r.original_transaction_id) == (
        "P8-08", "INSTR-1", "E2E-P8", "TX-P8")
    assert r.original_uetr == (None if version == "02" else "97ed4827-7b6f-4491-a06f-b548d5a7512d")
    assert (r.returned_amount, r.currency, r.original_amount) == (Decimal("999995.10"), "EUR", Decimal("1000000.10"))
    assert (r.settlement_date, r.charge_bearer, r.charges[0].amount) == (dt.date(2024, 5, 3), "CRED", Decimal("5.00"))
    assert (r.debtor.name, r.creditor.name) == ("Creditor AG", "Debtor Ltd") if version == "09" else ("Debtor Ltd", "Creditor AG")


@pytest.mark.parametrize("version", ["01", "08"])
def test_camt056(version):
    msg = one(docs.document(f"camt.056.001.{version}", docs.camt056(version)))
    assert msg.header.message_id == f"ASG-{version}"  # no GrpHdr: the assignment identifies it
    (c,) = msg.cancellations
    assert (c.case_id, c.assignment_id, c.cancellation_id) == ("CASE-1", f"ASG-{version}", "CX-1")
    assert (c.reason_code, c.additional_info) == ("DUPL", ["sent twice"])
    assert (c.original_end_to_end_id, c.original_amount, c.original_settlement_date) == (
        "E2E-P8", Decimal("1000000.10"), dt.date(2024, 5, 2))
    assert c.original_uetr == (None if version == "01" else "97ed4827-7b6f-4491-a06f-b548d5a7512d")


@pytest.mark.parametrize("version", ["03", "09"])
def test_camt029(version):
    msg = one(docs.document(f"camt.029.001.{version}", docs.camt029(version)))
    (a,) = msg.answers
    assert (a.status, a.reason_code, a.additional_info, a.cancellation_status_id) == ("RJCR", "LEGL", ["court order"], "CS-1")
    assert (a.case_id, a.resolved_case_id, a.assignment_id) == ("CASE-1", "CASE-1", f"ASG-A-{version}")
    assert (a.original_end_to_end_id, a.original_uetr, a.original_message_id) == (
        "E2E-P8", "97ed4827-7b6f-4491-a06f-b548d5a7512d", "P8-08")
    bare = one(docs.document(f"camt.029.001.{version}", docs.camt029(version, with_tx=False)))
    assert [(x.status, x.case_id) for x in bare.answers] == [("CNCL", "CASE-1")]
