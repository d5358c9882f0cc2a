"""What the counterparty bank answered to a recall, read from a case's lifecycle (issue #14 item 6).

A recall case used to be explained by its request alone ("subject to a recall with reason code DUPL")
even after the answer came: a camt.029 or MT196/296 that accepted it (CNCL, ACCR), accepted part of it
(PACR), has not decided yet (PDCR), or refused it without a reason code. A refusal *with* a reason code
(AC04, CUST, LEGL …) is the case's diagnosis when the answer alone made the case (`reason_context`
"cancellation_answer"); otherwise the diagnosis is the request's reason, and the answer is added here, so
the explanation and the next step follow the latest answer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

Verdict = Literal["accepted", "partly accepted", "pending", "refused"]

#: camt.029 TxCxlSts / Sts/Conf and MT196/296 :76: answer codes.
_VERDICTS: dict[str, Verdict] = {
    "CNCL": "accepted", "ACCR": "accepted", "PACR": "partly accepted", "PDCR": "pending", "RJCR": "refused",
}


@dataclass(frozen=True)
class RecallOutcome:
    verdict: Verdict
    status: str
    reason_code: str | None
    message_type: str
    date: str | None
    source: str

    def adds_to(self, case: Mapping[str, Any]) -> bool:
        """The answer says more than the case's diagnosis: unless the diagnosis is this refusal's own
        reason code (`reason_context` "cancellation_answer": the answer alone made the case)."""
        return not (self.verdict == "refused" and self.reason_code and case.get("reason_context") == "cancellation_answer")

    def sentence(self) -> str:
        when = f" of {self.date}" if self.date else ""
        told = f"({self.status}, {self.message_type}{when})"
        if self.verdict == "accepted":
            return f"The counterparty bank accepted the recall {told}: the funds come back as a return."
        if self.verdict == "partly accepted":
            return f"The counterparty bank accepted part of the recall {told}: less than the full amount comes back."
        if self.verdict == "pending":
            return f"The counterparty bank has not decided the recall yet {told}."
        if self.reason_code:
            return f"The counterparty bank refused the recall {told} with reason {self.reason_code}."
        return f"The counterparty bank refused the recall {told} without giving a reason code."

    def next_step(self) -> str:
        if self.verdict == "accepted":
            return ("Recall accepted: nothing is to be re-sent; match the returned funds (pacs.004 or the return "
                    "booking on the statement) to this payment when they arrive, then close the case")
        if self.verdict == "partly accepted":
            return ("Recall partly accepted: match the amount that comes back and pursue the rest with the "
                    "beneficiary (or write it off with approval); nothing is to be re-sent")
        if self.verdict == "pending":
            return ("Recall pending at the counterparty bank: nothing to send now; follow up with a status request "
                    "if no final answer arrives within the scheme's deadline")
        if self.reason_code:
            return (f"Recall refused ({self.reason_code}): the funds stay with the beneficiary; contact the beneficiary "
                    "or take legal steps as the reason allows; nothing is to be re-sent")
        return ("Recall refused without a reason: ask the counterparty bank for the reason (investigation request), "
                "then contact the beneficiary or take legal steps; nothing is to be re-sent")


def recall_outcome(lifecycle: Sequence[Mapping[str, Any]]) -> RecallOutcome | None:
    """The latest recall answer in `lifecycle` (the case view's steps, oldest first), if any."""
    for step in reversed(lifecycle):
        if step.get("stage") != "recall_answered":
            continue
        status = (step.get("status") or "").upper()
        verdict = _VERDICTS.get(status)
        if verdict is None:
            return None  # an answer code we do not know: the lifecycle shows it as it came
        return RecallOutcome(verdict=verdict, status=status, reason_code=step.get("reason_code"),
                             message_type=str(step.get("message_type") or "answer"), date=step.get("date"),
                             source=str(step.get("source") or ""))
    return None
