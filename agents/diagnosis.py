"""Deterministic diagnosis: reason code → meaning, likely root cause, retry class, what to check.

The catalogue is `knowledge_base/reason_codes.yaml` (hand-curated for the codes ops see most) backed
by the generated ISO code-set documents for every other code. Two rules are enforced here, whatever
the data says: an unknown code is `human`, and AM05 (duplicate) and DUPL are never retried.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml

RetryClass = Literal["auto_retry", "human", "final"]
ReasonContext = Literal["status", "return", "cancellation", "cancellation_answer"]
#: Which code-set document explains a code in each context (a code like AC04 is in several sets).
CONTEXT_DOCS: dict[str, tuple[str, ...]] = {
    "status": ("iso-status-reason-codes", "iso-return-reason-codes", "nacha-return-codes"),
    "return": ("iso-return-reason-codes", "iso-status-reason-codes", "nacha-return-codes"),
    "cancellation": ("iso-cancellation-reason-codes", "iso-status-reason-codes"),
    "cancellation_answer": ("iso-cancellation-rejection-codes", "iso-status-reason-codes"),
}
KB_DIR = Path(__file__).resolve().parents[1] / "knowledge_base"
#: Reconciliation breaks carry no reason code: their class is the diagnosis. What each class means, and
#: the SOP section that says what the clerk does about it.
RECON_BREAKS: dict[str, tuple[str, str]] = {
    "missing_booking": ("A payment in the books has no matching line on the bank statement.",
                        "sop-reconciliation-breaks#unmatched-book-item"),
    "bank_only": ("The bank statement has a line (for example a fee or interest) that the books do not have.",
                  "sop-reconciliation-breaks#unmatched-bank-item"),
    "amount_difference": ("The bank line and the book item match by reference but their amounts differ.",
                          "sop-reconciliation-breaks#partial-payment"),
    "fee_difference": ("The bank amount differs from the book amount by a charge deducted on the way.",
                       "sop-reconciliation-breaks#fee-difference"),
    "duplicate": ("The same payment or statement line appears twice.", "sop-reconciliation-breaks#duplicate"),
    "value_date_difference": ("The bank line and the book item match but their value dates differ beyond tolerance.",
                              "sop-reconciliation-breaks#value-date-break"),
}
NEVER_RETRY = frozenset({"AM05", "DUPL"})


@dataclass(frozen=True)
class ReasonInfo:
    code: str
    name: str = ""
    definition: str = ""
    typical_root_cause: str = ""
    what_to_check: tuple[str, ...] = ()
    repair_options: tuple[str, ...] = ()
    retry_class: RetryClass = "human"
    carried_by: tuple[str, ...] = ()
    repair_kind: str = "none"
    required_fields: tuple[str, ...] = ()
    citation_id: str | None = None
    citations: tuple[str, ...] = ()  # every code-set passage about this code
    as_cancellation_rejection: dict | None = None

    def citation_for(self, context: str | None) -> str | None:
        for doc in CONTEXT_DOCS.get(context or "status", ()):
            for cid in self.citations:
                if cid.startswith(doc + "#"):
                    return cid
        return self.citation_id


@dataclass
class Diagnosis:
    reason_code: str | None
    meaning: str
    retry_class: RetryClass
    root_cause: str
    what_to_check: list[str] = field(default_factory=list)
    repair_options: list[str] = field(default_factory=list)
    repair_kind: str = "none"
    required_fields: list[str] = field(default_factory=list)
    known: bool = False
    citation_id: str | None = None

    def as_dict(self) -> dict:
        return {
            "reason_code": self.reason_code, "meaning": self.meaning, "retry_class": self.retry_class,
            "root_cause": self.root_cause, "what_to_check": self.what_to_check,
            "repair_options": self.repair_options, "repair_kind": self.repair_kind, "known": self.known,
            "citation_id": self.citation_id,
        }


def _tuple(v) -> tuple[str, ...]:
    if v is None:
        return ()
    return tuple(str(x) for x in v) if isinstance(v, (list, tuple)) else (str(v),)


def _code_set_docs(kb_dir: Path) -> dict[str, list[tuple[str, str, str]]]:
    """code → [(name, definition, citation id)] from the code-set documents, read and cut into passages
    by the knowledge base's own loader and chunker, so a catalogue entry cites exactly the passage that
    retrieval returns for that code. A passage counts when its heading starts with the code itself
    (`AC04 — Closed account number`, `R01 — …`), not with a bank transaction code path (`ACMT/MDOP/CHRG`)."""
    from breakdesk.knowledge_base.chunker import chunk_document
    from breakdesk.knowledge_base.documents import discover, load_document

    out: dict[str, list[tuple[str, str, str]]] = {}
    for path in discover(kb_dir / "docs"):
        doc = load_document(path)
        if doc.kind != "code-set":
            continue
        for passage in chunk_document(doc):
            head, _, name = passage.section.partition(" ")
            if not passage.code or head != passage.code:
                continue
            first_paragraph = passage.text.strip().split("\n\n")[0]
            definition = " ".join(line.strip() for line in first_paragraph.splitlines() if line.strip())
            out.setdefault(passage.code, []).append((name.lstrip("—–:- ").strip(), definition, passage.citation_id))
    return out


@lru_cache(maxsize=4)
def load_catalog(kb_dir: str | None = None) -> dict[str, ReasonInfo]:
    base = Path(kb_dir) if kb_dir else KB_DIR
    docs = _code_set_docs(base)
    catalog: dict[str, ReasonInfo] = {
        code: ReasonInfo(code=code, name=entries[0][0], definition=entries[0][1], citation_id=entries[0][2],
                         citations=tuple(e[2] for e in entries))
        for code, entries in docs.items()
    }
    yaml_path = base / "reason_codes.yaml"
    if yaml_path.is_file():
        raw = yaml.safe_load(yaml_path.read_text(encoding="utf-8")) or []
        rows = raw.get("codes", raw) if isinstance(raw, dict) else raw
        if isinstance(rows, dict):
            rows = [{"code": k, **(v or {})} for k, v in rows.items()]
        for row in rows:
            code = str(row["code"]).strip().upper()
            base_info = catalog.get(code)
            retry = row.get("retry_class", "human")
            catalog[code] = ReasonInfo(
                code=code,
                name=row.get("name") or (base_info.name if base_info else ""),
                definition=row.get("definition") or (base_info.definition if base_info else ""),
                typical_root_cause=row.get("typical_root_cause", ""),
                what_to_check=_tuple(row.get("what_to_check")),
                repair_options=_tuple(row.get("repair_options")),
                retry_class=retry if retry in ("auto_retry", "human", "final") else "human",
                carried_by=_tuple(row.get("carried_by")),
                repair_kind=row.get("repair_kind") or "none",
                required_fields=_tuple(row.get("required_fields")),
                citation_id=base_info.citation_id if base_info else None,
                citations=base_info.citations if base_info else (),
                as_cancellation_rejection=row.get("as_cancellation_rejection"),
            )
    return catalog


def diagnose_code(
    code: str | None, *, context: ReasonContext | None = None, catalog: dict[str, ReasonInfo] | None = None
) -> Diagnosis:
    """`context` says where the code was found: a status report, a return, a recall, or a recall's answer."""
    catalog = load_catalog() if catalog is None else catalog
    key = (code or "").strip().upper()
    info = catalog.get(key)
    if info is not None and context == "cancellation_answer" and info.as_cancellation_rejection:
        o = info.as_cancellation_rejection
        info = ReasonInfo(
            code=key, name=o.get("name", info.name), definition=o.get("definition", info.definition),
            typical_root_cause=o.get("typical_root_cause", info.typical_root_cause),
            what_to_check=_tuple(o.get("what_to_check")) or info.what_to_check,
            repair_options=_tuple(o.get("repair_options")) or info.repair_options,
            retry_class=o.get("retry_class", info.retry_class), carried_by=info.carried_by,
            repair_kind=o.get("repair_kind", info.repair_kind), required_fields=info.required_fields,
            citation_id=info.citation_id, citations=info.citations,
        )
    if info is None:
        return Diagnosis(
            reason_code=code or None,
            meaning=f"Reason code {code} is not in the code sets Breakdesk knows." if code else "No reason code was given.",
            retry_class="final" if key in NEVER_RETRY else "human",
            root_cause="Unknown: the message gives no code Breakdesk can interpret; a person must investigate.",
            known=False,
        )
    retry: RetryClass = "final" if key in NEVER_RETRY else info.retry_class
    repair_kind = info.repair_kind
    if retry == "auto_retry" and repair_kind in ("none", ""):
        repair_kind = "new_end_to_end_id_resend"  # safe to resend as is: the repair is the resend itself
    meaning = info.name + (f": {info.definition}" if info.definition and info.definition != info.name else "")
    return Diagnosis(
        reason_code=key,
        meaning=meaning.strip(": "),
        retry_class=retry,
        root_cause=info.typical_root_cause or "Not recorded for this code; see its definition.",
        what_to_check=list(info.what_to_check),
        repair_options=list(info.repair_options),
        repair_kind=repair_kind,
        required_fields=list(info.required_fields),
        known=True,
        citation_id=info.citation_for(context),
    )


def diagnose_case(case: dict) -> dict:
    """The diagnosis of a case view (`agents.case_view.case_to_dict`): by break class for reconciliation
    breaks, by reason code (in the context it was found) for everything else."""
    if case["kind"] in RECON_BREAKS:
        meaning, sop = RECON_BREAKS[case["kind"]]
        return {"reason_code": case.get("reason_code"), "meaning": meaning, "retry_class": "human",
                "root_cause": meaning, "what_to_check": [], "repair_options": [],
                "repair_kind": "reconciliation", "known": True, "citation_id": sop}
    return diagnose_code(case.get("reason_code"), context=case.get("reason_context")).as_dict()
