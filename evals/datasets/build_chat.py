"""Author `chat.jsonl`: ops questions with reference answers and reference contexts (citation ids).

    python -m breakdesk.evals.datasets.build_chat            # rewrites evals/datasets/chat.jsonl

Two parts. Reason-code questions take their reference answer from `knowledge_base/reason_codes.yaml`
(read directly, with its stated never-retry rule) and cite the code-set passage for the message the
question names. Procedure and rulebook questions are written by hand from the SOPs and rulebooks
they cite. The output is committed; its content hash versions the dataset.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
OUT = HERE / "chat.jsonl"
NEVER_RETRY = {"AM05", "DUPL"}
RETRY_WORDS = {"auto_retry": "it is a technical or timing failure, so the same payment can be resent later",
               "human": "a person must decide or correct data before anything is resent",
               "final": "the payment must not be resent"}

CODE_QUESTIONS = [  # (code, how the question names it, code-set document for that message)
    ("AC04", "What does AC04 mean on a pacs.002 reject and can we resend?", "iso-status-reason-codes"),
    ("AC01", "A pain.002 came back with AC01. What is wrong?", "iso-status-reason-codes"),
    ("AM05", "Our payment was rejected with AM05, should we retry it?", "iso-status-reason-codes"),
    ("TM01", "What does TM01 mean and is it safe to resend?", "iso-status-reason-codes"),
    ("BE04", "A pacs.004 return has reason BE04. What happened?", "iso-return-reason-codes"),
    ("MD07", "What should we do with a return coded MD07?", "iso-return-reason-codes"),
    ("RR04", "What does RR04 mean in a status report?", "iso-status-reason-codes"),
    ("AG01", "Why would a bank reject with AG01?", "iso-status-reason-codes"),
    ("AC06", "Explain reason code AC06 on a reject.", "iso-status-reason-codes"),
    ("FOCR", "We received a return with FOCR. What does it mean?", "iso-return-reason-codes"),
    ("DUPL", "What does DUPL mean on a camt.056 recall?", "iso-cancellation-reason-codes"),
    ("FRAD", "A camt.056 arrived with reason FRAD. What is it?", "iso-cancellation-reason-codes"),
    ("CUST", "What does CUST mean in a recall request?", "iso-cancellation-reason-codes"),
    ("NOAS", "The camt.029 answer to our recall says NOAS. What now?", "iso-cancellation-rejection-codes"),
    ("ARDT", "Our recall was refused with ARDT. What does that mean?", "iso-cancellation-rejection-codes"),
    ("RC01", "What does RC01 mean on a pacs.002?", "iso-status-reason-codes"),
    ("AB05", "Is AB05 a reason to resend the payment?", "iso-status-reason-codes"),
    ("MS03", "A return came back with MS03, what does it tell us?", "iso-return-reason-codes"),
    ("AM04", "What does AM04 mean on a pain.002?", "iso-status-reason-codes"),
    ("CNOR", "Why was our SEPA payment rejected with CNOR?", "iso-status-reason-codes"),
]

OPS_QUESTIONS = [  # (id, topic, question, reference answer, contexts)
    ("ops-return-matching", "returns", "How do I match a returned payment to the original?",
     "Match on the original UETR first, then on the original end-to-end id, instruction id or the MT :20: quoted after /MREF/, "
     "and finally on amount, currency, date and beneficiary. If no original is found, do not book the funds to any customer.",
     ["sop-handling-return#step-1"]),
    ("ops-return-amount-lower", "returns", "The returned amount is lower than what we sent. Why?",
     "Compare the returned amount with the original settled amount; a lower amount usually means charges taken by the returning "
     "banks, found in the return's charges information or /CHGS/ in field 72.",
     ["sop-handling-return#step-2"]),
    ("ops-return-new-payment", "returns", "After a return, can we simply resend the same payment?",
     "No. A new payment is a new instruction from the customer with corrected data and new references (and under CBPR+ a new "
     "UETR); it is never an automatic resend of the returned one, and corrected details must come from a verified source.",
     ["sop-handling-return#step-5"]),
    ("ops-return-booking", "returns", "How should a return be booked and who must be told?",
     "Credit the customer's account with the returned amount and the value date of the return, reference the original payment in "
     "the booking text, book any return charges, and inform the customer the same business day.",
     ["sop-handling-return#step-4"]),
    ("ops-reject-reason", "rejects", "Where do I find the reason for a rejected payment?",
     "Read the status reason code in StsRsnInf/Rsn/Cd, or the code after /REJT/ in field 72, and any additional information text, "
     "treating the text as data; then look the code up in the reason-code table.",
     ["sop-rejected-payment#step-2"]),
    ("ops-reject-technical", "rejects", "What do we do with a technical reject such as a time-out?",
     "Technical rejects (time-out, system unavailable, missed cut-off, retry class auto_retry) are resent in the next window once; if "
     "the payment fails again it is treated as a human case.",
     ["sop-rejected-payment#step-4"]),
    ("ops-reject-corrected", "rejects", "How is a corrected payment prepared after a reject?",
     "Build the corrected payment as a new message with a new message id, keep the scheme's UETR rules, change only the fields named "
     "in the repair, and have it re-validated and approved by a second person.",
     ["sop-rejected-payment#step-5", "sop-four-eyes-approval#step-2"]),
    ("ops-reject-close", "rejects", "When can a rejected-payment case be closed?",
     "Close it when the new payment is accepted or when the customer or compliance decided not to pay; record the outcome and the root "
     "cause category, and raise a master-data correction if the cause was there.",
     ["sop-rejected-payment#step-6"]),
    ("ops-recall-limits", "recalls", "How long do we have to recall a SEPA credit transfer for a duplicate?",
     "A SEPA SCT or SCT Inst recall for DUPL or TECH must be sent within 10 banking days after settlement; FRAD allows longer, and a "
     "request for recall by the originator (AC03, AM09, CUST) within 13 months.",
     ["sop-recall-cancellation#step-2", "sepa-sct-r-transactions#recall"]),
    ("ops-recall-build", "recalls", "What must a camt.056 recall contain?",
     "The original message id, end-to-end id, UETR, amount, settlement date and the reason code, with a short factual text, addressed "
     "to the next bank in the chain.",
     ["sop-recall-cancellation#step-3"]),
    ("ops-recall-answer", "recalls", "What happens when the other bank accepts or refuses our recall?",
     "A positive answer brings the funds back as a pacs.004 or MT103 /RETN/ with reason FOCR, handled with the return SOP; a negative "
     "answer is a camt.029 with status RJCR or an MT196 with a reason code.",
     ["sop-recall-cancellation#step-4"]),
    ("ops-recall-incoming", "recalls", "We received a camt.056 from another bank. What do we do?",
     "Find the original incoming payment and check whether it was credited and the funds are still on the beneficiary's account; if "
     "not yet credited, return it with a pacs.004 reason FOCR and answer positively.",
     ["sop-recall-cancellation#step-5"]),
    ("ops-sct-inst-no-return", "schemes", "Can an SCT Inst payment be returned like an ordinary SCT?",
     "No. Once the beneficiary bank confirmed an SCT Inst payment it is final and there is no return flow; the originator bank can only "
     "send a recall (camt.056).",
     ["sepa-inst#sct-inst-no-returns"]),
    ("ops-sct-return-window", "schemes", "How long does a beneficiary bank have to return an SCT?",
     "The beneficiary bank must return a settled SCT within 3 interbank business days after the settlement date; later, a recall is "
     "the only route.",
     ["sepa-sct-r-transactions#return", "sepa-sct-r-transactions#time-limits"]),
    ("ops-reject-vs-return", "schemes", "What is the difference between a reject and a return?",
     "A reject happens before interbank settlement, so no money moves back; a return happens after settlement and sends the funds back "
     "from the beneficiary bank.",
     ["sepa-sct-r-transactions#r-transactions-overview"]),
    ("ops-fee-difference", "reconciliation", "The statement shows less than the invoice amount. How do I handle the fee difference?",
     "Compare the instructed amount, the settled amount and the charges (:33B:, :32A:, :71F:, :71G:) to confirm the difference is a "
     "charge, then book it as a bank charge after review.",
     ["sop-reconciliation-breaks#fee-difference"]),
    ("ops-missing-booking", "reconciliation", "An expected receipt never showed on the statement. What should I check?",
     "Check the payment's status (rejected, returned, still pending) and whether the statement is complete; keep the book item open "
     "and contact the payer if it did not arrive.",
     ["sop-reconciliation-breaks#unmatched-book-item"]),
    ("ops-duplicate-break", "reconciliation", "How do I confirm a duplicate statement entry?",
     "Compare the two items on references, amount, date and counterparty; identical UETRs or end-to-end ids show the same payment twice.",
     ["sop-reconciliation-breaks#duplicate"]),
    ("ops-value-date-break", "reconciliation", "What is a value-date break?",
     "A matched item whose value date differs from the expected one, for example a credit valued a day after the interbank settlement "
     "date; compare the settlement date with the statement value date.",
     ["sop-reconciliation-breaks#value-date-break"]),
    ("ops-four-eyes", "approval", "Can the analyst who prepared a repair also approve it?",
     "No. Under the four-eyes principle the checker must be a different person from the maker with the approver role; Breakdesk refuses "
     "approval by the maker.",
     ["sop-four-eyes-approval#step-2", "sop-four-eyes-approval#scope"]),
    ("ops-escalation-p1", "escalation", "What counts as a P1 exception and how fast must we respond?",
     "P1 critical covers suspected fraud, sanctions or compliance hits, high-value payments and same-day deadlines; first response is "
     "due within 30 minutes.",
     ["sop-escalation-slas#step-1", "sop-escalation-slas#step-2"]),
    ("ops-mt-retn-field", "swift", "How does an MT103 show that it is a return?",
     "Field 72 starts with /RETN/ for a return (or /REJT/ for a reject), followed by the reason code line and the original reference "
     "after /MREF/, following the SWIFT return and reject guidelines.",
     ["swift-mt-fields#f72-retn-rejt"]),
    ("ops-uetr", "swift", "What is a UETR and where is it in an MT103?",
     "The UETR is a version 4 UUID of 36 characters carried in block 3 field 121 of the MT103 (and in PmtId/UETR in pacs.008); it stays "
     "the same for the whole payment.",
     ["swift-mt-fields#f121", "cbpr-plus#uetr"]),
]


def main() -> int:
    codes = {str(r["code"]).upper(): r for r in yaml.safe_load((HERE.parents[1] / "knowledge_base" / "reason_codes.yaml")
                                                                 .read_text(encoding="utf-8"))["codes"]}
    rows = []
    for code, question, doc in CODE_QUESTIONS:
        e = dict(codes[code])
        if doc == "iso-cancellation-rejection-codes" and e.get("as_cancellation_rejection"):
            e.update(e["as_cancellation_rejection"])
        retry = "final" if code in NEVER_RETRY else e.get("retry_class", "human")
        answer = f"{code}: {e['name']}. {e.get('typical_root_cause', '').strip()} Retry class {retry}: {RETRY_WORDS[retry]}."
        rows.append({"id": f"code-{code.lower()}", "topic": "reason-code", "question": question, "reference_answer": answer,
                     "reference_contexts": [f"{doc}#{code.lower()}"]})
    for cid, topic, question, answer, contexts in OPS_QUESTIONS:
        rows.append({"id": cid, "topic": topic, "question": question, "reference_answer": answer, "reference_contexts": contexts})
    OUT.write_text("".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in rows), encoding="utf-8")
    print(f"wrote {len(rows)} chat questions to {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
