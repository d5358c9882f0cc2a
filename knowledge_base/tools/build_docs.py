"""Generate the ISO 20022 code-set documents under ``knowledge_base/docs/code-sets/``.

Why a generator: the four reason-code sets hold ~460 codes; writing them by hand would drift from the
published lists. This developer tool reads the ISO external code-set JSON files (a copy outside the
repository, found through ``--code-sets`` or ``$BREAKDESK_SHARED/reference/code_sets``) and
``knowledge_base/reason_codes.yaml``, and writes one Markdown document per set with one passage per
code. The product only reads the committed output; it never reads the shared folder at run time.

Output is deterministic (sorted codes, fixed front matter, content hash as version), so a unit test can
re-run the generator and demand byte-identical files.

Usage::

    python -m breakdesk.knowledge_base.tools.build_docs [--code-sets DIR] [--out DIR] [--check]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
REASON_CODES = REPO_ROOT / "knowledge_base" / "reason_codes.yaml"
DEFAULT_OUT = REPO_ROOT / "knowledge_base" / "docs" / "code-sets"
BUNDLE_FILE = "external_code_sets.json"

# The bundle states no release date; the public mirror it comes from was created in March 2025.
EFFECTIVE = "2025-03-01"

RETRY_CLASS_TEXT = {
    "auto_retry": "a technical or timing failure; re-sending the same payment later is safe",
    "human": "a person must decide or change something before anything is re-sent",
    "final": "do not re-send this payment; at most a new payment after investigation",
}


@dataclass(frozen=True)
class CodeSetSpec:
    """How one ISO code set is presented: its file names, where it appears, and generic ops advice."""

    name: str
    per_set_file: str
    doc_id: str
    title: str
    carried_in: str
    carried_short: str  # the per-code "Carried in" line; the full wording is in the set's About passage
    ops_note: str
    about: str
    tags: tuple[str, ...]
    cancellation_rejection: bool = False


SPECS: tuple[CodeSetSpec, ...] = (
    CodeSetSpec(
        name="ExternalStatusReason1Code",
        per_set_file="external_status_reason_code.json",
        doc_id="iso-status-reason-codes",
        title="ISO 20022 status reason codes (ExternalStatusReason1Code)",
        carried_in=(
            "status reports pacs.002 and pain.002, in the status reason element "
            "(TxInfAndSts/StsRsnInf/Rsn/Cd) next to a status such as RJCT (rejected) or PDNG (pending); "
            "SWIFT MT rejects quote such codes in field :72: after /REJT/"
        ),
        carried_short="reason for a rejected payment, in pacs.002 and pain.002 status reports (StsRsnInf/Rsn/Cd); MT :72: after /REJT/",
        ops_note=(
            "A reject means the payment did not settle, so no funds need to come back. Read the "
            "additional information (AddtlInf) next to the code, identify the rejecting agent, and fix "
            "the data before any new attempt."
        ),
        about=(
            "ExternalStatusReason1Code is the ISO 20022 external code set that explains why a payment "
            "or a whole message received a status, most often a reject (RJCT) or a pending status "
            "(PDNG). Banks and clearing systems send it in pacs.002 (interbank status report) and "
            "pain.002 (customer payment status report), in StsRsnInf/Rsn/Cd, optionally with free-text "
            "AddtlInf. SWIFT MT rejects carry the same codes in field :72: after the /REJT/ keyword. "
            "Codes are four characters; the first two letters group them: AC account, AG agreement, "
            "AM amount, BE beneficiary or end customer, DT date, FF file format, MD mandate, MS not "
            "specified, RC bank identifier, RR regulatory, TM time, AB aborted (instant payments). "
            "The list is maintained by the ISO 20022 Registration Authority and changes several times "
            "a year; an unknown code should be shown as such, never guessed."
        ),
        tags=("reject", "pacs.002", "pain.002", "status"),
    ),
    CodeSetSpec(
        name="ExternalReturnReason1Code",
        per_set_file="external_return_reason_code.json",
        doc_id="iso-return-reason-codes",
        title="ISO 20022 return reason codes (ExternalReturnReason1Code)",
        carried_in=(
            "payment returns pacs.004, in the return reason element (TxInf/RtrRsnInf/Rsn/Cd), and in "
            "SWIFT MT returns as the code on the line after /RETN/ in field :72: of the returning "
            "MT103 or MT202"
        ),
        carried_short="reason for a returned payment, in pacs.004 returns (RtrRsnInf/Rsn/Cd); MT103/MT202 :72: after /RETN/",
        ops_note=(
            "A return means the payment settled and the funds are coming back, possibly reduced by "
            "charges. Match the return to the original payment by UETR or original references, book it, "
            "and decide with the ordering customer whether a new payment is needed."
        ),
        about=(
            "ExternalReturnReason1Code is the ISO 20022 external code set that explains why a settled "
            "payment is sent back. It is carried in pacs.004 (payment return) in RtrRsnInf/Rsn/Cd, "
            "with optional AddtlInf text, and in SWIFT MT returns in field :72:, where /RETN/ names the "
            "field in error and the next line holds the reason code between slashes. A return differs "
            "from a reject: the funds moved and must be moved back, so the returned amount may be lower "
            "than the original after charges, and the return is booked on the account statement "
            "(camt.053/camt.054 or MT940) under a return transaction code. Many codes share the prefix "
            "logic of the status reasons: AC account, AG agreement, AM amount, BE end customer, MD "
            "mandate, MS not specified, RR regulatory; SEPA-specific ones include ARDT and NOOR."
        ),
        tags=("return", "pacs.004", "RETN"),
    ),
    CodeSetSpec(
        name="ExternalCancellationReason1Code",
        per_set_file="external_cancellation_reason_code.json",
        doc_id="iso-cancellation-reason-codes",
        title="ISO 20022 cancellation reason codes (ExternalCancellationReason1Code)",
        carried_in=(
            "cancellation requests (recalls) camt.056, in the cancellation reason element "
            "(Undrlyg/TxInf/CxlRsnInf/Rsn/Cd), and in SWIFT MT192/MT292 requests for cancellation "
            "as a coded reason in the narrative"
        ),
        carried_short="reason for a recall (cancellation request), in camt.056 cancellation requests (CxlRsnInf/Rsn/Cd); MT192/MT292",
        ops_note=(
            "A cancellation request asks the next bank to stop or give back a payment; it is not a "
            "guarantee. Check the scheme's recall time limit, send the request once, and track the "
            "camt.029 or MT196 answer or the pacs.004 return."
        ),
        about=(
            "ExternalCancellationReason1Code is the ISO 20022 external code set that states why the "
            "sender asks to cancel (recall) a payment. It travels in camt.056 (FI to FI payment "
            "cancellation request) in CxlRsnInf/Rsn/Cd, and its codes are also quoted in SWIFT MT192 "
            "and MT292 requests for cancellation and in SWIFT gpi stop-and-recall. The answer comes "
            "as a camt.029 (resolution of investigation) or MT196, or directly as a pacs.004 return "
            "when the cancellation is accepted after settlement. In SEPA credit transfers only DUPL, "
            "TECH and FRAD are allowed for a bank-initiated recall, plus customer-requested reasons "
            "such as AC03, AM09 and CUST in the request for recall by the originator."
        ),
        tags=("recall", "cancellation", "camt.056", "MT192"),
    ),
    CodeSetSpec(
        name="ExternalPaymentCancellationRejection1Code",
        per_set_file="external_payment_cancellation_rejection_code.json",
        doc_id="iso-cancellation-rejection-codes",
        title="ISO 20022 cancellation rejection codes (ExternalPaymentCancellationRejection1Code)",
        carried_in=(
            "negative answers to cancellation requests, camt.029 (resolution of investigation), in "
            "the cancellation status reason element (CxlDtls/TxInfAndSts/CxlStsRsnInf/Rsn/Cd) with "
            "status RJCR, and SWIFT MT196 answers in field :76:"
        ),
        carried_short="reason a recall was refused, in camt.029 answers with status RJCR (CxlStsRsnInf/Rsn/Cd); MT196 :76:",
        ops_note=(
            "A rejected cancellation means the funds stay where they are. Tell the requesting "
            "customer, record the answer on the recall case, and decide whether recovery continues "
            "outside the payment system."
        ),
        about=(
            "ExternalPaymentCancellationRejection1Code is the ISO 20022 external code set that states "
            "why a cancellation (recall) request was refused. It appears in camt.029 (resolution of "
            "investigation) in CxlStsRsnInf/Rsn/Cd next to the status RJCR (rejected cancellation "
            "request), and its meaning is quoted in SWIFT MT196 answers in field :76:. Some codes look "
            "like payment reason codes but mean something else here: CUST means the beneficiary "
            "refused to give the money back, AC04 that the receiving account has been closed, AM04 that "
            "the account no longer holds the funds, and ARDT that the payment was already returned. "
            "Several codes (AACR, ARFR, URTP and others) belong to request-to-pay flows, not to credit "
            "transfer recalls."
        ),
        tags=("recall", "camt.029", "MT196", "cancellation-rejection"),
        cancellation_rejection=True,
    ),
)


def _clean(text: str) -> str:
    """Collapse the bundle's stray CR, NBSP and line breaks into single spaces."""
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


def parse_bundle_definitions(bundle: dict[str, Any], set_name: str) -> dict[str, str]:
    """Full definitions from the bundle, where codes are embedded as ``*`CODE`-text`` lines."""
    description = bundle["definitions"][set_name]["description"]
    parts = re.split(r"\n\*`([A-Z0-9]{1,4})`-", description)
    codes: dict[str, str] = {}
    for code, text in zip(parts[1::2], parts[2::2], strict=True):
        if code in codes:
            raise ValueError(f"{set_name}: code {code} listed twice in {BUNDLE_FILE}")
        codes[code] = _clean(text)
    return codes


def short_name(definition: str, limit: int = 90) -> str:
    """A heading name from the first sentence of a definition, cut on a word boundary."""
    first = re.split(r"(?<=[a-z0-9)])\.\s", definition + " ", maxsplit=1)[0].strip().rstrip(".")
    first = first.replace("{", "(").replace("}", ")").replace("#", "")
    if len(first) <= limit:
        return first
    cut = first[:limit].rsplit(" ", 1)[0].rstrip(",;:–- ")
    return cut + " …"


def _bullets(items: list[str]) -> str:
    return "\n".join(f"- {item}" for item in items)


def render_code(code: str, definition: str, spec: CodeSetSpec, entry: dict[str, Any] | None) -> str:
    info = entry
    if entry and spec.cancellation_rejection and "as_cancellation_rejection" in entry:
        info = {**entry, **entry["as_cancellation_rejection"]}
    name = info["name"] if info else short_name(definition)
    lines = [
        f"## {code} — {name} {{#{code.lower()}}}",
        "",
        f"ISO definition of {code}: {definition}",
        "",
        f"What it explains: {spec.carried_short}.",
        "",
    ]
    if info:
        retry = info["retry_class"]
        lines += [
            f"What {code} means for operations: {_clean(info['definition'])}",
            "",
            f"Typical root cause: {_clean(info['typical_root_cause'])}",
            "",
            "What to check:",
            _bullets(info["what_to_check"]),
            "",
            "Repair options:",
            _bullets(info["repair_options"]),
            "",
            f"Retry class: {retry} ({RETRY_CLASS_TEXT[retry]}). Repair kind: {info['repair_kind']}."
            + (
                f" Fields a repair must change: {', '.join(info['required_fields'])}."
                if info.get("required_fields") and info["repair_kind"] not in ("none", "cancel")
                else ""
            ),
            f"Seen in: {', '.join(entry['carried_by'])}.",
        ]
    else:
        lines += [f"No Breakdesk playbook for {code}: a person handles the case (retry class human)."]
    return "\n".join(lines).rstrip() + "\n"


def render_document(spec: CodeSetSpec, code_sets_dir: Path, reason_codes: dict[str, Any]) -> str:
    per_set = json.loads((code_sets_dir / spec.per_set_file).read_text(encoding="utf-8"))
    bundle_bytes = (code_sets_dir / BUNDLE_FILE).read_bytes()
    full = parse_bundle_definitions(json.loads(bundle_bytes), spec.name)
    if per_set["name"] != spec.name:
        raise ValueError(f"{spec.per_set_file}: holds {per_set['name']}, expected {spec.name}")
    if set(per_set["codes"]) != set(full):
        raise ValueError(f"{spec.name}: per-set file and bundle list different codes")
    entries = {e["code"]: e for e in reason_codes["codes"]}
    digest = hashlib.sha256(
        (code_sets_dir / spec.per_set_file).read_bytes() + bundle_bytes
    ).hexdigest()[:12]
    tags = ", ".join(spec.tags)
    head = [
        "---",
        f"id: {spec.doc_id}",
        f'title: "{spec.title}"',
        "scheme: iso20022",
        "kind: code-set",
        f'version: "iso-external-code-sets-{digest}"',
        f"effective: {EFFECTIVE}",
        f"tags: [{tags}]",
        "---",
        "",
        f"# {spec.title}",
        "",
        "<!-- Generated by knowledge_base/tools/build_docs.py from the ISO 20022 external code sets and",
        "     knowledge_base/reason_codes.yaml. Do not edit by hand: edit the YAML and re-run. -->",
        "",
        "## About this code set {#about}",
        "",
        spec.about,
        "",
        f"Where the codes appear: {spec.carried_in}.",
        "",
        f"Handling a code without a specific playbook: {spec.ops_note} Breakdesk sends such a case to a "
        "person (retry class human).",
        "",
    ]
    body = [
        render_code(code, full[code], spec, entries.get(code)) for code in sorted(full)
    ]
    return "\n".join(head) + "\n" + "\n".join(body)


def render_all(code_sets_dir: Path, reason_codes_path: Path = REASON_CODES) -> dict[str, str]:
    """File name → document text for every code set."""
    reason_codes = yaml.safe_load(reason_codes_path.read_text(encoding="utf-8"))
    return {
        f"{spec.doc_id}.md": render_document(spec, code_sets_dir, reason_codes) for spec in SPECS
    }


def default_code_sets_dir() -> Path:
    """``$BREAKDESK_SHARED``, else the nearest ``shared/`` beside the checkout or one of its parents."""
    shared = os.environ.get("BREAKDESK_SHARED")
    if shared:
        return Path(shared) / "reference" / "code_sets"
    for parent in REPO_ROOT.parents:
        candidate = parent / "shared" / "reference" / "code_sets"
        if candidate.is_dir():
            return candidate
    return REPO_ROOT.parent / "shared" / "reference" / "code_sets"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--code-sets", type=Path, default=None,
                        help="folder with external_code_sets.json and the per-set files "
                             "(default: $BREAKDESK_SHARED/reference/code_sets)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if the committed files differ")
    args = parser.parse_args(argv)
    code_sets_dir = args.code_sets or default_code_sets_dir()
    if not (code_sets_dir / BUNDLE_FILE).is_file():
        parser.error(f"{code_sets_dir / BUNDLE_FILE} not found (use --code-sets or BREAKDESK_SHARED)")
    docs = render_all(code_sets_dir)
    stale = [name for name, text in docs.items()
             if not (args.out / name).is_file()
             or (args.out / name).read_text(encoding="utf-8") != text]
    if args.check:
        for name in stale:
            print(f"stale: {args.out / name}", file=sys.stderr)
        return 1 if stale else 0
    args.out.mkdir(parents=True, exist_ok=True)
    for name, text in docs.items():
        (args.out / name).write_text(text, encoding="utf-8")
    print(f"wrote {len(docs)} documents to {args.out} ({len(stale)} changed)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
