"""Production quality metrics, computed from what the store already records (no extra logging).

Per day (UTC, by when the record was made) and per account: how many suggestions clerks accepted or
rejected, auto-confirmations a clerk later undid, the break mix and reason-code mix, how long cases
took to resolve, how often a generated answer passed the grounding guard and which provider gave it,
and LLM latency, tokens and cost per provider. All counting happens in SQL (GROUP BY), so a report
over months of 10k items a day reads aggregates, not rows.
"""

from __future__ import annotations

import tomllib
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from breakdesk.app.services.decisions import AUTO_CONFIRM_ACTOR
from breakdesk.app.store.models import (
    BankEntry,
    Break,
    Case,
    LlmCall,
    MatchDecision,
    MatchSuggestion,
    suggestion_bank_entries,
)

PAYMENT_CASE_KINDS = ("rejected", "returned", "recall")


def day_of(session: Session, column):
    """The UTC calendar day of a timestamp column, as 'YYYY-MM-DD' text on every database."""
    if session.get_bind().dialect.name == "sqlite":
        return func.date(column)  # stored as UTC text; date() keeps the day
    return func.to_char(func.timezone("UTC", column), "YYYY-MM-DD")


def _window(column, since: datetime | None, until: datetime | None) -> list:
    out = []
    if since is not None:
        out.append(column >= since)
    if until is not None:
        out.append(column < until)
    return out


def first_breaks():
    """Ids of each item's first break: when its kind of break was first seen. Later runs classify open
    items again (the earlier break becomes `superseded`); counting those again would count old items in
    every later window, and counting only live ones would empty the older windows."""
    return (select(func.min(Break.id)).group_by(Break.side, Break.bank_entry_id, Break.book_item_id)).scalar_subquery()


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def llm_costs() -> dict[str, float]:
    """Price per 1,000 tokens (in and out) per provider, from the versioned monitoring config."""
    text = (Path(__file__).with_name("drift.toml")).read_text("utf-8")
    return {k: float(v) for k, v in tomllib.loads(text).get("llm_cost_per_1k_tokens", {}).items()}


def suggestion_metrics(session: Session, since: datetime | None, until: datetime | None) -> dict[str, Any]:
    """Acceptance and rejection by day, by account and by scheme (of the suggestion's bank entries)."""
    day = day_of(session, MatchSuggestion.created_at).label("day")
    def of_bank_entry(column, name: str):
        return (select(func.min(column))
                .join(suggestion_bank_entries, suggestion_bank_entries.c.bank_entry_id == BankEntry.id)
                .where(suggestion_bank_entries.c.suggestion_id == MatchSuggestion.id)
                .correlate(MatchSuggestion).scalar_subquery().label(name))

    account = of_bank_entry(BankEntry.account, "account")
    # the scheme as the bank reports it: the ISO bank transaction code (e.g. PMNT/ICDT/ESCT = SEPA credit transfer)
    scheme = of_bank_entry(BankEntry.bank_transaction_code, "scheme")
    counts = [func.count().label("n")] + [
        func.sum(case((MatchSuggestion.decision_state == s, 1), else_=0)).label(s)
        for s in ("approved", "rejected", "pending", "unmatched", "split")
    ] + [func.sum(case((MatchSuggestion.status == "auto", 1), else_=0)).label("auto")]
    where = _window(MatchSuggestion.created_at, since, until)

    def rows(*keys) -> list[dict[str, Any]]:
        out = []
        for r in session.execute(select(*keys, *counts).where(*where).group_by(*keys).order_by(*keys)).mappings():
            decided = (r["approved"] or 0) + (r["rejected"] or 0)
            item = {k.key: r[k.key] for k in keys}
            item.update(suggestions=r["n"], auto=r["auto"] or 0, approved=r["approved"] or 0,
                        rejected=r["rejected"] or 0, pending=r["pending"] or 0, unmatched=r["unmatched"] or 0,
                        acceptance_rate=_rate(r["approved"] or 0, decided),
                        rejection_rate=_rate(r["rejected"] or 0, decided))
            out.append(item)
        return out

    return {"by_day": rows(day), "by_account": rows(account), "by_scheme": rows(scheme)}


def undone_auto_matches(session: Session, since: datetime | None, until: datetime | None) -> list[dict[str, Any]]:
    """Auto-confirmations a person later unmatched, by the day they were undone."""
    auto = select(MatchDecision.suggestion_id).where(MatchDecision.decided_by == AUTO_CONFIRM_ACTOR,
                                                      MatchDecision.action == "approve")
    day = day_of(session, MatchDecision.decided_at).label("day")
    q = (select(day, func.count(func.distinct(MatchDecision.suggestion_id)).label("n"))
         .where(MatchDecision.action == "unmatch", MatchDecision.suggestion_id.in_(auto),
                *_window(MatchDecision.decided_at, since, until))
         .group_by(day).order_by(day))
    auto_day = day_of(session, MatchDecision.decided_at).label("day")
    confirmed = dict(session.execute(
        select(auto_day, func.count()).where(MatchDecision.decided_by == AUTO_CONFIRM_ACTOR, MatchDecision.action == "approve",
                                             *_window(MatchDecision.decided_at, since, until)).group_by(auto_day)).all())
    return [{"day": d, "undone": n, "auto_confirmed": confirmed.get(d, 0)} for d, n in session.execute(q).all()]


def break_metrics(session: Session, since: datetime | None, until: datetime | None) -> dict[str, Any]:
    """Break mix by class and reason-code mix, by day and account, of breaks as first seen (`first_breaks`)."""
    day = day_of(session, Break.created_at).label("day")
    account = func.coalesce(BankEntry.account, "(book)").label("account")
    live = [Break.id.in_(first_breaks()), *_window(Break.created_at, since, until)]
    mix: dict[str, dict[str, int]] = defaultdict(dict)
    for d, cls, n in session.execute(select(day, Break.break_class, func.count()).where(*live)
                                     .group_by(day, Break.break_class).order_by(day)).all():
        mix[d][cls] = n
    by_account: dict[str, dict[str, int]] = defaultdict(dict)
    for acc, cls, n in session.execute(select(account, Break.break_class, func.count())
                                       .select_from(Break).outerjoin(BankEntry, BankEntry.id == Break.bank_entry_id)
                                       .where(*live).group_by(account, Break.break_class)).all():
        by_account[acc][cls] = n
    codes: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for d, code, n in session.execute(select(day, Break.reason_code, func.count())
                                      .where(*live, Break.reason_code.is_not(None)).group_by(day, Break.reason_code)).all():
        codes[d][code] += n
    cday = day_of(session, Case.created_at).label("day")
    for d, code, n in session.execute(select(cday, Case.reason_code, func.count())
                                      .where(Case.kind.in_(PAYMENT_CASE_KINDS), Case.reason_code.is_not(None),
                                             Case.merged_into_id.is_(None), *_window(Case.created_at, since, until))
                                      .group_by(cday, Case.reason_code)).all():
        codes[d][code] += n
    return {"break_mix_by_day": [{"day": d, "mix": m} for d, m in sorted(mix.items())],
            "break_mix_by_account": [{"account": a, "mix": m} for a, m in sorted(by_account.items())],
            "reason_codes_by_day": [{"day": d, "mix": dict(m)} for d, m in sorted(codes.items())]}


def case_metrics(session: Session, since: datetime | None, until: datetime | None) -> dict[str, Any]:
    """Cases opened and resolved per day, hours to resolve (resolved cases: creation to last change),
    and what explained them: the grounding pass rate and the provider of the stored explanation."""
    day = day_of(session, Case.created_at).label("day")
    rows = session.execute(select(day, Case.kind, Case.state, Case.created_at, Case.updated_at, Case.detail["explanation"])
                           .where(Case.merged_into_id.is_(None), *_window(Case.created_at, since, until))).all()
    per_day: dict[str, dict[str, Any]] = defaultdict(lambda: {"opened": 0, "resolved": 0, "hours": []})
    providers: dict[str, dict[str, int]] = defaultdict(lambda: {"answers": 0, "grounded": 0})
    for d, _kind, state, created, updated, explanation in rows:
        slot = per_day[d]
        slot["opened"] += 1
        if state == "resolved" and created and updated:
            slot["resolved"] += 1
            slot["hours"].append((updated - created).total_seconds() / 3600)
        if isinstance(explanation, dict) and explanation.get("provider"):
            p = providers[str(explanation["provider"])]
            p["answers"] += 1
            p["grounded"] += bool(explanation.get("grounded"))
    by_day = []
    for d, slot in sorted(per_day.items()):
        hours = sorted(slot["hours"])
        by_day.append({"day": d, "opened": slot["opened"], "resolved": slot["resolved"],
                       "median_hours_to_resolve": round(hours[len(hours) // 2], 2) if hours else None})
    answers = sum(p["answers"] for p in providers.values())
    return {"by_day": by_day,
            "grounding": {"answers": answers, "pass_rate": _rate(sum(p["grounded"] for p in providers.values()), answers),
                          "by_provider": {k: {**v, "pass_rate": _rate(v["grounded"], v["answers"])}
                                          for k, v in sorted(providers.items())}}}


def llm_metrics(session: Session, since: datetime | None, until: datetime | None) -> list[dict[str, Any]]:
    """Calls, errors, mean and p95 latency, tokens and cost per provider and model."""
    where = _window(LlmCall.created_at, since, until)
    prices = llm_costs()
    out = []
    for provider, model, n, errors, lat, tin, tout in session.execute(
        select(LlmCall.provider, LlmCall.model, func.count(), func.sum(case((LlmCall.error.is_not(None), 1), else_=0)),
               func.avg(LlmCall.latency_ms), func.coalesce(func.sum(LlmCall.tokens_in), 0),
               func.coalesce(func.sum(LlmCall.tokens_out), 0))
        .where(*where).group_by(LlmCall.provider, LlmCall.model).order_by(LlmCall.provider, LlmCall.model)
    ).all():
        lats = [v for (v,) in session.execute(select(LlmCall.latency_ms).where(
            *where, LlmCall.provider == provider, LlmCall.model == model, LlmCall.latency_ms.is_not(None))
            .order_by(LlmCall.latency_ms))]
        price = prices.get(provider)
        out.append({"provider": provider, "model": model, "calls": n, "errors": int(errors or 0),
                    "latency_ms_mean": round(float(lat), 1) if lat is not None else None,
                    "latency_ms_p95": lats[min(len(lats) - 1, int(0.95 * len(lats)))] if lats else None,
                    "tokens_in": int(tin), "tokens_out": int(tout),
                    "cost": round((int(tin) + int(tout)) / 1000 * price, 6) if price is not None else None})
    return out


def compute_metrics(session: Session, *, since: datetime | None = None, until: datetime | None = None) -> dict[str, Any]:
    """Everything the Monitoring page and `breakdesk monitor report` show as metrics."""
    suggestions = suggestion_metrics(session, since, until)
    breaks = break_metrics(session, since, until)
    totals = {k: sum(r[k] for r in suggestions["by_day"]) for k in ("suggestions", "approved", "rejected", "auto", "unmatched")}
    decided = totals["approved"] + totals["rejected"]
    totals.update(acceptance_rate=_rate(totals["approved"], decided), rejection_rate=_rate(totals["rejected"], decided))
    undone = undone_auto_matches(session, since, until)
    totals["auto_matches_undone"] = sum(r["undone"] for r in undone)
    return {
        "since": since.isoformat() if since else None,
        "until": until.isoformat() if until else None,
        "totals": totals,
        "suggestions_by_day": suggestions["by_day"],
        "suggestions_by_account": suggestions["by_account"],
        "suggestions_by_scheme": suggestions["by_scheme"],
        "auto_matches_undone_by_day": undone,
        **breaks,
        "cases": case_metrics(session, since, until),
        "llm_by_provider": llm_metrics(session, since, until),
    }


__all__ = ["compute_metrics", "day_of"]
