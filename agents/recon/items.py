"""The two sides of a reconciliation: bank statement lines and book (ledger / sent payment) items.

Both are small frozen dataclasses built once from the canonical model (`parsers.canonical`), so the
matcher never touches pydantic objects in its inner loops. Amounts are unsigned `Decimal` with a
`direction` (`CRDT`/`DBIT`, as seen from our account), exactly like camt entries.

Identity:
* a bank item's id is the entry's account-servicer reference when the bank gave one, else a stable
  id derived from where the entry sits (`file#message/statement/entry`) — the same file always
  yields the same ids;
* a book item's id is the EndToEndId when present, else the InstrId, else the MT :20:, else a
  derived id.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal

from breakdesk.agents.recon.normalize import EMPTY_REFERENCES, norm_iban, norm_name, norm_ref, refs_in_text
from breakdesk.parsers.canonical import Entry, EntryDetail, Message, Party, Statement, Transaction

Direction = Literal["CRDT", "DBIT"]

#: ISO bank transaction sub-families that mean "this is a return" (ExternalBankTransactionSubFamily).
RETURN_SUB_FAMILIES = frozenset({"RRTN", "RPCR", "ARET", "UPCT", "RCDD", "DDRT"})
#: MT :61: transaction type identification codes used for returns (after the N/F/S letter).
RETURN_MT_CODES = frozenset({"RTI", "RET"})


@dataclass(frozen=True)
class BatchDetail:
    """One payment inside a batch booking (camt TxDtls of an entry with several)."""

    amount: Decimal | None
    currency: str | None
    references: tuple[str, ...]  # normalised
    counterparty_name: str | None = None
    counterparty_iban: str | None = None
    remittance: str = ""


@dataclass(frozen=True)
class _Side:
    _mt_label = "MT :20:"  # class attribute, not a field: how `mt_reference` is named in reasons

    id: str
    amount: Decimal
    currency: str
    direction: Direction
    booking_date: date | None = None
    value_date: date | None = None
    end_to_end_id: str | None = None
    instruction_id: str | None = None
    uetr: str | None = None
    mt_reference: str | None = None  # MT :20: (sender's reference) or :61: customer reference
    mt_related_reference: str | None = None  # MT :21:
    other_references: tuple[str, ...] = ()  # e.g. creditor reference (RF…), mandate, cheque number
    text_references: tuple[str, ...] = ()  # normalised references found in remittance / :86: text
    counterparty_name: str | None = None
    counterparty_iban: str | None = None
    remittance: str = ""
    provenance: str = ""

    @property
    def match_date(self) -> date | None:
        return self.value_date or self.booking_date

    def id_references(self) -> dict[str, str]:
        """Structured references, normalised, keyed by a human label used in match reasons."""
        out: dict[str, str] = {}
        for label, value in (
            ("UETR", self.uetr),
            ("EndToEndId", self.end_to_end_id),
            ("InstrId", self.instruction_id),
            (self._mt_label, self.mt_reference),
            ("MT :21:", self.mt_related_reference),
        ):
            n = norm_ref(value)
            if n:
                out.setdefault(label, n)
        for i, value in enumerate(self.other_references):
            n = norm_ref(value)
            if n:
                out.setdefault(f"reference {i + 1}", n)
        return out

    @property
    def norm_name(self) -> str:
        return norm_name(self.counterparty_name)

    @property
    def norm_iban(self) -> str:
        return norm_iban(self.counterparty_iban)


@dataclass(frozen=True)
class BankItem(_Side):
    """One statement line (camt Ntry / MT :61:+:86:). A batch booking stays one item."""

    _mt_label = "customer reference (:61:)"  # our :20: as the bank echoes it in :61: subfield 7

    account_servicer_reference: str | None = None
    bank_transaction_code: str | None = None  # ISO domain/family/sub-family or proprietary code
    return_reason: str | None = None
    reversal: bool = False
    status: str | None = "BOOK"
    batch_count: int | None = None
    batch_details: tuple[BatchDetail, ...] = field(default=())

    @property
    def is_return(self) -> bool:
        if self.return_reason:
            return True
        code = (self.bank_transaction_code or "").upper()
        sub = code.rsplit("/", 1)[-1]
        return sub in RETURN_SUB_FAMILIES or code[1:4] in RETURN_MT_CODES


@dataclass(frozen=True)
class BookItem(_Side):
    """A payment we sent or an item of our ledger that should appear on a statement."""

    source: str = "ledger"  # "ledger", or the message family (pain.001, pacs.008, MT103)
    #: The payment run it was sent in (pain.001 PmtInfId): a bank booking the run as one line echoes it.
    batch_reference: str | None = None


# --- building from canonical messages ---------------------------------------------------------


def _iban(party: Party | None) -> str | None:
    if party is None or not party.account:
        return None
    return party.account


def _text_refs(*texts: str | None) -> tuple[str, ...]:
    refs: set[str] = set()
    for t in texts:
        refs.update(refs_in_text(t))
    return tuple(sorted(refs))


def _derived_id(prefix: str, *parts: object) -> str:
    digest = hashlib.sha1("|".join(str(p) for p in parts).encode()).hexdigest()[:12]
    return f"{prefix}-{digest}"


def _entry_counterparty(entry: Entry) -> Party | None:
    if entry.counterparty is not None:
        return entry.counterparty
    if len(entry.details) == 1:
        d = entry.details[0]
        # The other party is the creditor of our debits and the debtor of our credits.
        return (d.creditor if entry.credit_debit == "DBIT" else d.debtor) or d.creditor or d.debtor
    return None


def _detail(entry: Entry, d: EntryDetail) -> BatchDetail:
    party = (d.creditor if entry.credit_debit == "DBIT" else d.debtor) or d.creditor or d.debtor
    refs = {norm_ref(v) for v in d.references.values()}
    refs.update(refs_in_text(d.remittance.text))
    refs.discard("")
    return BatchDetail(
        amount=d.amount,
        currency=d.currency or entry.currency,
        references=tuple(sorted(refs)),
        counterparty_name=party.name if party else None,
        counterparty_iban=_iban(party),
        remittance=d.remittance.text,
    )


def bank_item_from_entry(entry: Entry, statement: Statement | None = None, index: int = 0) -> BankItem:
    """One `BankItem` from one canonical statement entry (see module docstring for the id)."""
    refs = entry.references
    single = entry.details[0] if len(entry.details) == 1 else None
    drefs = single.references if single else None

    def pick(name: str) -> str | None:
        v = getattr(refs, name) or (getattr(drefs, name) if drefs else None)
        return v if v and v.upper() not in EMPTY_REFERENCES else None

    is_batch = len(entry.details) > 1 or (entry.batch_count or 0) > 1
    asr = pick("account_servicer_reference")
    where = entry.provenance.describe()
    if asr:
        item_id = asr
    else:
        item_id = _derived_id(
            "BANK", where, statement.statement_id if statement else "", index, entry.amount, entry.currency
        )
    party = _entry_counterparty(entry)
    remittance = " ".join(
        t for t in (entry.remittance.text, single.remittance.text if single else "") if t
    )
    reason = entry.return_reason or (single.return_reason if single else None)
    btc = entry.bank_transaction_code or (single.bank_transaction_code if single else None)
    btc_code = (btc.iso or btc.proprietary_code) if btc else None
    other = [v for v in (pick("cheque_number"), pick("mandate_id"), pick("transaction_id"), pick("payment_info_id"))
             if v]
    other += [p for p in refs.proprietary if p]
    for s in entry.remittance.structured + (single.remittance.structured if single else []):
        if s.creditor_reference:
            other.append(s.creditor_reference)
    return BankItem(
        id=item_id,
        amount=entry.amount,
        currency=entry.currency,
        direction=entry.credit_debit,
        booking_date=entry.booking_date,
        value_date=entry.value_date,
        end_to_end_id=None if is_batch else pick("end_to_end_id"),
        instruction_id=None if is_batch else pick("instruction_id"),
        uetr=None if is_batch else pick("uetr"),
        mt_reference=pick("account_owner_reference"),
        other_references=tuple(dict.fromkeys(other)),
        text_references=_text_refs(remittance, entry.additional_info, entry.supplementary_details,
                                   " ".join(entry.narrative_fields.values())),
        counterparty_name=party.name if party else None,
        counterparty_iban=_iban(party),
        remittance=" ".join(t for t in (remittance, entry.additional_info or "") if t),
        provenance=where,
        account_servicer_reference=asr,
        bank_transaction_code=btc_code,
        return_reason=(reason.best if reason else None),
        reversal=entry.reversal,
        status=entry.status,
        batch_count=entry.batch_count or (len(entry.details) if len(entry.details) > 1 else None),
        batch_details=tuple(_detail(entry, d) for d in entry.details) if is_batch else (),
    )


def bank_items_from_messages(messages: Iterable[Message]) -> list[BankItem]:
    """One item per camt.052/053/054 or MT940/942/950 entry, in file order. Ids are made unique."""
    out: list[BankItem] = []
    seen: dict[str, int] = {}
    for msg in messages:
        for statement in msg.statements:
            for i, entry in enumerate(statement.entries):
                item = bank_item_from_entry(entry, statement, i)
                out.append(_unique(item, seen))
    return out


def _unique(item, seen: dict[str, int]):
    """A second item with the same id (a bank repeating a reference) gets a '#2' suffix."""
    n = seen.get(item.id, 0) + 1
    seen[item.id] = n
    if n == 1:
        return item
    from dataclasses import replace

    return replace(item, id=f"{item.id}#{n}")


def book_item_from_transaction(tx: Transaction, family: str, index: int = 0) -> BookItem:
    """A payment we sent (pain.001, pacs.008/009, MT103/202): money leaves our account (DBIT)."""
    refs = [v for v in (tx.end_to_end_id, tx.instruction_id, tx.transaction_id, tx.uetr) if v
            and v.upper() not in EMPTY_REFERENCES]
    item_id = refs[0] if refs else _derived_id("BOOK", tx.provenance.describe(), index, tx.amount)
    is_mt = family.upper().startswith("MT")
    other = [s.creditor_reference for s in tx.remittance.structured if s.creditor_reference]
    return BookItem(
        id=item_id,
        amount=tx.amount,
        currency=tx.currency,
        direction="DBIT",
        booking_date=tx.requested_execution_date or tx.settlement_date,
        value_date=tx.settlement_date or tx.requested_execution_date,
        end_to_end_id=None if is_mt else tx.end_to_end_id,
        instruction_id=None if is_mt else tx.instruction_id,
        uetr=tx.uetr,
        mt_reference=tx.instruction_id if is_mt else None,
        mt_related_reference=tx.end_to_end_id if is_mt else None,
        other_references=tuple(other),
        text_references=_text_refs(tx.remittance.text),
        counterparty_name=tx.creditor.name,
        counterparty_iban=_iban(tx.creditor),
        remittance=tx.remittance.text,
        provenance=tx.provenance.describe(),
        source=family,
        batch_reference=tx.payment_info_id if tx.payment_info_id and tx.payment_info_id.upper() not in EMPTY_REFERENCES
        else None,
    )


def book_items_from_messages(messages: Iterable[Message]) -> list[BookItem]:
    """Book items from the payments we sent (every `payment` message's transactions)."""
    out: list[BookItem] = []
    seen: dict[str, int] = {}
    for msg in messages:
        if msg.kind != "payment":
            continue
        for i, tx in enumerate(msg.transactions):
            out.append(_unique(book_item_from_transaction(tx, msg.family, i), seen))
    return out
