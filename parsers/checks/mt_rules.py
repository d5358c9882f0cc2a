"""Rules of the SWIFT FIN network that can be checked on the canonical model.

FIN only carries the SWIFT X character set in free-text fields; anything else is rejected by the
network or silently transliterated by a gateway, so names, addresses, remittance and field 72 lines
outside it are flagged before sending. Mandatory-field rules cover what the model represents: for an
MT103 the 32A amount, currency and value date, the :20: reference, the ordering customer (50a), the
beneficiary (59a) and the charges code (71A).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from breakdesk.parsers.canonical import Message, Party, Transaction
from breakdesk.parsers.checks._common import finding, is_mt
from breakdesk.parsers.findings import Finding

#: SWIFT X character set: a-z A-Z 0-9 / - ? : ( ) . , ' + space CR LF.
_X_CHARSET = re.compile(r"[^A-Za-z0-9/\-?:().,'+ \r\n]")


def _free_texts(tx: Transaction, prefix: str) -> Iterator[tuple[str, str]]:
    for role in ("debtor", "creditor", "ultimate_debtor", "ultimate_creditor"):
        party: Party | None = getattr(tx, role)
        if party is None:
            continue
        if party.name:
            yield f"{prefix}.{role}.name", party.name
        if party.address:
            for i, line in enumerate(party.address.address_lines):
                yield f"{prefix}.{role}.address.address_lines[{i}]", line
            for part in ("street_name", "town_name"):
                if getattr(party.address, part):
                    yield f"{prefix}.{role}.address.{part}", getattr(party.address, part)
    for i, line in enumerate(tx.remittance.unstructured):
        yield f"{prefix}.remittance.unstructured[{i}]", line
    for i, line in enumerate(tx.instructions_for_agents):
        yield f"{prefix}.instructions_for_agents[{i}]", line
    for i, line in enumerate(tx.regulatory_reporting):
        yield f"{prefix}.regulatory_reporting[{i}]", line


def check_charset(message: Message) -> Iterator[Finding]:
    if not is_mt(message):
        return
    texts: list[tuple[str, str, object]] = []
    for i, tx in enumerate(message.transactions):
        texts.extend((f, t, tx.provenance) for f, t in _free_texts(tx, f"transactions[{i}]"))
    if message.free_format is not None:
        texts.append(("free_format.narrative", message.free_format.narrative, message.free_format.provenance))
    for field, text, where in texts:
        bad = sorted(set(_X_CHARSET.findall(text)))
        if bad:
            yield finding(
                "warning", "CHARSET",
                f"characters outside the SWIFT X character set: {' '.join(repr(c) for c in bad)}",
                where, fallback=message.provenance, field=field, value=text,  # type: ignore[arg-type]
            )


def _party_identified(party: Party | None) -> bool:
    return bool(party and (party.name or party.account or party.identifiers or party.agent_bic))


def check_mt_mandatory(message: Message) -> Iterator[Finding]:
    if message.family.upper() != "MT103":
        return
    for i, tx in enumerate(message.transactions):
        missing: list[tuple[str, str]] = []
        if not tx.currency:
            missing.append(("currency", "32A currency"))
        if tx.settlement_date is None:
            missing.append(("settlement_date", "32A value date"))
        if not (tx.instruction_id or tx.transaction_id or tx.end_to_end_id):
            missing.append(("instruction_id", ":20: sender's reference"))
        if not _party_identified(tx.debtor):
            missing.append(("debtor", "50a ordering customer"))
        if not _party_identified(tx.creditor):
            missing.append(("creditor", "59a beneficiary customer"))
        if not tx.charge_bearer:
            missing.append(("charge_bearer", "71A details of charges"))
        for attr, label in missing:
            yield finding(
                "error", "MANDATORY_MISSING", f"MT103 mandatory field missing: {label}",
                tx.provenance, fallback=message.provenance, field=f"transactions[{i}].{attr}",
            )
