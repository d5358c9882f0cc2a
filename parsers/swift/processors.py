"""Bank quirks as processors (wolph/mt940 style), never as branches in the readers.

Hooks are keyed by where they run:

    pre_text              the whole decoded text, before the block tokenizer
    pre_block1            block 1's text (str → str), before its grammar
    pre_preamble          stray lines before a message's first field → the lines that are really errors
    pre_fields            a message's field list, before the family reader
    pre_<tag slug>        a raw field value (str → str), before the tag's regex
    post_<tag slug>       the parsed named groups (dict → dict), after it

`DEFAULT_PROCESSORS` holds the quirks that are safe for every bank; callers can pass their own
mapping to `parse_mt(processors=...)`, merged over the defaults hook by hook. Each processor
documents the bank habit it absorbs.

A few tolerances sit in the grammar itself because they are unambiguous and on the hot path; they
are listed here so every deviation we accept is documented in one place:

* a :34F: floor limit without its decimal comma (`:34F:PLN0`, mBank) is read as whole units
  (`tags.FloorLimit`); every other amount without its comma is an error (`values.amount`);
* the :61: customer reference may exceed 16 characters (ASN Bank puts an IBAN there) and the
  transaction type may be `S   ` (Sberbank) (`tags.StatementLine`);
* a :61: funds code letter after the C/D mark (`CR`, `DD`, `CF` …) is recognised and not stored;
* block 1 with an 11-character BIC and no terminal letter (GoPlasmatic MT942) (`header._BLOCK1_BIC11`);
* :NS: fields (Sberbank/Hungarian exports) are kept as narratives (`mt9xx.read_statement`);
* a second line of :25: holding a BIC.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from breakdesk.parsers.swift import values as v
from breakdesk.parsers.swift.fields import RawField

Processor = Callable[[Any], Any]
_F = TypeVar("_F", bound=Callable[..., Any])


def quirk(processor: _F) -> _F:
    """Mark a processor as absorbing a bank's deviation from the standard: when it changes what it is
    given, lenient reading records a `BANK_DEVIATION` finding naming it, with its docstring's first
    sentence as the explanation (so each docstring starts with the bank and the habit)."""
    processor.is_deviation = True  # type: ignore[attr-defined]
    return processor


# --- pre_text ------------------------------------------------------------------------------------

_TRANSMISSION_CONTROLS = re.compile(r"[\x01\x03]")


@quirk
def strip_transmission_controls(text: str) -> str:
    """mBank (and other host-to-host exports) wrap each message in SOH (0x01) ... ETX (0x03)."""
    return _TRANSMISSION_CONTROLS.sub("", text) if ("\x01" in text or "\x03" in text) else text


_DANGLING_BRACE = re.compile(r"(-\})\{[ \t]*(?=\n|\r|$)")


@quirk
def dangling_block_brace(text: str) -> str:
    """Anonymised RJE exports (prowide's MT103-out-ack.rje) leave a lone `{` after `-}` where block 5
    was cut off. It opens nothing, so it is dropped; a `{` that starts a real block is left alone."""
    return _DANGLING_BRACE.sub(r"\1", text) if "-}{" in text else text


# --- pre_preamble ------------------------------------------------------------------------------

_ABN_HEADER_LINE = re.compile(r"[A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?|9[0-9]{2}")


@quirk
def abn_amro_file_header(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """ABN AMRO puts `ABNANL2A` / `940` / `ABNANL2A` (BIC, MT number, BIC) before every statement."""
    return [(n, text) for n, text in lines if not _ABN_HEADER_LINE.fullmatch(text)]


_ING_HEADER_LINE = re.compile(r"\d{4} \d{2}[A-Z]{6}[A-Z0-9]{6}\d{0,10}|9[0-9]{2} \d{2}")


@quirk
def ing_file_header(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """ING's (Netherlands) old export starts each statement with a short unbraced header: `0000 01INGBNL2AXXXX00001`
    (a block 1 of 12 + 5 characters, not 12 + 10) and `940 00` (the MT number and a priority)."""
    return [(n, text) for n, text in lines if not _ING_HEADER_LINE.fullmatch(text)]


# --- pre_block1 ---------------------------------------------------------------------------------

_SHORT_BLOCK1 = re.compile(r"([A-Z]\d{2}[A-Z0-9]{12})\d{1,9}")


@quirk
def short_block1_numbers(block1: str) -> str:
    """ING writes block 1 with a session and sequence number shorter than their 4 + 6 digits
    (`F01INGBNL2AXXXX00001`); the logical terminal is read and the short numbers are left aside."""
    m = _SHORT_BLOCK1.fullmatch(block1)
    return m.group(1) if m else block1


# --- pre_fields --------------------------------------------------------------------------------


@quirk
def drop_rabobank_940_header(fields: list[RawField]) -> list[RawField]:
    """Rabobank's old export starts each file with a pseudo field `:940:` (the MT number)."""
    if fields and fields[0].tag == "940" and not fields[0].value:
        return fields[1:]
    return fields


@quirk
def merge_consecutive_86(fields: list[RawField]) -> list[RawField]:
    """Rabobank's old format writes one `:86:` per narrative line; they are one :86: field."""
    if "\x0086\x0086\x00" not in "\x00".join(["", *[f.tag for f in fields], ""]):
        return fields  # no two in a row (the usual case, found in one pass)
    out: list[RawField] = []
    for f in fields:
        if f.tag == "86" and out and out[-1].tag == "86":
            prev = out[-1]
            out[-1] = RawField("86", f"{prev.value}\n{f.value}", prev.line)
        else:
            out.append(f)
    return out


def _carries_a_name(value: str) -> bool:
    lines = value.split("\n")
    if lines and lines[0].startswith("/"):
        lines = lines[1:]  # the account line
    first = lines[0].strip() if lines else ""
    return bool(first) and not v.looks_like_bic(first) and (" " in first or len(first) > 11 or not first.isupper())


@quirk
def name_in_option_a(fields: list[RawField]) -> list[RawField]:
    """Some MT202COV senders put the ordering customer's name and address in :50A:, whose option A
    holds a BIC; the field is read as option K (name and address), since that is what it carries."""
    if not any(f.tag == "50A" for f in fields):
        return fields
    out = [RawField("50K", f.value, f.line) if f.tag == "50A" and _carries_a_name(f.value) else f for f in fields]
    return out if any(a is not b for a, b in zip(out, fields, strict=True)) else fields


# --- pre_statement_line / post_statement_line ----------------------------------------------------


@quirk
def blank_entry_date(value: str) -> str:
    """Citibank writes four spaces where the optional MMDD entry date would be."""
    if value[6:10] == "    ":
        return value[:6] + value[10:]
    return value


@quirk
def time_in_entry_date(value: str) -> str:
    """Some systems (e.g. GoPlasmatic's MT942 sample) write a booking time HHMM where the MMDD entry
    date belongs. Four digits that cannot be a month and day (1145, 1200, 1330) are dropped; the value
    date stays authoritative. A plausible MMDD that is impossible (0230) is still an error."""
    head = value[6:11]
    if len(head) == 5 and head[:4].isdigit() and not head[4].isdigit():
        mm, dd = int(head[:2]), int(head[2:4])
        if not (1 <= mm <= 12 and 1 <= dd <= 31):
            return value[:6] + value[10:]
    return value


_SPACE_BEFORE_TYPE = re.compile(r"(\d{6}(?:\d{4})?R?[CD][A-Z]?\d[0-9,]*) +(?=[A-Z][A-Z0-9]{3})")


@quirk
def space_before_transaction_type(value: str) -> str:
    """Commerzbank writes a space between the amount and the transaction type in :61:
    (`1102DR12,50 NMSCNONREF`); the standard has none, and the space is dropped."""
    if " " not in value[:30]:
        return value
    return _SPACE_BEFORE_TYPE.sub(r"\1", value, count=1)


_SHORT_ISN = re.compile(r"(?P<head>\d{3}\n?\d{6}\n?\d{4})[ \n]?(?P<isn>\d{1,5})")


@quirk
def short_session_isn(value: str) -> str:
    """Sample MT192/MT196 messages write the ISN of :11S:/:11R: with fewer than its six digits
    (`1032507221234 5678`); it is read with leading zeros, as the network numbers it."""
    m = _SHORT_ISN.fullmatch(value.strip())
    return f"{m.group('head')}{m.group('isn').zfill(6)}" if m else value


_RABO_COUNTERPARTY = re.compile(r"(?P<ref>\d{9,10}|P\d{9}|NONREF)\s{2,}(?P<name>\S.*)")


@quirk
def rabobank_counterparty(g: dict) -> dict:
    """Rabobank's old :61: puts the counter account and the counterparty name after the type code
    (`N0440121470966      W.P. Jansen`); split them off the customer reference."""
    ref = g.get("customer_reference") or ""
    if "  " in ref:
        m = _RABO_COUNTERPARTY.fullmatch(ref)
        if m:
            g["customer_reference"] = m.group("ref")
            g["counterparty_name"] = m.group("name").strip()
            if m.group("ref").isdigit():
                g["counterparty_account"] = m.group("ref")
    return g


# --- post_account --------------------------------------------------------------------------------

_ACCOUNT_CCY_SUFFIX = re.compile(r"(?P<account>[0-9.]+)(?P<currency>[A-Z]{3})")
_PREFIXED_ACCOUNT = re.compile(r"(?P<prefix>[A-Z0-9]{8,11})/(?P<account>[^/]+)(?:/(?P<currency>[A-Z]{3}))?")


def split_account_identification(g: dict) -> dict:
    """`:25:` carries more than the account in many exports:

    * `BPHKPLPK/320000546101`, `UBRTHUHB/123…/HUF`: servicer BIC, account, optional currency;
    * `50880050/0194787400888`: German bank code (BLZ) and account;
    * `1291.99.348EUR` (Rabobank): account with its currency glued on.
    """
    raw = g["account"].strip()
    g.setdefault("servicer_bic", None)
    g.setdefault("servicer_code", None)
    g.setdefault("currency", None)
    m = _PREFIXED_ACCOUNT.fullmatch(raw)
    if m:
        prefix = m.group("prefix")
        if v.looks_like_bic(prefix):
            g["servicer_bic"] = prefix
        elif prefix.isdigit() and len(prefix) == 8:
            g["servicer_code"] = prefix
        else:
            m = None
    if m:
        g["account"] = m.group("account").strip().strip('"')
        g["currency"] = m.group("currency")
        return g
    m2 = _ACCOUNT_CCY_SUFFIX.fullmatch(raw)
    if m2:
        g["account"], g["currency"] = m2.group("account"), m2.group("currency")
        return g
    g["account"] = raw
    return g


DEFAULT_PROCESSORS: dict[str, list[Processor]] = {
    "pre_text": [strip_transmission_controls, dangling_block_brace],
    "pre_preamble": [abn_amro_file_header, ing_file_header],
    "pre_block1": [short_block1_numbers],
    "pre_fields": [drop_rabobank_940_header, merge_consecutive_86, name_in_option_a],
    "pre_statement_line": [space_before_transaction_type, blank_entry_date, time_in_entry_date],
    "pre_original_message": [short_session_isn],
    "post_statement_line": [rabobank_counterparty],
    "post_account": [split_account_identification],
}


def merged(custom: Mapping[str, list[Processor]] | None) -> dict[str, list[Processor]]:
    """Defaults with `custom` hooks replacing the defaults of the same key (as wolph's Transactions)."""
    out = {k: list(fs) for k, fs in DEFAULT_PROCESSORS.items()}
    if custom:
        for key, funcs in custom.items():
            out[key] = list(funcs)
    return out
