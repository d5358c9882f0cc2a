"""MT940/950 statements, MT942 interim reports, MT900/910 debit/credit confirmations → `Statement`.

One message is one statement. Fields must come in the standard order (20, 21, 25, 28C, 34F, 13D,
60a, 61+86…, 90D/C, 62a, 64, 65, 86); a field out of order is a `FieldError`, which is how a
truncated or spliced export (a `:25:` after a `:61:`) is caught instead of being read as data.
A `:86:` right after a `:61:` belongs to that entry; anywhere else it is the statement's own info.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

from breakdesk.parsers.canonical import (
    Agent,
    Balance,
    BankTransactionCode,
    Entry,
    EntryReferences,
    Money,
    Party,
    Provenance,
    Reason,
    Remittance,
    Statement,
    StructuredRemittance,
    TransactionsSummary,
)
from breakdesk.parsers.construct import construct, exact, model_spec
from breakdesk.parsers.currency import minor_units
from breakdesk.parsers.errors import FieldError
from breakdesk.parsers.swift import values as v
from breakdesk.parsers.swift.fields import RawField, drop_spaces_before_newlines
from breakdesk.parsers.swift.narrative import parse_narrative
from breakdesk.parsers.swift.parties import read_agent, read_party
from breakdesk.parsers.swift.processors import DEFAULT_PROCESSORS
from breakdesk.parsers.swift.reading import MessageContext
from breakdesk.parsers.swift.values import ValueProblem

_ORDER = {
    "20": 0, "21": 1, "25": 2, "25P": 2, "28C": 3, "28": 3, "34F": 4, "13D": 5, "60F": 6, "60M": 6,
    "61": 7, "90D": 8, "90C": 8, "62F": 9, "62M": 9, "64": 10, "65": 11,
}
_REPEATABLE = {"61", "34F", "65"}
#: Fields lenient reading may leave out: none of them states money the statement is proven by. An
#: unreadable :20:, :25:, :60a:, :62a: or :34F: leaves the whole message out (a statement whose
#: balances are not read is how a cut-off file looks, issue #21).
_MAY_LEAVE_OUT = {"21", "28", "28C", "13D", "64", "65", "90D", "90C"}
_BALANCES = {
    "60F": "OPBD", "60M": "ITBD", "62F": "CLBD", "62M": "ITBD", "64": "CLAV", "65": "FWAV",
}
_NO_REF = {"NONREF", ""}
_NO_PARTY = {
    "name": None, "address": None, "account": None, "account_scheme": None, "account_currency": None, "agent": None,
    "identifiers": None, "country_of_residence": None, "provenance": None,
}


try:  # the compiled fast path of `_entry` (parsers/swift/_speedups.c), built by `pip install`
    from breakdesk.parsers.swift import _speedups
except ImportError:  # a source tree nobody built: `_entry` alone gives the same objects, slower
    _speedups = None
else:
    _speedups.configure({
        **{cls.__name__: model_spec(cls) for cls in (
            Entry, Provenance, BankTransactionCode, EntryReferences, Remittance, Party, Agent, Reason,
            StructuredRemittance,
        )},
        "Decimal": Decimal, "account_scheme": v.account_scheme, "is_iban": v.is_iban,
        "RawField": RawField, "clean_spaces": drop_spaces_before_newlines,
    })


def _fast_path(ctx: MessageContext):
    """`_speedups.statement_lines` when the statement-line hooks are the defaults it embodies, else None."""
    if _speedups is None:
        return None
    procs = ctx.processors
    for key in ("pre_statement_line", "post_statement_line"):
        if procs.get(key, []) != DEFAULT_PROCESSORS.get(key, []):
            return None
    return _speedups.statement_lines


def _ref(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return None if value.upper() in _NO_REF else value


def read_statement(ctx: MessageContext, kind: str) -> Statement:
    """MT940/942/950: one statement with its balances and entries."""
    stmt: dict = {"kind": kind}
    balances: list[Balance] = []
    entries: list[Entry] = []
    floor_limits: list[Money] = []
    summary: TransactionsSummary | None = None
    info: list[str] = []
    rank = -1
    seen: set[str] = set()
    currency: str | None = None
    first_line = ctx.fields[0].line if ctx.fields else ctx.line
    prov = ctx.provenance
    mt = ctx.message_type

    pending: list | None = None  # [:61: field, its :86: text, its :NS: text]
    fast = _fast_path(ctx)  # takes runs of plain statement lines; `_entry` reads the others
    units = None  # the minor units of the statement's currency, once it is known
    refused = -1  # the index of the line the fast path last stopped at
    fields = ctx.fields if isinstance(ctx.fields, list) else list(ctx.fields)
    i, n = 0, len(fields)
    while i < n:
        f = fields[i]
        i += 1
        tag = f.tag
        if tag == "86" or tag == "NS":
            # :86: after a :61: belongs to it, anywhere else to the statement. Sberbank/Hungarian
            # exports add a non-standard :NS: block of NN-numbered lines, placed the same way.
            slot = 1 if tag == "86" else 2
            if pending is not None and pending[slot] is None:
                pending[slot] = f.value
            else:
                info.append(f.value)
            continue
        if pending is not None:
            _add_entry(ctx, entries, pending, currency)
            pending = None
        r = _ORDER.get(tag)
        if r is None:
            if ctx.lenient:
                assert ctx.reading is not None
                ctx.reading.note("warning", "UNKNOWN_FIELD", f"field :{tag}: does not belong in an {mt}; kept here, "
                                 "not read", line=f.line, message_index=ctx.message_index, tag=tag, value=f.value)
                continue
            raise ctx.error(f"does not belong in an {mt}", f)
        if r < rank or (tag in seen and tag not in _REPEATABLE):
            raise ctx.error(f"is out of sequence in an {mt}", f)
        rank = r
        seen.add(tag)
        try:
            if tag == "61":
                if currency is None:
                    raise ctx.missing("60a", line=f.line, why=" before this entry (no currency known: no :60a: or :34F: before it)")
                if fast is not None and i - 1 != refused:
                    units = units if units is not None else minor_units(currency)
                    taken = fast(fields, i - 1, currency, units, ctx.file, ctx.message_index, entries)
                    if taken > i - 1:
                        i = refused = taken  # where it stopped: another field, or a line it leaves to `_entry`
                        continue
                pending = [f, None, None]
            elif tag in _BALANCES:
                g = ctx.read(f)
                if currency is None:
                    currency = g["currency"]
                balances.append(
                    construct(
                    Balance,
                        provenance=prov(f.line), type=_BALANCES[tag], sub_type=None, amount=g["amount"],
                        currency=g["currency"], credit_debit=g["credit_debit"], date=g["date"], mt_tag=tag,
                    )
                )
            elif tag == "20":
                stmt["statement_id"] = ctx.read(f)["reference"]
                first_line = f.line
            elif tag == "21":
                stmt["related_reference"] = ctx.read(f)["reference"]
            elif tag in ("25", "25P"):
                g = ctx.read(f)
                _account(stmt, g)
                currency = currency or g.get("currency")
            elif tag in ("28C", "28"):
                g = ctx.read(f)
                stmt["sequence_number"] = g["sequence"]
                stmt["page"] = g["page"]
            elif tag == "34F":
                g = ctx.read(f)
                currency = currency or g["currency"]
                floor_limits.append(construct(Money, amount=g["amount"], currency=g["currency"]))
            elif tag == "13D":
                stmt["created_at"] = _datetime(ctx, f)
            elif tag in ("90D", "90C"):
                g = ctx.read(f)
                summary = summary or TransactionsSummary()
                if tag == "90D":
                    summary.debit_count, summary.debit_sum = g["count"], g["amount"]
                else:
                    summary.credit_count, summary.credit_sum = g["count"], g["amount"]
        except FieldError as exc:  # lenient: this line is left out (its text kept), the others are read
            if not ctx.lenient or (tag != "61" and tag not in _MAY_LEAVE_OUT):
                raise
            ctx.leave_out(exc, "UNREADABLE_ENTRY" if tag == "61" else "UNREADABLE_FIELD")
    if pending is not None:
        _add_entry(ctx, entries, pending, currency)
    if not entries and not balances and "20" not in seen:
        raise ctx.error(f"an {mt} needs at least :20: or statement lines", line=ctx.line)
    if summary is not None and (summary.debit_count is not None or summary.credit_count is not None):
        summary.total_count = (summary.debit_count or 0) + (summary.credit_count or 0)
    return construct(
        Statement,
        provenance=prov(first_line),
        currency=currency,
        balances=balances,
        entries=entries,
        floor_limits=floor_limits,
        summary=summary,
        additional_info="\n".join(info) if info else None,
        **stmt,
    )


def read_confirmation(ctx: MessageContext, credit: bool) -> Statement:
    """MT900 (debit) / MT910 (credit) confirmation: one entry from :32A: on the :25: account."""
    stmt: dict = {"kind": "confirmation"}
    first_line = ctx.line
    entry_field: RawField | None = None
    g32: dict | None = None
    counterparty: Party | None = None
    agent: Agent | None = None
    info: list[str] = []
    created = None
    for f in ctx.fields:
        tag = f.tag
        if tag == "20":
            stmt["statement_id"] = ctx.read(f)["reference"]
            first_line = f.line
        elif tag == "21":
            stmt["related_reference"] = ctx.read(f)["reference"]
        elif tag in ("25", "25P"):
            _account(stmt, ctx.read(f))
        elif tag == "32A":
            g32, entry_field = ctx.read(f), f
        elif tag == "13D":
            created = _datetime(ctx, f)
        elif tag[:2] == "50":
            counterparty = read_party(ctx, f)
        elif tag[:2] in ("52", "56"):
            agent = agent or read_agent(ctx, f)
        elif tag == "72":
            info.append(f.value)
        else:
            raise ctx.error(f"does not belong in an {ctx.message_type}", f)
    if g32 is None or entry_field is None:
        raise ctx.missing("32A")
    if agent is not None:
        counterparty = counterparty or Party()
        counterparty.agent = counterparty.agent or agent
    entry = Entry(
        provenance=ctx.provenance(entry_field.line),
        amount=g32["amount"],
        currency=g32["currency"],
        credit_debit="CRDT" if credit else "DBIT",
        value_date=g32["date"],
        references=EntryReferences(
            account_servicer_reference=stmt.get("statement_id"),
            account_owner_reference=stmt.get("related_reference"),
        ),
        counterparty=counterparty,
        additional_info="\n".join(info) if info else None,
    )
    return Statement(
        provenance=ctx.provenance(first_line), currency=g32["currency"], entries=[entry], created_at=created, **stmt
    )


def _account(stmt: dict, g: dict) -> None:
    account = g["account"]
    stmt["account"] = account
    stmt["account_scheme"] = v.account_scheme(account)
    if g.get("servicer_bic") or g.get("servicer_code"):
        stmt["servicer"] = Agent(bic=g.get("servicer_bic"), clearing_system_member_id=g.get("servicer_code"))
    if g.get("bic") and v.looks_like_bic(g["bic"].strip()):
        stmt["servicer"] = Agent(bic=g["bic"].strip())


def _datetime(ctx: MessageContext, f: RawField) -> datetime:
    g = ctx.read(f)
    try:
        d = v.yymmdd(g["date"])
        hh, mm = int(g["time"][:2]), int(g["time"][2:])
        oh, om = int(g["offset"][:2]), int(g["offset"][2:])
        if oh > 14 or om > 59:
            raise ValueProblem(f"UTC offset {g['offset']!r} is impossible")
        sign = -1 if g["sign"] == "-" else 1
        tz = timezone(sign * timedelta(hours=oh, minutes=om))
        return datetime(d.year, d.month, d.day, hh, mm, tzinfo=tz)
    except ValueProblem as exc:
        raise ctx.error(str(exc), f) from None
    except ValueError:
        raise ctx.error(f"impossible time {g['time']!r}", f) from None


def _add_entry(ctx: MessageContext, entries: list[Entry], pending: list, currency: str) -> None:
    """Read one :61: (with its :86:/:NS:); lenient reading leaves an unreadable one out as an
    `UNREADABLE_ENTRY` error finding holding its text, and the statement's other entries stay."""
    noted = len(ctx.reading.findings) if ctx.reading is not None else 0
    try:
        entries.append(_entry(ctx, pending[0], currency, pending[1], pending[2]))
    except FieldError as exc:
        if not ctx.lenient:
            raise
        del ctx.reading.findings[noted:]  # a quirk it had taken goes with it  # type: ignore[union-attr]
        if pending[1] is not None:
            exc.fragment = f"{pending[0].value}\n:86:{pending[1]}"
        ctx.leave_out(exc, "UNREADABLE_ENTRY")


def _entry(ctx: MessageContext, f: RawField, currency: str, text86: str | None, ns: str | None) -> Entry:
    """One :61: (with its :86: or :NS:) → Entry. The reference of the compiled fast path
    (`_speedups.statement_lines`, which builds the plainly well-formed lines the same way): this reads
    every line it leaves (a German ?NN narrative, a line a processor rewrites, an :NS: block) and
    reports every error. Objects are built from complete field dicts (`exact`), kept in step with the
    model by a unit test."""
    g = ctx.read(f)
    if g["entry_date"] and g["booking_date"] is None:
        raise ctx.error(f"impossible entry date {g['entry_date']!r} (MMDD)", f)
    try:
        amount = v.amount(g["amount"], currency)
    except ValueProblem as exc:
        raise ctx.error(str(exc), f) from None
    credit_debit = g["credit_debit"]
    refs = {
        "account_servicer_reference": _ref(g["bank_reference"]), "account_owner_reference": _ref(g["customer_reference"]),
        "message_id": None, "payment_info_id": None, "instruction_id": None, "end_to_end_id": None,
        "transaction_id": None, "uetr": None, "mandate_id": None, "cheque_number": None,
        "clearing_system_reference": None, "proprietary": [],
    }
    counterparty = None
    if g.get("counterparty_name") or g.get("counterparty_account"):
        counterparty = construct(
            Party, name=g.get("counterparty_name"), account=g.get("counterparty_account"),
            account_scheme=v.account_scheme(g.get("counterparty_account")),
        )
    supplementary = g["supplementary"]
    entry = {
        "provenance": exact(Provenance, {"file": ctx.file, "message_index": ctx.message_index, "line": f.line, "xpath": None}),
        "entry_reference": None, "amount": amount, "currency": currency, "credit_debit": credit_debit,
        "reversal": g["reversal"], "status": "BOOK", "booking_date": g["booking_date"], "value_date": g["value_date"],
        "bank_transaction_code": exact(BankTransactionCode, {
            "domain": None, "family": None, "sub_family": None, "proprietary_code": g["type"].strip(),
            "proprietary_issuer": "SWIFT",
        }),
        "references": None, "counterparty": counterparty, "remittance": None, "return_reason": None, "charges": [],
        "additional_info": None, "narrative_fields": {},
        "supplementary_details": supplementary.strip() if supplementary else None,
        "batch_count": None, "details": [],
    }
    if text86 is not None:
        entry["additional_info"] = text86
        facts = parse_narrative(text86, credit=credit_debit == "CRDT")
        if facts.fields:
            _apply_narrative(entry, refs, facts)
    elif ns is not None:
        entry["additional_info"] = ns
        entry["narrative_fields"] = {f"NS{ln[:2]}": ln[2:].strip() for ln in ns.split("\n") if ln[:2].isdigit()}
    entry["references"] = exact(EntryReferences, refs)
    if entry["remittance"] is None:
        entry["remittance"] = exact(Remittance, {"unstructured": [], "structured": []})
    return exact(Entry, entry)


def _apply_narrative(entry: dict, refs: dict, facts) -> None:
    """Fold the structured :86: facts into the entry's field dicts."""
    entry["narrative_fields"] = facts.fields
    if facts.end_to_end_id:
        refs["end_to_end_id"] = facts.end_to_end_id
    if facts.mandate_id:
        refs["mandate_id"] = facts.mandate_id
    if facts.has_counterparty or facts.counterparty_bank_code:
        party = entry["counterparty"] or exact(Party, dict(_NO_PARTY, identifiers=[]))
        pd = party.__dict__
        pd["name"] = pd["name"] or facts.counterparty_name
        account = facts.counterparty_account
        if account and not pd["account"]:
            pd["account"] = account
            pd["account_scheme"] = v.account_scheme(account)
        if facts.counterparty_bic or facts.counterparty_bank_code:
            pd["agent"] = construct(
                Agent, bic=facts.counterparty_bic, clearing_system_member_id=facts.counterparty_bank_code
            )
        entry["counterparty"] = party
    if facts.remittance or facts.creditor_reference:
        structured = []
        if facts.creditor_reference:
            structured.append(
                construct(StructuredRemittance, creditor_reference=facts.creditor_reference, creditor_reference_type="SCOR")
            )
        entry["remittance"] = exact(Remittance, {"unstructured": list(facts.remittance), "structured": structured})
    if facts.return_code or facts.return_proprietary:
        entry["return_reason"] = construct(
            Reason, code=facts.return_code, proprietary=facts.return_proprietary, additional_info=facts.return_info
        )
