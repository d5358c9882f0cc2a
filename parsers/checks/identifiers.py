"""IBAN and BIC checks, delegated to schwifty (checksum, country length, BIC shape and country).

An account is checked as an IBAN when its scheme says so (error if invalid) or when it has the shape
of one from a country that issues IBANs (warning if invalid: it may be a domestic number that merely
looks like an IBAN). Test BICs (location code with a second character '0') are valid SWIFT BICs that
must never travel on the live network; they get an info finding, not an error.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException
from schwifty.registry import get_iban_spec

from breakdesk.parsers.canonical import Message, Provenance
from breakdesk.parsers.checks._common import finding
from breakdesk.parsers.checks.walk import iter_agents, iter_parties
from breakdesk.parsers.findings import Finding

_IBAN_SHAPE = re.compile(r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}$")


def _compact(account: str) -> str:
    return account.strip().lstrip("/").replace(" ", "").upper()


@lru_cache(maxsize=4096)
def _iban_error(compact: str) -> str | None:
    """schwifty's verdict, cached: a statement repeats the same counterparty accounts many times."""
    try:
        IBAN(compact)
    except SchwiftyException as exc:
        return str(exc)
    return None


@lru_cache(maxsize=4096)
def _bic_verdict(value: str) -> tuple[str | None, bool]:
    """(error text or None, is a test BIC)."""
    try:
        bic = BIC(_bic_candidate(value))
    except SchwiftyException as exc:
        return str(exc), False
    return None, bic.type == "testing"


@lru_cache(maxsize=256)
def _issues_ibans(country: str) -> bool:
    try:
        get_iban_spec(country)
    except (SchwiftyException, KeyError):
        return False
    return True


def check_account(
    account: str | None, scheme: str | None, *, field: str, location: Provenance
) -> Iterator[Finding]:
    if not account:
        return
    declared = (scheme or "").upper() == "IBAN"
    compact = _compact(account)
    if not declared and not (_IBAN_SHAPE.match(compact) and _issues_ibans(compact[:2])):
        return
    error = _iban_error(compact)
    if error is not None:
        yield finding(
            "error" if declared else "warning",
            "IBAN_INVALID",
            f"{'IBAN' if declared else 'account that looks like an IBAN'} {account!r} is invalid: {error}",
            location,
            fallback=location,
            field=field,
            value=account,
        )


def _bic_candidate(value: str) -> str:
    """A 12-character MT logical terminal address is BIC8 + terminal code + branch: drop the code."""
    v = value.strip().upper()
    return v[:8] + v[9:] if len(v) == 12 else v


def check_bic(value: str | None, *, field: str, location: Provenance) -> Iterator[Finding]:
    if not value:
        return
    error, is_test = _bic_verdict(value)
    if error is not None:
        yield finding("error", "BIC_INVALID", f"BIC {value!r} is invalid: {error}", location,
                      fallback=location, field=field, value=value)
        return
    if is_test:
        yield finding("info", "BIC_TEST", f"BIC {value!r} is a test BIC (not for live traffic)", location,
                      fallback=location, field=field, value=value)


def check_identifiers(message: Message) -> Iterator[Finding]:
    for at in iter_parties(message):
        yield from check_account(at.party.account, at.party.account_scheme,
                                 field=f"{at.field}.account", location=at.location)
    for at in iter_agents(message):
        yield from check_bic(at.agent.bic, field=f"{at.field}.bic", location=at.location)
        yield from check_account(at.agent.account, None, field=f"{at.field}.account", location=at.location)
    for s, st in enumerate(message.statements):
        yield from check_account(st.account, st.account_scheme, field=f"statements[{s}].account",
                                 location=st.provenance)
    for role in ("sender_bic", "receiver_bic"):
        yield from check_bic(getattr(message.header, role), field=f"header.{role}", location=message.provenance)
