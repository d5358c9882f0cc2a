"""Drift: does the current window look like the reference window the matcher was approved on?

Compared per feature: the matcher's confidence and each pair signal it scores (`FEATURES`), statement
amounts (log10), the counterparty mix of the books, the break mix and the reason-code mix (breaks as first seen). Continuous
features get PSI on the reference's quantile bins plus a two-sample KS test; categorical ones PSI plus
a chi-square test (the reference's most frequent values, the rest pooled as "other"). A feature alerts
when PSI reaches its threshold *and* the test's p-value is below its threshold, with enough rows in
both windows (`drift.toml`, versioned). The reference window is the active scorer's training window
when there is one, else the caller's choice.
"""

from __future__ import annotations

import json
import math
import tomllib
from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Text, func, select, type_coerce
from sqlalchemy.orm import Session

from breakdesk.agents.recon.learning import FEATURES
from breakdesk.app.services.monitoring import stats
from breakdesk.app.services.monitoring.metrics import PAYMENT_CASE_KINDS, _window, first_breaks
from breakdesk.app.store.models import BankEntry, BookItem, Break, Case, MatchSuggestion

#: The versioned thresholds (package data).
CONFIG_FILE = Path(__file__).with_name("drift.toml")
MAX_ROWS = 20_000  # per window and feature: an even sample across the window; plenty for PSI and KS, bounded time

CONTINUOUS = ("confidence", *(f"feature:{n}" for n in FEATURES), "amount")
CATEGORICAL = ("counterparty", "break_class", "reason_code")


@dataclass(frozen=True)
class Window:
    start: datetime | None
    end: datetime | None
    source: str = "chosen"

    def as_dict(self) -> dict[str, Any]:
        return {"start": self.start.isoformat() if self.start else None,
                "end": self.end.isoformat() if self.end else None, "source": self.source}


@dataclass
class DriftConfig:
    version: str
    defaults: dict[str, float]
    features: dict[str, dict[str, float]] = field(default_factory=dict)

    def get(self, feature: str, key: str) -> float:
        return float(self.features.get(feature, {}).get(key, self.defaults[key]))


def load_config(text: str | None = None) -> DriftConfig:
    """The shipped thresholds (`drift.toml` beside this module), or a given TOML text."""
    if text is None:
        text = CONFIG_FILE.read_text("utf-8")
    data = tomllib.loads(text)
    return DriftConfig(version=str(data["version"]), defaults=dict(data["defaults"]), features=dict(data.get("features", {})))


@dataclass
class DriftResult:
    feature: str
    psi: float | None
    p_value: float | None
    threshold: float
    alert: bool
    test: str
    n_reference: int
    n_current: int
    note: str | None = None

    def report(self) -> dict[str, Any]:
        return asdict(self)


# -- samples ---------------------------------------------------------------------------------------
def _latest(session: Session, query, column, window: Window, id_column=None) -> list:
    """The window's rows, or an even sample of them (every k-th id) when there are more than MAX_ROWS:
    the whole window is represented, not only its last hours."""
    where = _window(column, window.start, window.end)
    if id_column is not None:
        n = session.execute(select(func.count()).select_from(id_column.table).where(*where)).scalar_one()
        stride = max(1, -(-n // MAX_ROWS))
        if stride > 1:
            where.append(id_column % stride == 0)
    return list(session.execute(query.where(*where).limit(MAX_ROWS)).all())


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def continuous_samples(session: Session, window: Window) -> dict[str, list[float]]:
    # the JSON and the amount are read as text and converted here: the column types' per-row processing
    # (JSON decoding, exact Decimal quantising) is most of the time at 10k suggestions a day
    rows = _latest(session, select(MatchSuggestion.confidence, type_coerce(MatchSuggestion.features, Text)),
                   MatchSuggestion.created_at, window, MatchSuggestion.id)
    out: dict[str, list[float]] = {"confidence": [float(c) for c, _ in rows]}
    pairs = [f for f in (_json(raw) for _, raw in rows if raw) if f]  # batch and N:1 suggestions carry no pair signals
    for name in FEATURES:
        out[f"feature:{name}"] = [float(f.get(name, 0.0)) for f in pairs]
    amounts = _latest(session, select(type_coerce(BankEntry.amount, Text)).where(BankEntry.level == "entry",
                                                                                 BankEntry.amount.is_not(None)),
                      BankEntry.created_at, window, BankEntry.id)
    # log10 of the unsigned amount: statistics only, never money arithmetic
    values = (float(a) for (a,) in amounts)
    out["amount"] = [math.log10(v) if v > 0 else 0.0 for v in values]
    return out


def categorical_samples(session: Session, window: Window) -> dict[str, Counter]:
    names = _latest(session, select(BookItem.counterparty_name), BookItem.created_at, window, BookItem.id)
    breaks = _latest(session, select(Break.break_class, Break.reason_code).where(Break.id.in_(first_breaks())),
                     Break.created_at, window)
    # every break counts, "(no code)" too: a code that was rare and becomes dominant moves the mix even
    # when the reference window held hardly any coded breaks
    codes = Counter(code or "(no code)" for _, code in breaks)
    codes.update(code for (code,) in _latest(
        session, select(Case.reason_code).where(Case.kind.in_(PAYMENT_CASE_KINDS), Case.reason_code.is_not(None),
                                                Case.merged_into_id.is_(None)), Case.created_at, window))
    return {"counterparty": Counter((n or "(none)").strip().upper() for (n,) in names),
            "break_class": Counter(cls for cls, _ in breaks), "reason_code": codes}


def _top(reference: Counter, current: Counter, k: int) -> tuple[dict[str, int], dict[str, int]]:
    keep = {c for c, _ in reference.most_common(k)}
    def fold(cnt: Counter) -> dict[str, int]:
        out: dict[str, int] = Counter()
        for c, n in cnt.items():
            out[c if c in keep else "(other)"] += n
        return dict(out)
    return fold(reference), fold(current)


# -- comparison ------------------------------------------------------------------------------------
def compare(reference: Window, current: Window, session: Session, config: DriftConfig | None = None) -> list[DriftResult]:
    cfg = config or load_config()
    results: list[DriftResult] = []
    ref_c, cur_c = continuous_samples(session, reference), continuous_samples(session, current)
    for feature in CONTINUOUS:
        a, b = ref_c[feature], cur_c[feature]
        results.append(_judge(feature, cfg, len(a), len(b),
                              lambda a=a, b=b, f=feature: (stats.psi_continuous(a, b, int(cfg.get(f, "bins"))), stats.ks_2samp(a, b))))
    ref_k, cur_k = categorical_samples(session, reference), categorical_samples(session, current)
    for feature in CATEGORICAL:
        a, b = _top(ref_k[feature], cur_k[feature], int(cfg.get(feature, "top_categories")))
        results.append(_judge(feature, cfg, sum(a.values()), sum(b.values()),
                              lambda a=a, b=b: (stats.psi_categorical(a, b), stats.chi2_contingency(a, b))))
    return results


def _judge(feature: str, cfg: DriftConfig, n_ref: int, n_cur: int, compute) -> DriftResult:
    threshold = cfg.get(feature, "psi")
    if min(n_ref, n_cur) == 0:
        return DriftResult(feature, None, None, threshold, False, "-", n_ref, n_cur, "no data in one window")
    psi, test = compute()
    enough = min(n_ref, n_cur) >= cfg.get(feature, "min_samples")
    # `p_value` is the family-wise level of one report: Bonferroni over the features tested together,
    # else a report of ~17 features would cry wolf on noise alone
    level = cfg.get(feature, "p_value") / (len(CONTINUOUS) + len(CATEGORICAL))
    alert = enough and psi >= threshold and test.p_value < level
    return DriftResult(feature, round(psi, 6), test.p_value, threshold, bool(alert), test.method, n_ref, n_cur,
                       None if enough else "too few rows to alert")


def reference_window(session: Session, fallback: Window) -> Window:
    """The active scorer's training window when it recorded one, else `fallback`."""
    from breakdesk.app.store.models import MatchScorer

    row = session.execute(select(MatchScorer).where(MatchScorer.active.is_(True))).scalar_one_or_none()
    window = ((row.meta or {}).get("training") or {}).get("window") if row else None
    if window and window[0] and window[1]:
        return Window(datetime.fromisoformat(window[0]), datetime.fromisoformat(window[1]),
                      f"training window of active scorer {row.version}")
    return fallback


HISTORY_FEATURES = ("confidence", "amount", "counterparty", "break_class", "reason_code")


def drift_history(session: Session, reference: Window, days: list[Window],
                  features: tuple[str, ...] = HISTORY_FEATURES) -> list[dict[str, Any]]:
    """PSI of each day against the reference, for the page's "drift over time" chart (the reference
    is read once; the tests and alerts stay with `compare` over the whole window)."""
    ref_c, ref_k = continuous_samples(session, reference), categorical_samples(session, reference)
    out = []
    for day in days:
        cur_c, cur_k = continuous_samples(session, day), categorical_samples(session, day)
        row: dict[str, Any] = {"day": day.start.date().isoformat() if day.start else None}
        for f in features:
            if f in ref_c:
                a, b = ref_c[f], cur_c[f]
                row[f] = round(stats.psi_continuous(a, b), 4) if a and b else None
            else:
                a, b = _top(ref_k[f], cur_k[f], int(load_config().get(f, "top_categories")))
                row[f] = round(stats.psi_categorical(a, b), 4) if a and b else None
        out.append(row)
    return out
