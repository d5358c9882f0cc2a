"""Reading `:86:` information to account owner: German `?NN` subfields and `/KEYWORD/` dialects.

Two structured dialects cover most banks:

* German (DFÜ/DATEV, also Polish and Luxembourg banks): `GVC?00posting text?10prima nota?20..?29
  remittance?30 BLZ/BIC?31 account?32/?33 name?34 return code?60..?63 remittance`. Lines are wrapped at
  a fixed width, so newlines carry no meaning and are removed before splitting. SEPA keywords
  (`EREF+`, `MREF+`, `CRED+`, `SVWZ+` …) sit inside the remittance subfields.
* Dutch and others (ABN AMRO, ING, Rabobank, Citi): `/EREF/…/IBAN/…/BIC/…/NAME/…/REMI/…` with nested
  parties (`/ORDP//NAME/…`, `/BENM//NAME/…`) and ING's positional `/CNTP/iban/bic/name/city/`.

Anything else stays free text (`additional_info`). The text is data: nothing here interprets it
beyond splitting it into named parts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from breakdesk.parsers.swift import values as v

_GERMAN_START = re.compile(r"\s*(\d{3})?\s*\?\d\d")
_GERMAN_SPLIT = re.compile(r"\?(\d\d)")
_SEPA_KEYWORD = re.compile(r"(EREF|KREF|MREF|CRED|DEBT|SVWZ|ABWA|ABWE|COAM|OAMT|IBAN|BIC)\+")
_SLASH_KEYS = (
    "TRTP|IBAN|BIC|NAME|REMI|EREF|MARF|CSID|RTRN|ORDP|BENM|ULTD|ULTC|PURP|ADDR|CNTP|PREF|ISDT|SVCL|CHGS|"
    "OCMT|EXCH|TRCD|ID|PT|FT|PY|OP|OI|EDI|REF|ABD|RREF|MREF|TREF|INV|RFB"
)
_SLASH_START = re.compile(rf"\s*/({_SLASH_KEYS})/")
_SLASH_SPLIT = re.compile(rf"/({_SLASH_KEYS})/")
_ISO_REASON = re.compile(r"[A-Z]{2}\d{2}\Z")
_PARTY_CONTEXTS = {"ORDP", "BENM", "ULTD", "ULTC"}

#: German business transaction codes (GVC) of returns and chargebacks: 108/109 SEPA direct debit
#: returns, 159 SEPA credit transfer return, 169 SEPA credit transfer return (instant/other).
RETURN_GVCS = frozenset({"108", "109", "159", "169"})
_RETURN_WORDS = re.compile(r"RETOURE|RUECK|RÜCK", re.I)
_REMITTANCE_KEYS = tuple(f"{n:02d}" for n in (*range(20, 30), *range(60, 64)))


@dataclass(slots=True)
class NarrativeFacts:
    fields: dict[str, str] = field(default_factory=dict)
    end_to_end_id: str | None = None
    mandate_id: str | None = None
    counterparty_name: str | None = None
    counterparty_account: str | None = None
    counterparty_bic: str | None = None
    counterparty_bank_code: str | None = None
    remittance: list[str] = field(default_factory=list)
    creditor_reference: str | None = None
    return_code: str | None = None
    return_proprietary: str | None = None
    return_info: list[str] = field(default_factory=list)

    @property
    def has_counterparty(self) -> bool:
        return bool(self.counterparty_name or self.counterparty_account or self.counterparty_bic)


_PLAIN = NarrativeFacts()


def parse_narrative(text: str, *, credit: bool = True) -> NarrativeFacts:
    """Structured facts of an :86: text; free text gives an empty (shared, read-only) result."""
    head = text.lstrip()[:1]
    if (head.isdigit() or head == "?") and _GERMAN_START.match(text):
        return _german(text)
    if head == "/" and _SLASH_START.match(text):
        return _slash(text, credit)
    return _PLAIN


def _not_provided(value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip()
    return None if not value or value.upper() in ("NOTPROVIDED", "NONREF", "NONE") else value


def _unwrap(text: str) -> str:
    """Join physical lines: a long line was wrapped at the export width (join without a space), a
    short one ended on purpose (join with a space)."""
    if "\n" not in text:
        return text
    lines = text.split("\n")
    out = [lines[0]]
    for prev, line in zip(lines, lines[1:]):
        out.append(line if len(prev) >= _SUBFIELD_WIDTH else " " + line)
    return "".join(out)


def _german(text: str) -> NarrativeFacts:
    joined = _unwrap(text)
    facts = NarrativeFacts()
    head = _GERMAN_START.match(joined)
    gvc = head.group(1) if head else None
    parts = _GERMAN_SPLIT.split(joined[head.end() - 3 :] if head else joined)
    subs: dict[str, str] = {}
    for key, value in zip(parts[1::2], parts[2::2]):
        subs[key] = subs[key] + value if key in subs else value
    f = facts.fields
    if gvc:
        f["GVC"] = gvc
    for key, value in subs.items():
        f[f"?{key}"] = value.strip()
    remittance_parts = [subs[k] for k in _REMITTANCE_KEYS if k in subs]
    _sepa(facts, remittance_parts)
    bank = subs.get("30", "").strip()
    if bank:
        if v.looks_like_bic(bank):
            facts.counterparty_bic = bank
        else:
            facts.counterparty_bank_code = bank
    account = subs.get("31", "").replace(" ", "") or None
    iban38 = subs.get("38", "").strip()
    if iban38 and v.is_iban(iban38.replace(" ", "")):
        account = iban38.replace(" ", "")
    facts.counterparty_account = account
    first = subs.get("32", "")
    name = (first + ("" if len(first) >= _SUBFIELD_WIDTH else " ") + subs.get("33", "")).strip()
    facts.counterparty_name = re.sub(r"\s{2,}", " ", name) or None
    posting = subs.get("00", "")
    if (gvc in RETURN_GVCS) or _RETURN_WORDS.search(posting):
        code = subs.get("34", "").strip()
        if code or facts.return_code:
            facts.return_proprietary = code or None
        elif not facts.return_code:
            facts.return_proprietary = posting.strip() or None
    return facts


#: DK/DATEV remittance subfields are 27 characters wide: a shorter one ends the value it carries.
_SUBFIELD_WIDTH = 27


def _sepa(facts: NarrativeFacts, parts: list[str]) -> None:
    """SEPA keywords (`EREF+`, `SVWZ+` …) inside the ?2x/?6x subfields.

    A keyword's value continues into the next subfield only when its subfield was full (27 chars,
    a wrap); text after a short subfield that starts with no keyword is free remittance text.
    """
    joined = "".join(p + ("\x00" if len(p) < _SUBFIELD_WIDTH else "") for p in parts)
    pieces = _SEPA_KEYWORD.split(joined)
    if len(pieces) == 1:
        facts.remittance = [p.strip() for p in parts if p.strip()]
        return
    free = [t.strip() for t in pieces[0].split("\x00") if t.strip()]
    values: dict[str, str] = {}
    for key, raw in zip(pieces[1::2], pieces[2::2]):
        value, *rest = raw.split("\x00")
        values[key] = (values.get(key, "") + value).strip()
        facts.fields[key] = values[key]
        free.extend(t.strip() for t in rest if t.strip())
    facts.end_to_end_id = _not_provided(values.get("EREF"))
    facts.mandate_id = _not_provided(values.get("MREF"))
    facts.remittance = [values["SVWZ"]] if values.get("SVWZ") else free
    if values.get("IBAN") and not facts.counterparty_account:
        facts.counterparty_account = values["IBAN"]
    if values.get("BIC") and not facts.counterparty_bic:
        facts.counterparty_bic = values["BIC"]


#: keys that end a nested party context (/ORDP//NAME/x/REMI/… : REMI is the entry's again)
_CONTEXT_ENDS = frozenset(("REMI", "RTRN", "EREF", "MARF", "CNTP", "TRTP", "CSID", "PURP"))
#: keys that belong to the current party context (/BENM//NAME/… → "BENM/NAME")
_IN_CONTEXT = frozenset(("NAME", "ID", "ADDR", "IBAN", "BIC"))
#: whose name, IBAN and BIC describe the counterparty: the ordering party of a credit, else the beneficiary
_PREFERRED = {True: ("ORDP", "ORDP/IBAN", "ORDP/BIC"), False: ("BENM", "BENM/IBAN", "BENM/BIC")}


def _slash(text: str, credit: bool) -> NarrativeFacts:
    joined = text.replace("\n", "") if "\n" in text else text
    facts = NarrativeFacts()
    pieces = _SLASH_SPLIT.split(joined)
    context: str | None = None
    names: dict[str | None, str] = {}
    f = facts.fields
    for i in range(1, len(pieces), 2):
        key = pieces[i]
        value = pieces[i + 1].strip()
        if key in _PARTY_CONTEXTS:
            context = key
            if value:
                f[key] = value
            continue
        if key in _CONTEXT_ENDS:
            context = None
        name = f"{context}/{key}" if context and key in _IN_CONTEXT else key
        if name in f:
            f[name] = (f[name] + " " + value).strip()
        else:
            f[name] = value.rstrip("/").strip()
        if key == "NAME":
            names[context] = value.rstrip("/").strip()
    facts.end_to_end_id = _not_provided(f.get("EREF"))
    facts.mandate_id = _not_provided(f.get("MARF") or f.get("MREF"))
    preferred, preferred_iban, preferred_bic = _PREFERRED[credit]
    facts.counterparty_name = names.get(None) or names.get(preferred) or next(iter(names.values()), None) or None
    iban = f.get("IBAN") or f.get(preferred_iban)
    bic = f.get("BIC") or f.get(preferred_bic)
    if "CNTP" in f:  # ING: /CNTP/iban/bic/name/city/
        cntp = f["CNTP"].split("/")
        iban = iban or (cntp[0] or None)
        bic = bic or (cntp[1] if len(cntp) > 1 and cntp[1] else None)
        if len(cntp) > 2 and cntp[2] and not facts.counterparty_name:
            facts.counterparty_name = cntp[2]
    facts.counterparty_account = iban or None
    facts.counterparty_bic = bic or None
    remi = f.get("REMI")
    if remi:
        sub = remi.split("/")
        if sub and sub[0] == "STRD" and len(sub) >= 3:
            facts.creditor_reference = sub[2] or None
            facts.remittance = [s for s in sub[3:] if s]
        elif sub and sub[0] == "USTD":
            facts.remittance = ["/".join(s for s in sub[1:] if s).strip()] if any(sub[1:]) else []
        else:
            facts.remittance = [remi.strip("/")]
    rtrn = f.get("RTRN")
    if rtrn:
        code = rtrn.split("/")[0].strip()
        if _ISO_REASON.match(code):
            facts.return_code = code
        else:
            facts.return_proprietary = code or None
        facts.return_info = [s for s in rtrn.split("/")[1:] if s.strip()]
    return facts
