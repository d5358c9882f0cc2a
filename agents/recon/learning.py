"""Learning the pair scorer from people's decisions, instead of hand-set weights.

Input: labelled decisions — the features of a suggested pair (`Suggestion.features`, the same
numbers `scoring.score_pair` computes) and whether a person approved or rejected it. Output: a
calibrated probability model (logistic regression, calibrated by isotonic regression or Platt
scaling with `CalibratedClassifierCV`) whose `predict` can replace the weight sum in
`engine.match(..., scorer=model.predict)`.

A model is identified by a content hash of its training data and parameters (`version`), so a
scorecard or an audit record can say exactly which model proposed a match. Persisting and
activating a model is the app layer's job: `to_bytes()` / `from_bytes()` and `metadata()` are plain
values. `from_bytes` unpickles: only load bytes this application wrote itself.
"""

from __future__ import annotations

import hashlib
import io
import json
import pickle
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from breakdesk.agents.recon.scoring import FEATURE_NAMES

#: Feature order of the model (see `scoring.score_pair`); missing features count as 0.
FEATURES: tuple[str, ...] = FEATURE_NAMES


@dataclass(frozen=True)
class Decision:
    """One reviewed suggestion: its features and the person's verdict."""

    features: Mapping[str, float]
    approved: bool


def _row(features: Mapping[str, float], names: Sequence[str] = FEATURES) -> list[float]:
    return [float(features.get(name, 0.0)) for name in names]


def _version(decisions: Sequence[Decision], params: Mapping) -> str:
    h = hashlib.sha256()
    h.update(json.dumps({"features": FEATURES, "params": dict(params)}, sort_keys=True).encode())
    for d in decisions:
        h.update(json.dumps([_row(d.features), d.approved]).encode())
    return h.hexdigest()[:16]


@dataclass
class LearnedScorer:
    """A fitted, calibrated scorer. Call `predict(features)` for a probability in [0, 1]."""

    version: str
    params: dict
    n_train: int
    positives: int
    model: object = field(repr=False)
    #: The features it was fitted on: a model saved before a feature was added keeps reading its own.
    features: tuple[str, ...] = FEATURES

    def predict(self, features: Mapping[str, float]) -> float:
        return float(self.model.predict_proba([_row(features, self.features)])[0][1])  # type: ignore[attr-defined]

    def predict_many(self, rows: Iterable[Mapping[str, float]]) -> list[float]:
        data = [_row(f, self.features) for f in rows]
        if not data:
            return []
        return [float(p) for p in self.model.predict_proba(data)[:, 1]]  # type: ignore[attr-defined]

    def metadata(self) -> dict:
        return {"version": self.version, "params": self.params, "n_train": self.n_train,
                "positives": self.positives, "features": list(self.features)}

    def to_bytes(self) -> bytes:
        buf = io.BytesIO()
        pickle.dump({"metadata": self.metadata(), "model": self.model}, buf, protocol=pickle.HIGHEST_PROTOCOL)
        return buf.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> LearnedScorer:
        obj = pickle.loads(data)  # noqa: S301 - only bytes written by `to_bytes` of this application
        meta = obj["metadata"]
        names = tuple(meta["features"])
        if not set(names) <= set(FEATURES):
            raise ValueError(f"model {meta['version']} was trained on features this version does not compute: "
                             f"{sorted(set(names) - set(FEATURES))}")
        return cls(meta["version"], meta["params"], meta["n_train"], meta["positives"], obj["model"], names)


def fit(
    decisions: Sequence[Decision], *, method: str = "isotonic", C: float = 1.0, cv: int = 3, seed: int = 0
) -> LearnedScorer:
    """Fit a calibrated logistic regression on decisions (needs both verdicts, `cv` of each)."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.linear_model import LogisticRegression

    if method not in ("isotonic", "sigmoid"):
        raise ValueError("method must be 'isotonic' or 'sigmoid'")
    y = [int(d.approved) for d in decisions]
    pos = sum(y)
    if min(pos, len(y) - pos) < cv:
        raise ValueError(f"need at least {cv} approved and {cv} rejected decisions (have {pos} / {len(y) - pos})")
    params = {"method": method, "C": C, "cv": cv, "seed": seed, "estimator": "LogisticRegression"}
    base = LogisticRegression(C=C, max_iter=1000, random_state=seed)
    model = CalibratedClassifierCV(base, method=method, cv=cv)
    model.fit([_row(d.features) for d in decisions], y)
    return LearnedScorer(_version(decisions, params), params, len(y), pos, model)


@dataclass(frozen=True)
class Backtest:
    threshold: float
    auto_correct: int
    auto_wrong: int
    total: int
    approved_total: int

    def __str__(self) -> str:
        return (f"would have auto-confirmed {self.auto_correct} correctly and {self.auto_wrong} wrongly "
                f"at threshold {self.threshold:g} (of {self.total} decisions, {self.approved_total} approved)")


def backtest(model: LearnedScorer, decisions: Sequence[Decision], threshold: float) -> Backtest:
    """What auto-confirm at `threshold` would have done on these decisions."""
    probs = model.predict_many(d.features for d in decisions)
    ok = sum(1 for p, d in zip(probs, decisions) if p >= threshold and d.approved)
    bad = sum(1 for p, d in zip(probs, decisions) if p >= threshold and not d.approved)
    return Backtest(threshold, ok, bad, len(decisions), sum(d.approved for d in decisions))
