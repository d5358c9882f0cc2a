"""Party and agent fields (50a, 52a-59a) in all their options, into `Party` / `Agent`.

Options: A = BIC (with optional /account line), B = location, C = /account only, D/K/no letter =
name and address lines, F = structured (`1/name`, `2/address`, `3/CC/town`, …), G = account + BIC,
H = account + name and address, L = identifier.
"""

from __future__ import annotations

import re

from breakdesk.parsers.canonical import Agent, Party, PostalAddress
from breakdesk.parsers.swift import values as v
from breakdesk.parsers.swift.fields import RawField
from breakdesk.parsers.swift.reading import MessageContext
from breakdesk.parsers.swift.values import ValueProblem

_DC_PREFIX = re.compile(r"/[CD](?=/|$)")
_STRUCTURED_LINE = re.compile(r"([1-8])/(.*)")


def _split_account(lines: list[str]) -> tuple[str | None, list[str]]:
    """A first line starting with '/' is an account (or a '/C/…' '/D/…' party identifier)."""
    if lines and lines[0].startswith("/"):
        head = _DC_PREFIX.sub("", lines[0], count=1)
        return head.lstrip("/").strip() or None, lines[1:]
    return None, lines


def _bic_line(ctx: MessageContext, f: RawField, text: str) -> str:
    try:
        return v.bic(text.strip())
    except ValueProblem as exc:
        raise ctx.error(str(exc), f) from None


def read_party(ctx: MessageContext, f: RawField) -> Party:
    lines = f.value.split("\n")
    option = f.option
    prov = ctx.provenance(f.line)
    if option in ("F",):
        return _structured_party(lines, prov)
    account, rest = _split_account(lines)
    if option in ("A", "G"):
        if not rest:
            raise ctx.error("party option A needs a BIC line", f)
        bic = _bic_line(ctx, f, rest[0])
        return Party(account=account, account_scheme=v.account_scheme(account), identifiers=[bic], agent=None, provenance=prov)
    if option == "L":
        return Party(identifiers=[f.value.strip()], provenance=prov)
    name = rest[0].strip() if rest else None
    address = PostalAddress(address_lines=[r.strip() for r in rest[1:] if r.strip()]) if len(rest) > 1 else None
    return Party(
        name=name or None, account=account, account_scheme=v.account_scheme(account), address=address, provenance=prov
    )


def _structured_party(lines: list[str], prov) -> Party:
    account, rest = _split_account(lines)
    identifiers: list[str] = []
    if account is None and rest and not _STRUCTURED_LINE.match(rest[0]):
        identifiers.append(rest[0].strip())  # e.g. "ARNU/DE/1234" party identifier
        rest = rest[1:]
    names: list[str] = []
    addr_lines: list[str] = []
    country = town = None
    for raw in rest:
        m = _STRUCTURED_LINE.match(raw.strip())
        if not m:
            if names:
                names.append(raw.strip())
            continue
        code, text = m.group(1), m.group(2).strip()
        if code == "1":
            names.append(text)
        elif code == "2":
            addr_lines.append(text)
        elif code == "3":
            cc, _, rest_town = text.partition("/")
            country = cc or None
            town = rest_town or None
        else:
            identifiers.append(f"{code}/{text}")
    address = None
    if addr_lines or country or town:
        address = PostalAddress(address_lines=addr_lines, country=country, town_name=town)
    return Party(
        name=" ".join(names) or None, account=account, account_scheme=v.account_scheme(account), address=address,
        identifiers=identifiers, provenance=prov,
    )


def read_agent(ctx: MessageContext, f: RawField) -> Agent:
    lines = f.value.split("\n")
    option = f.option
    account, rest = _split_account(lines)
    prov = ctx.provenance(f.line)
    if option == "A":
        if not rest:
            raise ctx.error("agent option A needs a BIC line", f)
        return Agent(bic=_bic_line(ctx, f, rest[0]), account=account, provenance=prov)
    if option == "C":
        return Agent(account=account, provenance=prov)
    if option == "B":
        location = " ".join(r.strip() for r in rest if r.strip()) or None
        return Agent(account=account, address=PostalAddress(address_lines=[location]) if location else None, provenance=prov)
    name = rest[0].strip() if rest else None
    address = PostalAddress(address_lines=[r.strip() for r in rest[1:] if r.strip()]) if len(rest) > 1 else None
    return Agent(name=name or None, account=account, address=address, provenance=prov)
