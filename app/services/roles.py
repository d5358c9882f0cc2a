"""Who may do what. One table, so a reviewer can check the whole policy at a glance."""

from __future__ import annotations

from typing import Literal

Role = Literal["ops", "clerk", "compliance", "admin"]
ROLES: tuple[str, ...] = ("ops", "clerk", "compliance", "admin")

#: Actors that are programs, not people (break detection, the agent, the first-run CLI). They may
#: create records (cases, proposed repairs, imports) but never approve anything.
SYSTEM_PREFIX = "system:"

PERMISSIONS: dict[str, frozenset[str]] = {
    "import": frozenset({"ops", "clerk", "admin"}),
    "match.run": frozenset({"clerk", "admin"}),
    "match.decide": frozenset({"clerk", "admin"}),
    "scorer.train": frozenset({"clerk", "admin"}),
    "scorer.activate": frozenset({"compliance", "admin"}),
    "case.open": frozenset({"ops", "admin"}),
    "case.update": frozenset({"ops", "admin"}),
    "repair.propose": frozenset({"ops", "admin"}),
    "repair.edit": frozenset({"ops", "admin"}),
    "repair.decide": frozenset({"ops", "compliance", "admin"}),
    "user.manage": frozenset({"admin"}),
    # Reading: which screens a role may open (the UI hides the rest and refuses a direct visit).
    "chat": frozenset({"ops", "clerk", "compliance", "admin"}),
    "case.read": frozenset({"ops", "compliance", "admin"}),
    "match.read": frozenset({"ops", "clerk", "admin"}),
    "scorecard.read": frozenset({"ops", "compliance", "admin"}),
    # Clerks see their decisions on the Reconciliation page; the full log (LLM calls, user changes,
    # repairs) is for the people who decide cases, oversee them or run the system.
    "audit.read": frozenset({"ops", "compliance", "admin"}),
    "scorecard.approve": frozenset({"compliance", "admin"}),
    "eval.run": frozenset({"compliance", "admin"}),  # the offline suites from the Scorecards page
    # Monitoring (drift, alerts, the model registry): ops watch it; compliance acknowledges alerts.
    "monitor.read": frozenset({"ops", "compliance", "admin"}),
    "monitor.manage": frozenset({"compliance", "admin"}),
}


def is_system_actor(name: str) -> bool:
    return name.startswith(SYSTEM_PREFIX)
