"""MT199/299 (and other n99) free-format messages → `FreeFormat`, with the reason codes they mention."""

from __future__ import annotations

from breakdesk.parsers.canonical import FreeFormat
from breakdesk.parsers.swift.reading import MessageContext
from breakdesk.parsers.swift.reasons import mentioned_codes


def read_free_format(ctx: MessageContext) -> FreeFormat:
    data: dict = {}
    line = ctx.line
    narrative: list[str] = []
    for f in ctx.fields:
        if f.tag == "20":
            data["reference"] = ctx.read(f)["reference"]
            line = f.line
        elif f.tag == "21":
            data["related_reference"] = ctx.read(f)["reference"]
        elif f.tag == "79":
            narrative.append(f.value)
        else:
            raise ctx.error(f"does not belong in an {ctx.message_type}", f)
    if "reference" not in data or not narrative:
        raise ctx.missing("20" if "reference" not in data else "79")
    text = "\n".join(narrative)
    return FreeFormat(provenance=ctx.provenance(line), narrative=text, reason_codes=mentioned_codes(text), **data)
