"""Small builders shared by the MT unit tests."""

from __future__ import annotations

from breakdesk.parsers.canonical import Message
from breakdesk.parsers.swift import parse_mt


def parse(text: str, *, filename: str = "t.fin", encoding: str = "utf-8", strict: bool = False) -> list[Message]:
    return list(parse_mt(text.encode(encoding), filename=filename, strict=strict))


def codes(messages: list[Message]) -> list[tuple[str, int | None, str | None]]:
    """(code, line, field) of every reading finding, in order."""
    return [(f.code, f.location.line, f.field) for m in messages for f in m.findings]


def wrap(mt: str, block4: str, *, block3: str = "", sender: str = "BANKBEBBAXXX", receiver: str = "BANKDEFFXXXX") -> str:
    """A full input message around `block4` (fields, one per line, without the -} line)."""
    b3 = f"{{3:{block3}}}" if block3 else ""
    return f"{{1:F01{sender}0000000000}}{{2:I{mt}{receiver}N}}{b3}{{4:\n{block4.strip()}\n-}}"


STATEMENT = """\
:20:STMT1
:25:DE89370400440532013000
:28C:7/2
:60F:C240131EUR1000,00
:61:2402010201D250,50NTRFINV-77//BANKREF1
:86:/EREF/E2E-1/IBAN/NL91ABNA0417164300/BIC/ABNANL2A/NAME/ACME BV/REMI/INVOICE 77
:61:2402020202C100,NMSCNONREF
:62F:C240202EUR849,50
"""
