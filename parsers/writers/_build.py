"""Element building shared by the writers: typed leaf values checked against the XSD facets.

Every leaf goes through `Builder`, which records a problem (with the canonical field path) instead of
emitting a value the schema would reject; the writer raises one `WriteError` listing them all. The
checks mirror the facets of the ISO 20022 simple types (MaxNText lengths, code lists, BIC/IBAN/UETR
patterns, currency precision), so what the builder accepts validates.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from lxml import etree

from breakdesk.parsers.canonical import Transaction
from breakdesk.parsers.currency import is_known_currency, minor_units
from breakdesk.parsers.writers.errors import WriteError

IBAN_RE = re.compile(r"^[A-Z]{2}[0-9]{2}[a-zA-Z0-9]{1,30}$")
UETR_RE = re.compile(r"^[a-f0-9]{8}-[a-f0-9]{4}-4[a-f0-9]{3}-[89ab][a-f0-9]{3}-[a-f0-9]{12}$")
LEI_RE = re.compile(r"^[A-Z0-9]{18}[0-9]{2}$")
COUNTRY_RE = re.compile(r"^[A-Z]{2}$")
CURRENCY_RE = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True)
class Dialect:
    """What differs between the versions we write."""

    message_type: str
    bic_re: re.Pattern[str]
    agent_bic_tag: str  # BIC (2009 versions) or BICFI
    party_bic_tag: str  # BICOrBEI or AnyBIC
    has_lei: bool
    has_uetr: bool
    exec_date_choice: bool  # ReqdExctnDt/Dt (v09) or ReqdExctnDt (v03)
    document_types: frozenset[str]

    @property
    def namespace(self) -> str:
        return f"urn:iso:std:iso:20022:tech:xsd:{self.message_type}"


_BIC_2009 = re.compile(r"^[A-Z]{6}[A-Z2-9][A-NP-Z0-9]([A-Z0-9]{3})?$")
_BIC_2014 = re.compile(r"^[A-Z0-9]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$")
_DOC_TYPES_V5 = frozenset("MSIN CNFA DNFA CINV CREN DEBN HIRI SBIN CMCN SOAC DISP BOLD VCHR AROI TSUT".split())

DIALECTS = {
    "pain.001.001.03": Dialect("pain.001.001.03", _BIC_2009, "BIC", "BICOrBEI", False, False, False, _DOC_TYPES_V5),
    "pain.001.001.09": Dialect("pain.001.001.09", _BIC_2014, "BICFI", "AnyBIC", True, True, True,
                               _DOC_TYPES_V5 | {"PUOR"}),
    "pacs.008.001.08": Dialect("pacs.008.001.08", _BIC_2014, "BICFI", "AnyBIC", True, True, True,
                               _DOC_TYPES_V5 | {"PUOR"}),
}

CREDITOR_REFERENCE_TYPES = frozenset({"RADM", "RPIN", "FXDR", "DISP", "PUOR", "SCOR"})
CHARGE_BEARERS = frozenset({"DEBT", "CRED", "SHAR", "SLEV"})


@dataclass
class Builder:
    """Builds elements in one namespace and collects the problems that would make them invalid."""

    dialect: Dialect
    problems: list[str] = field(default_factory=list)

    def problem(self, where: str, text: str) -> None:
        self.problems.append(f"{where}: {text}")

    def raise_if_problems(self) -> None:
        if self.problems:
            raise WriteError(self.dialect.message_type, self.problems)

    def q(self, tag: str) -> str:
        return f"{{{self.dialect.namespace}}}{tag}"

    def el(self, parent: etree._Element, tag: str) -> etree._Element:
        return etree.SubElement(parent, self.q(tag))

    def text(self, parent: etree._Element, tag: str, value: str | None, *, max_len: int, where: str,
             required: bool = False) -> etree._Element | None:
        """A MaxNText leaf; None/empty is skipped (or a problem when required)."""
        if value is None or value == "":
            if required:
                self.problem(where, "missing")
            return None
        if len(value) > max_len:
            self.problem(where, f"{len(value)} characters, the schema allows {max_len}: {value!r}")
            return None
        node = self.el(parent, tag)
        try:
            node.text = value
        except ValueError:  # control characters XML cannot carry
            parent.remove(node)
            self.problem(where, f"contains characters XML cannot carry: {value!r}")
            return None
        return node

    def pattern(self, parent: etree._Element, tag: str, value: str | None, regex: re.Pattern[str], *,
                where: str, what: str, required: bool = False) -> etree._Element | None:
        if not value:
            if required:
                self.problem(where, "missing")
            return None
        if not regex.match(value):
            self.problem(where, f"{value!r} is not a valid {what}")
            return None
        node = self.el(parent, tag)
        node.text = value
        return node

    def code(self, parent: etree._Element, tag: str, value: str | None, allowed: frozenset[str], *,
             where: str, required: bool = False) -> etree._Element | None:
        if not value:
            if required:
                self.problem(where, "missing")
            return None
        if value not in allowed:
            self.problem(where, f"{value!r} is not one of {', '.join(sorted(allowed))}")
            return None
        node = self.el(parent, tag)
        node.text = value
        return node

    def code_or_proprietary(self, parent: etree._Element, tag: str, value: str | None, *, code_max: int,
                            where: str, codes: frozenset[str] | None = None) -> etree._Element | None:
        """A `…Choice` of an external code (Cd, up to `code_max` chars) or a proprietary text (Prtry)."""
        if not value:
            return None
        wrapper = self.el(parent, tag)
        is_code = value.isalnum() and value.upper() == value and len(value) <= code_max
        if codes is not None:
            is_code = value in codes
        self.text(wrapper, "Cd" if is_code else "Prtry", value, max_len=code_max if is_code else 35, where=where)
        return wrapper

    def amount_text(self, amount: Decimal, currency: str, *, where: str) -> str | None:
        """The amount as the schema wants it for `currency`: padded to its minor unit, never rounded."""
        if not (CURRENCY_RE.match(currency or "") and is_known_currency(currency)):
            self.problem(where, f"currency {currency!r} is not an ISO 4217 code")
            return None
        units = minor_units(currency)
        if not amount.is_finite() or amount < 0:
            self.problem(where, f"amount {amount} must be a non-negative number")
            return None
        if units is None:
            text = format(amount.normalize(), "f")
        else:
            quantum = Decimal(1).scaleb(-units)
            if amount != amount.quantize(quantum):
                self.problem(where, f"{format(amount, 'f')} {currency} has more decimals than {currency} allows "
                                    f"({units})")
                return None
            text = format(amount.quantize(quantum), "f")
        digits = text.replace(".", "").lstrip("0")
        if len(digits) > 18 or (("." in text) and len(text.split(".")[1]) > 5):
            self.problem(where, f"amount {text} exceeds 18 digits / 5 decimals")
            return None
        return text

    def amount(self, parent: etree._Element, tag: str, amount: Decimal | None, currency: str | None, *,
               where: str, required: bool = False) -> etree._Element | None:
        if amount is None or not currency:
            if required:
                self.problem(where, "amount and currency missing")
            return None
        text = self.amount_text(amount, currency, where=where)
        if text is None:
            return None
        node = self.el(parent, tag)
        node.set("Ccy", currency)
        node.text = text
        return node

    def date(self, parent: etree._Element, tag: str, value: date | None, *, where: str,
             required: bool = False) -> etree._Element | None:
        if value is None:
            if required:
                self.problem(where, "missing")
            return None
        node = self.el(parent, tag)
        node.text = value.isoformat()
        return node


def iso_datetime(value: datetime) -> str:
    """ISODateTime without microseconds (many validators and banks reject fractional seconds)."""
    return value.replace(microsecond=0).isoformat()


def decimal_number(value: Decimal) -> str:
    """DecimalNumber (CtrlSum): plain notation, no exponent, trailing zeros kept as summed."""
    return format(value, "f")


def document(b: Builder, body_tag: str, transactions: Sequence[Transaction], *, message_id: str | None,
             created_at: datetime) -> tuple[etree._Element, etree._Element, etree._Element]:
    """(Document root, message body, GrpHdr) with the header fields every credit transfer shares;
    NbOfTxs and CtrlSum are computed from the transactions, never taken on trust."""
    root = etree.Element(b.q("Document"), nsmap={None: b.dialect.namespace})
    body = b.el(root, body_tag)
    hdr = b.el(body, "GrpHdr")
    b.text(hdr, "MsgId", message_id, max_len=35, where="message_id", required=True)
    b.el(hdr, "CreDtTm").text = iso_datetime(created_at)
    b.el(hdr, "NbOfTxs").text = str(len(transactions))
    b.el(hdr, "CtrlSum").text = decimal_number(sum((t.amount for t in transactions), Decimal(0)))
    return root, body, hdr


def serialize(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
