"""Column types that keep money exact and time zone-aware on every database we support.

* `Amount`: `NUMERIC(28, 8)` on PostgreSQL. SQLite has no decimal storage (its NUMERIC affinity turns
  values into 8-byte floats), so there the exact decimal string is stored instead. Either way Python
  sees a `Decimal` with 8 places; floats and values needing more places are refused, never rounded.
  Consequence on SQLite: do amount arithmetic and ordering in Python, not in SQL.
* `UtcDateTime`: always returns an aware UTC datetime (SQLite drops the offset; we put it back).
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Context, Decimal, InvalidOperation

from sqlalchemy import BigInteger, DateTime, Integer, Numeric, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import JSON, TypeDecorator

AMOUNT_PRECISION = 28
AMOUNT_SCALE = 8
_QUANTUM = Decimal(1).scaleb(-AMOUNT_SCALE)
_WIDE = Context(prec=200)  # so quantize never fails before we can say what is wrong

#: Primary keys: BIGINT on PostgreSQL; INTEGER on SQLite so the column aliases the rowid.
BigIntPK = BigInteger().with_variant(Integer(), "sqlite")
#: JSON documents: JSONB on PostgreSQL (indexable), JSON text elsewhere.
JSONDoc = JSON().with_variant(JSONB(), "postgresql")


def to_amount(value: Decimal | int | str) -> Decimal:
    """Exact conversion to an 8-place Decimal, refusing floats and lossy values."""
    if isinstance(value, float):
        raise TypeError("amounts must be Decimal, int or str, never float")
    try:
        dec = Decimal(value)
    except (InvalidOperation, ValueError) as exc:
        raise ValueError(f"not a decimal amount: {value!r}") from exc
    if not dec.is_finite():
        raise ValueError(f"not a finite amount: {value!r}")
    quantized = dec.quantize(_QUANTUM, context=_WIDE)
    if quantized != dec:
        raise ValueError(f"amount {value} has more than {AMOUNT_SCALE} decimal places")
    if len(quantized.as_tuple().digits) > AMOUNT_PRECISION:
        raise ValueError(f"amount {value} has more than {AMOUNT_PRECISION} digits")
    return quantized


class Amount(TypeDecorator[Decimal]):
    impl = Numeric(AMOUNT_PRECISION, AMOUNT_SCALE, asdecimal=True)
    cache_ok = True

    def load_dialect_impl(self, dialect):
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(AMOUNT_PRECISION + 2))
        return dialect.type_descriptor(Numeric(AMOUNT_PRECISION, AMOUNT_SCALE, asdecimal=True))

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        dec = to_amount(value)
        return format(dec, "f") if dialect.name == "sqlite" else dec

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return Decimal(value).quantize(_QUANTUM, context=_WIDE)

    @property
    def python_type(self) -> type:
        return Decimal


class UtcDateTime(TypeDecorator[datetime]):
    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: store aware UTC datetimes only")
        value = value.astimezone(UTC)
        # SQLite keeps the text as given; store UTC without offset so ordering by text is by time.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    @property
    def python_type(self) -> type:
        return datetime


def utcnow() -> datetime:
    return datetime.now(UTC)
