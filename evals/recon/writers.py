"""Writing a generated dataset as real files: camt.053.001.08 XML (bank side) and the ledger CSV.

So the same labelled data can go through the real parsers and the CLI, not only through canonical
objects. The XML follows the camt.053.001.08 schema element order (checked against the official XSD
in the tests); one statement per currency, opening and closing booked balances consistent with the
entries.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from lxml import etree

from breakdesk.evals.recon.generator import BankSpec, Dataset

NS = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"
OPENING = Decimal("1000000")


def _el(parent, tag: str, text: str | None = None, **attrs):
    e = etree.SubElement(parent, f"{{{NS}}}{tag}", **attrs)
    if text is not None:
        e.text = text
    return e


def _amt(parent, tag: str, amount: Decimal, ccy: str) -> None:
    _el(parent, tag, format(amount, "f"), Ccy=ccy)


def _dt(parent, tag: str, day) -> None:
    _el(_el(parent, tag), "Dt", day.isoformat())


def _btc(parent, code: tuple[str, str, str]) -> None:
    bk = _el(parent, "BkTxCd")
    domn = _el(bk, "Domn")
    _el(domn, "Cd", code[0])
    fmly = _el(domn, "Fmly")
    _el(fmly, "Cd", code[1])
    _el(fmly, "SubFmlyCd", code[2])


def _party(tx, spec: BankSpec, name: str | None, iban: str | None) -> None:
    if not (name or iban):
        return
    role, acct = ("Cdtr", "CdtrAcct") if spec.direction == "DBIT" else ("Dbtr", "DbtrAcct")
    parties = _el(tx, "RltdPties")
    if name:
        _el(_el(_el(parties, role), "Pty"), "Nm", name[:140])
    if iban:
        _el(_el(_el(parties, acct), "Id"), "IBAN", iban)


def _balance(stmt, code: str, amount: Decimal, ccy: str, day) -> None:
    bal = _el(stmt, "Bal")
    _el(_el(_el(bal, "Tp"), "CdOrPrtry"), "Cd", code)
    _amt(bal, "Amt", abs(amount), ccy)
    _el(bal, "CdtDbtInd", "CRDT" if amount >= 0 else "DBIT")
    _dt(bal, "Dt", day)


def _entry(stmt, spec: BankSpec, index: int) -> None:
    ntry = _el(stmt, "Ntry")
    _el(ntry, "NtryRef", str(index))
    _amt(ntry, "Amt", spec.amount, spec.currency)
    _el(ntry, "CdtDbtInd", spec.direction)
    _el(_el(ntry, "Sts"), "Cd", "BOOK")
    _dt(ntry, "BookgDt", spec.booking)
    _dt(ntry, "ValDt", spec.value)
    if spec.asr:
        _el(ntry, "AcctSvcrRef", spec.asr)
    _btc(ntry, spec.btc or ("PMNT", "MCOP", "OTHR"))
    dtls = _el(ntry, "NtryDtls")
    if spec.batch_count:
        _el(_el(dtls, "Btch"), "NbOfTxs", str(spec.batch_count))
    if spec.details:
        for amount, e2e, name, iban in spec.details:
            tx = _el(dtls, "TxDtls")
            if e2e:
                _el(_el(tx, "Refs"), "EndToEndId", e2e)
            _amt(tx, "Amt", amount, spec.currency)
            _el(tx, "CdtDbtInd", spec.direction)
            _party(tx, spec, name, iban)
    elif not spec.batch_count:
        tx = _el(dtls, "TxDtls")
        if spec.e2e:
            _el(_el(tx, "Refs"), "EndToEndId", spec.e2e)
        _amt(tx, "Amt", spec.amount, spec.currency)
        _el(tx, "CdtDbtInd", spec.direction)
        _party(tx, spec, spec.name, spec.iban)
        if spec.remittance:
            _el(_el(tx, "RmtInf"), "Ustrd", spec.remittance[:140])
        if spec.return_code:
            _el(_el(_el(tx, "RtrInf"), "Rsn"), "Cd", spec.return_code)
    if spec.remittance and (spec.batch_count or spec.details):
        _el(ntry, "AddtlNtryInf", spec.remittance[:500])


def camt053_xml(ds: Dataset, *, created: datetime | None = None) -> bytes:
    """The bank side as a camt.053.001.08 document (entries in `Dataset.bank_order()`)."""
    created = created or datetime(2026, 12, 1, 6, 0, 0)
    root = etree.Element(f"{{{NS}}}Document", nsmap={None: NS})
    body = _el(root, "BkToCstmrStmt")
    hdr = _el(body, "GrpHdr")
    _el(hdr, "MsgId", f"GEN-{ds.seed}")
    _el(hdr, "CreDtTm", created.isoformat(timespec="seconds"))
    by_ccy: dict[str, list[BankSpec]] = {}
    for spec in ds.bank_order():
        by_ccy.setdefault(spec.currency, []).append(spec)
    for ccy, specs in by_ccy.items():
        stmt = _el(body, "Stmt")
        _el(stmt, "Id", f"GEN-{ds.seed}-{ccy}")
        _el(stmt, "CreDtTm", created.isoformat(timespec="seconds"))
        acct = _el(stmt, "Acct")
        _el(_el(_el(acct, "Id"), "Othr"), "Id", f"GEN-ACCOUNT-{ccy}")
        _el(acct, "Ccy", ccy)
        net = sum((s.amount if s.direction == "CRDT" else -s.amount for s in specs), Decimal(0))
        first, last = min(s.booking for s in specs), max(s.booking for s in specs)
        _balance(stmt, "OPBD", OPENING, ccy, first)
        _balance(stmt, "CLBD", OPENING + net, ccy, last)
        for i, spec in enumerate(specs, start=1):
            _entry(stmt, spec, i)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
