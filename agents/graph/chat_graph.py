"""The ops chat: find what the question is about, pull facts and passages, answer with citations.

The lookup of payments, cases and statement lines is injected (`find_facts`), so the same graph runs
on the store in the app, on a temporary workspace in the CLI, and on fixtures in tests. Conversations are
checkpointed per thread id, so a follow-up question keeps its history.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, TypedDict

from langchain_core.messages import AIMessage, AnyMessage, HumanMessage
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.message import add_messages

from breakdesk.agents.diagnosis import diagnose_code
from breakdesk.agents.explain import facts_block, guarded_generate
from breakdesk.agents.llm import CallRecorder, LLMError, Provider
from breakdesk.agents.llm.fencing import as_evidence
from breakdesk.parsers.currency import is_known_currency

FindFacts = Callable[[str, dict[str, list[str]]], list[dict[str, Any]]]
Retrieve = Callable[[str, int], list[dict[str, Any]]]

CODE_RE = re.compile(r"\b([A-Z]{2}\d{2}|R\d{2}|DUPL|FOCR|FRAD|TECH|NARR|CUST|UPAY|CUTA|LEGL|NOAS|NOOR|ARDT|FRTR|RUTA)\b")
REF_RE = re.compile(r"\b(?=[A-Za-z0-9_/-]*\d)(?=[A-Za-z0-9_/-]*[A-Za-z])[A-Za-z0-9][A-Za-z0-9_/-]{4,34}\b")
#: "invoice 118", "INV-2026-118", "inv. NW-88123": the word itself (not "investigation"), then a number
INVOICE_RE = re.compile(r"\binv(?:oice)?\b\.?[\s#:.-]*((?=[A-Za-z0-9-]*\d)[A-Za-z0-9-]{2,20})\b", re.IGNORECASE)
NAME_RE = re.compile(r"\bfor ([A-Z][\w&.-]*(?: [A-Z][\w&.-]*)*)")


class ChatState(TypedDict, total=False):
    messages: Annotated[list[AnyMessage], add_messages]
    #: the payments (references) the conversation is about: what "it" and "the second one" mean next turn
    focus: list[str]
    terms: dict[str, list[str]]
    facts: list[dict[str, Any]]
    passages: list[dict[str, Any]]
    #: the lookups this turn made, in order: {"name", "args", "results"} (what the CLI's --json shows)
    tool_calls: list[dict[str, Any]]
    answer: str
    provider: str
    grounded: bool
    note: str | None
    citations: list[str]


@dataclass
class ChatDeps:
    provider: Provider
    retrieve: Retrieve
    find_facts: FindFacts
    recorder: CallRecorder | None = None


_MONTHS = {m: i for i, names in enumerate((
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
    ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
    ("december", "dec")), 1) for m in names}
_MONTH = "(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
DATE_RES = (  # each gives (day, month name or number, year or None) through named groups
    re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})\b"),
    re.compile(r"(?<![\d.])(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?P<y>\d{4})?(?![\d])"),
    re.compile(r"\b(?P<d>\d{1,2})(?:st|nd|rd|th)?(?: of)? " + _MONTH.replace("(", "(?P<mn>", 1) + r"(?:,? (?P<y>\d{4}))?\b", re.I),
    re.compile(r"\b" + _MONTH.replace("(", "(?P<mn>", 1) + r" (?P<d>\d{1,2})(?:st|nd|rd|th)?(?:,? (?P<y>\d{4}))?\b", re.I),
)
_CCY = r"(?:[A-Z]{3}|€|\$|£)"
#: An amount with a currency beside it or with decimals: "EUR 1,250.00", "760 EUR", "€760", "15.000,00".
AMOUNT_RE = re.compile(
    r"(?:(?P<c1>" + _CCY + r")\s?)?(?<![\w.,/-])(?P<n>\d{1,3}(?:([,.' ])\d{3})(?:\3\d{3})*(?:[.,]\d{1,3})?|\d+(?:[.,]\d{1,3})?)"
    r"(?![\w/-]|[.,]\d)(?:\s?(?P<c2>" + _CCY + r")(?![A-Za-z]))?")
_SYMBOLS = {"€": "EUR", "$": "USD", "£": "GBP"}
#: Words that ask what is still open on the reconciliation side.
OPEN_ITEMS_RE = re.compile(
    r"\b(unmatched|un-matched|not (?:been )?matched|unreconciled|not (?:been )?reconciled|open items?|outstanding|"
    r"breaks?|missing|no match|(?:did|does|do)(?:n'?t| not)(?:\s+\S+){0,3}?\s+match(?:ed)?|left over|still open)\b", re.I)


def _dates(question: str) -> tuple[list[str], list[tuple[int, int]]]:
    """ISO dates (`2026-11-27`), or `--11-27` (ISO 8601's month-day) when the question gives no year, and
    where each date was written (so its digits are not read as amounts)."""
    found: set[str] = set()
    spans: list[tuple[int, int]] = []
    for rx in DATE_RES:
        for m in rx.finditer(question):
            spans.append(m.span())
            g = m.groupdict()
            month = _MONTHS.get(g["mn"].lower().rstrip(".")) if g.get("mn") else int(g["m"])
            try:
                day = date(int(g["y"]) if g.get("y") else 2000, month or 0, int(g["d"]))  # 2000: a leap year
            except ValueError:
                continue
            found.add(day.isoformat() if g.get("y") else f"--{day:%m-%d}")
    return sorted(found), spans


def _decimal_mark(number: str) -> str | None:
    """The decimal mark of a written number, if it has one: the last of two kinds of separator ("1,250.00",
    "1.250,00"), or a lone `.`/`,` not followed by exactly three digits ("12.50", "760,5"; "15,000" is
    fifteen thousand)."""
    marks = [c for c in number if c in ",.' "]
    if not marks:
        return None
    if len(set(marks)) > 1:
        return marks[-1] if marks[-1] in ",." else None
    mark = marks[0]
    if mark not in ",." or len(marks) > 1 or len(number) - number.index(mark) - 1 == 3:
        return None
    return mark


def _amounts(question: str, dates_at: list[tuple[int, int]]) -> list[str]:
    """`[CCY ]amount` strings ("EUR 760.00", "1250.50"): numbers with a currency beside them or decimals,
    read with either decimal mark (a lone separator before three digits is a thousands mark)."""
    out: set[str] = set()
    for m in AMOUNT_RE.finditer(question):
        if any(a <= m.start("n") < b for a, b in dates_at):
            continue
        ccy = m.group("c1") or m.group("c2")
        ccy = _SYMBOLS.get(ccy, ccy) if ccy else None
        if ccy is not None and not is_known_currency(ccy):
            ccy = None
        text = m.group("n")
        decimal_mark = _decimal_mark(text)
        if decimal_mark is None and ccy is None:
            continue  # a bare whole number is a count, a day or an id, not an amount
        whole, _, frac = text.rpartition(decimal_mark) if decimal_mark else (text, "", "")
        digits = "".join(c for c in whole if c.isdigit()) + ("." + frac if decimal_mark else "")
        out.add(f"{ccy} {Decimal(digits)}" if ccy else str(Decimal(digits)))
    return sorted(out)


#: What an ops analyst asks about a payment beyond "why": what to do next, who did what, how many.
TOPIC_RES = {
    "next_step": re.compile(
        r"\b(what (should|shall|do|can|must) (i|we) do|next steps?|what now|what to do|how (do|can|should) (i|we) "
        r"(fix|repair|resolve|handle|correct)|how to (fix|repair|resolve|handle|correct)|(fix|resolve|repair) (it|this|that)|"
        r"what action|which action|recommend)\b", re.I),
    "history": re.compile(
        r"\b(who (approved|rejected|decided|edited|changed|assigned|handled|touched|worked)|history|audit trail|"
        r"(approved|decided|rejected|edited) by|when was it (approved|decided|rejected))\b", re.I),
    "count": re.compile(r"\b(how many|how much|number of|count|totals?|sum of|in total)\b", re.I),
    "draft": re.compile(r"\b(draft|compose|write|prepare)\b.{0,40}\b(message|e-?mail|letter|note|request|text|reply|"
                        r"mt ?199|investigation|recall|enquiry|inquiry)\b|\bdraft\b|"
                        r"\b(message|e-?mail|letter|request|note|reply) (to|for) (the |our )?(bank|beneficiary|customer|"
                        r"creditor|client|payee|team|correspondent)\b", re.I),
}
#: Who a draft is for, from the question's words (the beneficiary when it does not say).
AUDIENCE_RES = (("bank", re.compile(r"\b(bank|correspondent|agent|intermediary|mt ?199|investigation|recall|camt)\b", re.I)),
                ("internal", re.compile(r"\b(internal|team|colleague|manager|treasury|escalat)\w*", re.I)),
                ("beneficiary", re.compile(r".")))
#: A question that points back at the conversation's payment rather than naming one.
FOLLOW_UP_RE = re.compile(r"\b(it|its|it's|that|this|those|these|them|they|the payment|the case|that one|this one|"
                          r"the same|same one|him|her)\b|^\s*(and|also|what about|how about)\b", re.I)
ORDINAL_RE = re.compile(r"\b(first|second|third|fourth|fifth|1st|2nd|3rd|4th|5th|last)\b(?= (one|payment|case|line|item|break))", re.I)
_ORDINALS = {"first": 0, "1st": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2, "fourth": 3, "4th": 3,
             "fifth": 4, "5th": 4, "last": -1}


def resolve_follow_up(question: str, terms: dict[str, list[str]], focus: list[str]) -> dict[str, list[str]]:
    """The question's terms, with the conversation's payment put in when the question points back at it
    ("what should I do about it?", "who approved that?", "and the second one?") instead of naming one."""
    if not focus or terms["refs"] or terms["invoices"] or terms["names"] or terms["amounts"] or "count" in terms["topics"]:
        return terms
    ordinal = ORDINAL_RE.search(question)
    if ordinal:
        i = _ORDINALS[ordinal.group(1).lower()]
        if -len(focus) <= i < len(focus):
            return {**terms, "refs": [focus[i]], "follow_up": [focus[i]]}
    if FOLLOW_UP_RE.search(question) or {"next_step", "history", "draft"} & set(terms["topics"]):
        return {**terms, "refs": focus[:3], "follow_up": focus[:3]}
    return terms


def extract_terms(question: str) -> dict[str, list[str]]:
    codes = sorted(set(CODE_RE.findall(question)))
    invoices = sorted(set(INVOICE_RE.findall(question)))
    refs = sorted({r for r in REF_RE.findall(question) if r not in codes and r not in invoices and not r.lower().startswith("mt")})
    names = sorted(set(NAME_RE.findall(question)))
    lowered = question.lower()
    kinds = [k for k, words in {"returned": ("return",), "rejected": ("reject", "fail"), "recall": ("recall", "cancel")}.items()
             if any(w in lowered for w in words)]
    dates, dates_at = _dates(question)
    topics = (["open_items"] if OPEN_ITEMS_RE.search(question) else []) + [t for t, rx in TOPIC_RES.items() if rx.search(question)]
    audience = [next(a for a, rx in AUDIENCE_RES if rx.search(question))] if "draft" in topics else []
    return {"codes": codes, "refs": refs, "invoices": invoices, "names": names, "kinds": kinds,
            "dates": dates, "amounts": _amounts(question, dates_at), "topics": topics, "audience": audience}


_CONTEXT_WORDS = (
    ("cancellation_answer", ("camt.029", "mt196", "mt296", "answer", "refus", "resolution")),
    ("cancellation", ("camt.056", "mt192", "mt292", "recall", "cancel")),
    ("return", ("return", "pacs.004", "camt.054", "retn", "nacha", "ach")),
)


def reason_context(question: str) -> str:
    """Which code set a code in the question most likely belongs to, from the words around it."""
    q = question.lower()
    for context, words in _CONTEXT_WORDS:
        if any(w in q for w in words):
            return context
    return "status"


_HAPPENED = {"rejected": "was rejected", "returned": "was returned", "recall": "is subject to a recall"}


def _sentences(text: str, limit: int) -> str:
    """`text` cut at a sentence end within `limit` characters (a passage's repair options are not cut off
    mid-word), or at `limit` when it has no sentence end there."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = max(text.rfind(". ", 0, limit), text.rfind("; ", 0, limit))
    return text[: cut + 1] if cut > limit // 3 else text[:limit].rstrip() + " …"


#: The code set a passage comes from says where its code is found (a recall's answer reads AC04 otherwise).
_CODE_SET_CONTEXT = {"iso-cancellation-rejection-codes": "cancellation_answer", "iso-cancellation-reason-codes": "cancellation",
                     "iso-return-reason-codes": "return", "iso-status-reason-codes": "status"}


def _code_of_passage(citation_id: str) -> str | None:
    """The reason code a code-set passage is about (`iso-status-reason-codes#ac04` → AC04), if any."""
    from breakdesk.agents.diagnosis import load_catalog

    code = citation_id.rsplit("#", 1)[-1].upper()
    return code if code in load_catalog() and "code" in citation_id else None


def deterministic_chat_answer(question: str, terms: dict[str, list[str]], facts: list[dict], passages: list[dict]) -> tuple[str, list[str]]:
    """A headline, the facts as bullets (each with its source), what to do next, and the sources in a
    block of their own."""
    cites = [p["citation_id"] for p in passages]
    headline: list[str] = []
    bullets: list[str] = []
    next_steps: list[str] = []
    used: list[str] = []
    for code in terms.get("codes", []):
        d = diagnose_code(code, context=reason_context(question))  # type: ignore[arg-type]
        cid = d.citation_id if d.citation_id in cites else next((c for c in cites if c.endswith("#" + code.lower())), None)
        headline.append(f"{code}: {d.meaning.rstrip('.')}." + (f" [{cid}]" if cid else ""))
        bullets.append(f"Retry class: {d.retry_class}.")
        next_steps += d.what_to_check[:2] + d.repair_options[:2]
        if cid:
            used.append(cid)
    about = terms.get("follow_up") or []
    steps = [f for f in facts if f["text"].startswith(("Next step for ", "History of "))]
    plain = [f for f in facts if f not in steps]
    if plain or steps:
        refs = list(dict.fromkeys(f["ref"] for f in facts if f.get("ref")))
        cases = [f for f in plain if f.get("kind")]
        if len(cases) == 1 and not terms.get("codes") and len(refs) == 1:
            c = cases[0]
            cid = c.get("citation_id") if c.get("citation_id") in cites else None
            happened = _HAPPENED.get(c["kind"], f"is a {c['kind'].replace('_', ' ')} case")
            line = (f"{c['ref']} {happened}" + (f" with reason code {c['reason_code']}" if c.get("reason_code") else "")
                    + (f": {c['meaning'].rstrip('.')}." if c.get("meaning") else ".") + (f" [{cid}]" if cid else ""))
            (bullets if about else headline).append(line)
            if cid:
                used.append(cid)
        if about:
            headline.insert(0, f"About {', '.join(about)} (from earlier in this conversation):")
        elif len(refs) == 1 and not headline:  # a statement line or book item
            headline.append(f"About {refs[0]}:")
        elif not headline:
            headline.append(f"What Breakdesk knows ({len(plain or steps)} fact(s)):")
        bullets += [f"{f['text']} ({f['source']})" for f in plain[:8]]
        for f in steps:
            (next_steps if f["text"].startswith("Next step") else bullets).append(f"{f['text']} ({f['source']})")
            if f.get("citation_id") in cites:
                used.append(f["citation_id"])
    elif terms.get("refs") or terms.get("invoices") or terms.get("names"):
        headline.append("No payment, case or statement line in Breakdesk matches " +
                        ", ".join(terms.get("refs", []) + terms.get("invoices", []) + terms.get("names", [])) + ".")
    if not headline and passages:
        p = passages[0]
        code = _code_of_passage(p["citation_id"])
        if code:  # a plain-word question ("the bank refused it, the creditor address is missing"): name the code
            context = next((c for prefix, c in _CODE_SET_CONTEXT.items() if p["citation_id"].startswith(prefix)), "status")
            d = diagnose_code(code, context=context)  # type: ignore[arg-type]
            headline.append(f"This reads like reason code {code}: {d.meaning.rstrip('.')}. [{p['citation_id']}]")
            bullets.append(_sentences(p["text"], 500))
            next_steps += d.what_to_check[:3] + d.repair_options[:3]
        else:
            headline.append(f"The closest reference is {p.get('title', '')} [{p['citation_id']}]:")
            bullets.append(_sentences(p["text"], 700))
        used.append(p["citation_id"])
    if not headline:
        headline.append("Breakdesk found nothing about this question in its payments or reference documents.")
    lines = [" ".join(headline)] + [f"- {b}" for b in bullets]
    for f in facts:
        if f.get("draft"):
            lines += ["", f"Draft ({f['audience']}; edit before sending, nothing is sent):", ""]
            lines += [f"> {line}" if line else ">" for line in f["draft"].splitlines()]
    if next_steps:
        lines += ["", "Next:"] + [f"- {n}" for n in dict.fromkeys(next_steps)]
    used = list(dict.fromkeys(used))
    if used:
        lines += ["", "Sources: " + " ".join(f"[{c}]" for c in used)]
    return "\n".join(lines), used


def _names_to_mask(state: ChatState) -> tuple[str, ...]:
    """Party names an external model must not see: those the question names and those the facts carry
    (`names` of each fact, filled by whoever found the fact), longest first so a full name is masked
    before a part of it."""
    names = {n for f in state["facts"] for n in f.get("names", ()) if n} | set(state["terms"].get("names", []))
    return tuple(sorted(names, key=lambda n: (-len(n), n)))


def build_chat_graph(deps: ChatDeps, checkpointer: BaseCheckpointSaver | None = None):
    def understand(state: ChatState) -> dict:
        question = str(state["messages"][-1].content)
        return {"terms": resolve_follow_up(question, extract_terms(question), state.get("focus") or [])}

    def gather(state: ChatState) -> dict:
        question = str(state["messages"][-1].content)
        facts = deps.find_facts(question, state["terms"])
        calls: list[dict[str, Any]] = [{"name": "find_facts", "args": {k: v for k, v in state["terms"].items() if v},
                                        "results": len(facts)}]
        seen: dict[str, dict] = {}
        for code in state["terms"]["codes"][:3]:
            cited = diagnose_code(code, context=reason_context(question)).citation_id  # type: ignore[arg-type]
            hits = deps.retrieve(code, 6)
            calls.append({"name": "search_knowledge_base", "args": {"query": code}, "results": len(hits)})
            for hit in sorted(hits, key=lambda h: h["citation_id"] != cited)[:2]:
                seen.setdefault(hit["citation_id"], hit)
        for fact in facts:  # the passage a next step rests on (the code's or the SOP's)
            if fact.get("citation_id"):
                for hit in deps.retrieve(fact["citation_id"].split("#")[-1], 3):
                    if hit["citation_id"] == fact["citation_id"]:
                        seen.setdefault(hit["citation_id"], hit)
        hits = deps.retrieve(question, 4)
        calls.append({"name": "search_knowledge_base", "args": {"query": question}, "results": len(hits)})
        for hit in hits:
            seen.setdefault(hit["citation_id"], hit)
        refs = list(dict.fromkeys(f["ref"] for f in facts if f.get("ref")))
        focus = (state["terms"]["refs"] or refs)[:5] if (state["terms"]["refs"] or refs) else state.get("focus") or []
        return {"facts": facts, "passages": list(seen.values())[:6], "focus": focus, "tool_calls": calls}

    def answer(state: ChatState) -> dict:
        question = str(state["messages"][-1].content)
        fallback, fallback_cites = deterministic_chat_answer(question, state["terms"], state["facts"], state["passages"])
        result = {"answer": fallback, "provider": "none", "grounded": True, "note": None, "citations": fallback_cites}
        if deps.provider.chat is not None:
            try:
                text, check = guarded_generate(deps.provider, "chat_answer",
                                               {"question": question, "facts": facts_block(state["facts"])},
                                               state["passages"], evidence=[as_evidence(f) for f in state["facts"]] + [question],
                                               recorder=deps.recorder, mask_names=_names_to_mask(state))
                if check.grounded:
                    result = {"answer": text, "provider": deps.provider.label, "grounded": True, "note": None,
                              "citations": check.citations}
                else:
                    result.update(provider=deps.provider.label, grounded=False,
                                  note=f"The {deps.provider.label} answer was not supported ({check.reason}); showing the deterministic answer.")
            except LLMError as exc:
                result.update(provider=deps.provider.label, note=f"The model could not answer ({type(exc).__name__}).")
        return {**result, "messages": [AIMessage(result["answer"])]}

    g = StateGraph(ChatState)
    g.add_node("understand", understand)
    g.add_node("gather", gather)
    g.add_node("answer", answer)
    g.add_edge(START, "understand")
    g.add_edge("understand", "gather")
    g.add_edge("gather", "answer")
    g.add_edge("answer", END)
    return g.compile(checkpointer=checkpointer)


def ask(graph, question: str, *, thread_id: str = "default") -> dict[str, Any]:
    out = graph.invoke({"messages": [HumanMessage(question)]}, config={"configurable": {"thread_id": thread_id}})
    result = {k: out.get(k) for k in ("answer", "provider", "grounded", "note", "citations", "facts", "passages", "terms",
                                      "tool_calls", "focus")}
    result["cases"] = list(dict.fromkeys(f["case"] for f in out.get("facts") or [] if f.get("case")))
    return result
