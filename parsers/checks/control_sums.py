"""Declared totals against the items they total: GrpHdr/PmtInf NbOfTxs and CtrlSum, statement
TxsSummry (MT942 90D/90C), and batch bookings (Btch/NbOfTxs, TxDtls amounts).

A mismatch is an error: the receiving bank rejects the file (pain.001 NbOfTxs/CtrlSum, reason code
AM18/AM10), and a statement whose totals disagree with its entries cannot be trusted for booking.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from decimal import Decimal

from breakdesk.parsers.canonical import Entry, Message, Provenance, Statement
from breakdesk.parsers.checks._common import finding, money
from breakdesk.parsers.findings import Finding


def _counted_items(message: Message) -> tuple[str, Sequence, list[Decimal | None]] | None:
    """What the header's NbOfTxs/CtrlSum count for this kind of message."""
    if message.kind == "payment":
        return "transactions", message.transactions, [t.amount for t in message.transactions]
    if message.kind == "return" and message.returns:
        return "returns", message.returns, [r.returned_amount for r in message.returns]
    if message.kind == "cancellation_request" and message.cancellations:
        return "cancellations", message.cancellations, [c.original_amount for c in message.cancellations]
    if message.kind == "status_report":
        tx_statuses = [s for s in message.statuses if s.level == "transaction"]
        if tx_statuses:
            return "transaction statuses", tx_statuses, [s.original_amount for s in tx_statuses]
    return None


def _compare_totals(
    label: str,
    declared_count: int | None,
    declared_sum: Decimal | None,
    count: int,
    amounts: list[Decimal | None],
    *,
    where: Provenance,
    field_prefix: str,
) -> Iterator[Finding]:
    if declared_count is not None and declared_count != count:
        yield finding(
            "error", "NB_OF_TXS_MISMATCH",
            f"{label} declares NbOfTxs={declared_count} but holds {count} (expected {declared_count}, found {count})",
            where, fallback=where, field=f"{field_prefix}.number_of_transactions", value=declared_count,
        )
    if declared_sum is not None:
        if any(a is None for a in amounts):
            return  # an item without an amount: the sum cannot be recomputed honestly
        found = sum((a for a in amounts if a is not None), Decimal(0))
        if found != declared_sum:
            yield finding(
                "error", "CTRL_SUM_MISMATCH",
                f"{label} declares CtrlSum={format(declared_sum, 'f')} but the amounts add up to "
                f"{format(found, 'f')} (expected {format(declared_sum, 'f')}, found {format(found, 'f')}, "
                f"difference {format(found - declared_sum, 'f')})",
                where, fallback=where, field=f"{field_prefix}.control_sum", value=declared_sum,
            )


def check_message_totals(message: Message) -> Iterator[Finding]:
    counted = _counted_items(message)
    if counted is None:
        return
    what, items, amounts = counted
    h = message.header
    yield from _compare_totals(f"group header ({what})", h.number_of_transactions, h.control_sum,
                               len(items), amounts, where=message.provenance, field_prefix="header")
    if message.kind != "payment":
        return
    for i, group in enumerate(message.payment_groups):
        if group.payment_info_id is None and (group.number_of_transactions, group.control_sum) == (
            h.number_of_transactions, h.control_sum
        ):
            continue  # the GrpHdr totals mirrored as a group: already checked above
        if group.payment_info_id is None:
            members = message.transactions  # a group without an id stands for the whole message
        else:
            members = [t for t in message.transactions if t.payment_info_id == group.payment_info_id]
        label = f"payment information {group.payment_info_id!r}" if group.payment_info_id else "payment group"
        yield from _compare_totals(label, group.number_of_transactions, group.control_sum, len(members),
                                   [t.amount for t in members], where=group.provenance,
                                   field_prefix=f"payment_groups[{i}]")


def _summary_findings(st: Statement, s: int) -> Iterator[Finding]:
    sm = st.summary
    if sm is None:
        return
    credits = [e for e in st.entries if e.credit_debit == "CRDT"]
    debits = [e for e in st.entries if e.credit_debit == "DBIT"]
    credit_sum = sum((e.amount for e in credits), Decimal(0))
    debit_sum = sum((e.amount for e in debits), Decimal(0))
    net = credit_sum - debit_sum
    checks: list[tuple[str, object, object]] = [
        ("credit_count", sm.credit_count, len(credits)),
        ("credit_sum", sm.credit_sum, credit_sum),
        ("debit_count", sm.debit_count, len(debits)),
        ("debit_sum", sm.debit_sum, debit_sum),
        ("total_count", sm.total_count, len(st.entries)),
    ]
    if sm.net_amount is not None:
        declared_net = -sm.net_amount if sm.net_credit_debit == "DBIT" else sm.net_amount
        checks.append(("net_amount", declared_net, net))
    for name, declared, found in checks:
        if declared is None or declared == found:
            continue
        shown = [format(v, "f") if isinstance(v, Decimal) else str(v) for v in (declared, found)]
        yield finding(
            "error", "SUMMARY_MISMATCH",
            f"statement summary {name} is {shown[0]} but the entries give {shown[1]} "
            f"(expected {shown[0]}, found {shown[1]})",
            st.provenance, fallback=st.provenance, field=f"statements[{s}].summary.{name}", value=declared,
        )


def _batch_findings(entry: Entry, field: str) -> Iterator[Finding]:
    if not entry.details or (entry.batch_count is None and len(entry.details) < 2):
        return
    if entry.batch_count is not None and entry.batch_count != len(entry.details):
        yield finding(
            "error", "BATCH_MISMATCH",
            f"batch declares {entry.batch_count} transaction(s) but lists {len(entry.details)} "
            f"(expected {entry.batch_count}, found {len(entry.details)})",
            entry.provenance, fallback=entry.provenance, field=f"{field}.batch_count", value=entry.batch_count,
        )
    if any(d.amount is None for d in entry.details):
        return
    if any(d.currency not in (None, entry.currency) for d in entry.details):
        return  # details in another currency (e.g. before conversion) do not add up to the entry
    total = Decimal(0)
    for d in entry.details:
        same_side = d.credit_debit in (None, entry.credit_debit)
        total += d.amount if same_side else -d.amount  # type: ignore[operator]
    if total != entry.amount:
        yield finding(
            "error", "BATCH_MISMATCH",
            f"batch details add up to {money(total, entry.currency)} but the entry is "
            f"{money(entry.amount, entry.currency)} (difference {format(total - entry.amount, 'f')})",
            entry.provenance, fallback=entry.provenance, field=f"{field}.amount", value=entry.amount,
        )


def check_statement_totals(message: Message) -> Iterator[Finding]:
    for s, st in enumerate(message.statements):
        yield from _summary_findings(st, s)
        for e, entry in enumerate(st.entries):
            yield from _batch_findings(entry, f"statements[{s}].entries[{e}]")
