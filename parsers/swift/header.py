"""Envelope facts from blocks 1, 2, 3 and 5 into `Header`, and the MT type when block 2 is absent.

Block 1 names the logical terminal of the sender (input) or receiver (output); block 2 names the
other side: `I103BANKDEFFXXXXN` (input: MT, receiver LT, priority) or `O103 1612 170425BBBBUS33BXXX
0161313555 170426 0717 N` (output: MT, input time, MIR with sender LT, output date/time, priority).
A logical terminal is BIC8 + terminal letter + branch; the BIC is BIC8 + branch.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime

from breakdesk.parsers.canonical import Header
from breakdesk.parsers.errors import MalformedMessageError, UnknownMessageTypeError
from breakdesk.parsers.swift import values as v
from breakdesk.parsers.swift.blocks import Envelope
from breakdesk.parsers.swift.fields import RawField
from breakdesk.parsers.swift.processors import Processor
from breakdesk.parsers.swift.reading import Reading
from breakdesk.parsers.swift.values import ValueProblem

_BLOCK1 = re.compile(r"(?P<app>[A-Z])(?P<service>\d{2})(?P<lt>[A-Z0-9]{12})(?P<session>\d{4})?(?P<isn>\d{6})?")
#: Quirk: some samples (GoPlasmatic's MT942) write the 11-character BIC without the terminal letter.
_BLOCK1_BIC11 = re.compile(r"(?P<app>[A-Z])(?P<service>\d{2})(?P<bic>[A-Z0-9]{11})(?P<session>\d{4})(?P<isn>\d{6})")
_INPUT = re.compile(r"I(?P<mt>\d{3})(?P<lt>[A-Z0-9]{12})(?P<priority>[SNU])?(?P<monitoring>[123])?(?P<obsolescence>\d{3})?")
_OUTPUT = re.compile(
    r"O(?P<mt>\d{3})(?P<in_time>\d{4})(?P<mir_date>\d{6})(?P<lt>[A-Z0-9]{12})(?P<session>\d{4})(?P<isn>\d{6})"
    r"(?P<out_date>\d{6})(?P<out_time>\d{4})(?P<priority>[SNU])?"
)
_OUTPUT_SHORT = re.compile(r"O(?P<mt>\d{3})(?P<lt>[A-Z0-9]{12})?(?P<priority>[SNU])?")


def _bic_of(lt: str, env: Envelope, filename: str | None, block: str) -> str:
    bic = lt[:8] + lt[9:12]
    if not v.looks_like_bic(bic):
        raise MalformedMessageError(
            f"block {block} logical terminal {lt!r} does not hold a BIC", file=filename, line=env.line, fragment=lt
        )
    return bic


def read_header(
    env: Envelope, filename: str | None, reading: Reading | None = None, message_index: int = 0,
    processors: Mapping[str, list[Processor]] | None = None,
) -> tuple[Header, str | None]:
    """The header and the three-digit MT number from block 2 (None when block 2 is absent). Block 1
    goes through the `pre_block1` processors first (recorded as deviations on `reading`)."""
    h = Header(network_ack=env.network_ack)
    mt: str | None = None
    lt1_bic = None
    if env.block1 is not None:
        block1 = env.block1
        hooks = (processors or {}).get("pre_block1", ())
        if hooks and reading is not None:
            block1 = reading.run(hooks, block1, message_index=message_index, tag="block 1",
                                 where=lambda before, _after: (env.line, before))
        m = _BLOCK1.fullmatch(block1)
        if m is not None:
            lt1_bic = _bic_of(m.group("lt"), env, filename, "1")
        elif (m11 := _BLOCK1_BIC11.fullmatch(block1)) is not None and v.looks_like_bic(m11.group("bic")):
            lt1_bic = m11.group("bic")
        else:
            raise MalformedMessageError(
                "block 1 is not application id, service id and a 12-character logical terminal",
                file=filename, line=env.line, fragment=env.block1,
            )
    if env.block2 is not None:
        b2 = env.block2
        m = _INPUT.fullmatch(b2) if b2.startswith("I") else (_OUTPUT.fullmatch(b2) or _OUTPUT_SHORT.fullmatch(b2))
        if m is None:
            raise MalformedMessageError(
                "block 2 is neither an input (I…) nor an output (O…) application header",
                file=filename, line=env.line, fragment=b2,
            )
        mt = m.group("mt")
        other = _bic_of(m.group("lt"), env, filename, "2") if m.group("lt") else None
        h.priority = m.group("priority")
        if b2.startswith("I"):
            h.direction, h.sender_bic, h.receiver_bic = "input", lt1_bic, other
        else:
            h.direction, h.sender_bic, h.receiver_bic = "output", other, lt1_bic
            if "out_date" in m.groupdict() and m.group("out_date"):
                try:
                    d = v.yymmdd(m.group("out_date"))
                    t = m.group("out_time")
                    h.created_at = datetime(d.year, d.month, d.day, int(t[:2]), int(t[2:]))
                except (ValueProblem, ValueError):
                    raise MalformedMessageError(
                        "block 2 output date/time is impossible", file=filename, line=env.line, fragment=b2
                    ) from None
    elif lt1_bic:
        h.sender_bic = lt1_bic
    b3 = env.block3
    if "121" in b3:
        try:
            h.uetr = v.uetr(b3["121"].strip())
        except ValueProblem as exc:
            raise MalformedMessageError(f"block 3 {{121:}} {exc}", file=filename, line=env.line, fragment=b3["121"]) from None
    h.validation_flag = b3.get("119") or None
    h.service_type_id = b3.get("111") or None
    h.trailer = dict(env.block5)
    h.has_application_header = env.block2 is not None
    return h, mt


def infer_mt(fields: list[RawField], *, filename: str | None, line: int) -> str:
    """Guess the MT number of bare block-4 text from the fields it has."""
    tags = {f.tag for f in fields}
    numbers = {f.number for f in fields}
    if "11S" in tags:
        return "192"
    if "76" in tags:
        return "196"
    if "34F" in tags or ("13D" in tags and ("61" in tags or "90D" in tags or "90C" in tags)):
        return "942"
    if "61" in tags or tags & {"60F", "60M", "62F", "62M"}:
        return "940"
    if "32A" in tags and ("25" in tags or "25P" in tags):
        return "910" if "50" in numbers else "900"
    if "32A" in tags and "59" in numbers:
        return "103"
    if "32A" in tags and "58" in numbers:
        return "202"
    if "79" in tags:
        return "199"
    raise UnknownMessageTypeError(
        "cannot tell the MT type: no block 2 and no field combination of a known message type",
        file=filename, line=line, fragment=" ".join(f":{f.tag}:" for f in fields[:6]),
    )
