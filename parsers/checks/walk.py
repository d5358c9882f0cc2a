"""Walk a canonical message and yield every party, agent and account with its path and location.

The checks for IBAN, BIC and the like should not each re-learn where parties hide in the model
(transactions, their cover's underlying transaction, statuses, returns, statement entries and their
details, payment groups, the header), so this module is the one place that knows.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from breakdesk.parsers.canonical import Agent, Message, Party, Provenance, Transaction

_PARTY_ROLES = ("debtor", "creditor", "ultimate_debtor", "ultimate_creditor", "initiating_party")
_AGENT_ROLES = ("instructing_agent", "instructed_agent")


@dataclass(frozen=True)
class PartyAt:
    field: str
    party: Party
    location: Provenance


@dataclass(frozen=True)
class AgentAt:
    field: str
    agent: Agent
    location: Provenance


@lru_cache(maxsize=64)
def _roles_of(cls: type) -> tuple[str, ...]:
    """The party roles a model class has (looked up once: pydantic's missing-attribute path is slow)."""
    fields = getattr(cls, "model_fields", {})
    return tuple(r for r in _PARTY_ROLES + ("counterparty",) if r in fields)


def _parties_of(obj: object, prefix: str, where: Provenance) -> Iterator[PartyAt]:
    for role in _roles_of(type(obj)):
        party = getattr(obj, role)
        if party is not None:
            yield PartyAt(f"{prefix}.{role}", party, party.provenance or where)


def _transaction_parties(tx: Transaction, prefix: str) -> Iterator[PartyAt]:
    yield from _parties_of(tx, prefix, tx.provenance)
    if tx.underlying is not None:
        yield from _transaction_parties(tx.underlying, f"{prefix}.underlying")


def iter_parties(message: Message) -> Iterator[PartyAt]:
    """Every party of the message, with a dotted field path such as `transactions[0].creditor`."""
    if message.header.initiating_party is not None:
        p = message.header.initiating_party
        yield PartyAt("header.initiating_party", p, p.provenance or message.provenance)
    for i, group in enumerate(message.payment_groups):
        yield from _parties_of(group, f"payment_groups[{i}]", group.provenance)
    for i, tx in enumerate(message.transactions):
        yield from _transaction_parties(tx, f"transactions[{i}]")
    for name in ("statuses", "returns", "cancellations"):
        for i, obj in enumerate(getattr(message, name)):
            yield from _parties_of(obj, f"{name}[{i}]", obj.provenance)
    for s, st in enumerate(message.statements):
        if st.account_owner is not None:
            p = st.account_owner
            yield PartyAt(f"statements[{s}].account_owner", p, p.provenance or st.provenance)
        for e, entry in enumerate(st.entries):
            prefix = f"statements[{s}].entries[{e}]"
            yield from _parties_of(entry, prefix, entry.provenance)
            for d, detail in enumerate(entry.details):
                yield from _parties_of(detail, f"{prefix}.details[{d}]", detail.provenance)


def _transaction_agents(tx: Transaction, prefix: str) -> Iterator[AgentAt]:
    for role in _AGENT_ROLES:
        agent = getattr(tx, role)
        if agent is not None:
            yield AgentAt(f"{prefix}.{role}", agent, agent.provenance or tx.provenance)
    for i, agent in enumerate(tx.intermediaries):
        yield AgentAt(f"{prefix}.intermediaries[{i}]", agent, agent.provenance or tx.provenance)
    if tx.underlying is not None:
        yield from _transaction_agents(tx.underlying, f"{prefix}.underlying")


def iter_agents(message: Message) -> Iterator[AgentAt]:
    """Every agent: the parties' banks, the transaction agents, intermediaries, statement servicers."""
    for at in iter_parties(message):
        if at.party.agent is not None:
            agent = at.party.agent
            yield AgentAt(f"{at.field}.agent", agent, agent.provenance or at.location)
    for i, tx in enumerate(message.transactions):
        yield from _transaction_agents(tx, f"transactions[{i}]")
    for s, st in enumerate(message.statements):
        if st.servicer is not None:
            yield AgentAt(f"statements[{s}].servicer", st.servicer, st.servicer.provenance or st.provenance)
