"""Small builders of canonical statements and ledger CSVs for the reconciliation tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from breakdesk.parsers.canonical import (
    BankTransactionCode,
    Entry,
    EntryDetail,
    EntryReferences,
    Message,
    Party,
    Provenance,
    Reason,
    Remittance,
    Statement,
)


def entry(
    amount: str,
    *,
    ccy: str = "EUR",
    cd: str = "DBIT",
    day: date = date(2026, 11, 2),
    asr: str | None = None,
    e2e: str | None = None,
    uetr: str | None = None,
    name: str | None = None,
    iban: str | None = None,
    text: str = "",
    return_code: str | None = None,
    btc: str | None = None,
    batch: list[tuple[str, str]] | None = None,
    line: int = 1,
) -> Entry:
    prov = Provenance(file="stmt.xml", xpath=f"/Document/BkToCstmrStmt/Stmt/Ntry[{line}]")
    details = [
        EntryDetail(provenance=prov, references=EntryReferences(end_to_end_id=ref), amount=Decimal(a),
                    currency=ccy, credit_debit=cd)
        for a, ref in (batch or [])
    ]
    code = None
    if btc:
        d, f, s = btc.split("/")
        code = BankTransactionCode(domain=d, family=f, sub_family=s)
    return Entry(
        provenance=prov, amount=Decimal(amount), currency=ccy, credit_debit=cd, booking_date=day, value_date=day,
        references=EntryReferences(account_servicer_reference=asr, end_to_end_id=e2e, uetr=uetr),
        counterparty=Party(name=name, account=iban) if (name or iban) else None,
        remittance=Remittance(unstructured=[text] if text else []),
        return_reason=Reason(code=return_code) if return_code else None,
        bank_transaction_code=code, batch_count=len(batch) if batch else None, details=details,
    )


def statement(*entries: Entry) -> Message:
    st = Statement(provenance=Provenance(file="stmt.xml"), statement_id="S1", currency="EUR",
                   entries=list(entries))
    return Message(message_type="camt.053.001.08", family="camt.053", kind="statement",
                   provenance=Provenance(file="stmt.xml"), statements=[st])


LEDGER_HEADER = "id,date,amount,currency,counterparty,reference,description,iban,end_to_end_id\n"


def ledger(*rows: str) -> str:
    return LEDGER_HEADER + "".join(r + "\n" for r in rows)
