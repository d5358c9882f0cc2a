"""Builders for canonical objects used by the validation and writer tests.

The parsers are built elsewhere; these tests construct the canonical model directly, which is the
contract the checks and writers are written against.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from breakdesk.parsers.canonical import (
    Agent,
    Balance,
    Entry,
    Header,
    Message,
    Party,
    PaymentGroup,
    PostalAddress,
    Provenance,
    Statement,
    Transaction,
)

FILE = "test.xml"


def prov(xpath: str | None = None, line: int | None = None, index: int = 0) -> Provenance:
    return Provenance(file=FILE, message_index=index, xpath=xpath, line=line)


def party(name: str = "ACME GmbH", account: str | None = "DE89370400440532013000", bic: str | None = "COBADEFFXXX",
          scheme: str | None = "IBAN", **kw) -> Party:
    return Party(name=name, account=account, account_scheme=scheme if account else None,
                 agent=Agent(bic=bic) if bic else None, **kw)


def tx(amount: str = "100.00", currency: str = "EUR", i: int = 0, **kw) -> Transaction:
    defaults = dict(
        provenance=prov(f"/Document/CstmrCdtTrfInitn/PmtInf[1]/CdtTrfTxInf[{i + 1}]"),
        payment_info_id="PMT-1",
        instruction_id=f"INSTR-{i}",
        end_to_end_id=f"E2E-{i}",
        requested_execution_date=date(2026, 11, 30),
        debtor=party("Debtor AG", "DE89370400440532013000", "COBADEFFXXX"),
        creditor=party("Creditor SA", "FR1420041010050500013M02606", "BNPAFRPPXXX"),
        charge_bearer="SLEV",
    )
    defaults.update(kw)
    return Transaction(amount=Decimal(amount), currency=currency, **defaults)


def pain001(transactions: list[Transaction], *, nb: int | None = None, ctrl: str | None = None,
            groups: list[PaymentGroup] | None = None, **kw) -> Message:
    if groups is None:
        groups = [PaymentGroup(provenance=prov("/Document/CstmrCdtTrfInitn/PmtInf[1]"), payment_info_id="PMT-1",
                               number_of_transactions=len(transactions),
                               control_sum=sum((t.amount for t in transactions), Decimal(0)),
                               requested_execution_date=date(2026, 11, 30))]
    total = sum((t.amount for t in transactions), Decimal(0))
    header = Header(message_id="MSG-1", created_at=datetime(2026, 11, 27, 10, 0),
                    number_of_transactions=len(transactions) if nb is None else nb,
                    control_sum=total if ctrl is None else Decimal(ctrl))
    return Message(message_type="pain.001.001.09", family="pain.001", kind="payment", provenance=prov("/Document"),
                   header=header, payment_groups=groups, transactions=transactions, **kw)


def bal(kind: str, amount: str, cd: str = "CRDT", currency: str = "EUR", tag: str | None = None) -> Balance:
    return Balance(provenance=prov(f"/Bal[{kind}]"), type=kind, amount=Decimal(amount), currency=currency,
                   credit_debit=cd, mt_tag=tag)


def entry(amount: str, cd: str = "CRDT", currency: str = "EUR", i: int = 0, **kw) -> Entry:
    return Entry(provenance=prov(f"/Document/BkToCstmrStmt/Stmt/Ntry[{i + 1}]"), amount=Decimal(amount),
                 currency=currency, credit_debit=cd, **kw)


def statement(opening: str, closing: str, entries: list[Entry], account: str = "DE89370400440532013000",
              currency: str = "EUR", **kw) -> Statement:
    o_cd = "DBIT" if opening.startswith("-") else "CRDT"
    c_cd = "DBIT" if closing.startswith("-") else "CRDT"
    return Statement(provenance=prov("/Document/BkToCstmrStmt/Stmt"), account=account, account_scheme="IBAN",
                     currency=currency,
                     balances=[bal("OPBD", opening.lstrip("-"), o_cd, currency),
                               bal("CLBD", closing.lstrip("-"), c_cd, currency)],
                     entries=entries, **kw)


def camt053(*statements: Statement, index: int = 0) -> Message:
    return Message(message_type="camt.053.001.08", family="camt.053", kind="statement",
                   provenance=prov("/Document", index=index), statements=list(statements))


def structured_address() -> PostalAddress:
    return PostalAddress(street_name="Hauptstrasse", building_number="1", post_code="10115", town_name="Berlin",
                         country="DE")
