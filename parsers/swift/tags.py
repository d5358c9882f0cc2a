"""Tag registry in the wolph/mt940 style: each tag is a small class with an `id` and a verbose regex
of named groups; `TAG_BY_ID` indexes them. `Tag.parse` returns the named groups (strings), with
values converted by `convert` where a tag knows its types.

Bank quirks do not live here: they are processors (`processors.py`) run before (`pre_<slug>`, on the
raw value) and after (`post_<slug>`, on the parsed dict) a tag.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from breakdesk.parsers.swift import values as v
from breakdesk.parsers.swift.values import ValueProblem


class Tag:
    id: ClassVar[str]
    ids: ClassVar[tuple[str, ...]] = ()
    slug: ClassVar[str]
    pattern: ClassVar[str] = r"(?P<value>[\s\S]+)"
    _re: ClassVar[re.Pattern[str]]

    def __init_subclass__(cls, **kw: Any) -> None:
        super().__init_subclass__(**kw)
        cls._re = re.compile(cls.pattern, re.X)

    def parse(self, value: str) -> dict[str, Any]:
        m = self._re.fullmatch(value)
        if m is None:
            raise ValueProblem(f"does not match the :{self.id}: format")
        return self.convert(m.groupdict())

    def convert(self, groups: dict[str, Any]) -> dict[str, Any]:
        return groups


class Reference(Tag):
    id, ids, slug = "20", ("20",), "reference"
    pattern = r"(?P<reference>[^\n]{1,35})"

    def convert(self, g):
        g["reference"] = g["reference"].strip()
        if not g["reference"]:
            raise ValueProblem("reference is blank")
        return g


class RelatedReference(Reference):
    id, ids, slug = "21", ("21",), "related_reference"


class AccountIdentification(Tag):
    id, ids, slug = "25", ("25", "25P"), "account"
    pattern = r"(?P<account>[^\n]{1,70})(?:\n(?P<bic>[^\n]*))?"


class StatementNumber(Tag):
    id, ids, slug = "28C", ("28C", "28"), "statement_number"
    pattern = r"(?P<sequence>\d{1,5})(?:/(?P<page>\d{1,5}))?"


class Balance(Tag):
    """60F/60M/62F/62M/64/65: C/D mark, YYMMDD, currency, amount."""

    id, ids, slug = "60F", ("60F", "60M", "62F", "62M", "64", "65"), "balance"
    pattern = r"""(?P<mark>[CD])(?P<date>\d{6})(?P<currency>[A-Z]{3})(?P<amount>[0-9,]{1,20})"""

    def convert(self, g):
        g["date"] = v.yymmdd(g["date"])
        g["amount"] = v.amount(g["amount"], g["currency"])
        g["credit_debit"] = "CRDT" if g["mark"] == "C" else "DBIT"
        return g


class StatementLine(Tag):
    """:61: value date, entry date (MMDD), mark, funds code, amount, type, references, details.

    The customer reference runs to `//` or the end of the first line (banks exceed the 16 characters
    the standard allows); supplementary details are the following line(s).
    """

    id, ids, slug = "61", ("61",), "statement_line"
    pattern = r"""
        (?P<value_date>\d{6})
        (?P<entry_date>\d{4})?
        (?P<mark>R?[CD])
        (?P<funds_code>[A-Z])?
        (?P<amount>\d[0-9,]{0,19})
        (?P<type>[A-Z][A-Z0-9 ]{3})
        (?P<customer_reference>[^\n]*?)
        (?://(?P<bank_reference>[^\n]*))?
        (?:\n(?P<supplementary>[\s\S]*))?
    """

    def convert(self, g):
        value_date = v.yymmdd(g["value_date"])
        g["value_date"] = value_date
        entry = g["entry_date"]
        g["booking_date"] = v.month_day_near(entry, value_date) if entry else None
        mark = g["mark"]
        g["reversal"] = mark[0] == "R"
        g["credit_debit"] = "CRDT" if mark[-1] == "C" else "DBIT"
        return g


class Narrative(Tag):
    """Free text (:86:, :70:, :72:, :77A:, :77B:, :79:, :76:): lines kept as they are."""

    id, ids, slug = "86", ("86", "70", "72", "77A", "77B", "79", "76", "NS"), "narrative"
    pattern = r"(?P<text>[\s\S]*)"


class DateTimeIndication(Tag):
    id, ids, slug = "13D", ("13D",), "date_time"
    pattern = r"(?P<date>\d{6})(?P<time>\d{4})(?P<sign>[+-])(?P<offset>\d{4})"


class FloorLimit(Tag):
    """:34F: floor limit of an MT942. mBank writes `PLN0` without the mandatory comma; a floor limit is
    a reporting threshold, not money booked or a balance, so it is the one amount read without it."""

    id, ids, slug = "34F", ("34F",), "floor_limit"
    pattern = r"(?P<currency>[A-Z]{3})(?P<mark>[CD])?(?P<amount>[0-9,]{1,20})"

    def convert(self, g):
        g["amount"] = v.amount(g["amount"], g["currency"], comma_required=False)
        return g


class EntriesSummary(Tag):
    id, ids, slug = "90D", ("90D", "90C"), "entries_summary"
    pattern = r"(?P<count>\d{1,5})(?P<currency>[A-Z]{3})(?P<amount>[0-9,]{1,20})"

    def convert(self, g):
        g["count"] = int(g["count"])
        g["amount"] = v.amount(g["amount"], g["currency"])
        return g


class ValueDateAmount(Tag):
    id, ids, slug = "32A", ("32A",), "value_date_amount"
    pattern = r"(?P<date>\d{6})(?P<currency>[A-Z]{3})(?P<amount>[0-9,]{1,20})"

    def convert(self, g):
        g["date"] = v.yymmdd(g["date"])
        g["amount"] = v.amount(g["amount"], g["currency"])
        return g


class CurrencyAmount(Tag):
    id, ids, slug = "33B", ("33B", "32B", "71F", "71G"), "currency_amount"
    pattern = r"(?P<currency>[A-Z]{3})(?P<amount>[0-9,]{1,20})"

    def convert(self, g):
        g["amount"] = v.amount(g["amount"], g["currency"])
        return g


class ExchangeRate(Tag):
    id, ids, slug = "36", ("36",), "exchange_rate"
    pattern = r"(?P<rate>\d[0-9,]{0,11})"

    def convert(self, g):
        g["rate"] = v.amount(g["rate"])
        return g


class DetailsOfCharges(Tag):
    id, ids, slug = "71A", ("71A",), "details_of_charges"
    pattern = r"(?P<code>OUR|SHA|BEN)"


class BankOperationCode(Tag):
    id, ids, slug = "23B", ("23B",), "bank_operation_code"
    pattern = r"(?P<code>[A-Z0-9]{4})"


class InstructionCode(Tag):
    id, ids, slug = "23E", ("23E",), "instruction_code"
    pattern = r"(?P<code>[A-Z0-9]{4})(?:/(?P<info>[^\n]{0,30}))?"


class TransactionTypeCode(Tag):
    id, ids, slug = "26T", ("26T",), "transaction_type_code"
    pattern = r"(?P<code>[A-Z0-9]{3})"


class TimeIndication(Tag):
    id, ids, slug = "13C", ("13C",), "time_indication"
    pattern = r"/(?P<code>[A-Z]{1,8})/(?P<time>\d{4})(?P<sign>[+-])(?P<offset>\d{4})"


class OriginalMessage(Tag):
    """:11S: / :11R: MT number, date of the original message, optionally session and ISN."""

    id, ids, slug = "11S", ("11S", "11R"), "original_message"
    pattern = r"(?P<mt>\d{3})\n?(?P<date>\d{6})(?:\n?(?P<session>\d{4})(?P<isn>\d{6}))?"

    def convert(self, g):
        g["date"] = v.yymmdd(g["date"])
        return g


class Party(Tag):
    """Option letters of party and agent fields (50a, 52a-59a); the content is read by `parties.py`."""

    id, slug = "50K", "party"
    ids = tuple(
        f"{n}{o}" for n in ("50", "51", "52", "53", "54", "55", "56", "57", "58", "59") for o in ("", "A", "B", "C", "D", "F", "G", "H", "K", "L")
    )
    pattern = r"(?P<text>[\s\S]+)"


TAGS: tuple[type[Tag], ...] = (
    Reference, RelatedReference, AccountIdentification, StatementNumber, Balance, StatementLine, Narrative,
    DateTimeIndication, FloorLimit, EntriesSummary, ValueDateAmount, CurrencyAmount, ExchangeRate,
    DetailsOfCharges, BankOperationCode, InstructionCode, TransactionTypeCode, TimeIndication,
    OriginalMessage, Party,
)

#: Every known tag id (with option letter) → its processor instance.
TAG_BY_ID: dict[str, Tag] = {tag_id: cls() for cls in TAGS for tag_id in (cls.ids or (cls.id,))}
