"""The case workflow: diagnose → retrieve → explain → propose repair → re-validate → wait for a
person (interrupt) → apply or reject. The model explains; only a person's approval applies anything.

Dependencies (retrieval, repairs, the outbox) are injected so this module imports neither the database
nor the UI, and a second process can rebuild the same graph to resume a checkpointed case.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.types import interrupt

from breakdesk.agents.diagnosis import diagnose_case
from breakdesk.agents.explain import explain_case
from breakdesk.agents.graph.state import CaseInput, CaseState
from breakdesk.agents.llm import CallRecorder, Provider

Retrieve = Callable[[str, int], list[dict[str, Any]]]
ProposeRepair = Callable[[dict[str, Any], dict[str, Any]], dict[str, Any]]
Revalidate = Callable[[dict[str, Any]], dict[str, Any]]
ApplyRepair = Callable[[dict[str, Any], dict[str, Any], dict[str, Any]], dict[str, Any]]

SOP_QUERIES = {
    "rejected": "investigating a rejected payment SOP",
    "returned": "handling a returned payment SOP",
    "recall": "recall and cancellation request camt.056 SOP",
}
#: The query that retrieves each reconciliation break class's SOP section (the diagnosis cites it).
BREAK_CLASS_QUERIES = {
    "bank_only": "Unmatched bank item reconciliation break",
    "missing_booking": "Unmatched book item missing booking",
    "fee_difference": "Fee difference reconciliation break",
    "amount_difference": "Partial payment amount difference reconciliation",
    "duplicate": "Duplicate reconciliation break",
    "value_date_difference": "Value-date break reconciliation",
}


@dataclass
class CaseDeps:
    provider: Provider
    retrieve: Retrieve
    propose_repair: ProposeRepair
    revalidate: Revalidate
    apply_repair: ApplyRepair
    recorder: CallRecorder | None = None


def build_case_graph(deps: CaseDeps, checkpointer: BaseCheckpointSaver | None = None):
    def diagnose(state: CaseState) -> dict:
        d = diagnose_case(state["case"])
        return {"diagnosis": d, "events": [{"node": "diagnose", "reason_code": d["reason_code"], "retry_class": d["retry_class"]}]}

    def retrieve(state: CaseState) -> dict:
        case, d = state["case"], state["diagnosis"]
        queries = []
        if case["kind"] in BREAK_CLASS_QUERIES:
            queries.append((BREAK_CLASS_QUERIES[case["kind"]], 3))
        else:
            if d.get("reason_code"):
                # A code sits in several code sets (status, return, cancellation …): fetch enough of them
                # that the one for this case's context, which the diagnosis cites, is among them.
                queries.append((f"{d['reason_code']} {d.get('meaning', '')}", 6))
            queries.append((SOP_QUERIES[case["kind"]], 2))
        seen: dict[str, dict] = {}
        for q, k in queries:
            for hit in deps.retrieve(q, k):
                seen.setdefault(hit["citation_id"], hit)
        cited = d.get("citation_id")
        # The diagnosis's own passage first, then the rest; other code sets' entries for the same code add
        # nothing the analyst needs, so at most two more passages stay beside it.
        first = [seen[cited]] if cited in seen else []
        others = [p for cid, p in seen.items() if cid != cited]
        code_set_noise = [p for p in others if p.get("metadata", {}).get("kind") == "code-set"]
        passages = first + [p for p in others if p not in code_set_noise] + code_set_noise[: max(0, 2 - len(first))]
        return {"passages": passages, "events": [{"node": "retrieve", "citations": list(seen)}]}

    def explain(state: CaseState) -> dict:
        ex = explain_case(state["case"], state["diagnosis"], state["passages"], provider=deps.provider, recorder=deps.recorder)
        return {"answer": ex.answer, "provider": ex.provider, "grounded": ex.grounded, "grounding_note": ex.note,
                "events": [{"node": "explain", "provider": ex.provider, "grounded": ex.grounded, "citations": ex.citations}]}

    def propose(state: CaseState) -> dict:
        repair = deps.propose_repair(state["case"], state["diagnosis"])
        return {"repair": repair, "events": [{"node": "propose_repair", "kind": repair.get("kind")}]}

    def revalidate(state: CaseState) -> dict:
        checked = deps.revalidate(state["repair"])
        return {"repair": checked, "events": [{"node": "revalidate", "valid": checked.get("valid")}]}

    def await_decision(state: CaseState) -> dict:
        answer = interrupt({"case_id": state["case"]["case_id"], "question": "approve or reject the proposed repair",
                            "repair": state["repair"], "answer": state.get("answer")})
        action = str(answer.get("action", "")).lower()
        if action not in ("approve", "reject"):
            raise ValueError(f"decision must be 'approve' or 'reject', got {action!r}")
        decision = {"action": action, "user": answer.get("user"), "reason": answer.get("reason")}
        update: dict = {"decision": decision, "events": [{"node": "decision", **decision}]}
        if answer.get("repair") is not None:
            # A person edited the repair before deciding; the edited one was re-validated by the caller.
            update["repair"] = answer["repair"]
        return update

    def route(state: CaseState) -> Literal["apply", "reject"]:
        return "apply" if state["decision"]["action"] == "approve" and state["repair"].get("valid") else "reject"

    def apply(state: CaseState) -> dict:
        outcome = deps.apply_repair(state["case"], state["repair"], state["decision"])
        return {"outcome": outcome, "events": [{"node": "apply", **{k: v for k, v in outcome.items() if k != "message"}}]}

    def reject(state: CaseState) -> dict:
        d = state["decision"]
        why = d.get("reason") or ("the repair is not valid" if not state["repair"].get("valid") else None)
        outcome = {"status": "rejected" if d["action"] == "reject" else "not_applied", "reason": why}
        return {"outcome": outcome, "events": [{"node": "reject", **outcome}]}

    g = StateGraph(CaseState, input_schema=CaseInput)
    for name, fn in (("diagnose", diagnose), ("retrieve", retrieve), ("explain", explain), ("propose_repair", propose),
                     ("revalidate", revalidate), ("await_decision", await_decision), ("apply", apply), ("reject", reject)):
        g.add_node(name, fn)
    g.add_edge(START, "diagnose")
    g.add_edge("diagnose", "retrieve")
    g.add_edge("retrieve", "explain")
    g.add_edge("explain", "propose_repair")
    g.add_edge("propose_repair", "revalidate")
    g.add_edge("revalidate", "await_decision")
    g.add_conditional_edges("await_decision", route)
    g.add_edge("apply", END)
    g.add_edge("reject", END)
    return g.compile(checkpointer=checkpointer)
