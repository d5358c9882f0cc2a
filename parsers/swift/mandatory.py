"""The fields each MT family must carry, per the SWIFT standards (MT category 1, 2 and 9 usage rules).

A message without one of them is not a short message, it is a damaged one: an MT940 cut inside :86:
loses its :62F: and every statement after it, and reading what is left would report a statement that
balances nothing. So a missing mandatory field is a `MissingFieldError` (file, line, tag), raised
before the family reader builds anything. Issue #16 (lenient reading of real files) can catch it per
message and turn it into an error finding; it must never become a silently shorter message.

A field written with an option letter is named as the standards do: `60a` is 60F or 60M, `50a` is
50A, 50F or 50K. `28C` also accepts the older `:28:` some banks still export.
"""

from __future__ import annotations

from collections.abc import Sequence

from breakdesk.parsers.errors import MissingFieldError, TruncatedMessageError
from breakdesk.parsers.swift.fields import RawField

#: What a name in `MANDATORY` stands for.
_OPTIONS: dict[str, frozenset[str]] = {
    "25a": frozenset({"25", "25P"}),
    "28C": frozenset({"28C", "28"}),
    "50a": frozenset({"50A", "50F", "50K"}),
    "59a": frozenset({"59", "59A", "59F"}),
    "58a": frozenset({"58A", "58D"}),
    "52a": frozenset({"52A", "52D"}),
    "60a": frozenset({"60F", "60M"}),
    "62a": frozenset({"62F", "62M"}),
}

_STATEMENT = ("20", "25a", "28C", "60a", "62a")
_COVER_B = ("50a", "59a")

#: message type → mandatory fields, in the order the standard lists them.
MANDATORY: dict[str, tuple[str, ...]] = {
    "MT103": ("20", "23B", "32A", "50a", "59a", "71A"),
    "MT202": ("20", "21", "32A", "58a"),
    "MT202COV": ("20", "21", "32A", "58a", *_COVER_B),
    "MT205": ("20", "21", "32A", "58a"),
    "MT192": ("20", "21", "11S"), "MT292": ("20", "21", "11S"),
    "MT196": ("20", "21", "76"), "MT296": ("20", "21", "76"),
    "MT199": ("20", "79"), "MT299": ("20", "79"), "MT999": ("20", "79"),
    "MT940": _STATEMENT, "MT950": _STATEMENT,
    "MT942": ("20", "25a", "28C", "34F", "13D"),
    "MT900": ("20", "21", "25a", "32A"), "MT910": ("20", "21", "25a", "32A"),
}

#: Network rules that ask for one field of a group (MT910 rule C1: who paid, 50a or 52a).
ONE_OF: dict[str, tuple[tuple[str, ...], ...]] = {"MT910": (("50a", "52a"),)}


def check_mandatory(
    message_type: str, fields: Sequence[RawField], *, file: str | None, line: int, message_index: int
) -> None:
    """Raise `MissingFieldError` for the first mandatory field `fields` lacks.

    The error's line is the message's first line, except for a missing closing balance: that is where
    a truncated statement was cut, so the line is the last field's (what a reader must look at)."""
    required = MANDATORY.get(message_type, ())
    present = {f.tag for f in fields}
    for name in required:
        if present & _OPTIONS.get(name, frozenset({name})):
            continue
        at = line
        if name == "62a" and fields:
            at = fields[-1].line
            why = (f"{message_type} statement ends at line {at} without its closing balance :62a: "
                   "(truncated, or the bank omitted it)")
        else:
            why = f"{message_type} lacks its mandatory field :{name}:"
        raise MissingFieldError(why, file=file, line=at, tag=name, message_type=message_type,
                                message_index=message_index)
    for group in ONE_OF.get(message_type, ()):
        if not any(present & _OPTIONS.get(name, frozenset({name})) for name in group):
            names = " or ".join(f":{n}:" for n in group)
            raise MissingFieldError(f"{message_type} needs {names}", file=file, line=line, tag=group[0],
                                    message_type=message_type, message_index=message_index)


#: Families whose last mandatory field does not come last: nothing proves a bare message whole but its
#: '-' line or, for the MT942, the 90D/90C summary that follows every entry.
_END_PROOF = {"MT942": frozenset({"90D", "90C"})}


def check_bare_end(
    message_type: str, fields: Sequence[RawField], *, closed: bool, file: str | None, message_index: int
) -> None:
    """An MT942 has no closing balance: cut after any entry, bare text still has every mandatory field.
    So a bare MT942 must end with its '-' line or with its 90D/90C summary (wolph's mt942.sta does),
    else it is a `TruncatedMessageError` at its last line. Braced messages are always `closed`."""
    proof = _END_PROOF.get(message_type)
    if proof is None or closed or not fields or any(f.tag in proof for f in fields):
        return
    raise TruncatedMessageError(
        f"{message_type} ends at line {fields[-1].line} without its '-' line or a :90D:/:90C: summary; "
        "it may have been cut, so none of it is read",
        file=file, line=fields[-1].line, tag=fields[-1].tag, message_type=message_type, message_index=message_index,
    )
