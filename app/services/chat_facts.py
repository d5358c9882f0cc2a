"""What the ops chat knows from the store: the facts a question's terms point at.

`agents.graph.chat_graph.extract_terms` reads the question (references, codes, invoices, names, kinds,
dates, amounts, and whether it asks what is still open); `find_facts` turns those terms into facts, each
`{"text", "source", "names", "untrusted"}` with the file and line or XPath (or the case) it rests on, the party
names an external model must not see, and the message-derived text in it that is never evidence. In order:

1. A reference: the cases whose thread carries it (any identifier they have had, ignoring case), and the
   statement lines and book items that carry it (after 3's breaks, when the question asks what is open),
   each with the match suggestion that holds it; a line found by the bank's reference brings the case of
   its own EndToEndId.
2. An invoice number: the statement lines whose remittance names it, with their match suggestion.
3. What is still open ("anything unmatched on 27 November?"): the open reconciliation breaks, narrowed by
   the references, dates, amounts and names the question gives, first as a count by class, then one by one.
4. An amount ("EUR 760.00"): the open cases of that amount, and (unless 3 listed the open items) the
   statement lines and book items of that amount.
5. Only when nothing above pointed at a payment: the open cases of the kinds ("rejected", "returned")
   or for the names the question gives. "Why was E2E-4471 rejected?" is about E2E-4471, not about
   every rejected payment; when there is no such case the chat says so (rather than quoting a passage).
   A question that names no one with "for …" may still name a counterparty of an open break or a party
   of an open case by a distinctive word ("has Umbrella paid?"): their open breaks, else their open cases.

Facts are deduplicated (a case found by two of its ids is one fact) and capped.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from breakdesk.agents.case_view import payment_label
from breakdesk.agents.diagnosis import diagnose_case
from breakdesk.agents.recon.normalize import norm_name
from breakdesk.app.services.item_facts import item_fact
from breakdesk.app.store.models import AuditRecord, BankEntry, BookItem, Break, Case, CaseIdent, MatchSuggestion
from breakdesk.app.store.repositories.chunks import in_chunks
from breakdesk.app.store.repositories.matching import suggestion_link
from breakdesk.parsers.currency import format_money

FindFacts = Callable[[str, dict[str, list[str]]], list[dict[str, Any]]]

MAX_FACTS = 12
#: Open breaks read for one question (the newest first); the count fact says when there are more.
MAX_BREAKS = 500
_CLOSED = ("resolved", "closed")


class _Facts:
    def __init__(self, limit: int = MAX_FACTS) -> None:
        self.items: list[dict[str, Any]] = []
        self._seen: set[str] = set()
        self.limit = limit
        self.cases: list[Case] = []  # the cases quoted, in order: what a follow-up is about

    def has(self, item: tuple[str, int]) -> bool:
        return item in self._seen

    def add(self, fact: dict[str, Any], *, item: tuple[str, int] | None = None) -> None:
        """`item` (side or "case", row id): an item or case quoted once (as its break, say) is not quoted again."""
        keys = {fact["text"]} | ({item} if item else set())
        if not keys & self._seen and len(self.items) < self.limit:
            self._seen |= keys
            self.items.append(fact)
            if isinstance(fact.get("_case"), Case):
                self.cases.append(fact.pop("_case"))
        fact.pop("_case", None)


def _item_key(row: BankEntry | BookItem) -> tuple[str, int]:
    return ("bank" if isinstance(row, BankEntry) else "book", row.id)


def _case_party_names(c: Case) -> list[str]:
    """The parties of a case's original payment, for masking before a fact reaches an external model."""
    original = ((c.detail or {}).get("case") or {}).get("original") or {}
    return [n for role in ("debtor", "creditor", "ultimate_debtor", "ultimate_creditor")
            if (n := (original.get(role) or {}).get("name"))]


def _case_fact(c: Case, ref: str | None = None) -> dict[str, Any]:
    view = (c.detail or {}).get("case") or {}
    if ref is None:
        text = f"Open case {c.key}: {c.title} ({view.get('currency') or ''} {view.get('amount') or ''})."
    else:
        expl = (c.detail or {}).get("explanation") or {}
        text = (f"Case {c.key}: {c.kind} payment {ref}" + (f" with reason {c.reason_code}" if c.reason_code else "")
                + f", state {c.state}." + (f" {expl['answer']}" if expl.get("answer") else ""))
    if c.merged_into_id is not None and c.merged_into is not None:
        text += f" Merged into {c.merged_into.key}."
    names = _case_party_names(c)
    d = diagnose_case(view) if view else {}
    return {"text": text, "source": f"case {c.key}", "names": names, "untrusted": names,
            "ref": payment_label(view.get("payment")) or c.key, "case": c.key, "_case": c,
            "kind": c.kind, "reason_code": c.reason_code, "meaning": d.get("meaning"), "citation_id": d.get("citation_id")}


def _money(term: str) -> tuple[str | None, Decimal] | None:
    ccy, _, number = term.rpartition(" ")
    try:
        return (ccy or None, Decimal(number))
    except InvalidOperation:
        return None


def _on_dates(row: BankEntry | BookItem, dates: list[str]) -> bool:
    days: list[date] = [d for d in (row.booking_date, row.value_date) if d is not None]
    return any(d.isoformat() == t or (t.startswith("--") and f"--{d:%m-%d}" == t) for t in dates for d in days)


def _of_amounts(row: BankEntry | BookItem, amounts: list[tuple[str | None, Decimal]]) -> bool:
    return any(row.amount == value and (ccy is None or row.currency == ccy) for ccy, value in amounts)


_REF_COLUMNS = ("end_to_end_id", "instruction_id", "account_servicer_reference", "external_id", "reference")


def _carries(row: BankEntry | BookItem, refs: list[str]) -> bool:
    mine = {str(v).upper() for c in _REF_COLUMNS if (v := getattr(row, c, None))}
    return any(r.upper() in mine for r in refs)


def _named(row: BankEntry | BookItem, names: list[str]) -> bool:
    text = " ".join(filter(None, (row.counterparty_name, row.remittance_text))).lower()
    return any(n.lower() in text for n in names)


def _with_match(session: Session, row: BankEntry | BookItem) -> dict[str, Any]:
    """The item's fact with what reconciliation made of it: the approved or pending suggestion that holds it
    ("did Globex pay invoice 118 in full?" wants to hear of the 15.00 short payment awaiting review)."""
    fact = item_fact(row)
    table, link = suggestion_link(type(row))
    q = (select(MatchSuggestion).join(table, table.c.suggestion_id == MatchSuggestion.id)
         .where(link == row.id, MatchSuggestion.decision_state.in_(("pending", "approved")))
         .order_by(MatchSuggestion.id.desc()).limit(1))
    sug = session.execute(q).scalars().first()
    if sug is not None:
        why = "; ".join(str(r.get("text")) for r in (sug.reasons or []) if isinstance(r, dict) and r.get("text"))
        fact["text"] += (f" Match suggestion {sug.id}: {sug.decision_state}"
                         + (f" by {sug.decided_by}" if sug.decision_state == "approved" and sug.decided_by else " (awaiting a clerk)"
                            if sug.decision_state == "pending" else "")
                         + f", confidence {sug.confidence:.2f}" + (f" ({why})" if why else "") + ".")
    return fact


def _cases_of_items(session: Session, rows: list[BankEntry | BookItem], facts: _Facts) -> None:
    """The payment cases of the items' own ids: a statement line found by the bank's reference leads to
    the return case of its EndToEndId."""
    ids = {v.upper() for r in rows for v in (r.end_to_end_id, r.instruction_id, r.uetr) if v}
    for chunk in in_chunks(ids):
        found = dict(session.execute(select(CaseIdent.case_id, CaseIdent.ident)
                                     .where(func.upper(CaseIdent.ident).in_(chunk))).all())
        for c in _rows_by_id(session, Case, found).values():
            facts.add(_case_fact(c, found[c.id]), item=("case", c.id))


def _rows_by_id(session: Session, model, ids: Iterable[int]) -> dict[int, Any]:
    out: dict[int, Any] = {}
    for chunk in in_chunks(ids):
        out.update((r.id, r) for r in session.execute(select(model).where(model.id.in_(chunk))).scalars())
    return out


def _open_break_facts(session: Session, terms: dict[str, list[str]], facts: _Facts, *, quiet: bool = False) -> None:
    """`quiet`: say nothing when no break fits (the question did not ask about breaks)."""
    dates, names, refs = terms.get("dates", []), terms.get("names", []), terms.get("refs", [])
    amounts = [m for m in map(_money, terms.get("amounts", [])) if m is not None]
    breaks = list(session.execute(select(Break).where(Break.status == "open").order_by(Break.id.desc())
                                  .limit(MAX_BREAKS)).scalars())
    bank = _rows_by_id(session, BankEntry, [b.bank_entry_id for b in breaks if b.bank_entry_id is not None])
    book = _rows_by_id(session, BookItem, [b.book_item_id for b in breaks if b.book_item_id is not None])
    cases = {c.id: c for c in _rows_by_id(session, Case, [b.case_id for b in breaks if b.case_id is not None]).values()}
    chosen = []
    for brk in reversed(breaks):  # oldest first, as the Reconciliation page lists them
        row = bank.get(brk.bank_entry_id) if brk.side == "bank" else book.get(brk.book_item_id)
        if row is None or (dates and not _on_dates(row, dates)) or (amounts and not _of_amounts(row, amounts)) \
                or (names and not _named(row, names)) or (refs and not _carries(row, refs)):
            continue
        chosen.append((brk, row))
    narrowed = ", ".join(filter(None, (
        ("dated " + " or ".join(d.replace("--", "", 1) if d.startswith("--") else d for d in dates)) if dates else "",
        ("of " + " or ".join(terms.get("amounts", []))) if amounts else "",
        ("naming " + " or ".join(names)) if names else "",
        ("for " + " or ".join(refs)) if refs else "")))
    more = " (the newest 500 breaks were searched)" if len(breaks) == MAX_BREAKS else ""
    if not chosen:
        if quiet:
            return
        facts.add({"text": f"No open reconciliation break{' ' + narrowed if narrowed else ''}{more}.",
                   "source": "reconciliation breaks", "names": []})
        return
    by_class = Counter(brk.break_class for brk, _row in chosen)
    facts.add({"text": f"{len(chosen)} open reconciliation break(s){' ' + narrowed if narrowed else ''}{more}: "
                       + ", ".join(f"{n} {cls.replace('_', ' ')}" for cls, n in sorted(by_class.items())) + ".",
               "source": "reconciliation breaks", "names": []})
    for brk, row in chosen:
        fact = item_fact(row, note=brk.description)
        code = brk.reason_code or getattr(row, "bank_transaction_code", None)  # a bank line's BTC says what it is
        label = brk.break_class.replace("_", " ") + (f" {code}" if code else "")
        case = cases.get(brk.case_id) if brk.case_id is not None else None
        fact["text"] = f"Open break ({label}): {fact['text']}" + (f" Case {case.key}, {case.state}." if case else "")
        facts.add(fact, item=_item_key(row))


def _ref_facts(session: Session, ref: str, facts: _Facts) -> list[BankEntry | BookItem]:
    """Adds the cases whose thread carries `ref`; returns the items that carry it."""
    key = ref.upper()
    idents = dict(session.execute(select(CaseIdent.case_id, CaseIdent.ident).where(func.upper(CaseIdent.ident) == key)).all())
    for c in _rows_by_id(session, Case, idents).values():
        facts.add(_case_fact(c, idents[c.id]), item=("case", c.id))  # the reference as the messages spell it
    rows: list[BankEntry | BookItem] = []
    for model, columns in ((BankEntry, ("end_to_end_id", "instruction_id", "account_servicer_reference")),
                           (BookItem, ("end_to_end_id", "instruction_id", "external_id", "reference"))):
        q = select(model).where(or_(*(func.upper(getattr(model, col)) == key for col in columns))).order_by(model.id)
        rows += list(session.execute(q.limit(MAX_FACTS)).scalars())
    _cases_of_items(session, rows, facts)
    return rows


OpenCases = Callable[[], list[Case]]


def _amount_facts(session: Session, open_cases: OpenCases, amounts: list[tuple[str | None, Decimal]], facts: _Facts,
                  *, items: bool) -> None:
    for c in open_cases():
        view = (c.detail or {}).get("case") or {}
        money = _money(f"{view.get('currency') or ''} {view.get('amount') or ''}".strip())
        if money and any(money[1] == v and (ccy is None or ccy == money[0]) for ccy, v in amounts):
            facts.add(_case_fact(c), item=("case", c.id))
    if items:
        for model in (BankEntry, BookItem):
            q = select(model).where(model.amount.in_(sorted({v for _c, v in amounts}))).order_by(model.id)
            for row in session.execute(q.limit(50)).scalars():
                if _of_amounts(row, amounts):
                    facts.add(item_fact(row), item=_item_key(row))


def _kind_facts(open_cases: OpenCases, kinds: list[str], names: list[str], facts: _Facts) -> None:
    before = len(facts.items)
    for c in open_cases():
        if kinds and c.kind not in kinds:
            continue
        view = (c.detail or {}).get("case", {})
        text = " ".join(f["text"] for f in view.get("facts", [])).lower()
        if names and not any(n.lower() in text for n in names):
            continue
        facts.add(_case_fact(c), item=("case", c.id))
    if kinds and len(facts.items) == before:
        facts.add({"text": f"No open {' or '.join(kinds)} case" + (f" naming {' or '.join(names)}" if names else "") + ".",
                   "source": "cases", "names": []})


#: Name words too common to pick a counterparty out of a question ("trading", "services" …).
_GENERIC_WORDS = frozenset({
    "BANK", "COMPANY", "CONSULTING", "CORPORATION", "ELEKTRO", "GROUP", "HOLDING", "INTERNATIONAL", "LOGISTICS",
    "LOGISTIK", "PAYMENT", "PAYMENTS", "SERVICES", "SOLUTIONS", "SUPPLIES", "SYSTEMS", "TRADING",
})


def _known_names(session: Session, open_cases: OpenCases, question: str) -> list[str]:
    """Counterparties of open breaks and parties of open cases that the question names by a distinctive
    word of theirs ("has Umbrella paid?" names Umbrella Ltd), compared as the matcher compares names."""
    words = set(norm_name(question, max_len=10_000).split())
    candidates: set[str] = set()
    for model, column in ((BankEntry, Break.bank_entry_id), (BookItem, Break.book_item_id)):
        candidates.update(n for n in session.execute(
            select(model.counterparty_name).join(Break, column == model.id).where(Break.status == "open").distinct()
        ).scalars() if n)
    for c in open_cases():
        candidates.update(_case_party_names(c))
    return sorted(n for n in candidates
                  if any(len(w) >= 4 and w not in _GENERIC_WORDS and w in words for w in norm_name(n).split()))


def _next_step_facts(case: Case, facts: _Facts) -> None:
    """What to do about a case: its diagnosis's checks and repair options, its retry class, and where its
    repair stands (the ops analyst's "what should I do about it?")."""
    view = (case.detail or {}).get("case") or {}
    if not view:
        return
    d = diagnose_case(view)
    ref = payment_label(view.get("payment")) or case.key
    steps = list(d.get("what_to_check") or []) + list(d.get("repair_options") or [])
    repair = max(case.repairs, key=lambda r: r.id) if case.repairs else None
    text = (f"Next step for {ref} (case {case.key}, {case.kind}"
            + (f" {d['reason_code']}" if d.get("reason_code") else "") + f", retry class {d.get('retry_class')}): "
            + ("; ".join(steps[:4]) if steps else str(d.get("meaning") or "")).rstrip(". ") + ".")
    if repair is not None:
        text += f" Repair {repair.id} is {repair.state}" + (" and awaits a checker's approval." if repair.state in ("proposed", "edited") else ".")
    elif case.state not in _CLOSED:
        text += " No repair proposed yet: open the case and analyse it."
    facts.add({"text": text, "source": f"case {case.key}", "names": [], "untrusted": [], "ref": ref,
               "case": case.key, "citation_id": d.get("citation_id")}, item=("next", case.id))


#: What a beneficiary is asked for, by the kind of data a reason code says is wrong.
_ASK_BENEFICIARY = {
    "account": ("AC01", "AC02", "AC03", "AC04", "AC06", "AC13", "BE01", "MD07", "RR01", "RVNM", "RVMC"),
    "address": ("BE04", "RR03", "RR04"),
    "identity": ("BE05", "BE06", "BE07", "RR02", "RR05", "RR06", "RR07", "RR08", "RR09", "RR10", "RR11", "RR12"),
}


def _draft_fact(case: Case, audience: str) -> dict[str, Any] | None:
    """A message for a person to edit and send, built from the case's own facts: to the beneficiary
    (new account details after AC04, a missing address after BE04 …), to the bank (an investigation or
    a recall request), or internal (what happened and what is next). Nothing is sent."""
    view = (case.detail or {}).get("case") or {}
    if not view:
        return None
    d = diagnose_case(view)
    ref = payment_label(view.get("payment")) or case.key
    money = f"{view.get('currency') or ''} {view.get('amount') or ''}".strip()
    code, meaning = case.reason_code, str(d.get("meaning") or "").rstrip(".")
    what = {"rejected": "was rejected", "returned": "was returned", "recall": "is subject to a recall"}.get(case.kind, f"has a {case.kind} break")
    reason = f" with reason {code} ({meaning})" if code else ""
    if audience == "beneficiary":
        need = next((k for k, codes in _ASK_BENEFICIARY.items() if code in codes), None)
        ask = {"account": "Please confirm your current bank account (IBAN and BIC) in writing; we will verify it by a "
                          "call-back to a number we already hold before we send the payment again.",
               "address": "Please send us your full postal address (street, town, post code and country), which the "
                          "payment must carry.",
               "identity": "Please send us the identification details your bank requires for this payment.",
               }.get(need or "", "We are looking into it and will send the payment again once the cause is resolved; "
                                 "please tell us if your bank details have changed.")
        body = (f"Subject: Our payment {ref}{' of ' + money if money else ''}\n\nDear customer,\n\nour payment {ref}"
                f"{' of ' + money if money else ''} to you {what} by the receiving bank{reason}.\n\n{ask}\n\n"
                "Kind regards,\nPayments Operations")
    elif audience == "bank":
        request = ("please cancel the payment and return the funds (recall)" if case.kind == "recall" else
                   "please confirm the status of the payment, the reason and any charges deducted, and whether "
                   "the funds have been or will be returned")
        body = (f"Subject: Investigation - our reference {ref}\n\nRe our payment {ref}{', ' + money if money else ''}:"
                f" the payment {what}{reason}.\n{request[0].upper() + request[1:]}.\n"
                "Please quote our reference in your reply.\n\nPayments Operations")
    else:
        steps = list(d.get("what_to_check") or [])[:3] + list(d.get("repair_options") or [])[:2]
        body = (f"{ref}{' (' + money + ')' if money else ''} {what}{reason}. Case {case.key}, {case.state}"
                f"{', assigned to ' + case.assignee if case.assignee else ', unassigned'}.\n"
                + "".join(f"- {s}\n" for s in steps)).rstrip()
    return {"text": f"Draft {audience} message about {ref} (case {case.key}), from the case's facts.",
            "source": f"case {case.key}", "names": [], "ref": ref, "case": case.key, "draft": body, "audience": audience}


def _history_facts(session: Session, case: Case, facts: _Facts) -> None:
    """Who did what on a case and its repairs, from the audit log ("who approved it?")."""
    view = (case.detail or {}).get("case") or {}
    ref = payment_label(view.get("payment")) or case.key
    repair_ids = [str(r.id) for r in case.repairs]
    rows = session.execute(select(AuditRecord).where(or_(
        (AuditRecord.object_type == "case") & AuditRecord.object_id.in_([str(case.id), case.key]),
        (AuditRecord.object_type == "repair") & AuditRecord.object_id.in_(repair_ids or ["-"]),
    )).order_by(AuditRecord.seq)).scalars().all()
    people = [r for r in rows if not r.actor.startswith(("system:", "agent"))]
    if not people:
        facts.add({"text": f"No person has acted on {ref} (case {case.key}) yet; it is {case.state}.",
                   "source": f"audit log, case {case.key}", "names": [], "ref": ref, "case": case.key}, item=("history", case.id))
        return
    done = "; ".join(f"{r.action.split('.', 1)[-1].replace('_', ' ')} by {r.actor} on {r.at:%Y-%m-%d %H:%M}"
                     + (f" ({r.reason})" if r.reason else "") for r in people[-5:])
    facts.add({"text": f"History of {ref} (case {case.key}, now {case.state}): {done}.", "source": f"audit log, case {case.key}",
               "names": [], "untrusted": [r.reason for r in people if r.reason], "ref": ref, "case": case.key},
              item=("history", case.id))


def _count_facts(session: Session, terms: dict[str, list[str]], facts: _Facts) -> None:
    """How many open cases and breaks there are, and their totals by currency ("how many returns are open?")."""
    kinds = terms.get("kinds", [])
    q = select(Case).where(Case.state.not_in(_CLOSED), Case.merged_into_id.is_(None))
    if kinds:
        q = q.where(Case.kind.in_(kinds))
    rows = session.execute(q).scalars().all()
    totals: dict[str, Decimal] = {}
    by_state: Counter[str] = Counter()
    for c in rows:
        view = (c.detail or {}).get("case") or {}
        by_state[c.state] += 1
        if view.get("amount") and view.get("currency"):
            totals[view["currency"]] = totals.get(view["currency"], Decimal(0)) + Decimal(view["amount"])
    what = " or ".join(kinds) + " " if kinds else ""
    total_text = ", ".join(format_money(v, k) for k, v in sorted(totals.items()))
    facts.add({"text": f"{len(rows)} open {what}case(s)" + (f" ({', '.join(f'{n} {s}' for s, n in sorted(by_state.items()))})" if rows else "")
               + (f", totalling {total_text}" if total_text else "") + ".", "source": "cases", "names": []})
    awaiting = session.execute(select(func.count()).select_from(MatchSuggestion)
                               .where(MatchSuggestion.decision_state == "pending")).scalar_one()
    if not kinds:
        facts.add({"text": f"{awaiting} match suggestion(s) await a clerk's decision.", "source": "match suggestions", "names": []})


def find_facts(session: Session) -> FindFacts:
    def find(question: str, terms: dict[str, list[str]]) -> list[dict[str, Any]]:
        facts = _Facts()
        open_cases = cache(lambda: list(session.execute(  # read once per question, and only if needed
            select(Case).where(Case.state.not_in(_CLOSED)).order_by(Case.id)).scalars()))
        kinds, names = terms.get("kinds", []), terms.get("names", [])
        amounts = [m for m in map(_money, terms.get("amounts", [])) if m is not None]
        open_items = "open_items" in terms.get("topics", [])
        ref_rows = [row for ref in terms.get("refs", []) for row in _ref_facts(session, ref, facts)]
        for inv in terms.get("invoices", []):
            for e in session.execute(select(BankEntry).where(BankEntry.remittance_text.ilike(f"%{inv}%"))
                                     .order_by(BankEntry.id).limit(MAX_FACTS)).scalars():
                facts.add(_with_match(session, e), item=_item_key(e))
        if open_items:
            _open_break_facts(session, terms, facts)
        for row in ref_rows:  # after the breaks, which quote the open ones with their class
            if not facts.has(_item_key(row)):
                facts.add(_with_match(session, row), item=_item_key(row))
        if amounts:
            _amount_facts(session, open_cases, amounts, facts, items=not open_items)  # else the breaks are the items
        if not names and not facts.items:
            names = _known_names(session, open_cases, question)
            if names and not kinds:  # "has Umbrella paid?": what is open about them
                _open_break_facts(session, {**terms, "names": names}, facts, quiet=True)
        topics = terms.get("topics", [])
        if "count" in topics and not terms.get("refs"):
            _count_facts(session, terms, facts)
        if (kinds or names) and not facts.items:
            _kind_facts(open_cases, kinds, names, facts)
        for c in facts.cases[:3]:  # a question about a payment's next step or history: say it for its case
            if "next_step" in topics:
                _next_step_facts(c, facts)
            if "history" in topics:
                _history_facts(session, c, facts)
            if "draft" in topics and (draft := _draft_fact(c, (terms.get("audience") or ["beneficiary"])[0])):
                facts.add(draft, item=("draft", c.id))
        return facts.items

    return find
