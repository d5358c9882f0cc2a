"""Duplicate references within one file: a second use of an EndToEndId, InstrId or UETR, or of an
entry's AcctSvcrRef within a statement, is how double payments and double bookings show up.

Transactions are only compared within the same message family and kind: a pain.001 and the pacs.008
it produced, or an MT103 and its MT202COV cover, legitimately share the end-to-end id and the UETR.
Placeholders such as NOTPROVIDED and NONREF are never references.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from breakdesk.parsers.canonical import Message, Provenance
from breakdesk.parsers.checks._common import finding, is_reference
from breakdesk.parsers.findings import Finding

_TX_REFERENCES = (("end_to_end_id", "EndToEndId"), ("instruction_id", "InstrId"), ("uetr", "UETR"))


def check_duplicate_references(messages: Sequence[Message]) -> Iterator[Finding]:
    seen: dict[tuple, tuple[Provenance, str]] = {}
    for message in messages:
        scope = (message.family, message.kind)
        for i, tx in enumerate(message.transactions):
            for attr, label in _TX_REFERENCES:
                value = getattr(tx, attr)
                if not is_reference(value):
                    continue
                norm = value.strip().lower() if attr == "uetr" else value.strip()
                key = (scope, attr, norm)
                field = f"transactions[{i}].{attr}"
                if key in seen:
                    first, first_field = seen[key]
                    yield finding(
                        "warning", "DUPLICATE_REFERENCE",
                        f"{label} {value!r} is used by two transactions: {first.describe()} ({first_field}) "
                        f"and {tx.provenance.describe()} ({field})",
                        tx.provenance, fallback=message.provenance, field=field, value=value,
                    )
                else:
                    seen[key] = (tx.provenance, field)
        for s, st in enumerate(message.statements):
            refs: dict[str, tuple[Provenance, str]] = {}
            for e, entry in enumerate(st.entries):
                value = entry.references.account_servicer_reference
                if not is_reference(value):
                    continue
                field = f"statements[{s}].entries[{e}].references.account_servicer_reference"
                if value in refs:
                    first, first_field = refs[value]
                    yield finding(
                        "warning", "DUPLICATE_REFERENCE",
                        f"AcctSvcrRef {value!r} appears twice in the statement: {first.describe()} "
                        f"({first_field}) and {entry.provenance.describe()} ({field})",
                        entry.provenance, fallback=st.provenance, field=field, value=value,
                    )
                else:
                    refs[value] = (entry.provenance, field)
