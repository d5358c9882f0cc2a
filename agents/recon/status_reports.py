"""Status reports and returns on the book side: a payment the bank rejected never reaches a statement.

Given to matching beside the payments we sent, pain.002/pacs.002 rejects (`RJCT`, at transaction or
group level) and pacs.004 returns take their payments out of the book side before the search: they
are not missing bookings, and as free same-day items they crowded the batch search. Each becomes a
`rejected` or `returned` break with its reason code, so the clerk sees the case it belongs to.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from breakdesk.agents.recon.items import BookItem
from breakdesk.agents.recon.results import Break
from breakdesk.parsers.canonical import Message

REJECTED = {"RJCT"}


def _keys(x) -> set[str]:
    return {k for k in (x.original_end_to_end_id, x.original_instruction_id, x.original_uetr) if k}


def outcomes(messages: Iterable[Message]) -> dict[str, tuple[str, str | None]]:
    """{reference: ("rejected" | "returned", reason code)} from status reports and returns."""
    out: dict[str, tuple[str, str | None]] = {}
    for msg in messages:
        for st in msg.statuses:
            if (st.status or "").upper() in REJECTED:
                code = st.reason_code or next((r.code or r.proprietary for r in st.reasons if r.code or r.proprietary),
                                              st.reason_proprietary)
                out.update(dict.fromkeys(_keys(st), ("rejected", code)))
        for rt in msg.returns:
            out.update(dict.fromkeys(_keys(rt), ("rejected" if rt.kind == "reject" else "returned",
                                                 rt.reason_code or rt.reason_proprietary)))
    return out


def set_aside(books: Sequence[BookItem], messages: Iterable[Message]) -> tuple[list[BookItem], list[Break]]:
    """The book items still to match, and a break for each one a status report or return accounts for."""
    found = outcomes(messages)
    kept: list[BookItem] = []
    breaks: list[Break] = []
    for item in books:
        hit = next((found[k] for k in (item.end_to_end_id, item.instruction_id, item.uetr) if k and k in found), None)
        if hit is None:
            kept.append(item)
            continue
        cls, code = hit
        breaks.append(Break("book", item.id, cls, code,  # type: ignore[arg-type]
                            note=f"the bank {'rejected' if cls == 'rejected' else 'returned'} this payment"
                                 + (f" ({code})" if code else "") + "; it will not appear on a statement"))
    return kept, breaks
