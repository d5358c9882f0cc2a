"""Normalising references and names so that the same thing written two ways compares equal.

Banks upper-case, truncate (35 characters in MT, 70/140 in MX) and re-space what we sent; ledgers
add legal forms ("GmbH", "Ltd.") and punctuation. Matching compares the normalised forms only, and
keeps the originals for display.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

#: References that mean "no reference" in MT and MX.
EMPTY_REFERENCES = frozenset({"", "NONREF", "NOTPROVIDED", "NOREF", "NONE", "NA"})

_NON_ALNUM = re.compile(r"[^0-9A-Z]+")
_UUID = re.compile(r"[0-9A-F]{8}-?[0-9A-F]{4}-?[0-9A-F]{4}-?[0-9A-F]{4}-?[0-9A-F]{12}", re.I)
# A token in free text that may be a reference: letters, digits and the separators references use.
_TOKEN = re.compile(r"[A-Z0-9][A-Z0-9\-/._]*[A-Z0-9]|[A-Z0-9]", re.I)
# Keyword-tagged references in :86: text and remittance lines (SEPA ?2x "EREF+", /EREF/, /ROC/ …).
_TAGGED = re.compile(
    r"(?:EREF|KREF|MREF|CRED|PREF|ROC|RFF|E2E|ENDTOENDID|INSTRID|UETR)\s*[+:/]\s*([A-Z0-9][A-Z0-9\-/._]{2,})",
    re.I,
)
_MIN_TEXT_REF = 6  # shorter tokens in free text are too often dates, counts or words

LEGAL_FORMS = frozenset(
    """AG GMBH MBH KG KGAA OHG UG EV EG SE SA SAS SASU SARL SNC SCA SPA SRL SRO AS ASA AB OY OYJ
    NV BV VOF LTD LIMITED PLC LLP LLC INC INCORPORATED CORP CORPORATION CO COMPANY LP PTY PTE
    BHD SL SLU SP ZOO KFT ZRT DOO OOO PJSC JSC THE""".split()
)


def norm_ref(value: str | None) -> str:
    """Upper-case and drop spaces and punctuation: 'inv 2024-001' == 'INV2024001'."""
    if not value:
        return ""
    out = _NON_ALNUM.sub("", value.upper())
    return "" if out in EMPTY_REFERENCES else out


def refs_in_text(text: str | None) -> tuple[str, ...]:
    """References a bank or a payer wrote into free text (remittance lines, MT :86:).

    Keyword-tagged values and UUIDs (UETRs) always count; other tokens count when they are long
    enough and contain a digit. Adjacent tokens are also joined (up to three), because a reference
    sent as 'INV2024001' often comes back as 'INV 2024 001'. Returned normalised, sorted, unique.
    """
    if not text:
        return ()
    upper = text.upper()
    found: set[str] = set()
    for m in _TAGGED.finditer(upper):
        found.add(norm_ref(m.group(1)))
    for m in _UUID.finditer(upper):
        found.add(norm_ref(m.group(0)))
    tokens = [norm_ref(t) for t in _TOKEN.findall(upper)]
    tokens = [t for t in tokens if t]
    for i in range(len(tokens)):
        joined = ""
        for j in range(i, min(i + 3, len(tokens))):
            joined += tokens[j]
            if len(joined) >= _MIN_TEXT_REF and any(c.isdigit() for c in joined):
                found.add(joined)
    found.discard("")
    return tuple(sorted(found))


_MONEY = re.compile(r"\d[.,]\d{2}$")
_MONEY_IN_TEXT = re.compile(r"(?<![\w.,])\d{1,3}(?:[.,' ]\d{3})*[.,]\d{2}(?![\w.,]|[.,]\d)")


def _looks_like_date(digits: str) -> bool:
    """An 8-digit run that reads as YYYYMMDD or DDMMYYYY is a date, not a document number."""
    if len(digits) != 8:
        return False
    for y, m, d in ((digits[:4], digits[4:6], digits[6:]), (digits[4:], digits[2:4], digits[:2])):
        if 1990 <= int(y) <= 2099 and 1 <= int(m) <= 12 and 1 <= int(d) <= 31:
            return True
    return False


def remittance_keys(*texts: str | None) -> frozenset[str]:
    """Document numbers a payer or a bookkeeper wrote into free text, as comparable keys.

    Each written form differs ("Invoice INV-88123", "RECHNUNG 88123", "Inv.Nr. 88123"), so every token
    holding a digit gives two keys: its normalised form (4+ characters) and its digits without leading
    zeros (4+ digits): both sides meet on "88123". Amounts ("1.234,56") and dates ("2026-10-01") are
    not document numbers and give no key. Keys that many items share (a year, a contract number) are
    dropped later by the matcher, which sees every item.
    """
    keys: set[str] = set()
    for text in texts:
        if not text:
            continue
        for raw in _TOKEN.findall(_MONEY_IN_TEXT.sub(" ", text.upper())):
            if not any(c.isdigit() for c in raw) or _MONEY.search(raw):
                continue
            token = norm_ref(raw)
            digits = "".join(c for c in token if c.isdigit()).lstrip("0")
            if len(digits) >= 4 and _looks_like_date(digits):
                continue
            if len(token) >= 4:
                keys.add(token)
            if len(digits) >= 4:
                keys.add(digits)
    return frozenset(keys)


@lru_cache(maxsize=200_000)
def norm_name(value: str | None, max_len: int = 70) -> str:
    """Comparable form of a party name: ASCII, upper-case, no punctuation, no legal forms.

    'Müller Maschinenbau GmbH & Co. KG' → 'MULLER MASCHINENBAU'. Truncated to `max_len` like the
    bank would, so a 35-character MT name still compares well with the full ledger name.
    """
    if not value:
        return ""
    ascii_ = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    words = [w for w in _NON_ALNUM.sub(" ", ascii_.upper()).split() if w not in LEGAL_FORMS]
    return " ".join(words)[:max_len].strip()


def name_key(normalised_name: str) -> str:
    """Blocking key for the name index: the first word of at least three letters."""
    for word in normalised_name.split():
        if len(word) >= 3:
            return word
    return normalised_name


def norm_iban(value: str | None) -> str:
    if not value:
        return ""
    return _NON_ALNUM.sub("", value.upper())
