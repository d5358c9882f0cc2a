"""State of the case workflow. Only JSON-able values, so any checkpointer can persist it."""

from __future__ import annotations

import operator
from typing import Annotated, Any, TypedDict


class CaseInput(TypedDict):
    case: dict[str, Any]  # `agents.case_view.case_to_dict(BreakCase)`


class CaseState(CaseInput, total=False):
    diagnosis: dict[str, Any]
    passages: list[dict[str, Any]]
    answer: str
    provider: str
    grounded: bool
    grounding_note: str | None
    repair: dict[str, Any]
    decision: dict[str, Any]
    outcome: dict[str, Any]
    events: Annotated[list[dict[str, Any]], operator.add]
