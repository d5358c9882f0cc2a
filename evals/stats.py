"""Confidence intervals for every metric: Wilson for pass/fail rates, seeded bootstrap for means.

Why both: a rate over a few dozen cases (diagnosis accuracy) has a closed-form interval that stays
sensible at 0 % and 100 %, where a bootstrap collapses to a point; a mean of graded scores (citation
precision, ROUGE) has no such form, so it is resampled — with a fixed seed, so the same per-case
results always give the same interval and the gate's verdict never flips on a rerun.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass

Z95 = 1.959963984540054
BOOTSTRAP_SEED = 20261129
BOOTSTRAP_ROUNDS = 1000


@dataclass(frozen=True)
class Estimate:
    value: float | None
    low: float | None
    high: float | None
    n: int
    method: str  # "wilson" | "bootstrap" | "none"

    def as_dict(self) -> dict:
        return {"value": self.value, "ci_low": self.low, "ci_high": self.high, "n": self.n, "ci_method": self.method}


def wilson(successes: int, n: int, z: float = Z95) -> Estimate:
    if n == 0:
        return Estimate(None, None, None, 0, "wilson")
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return Estimate(p, max(0.0, centre - half), min(1.0, centre + half), n, "wilson")


def bootstrap_mean(values: Sequence[float], *, rounds: int = BOOTSTRAP_ROUNDS, seed: int = BOOTSTRAP_SEED,
                   alpha: float = 0.05) -> Estimate:
    xs = [float(v) for v in values]
    n = len(xs)
    if n == 0:
        return Estimate(None, None, None, 0, "bootstrap")
    mean = sum(xs) / n
    rng = random.Random(seed)
    means = sorted(sum(xs[rng.randrange(n)] for _ in range(n)) / n for _ in range(rounds))
    lo = means[int(alpha / 2 * rounds)]
    hi = means[min(rounds - 1, int((1 - alpha / 2) * rounds))]
    return Estimate(mean, lo, hi, n, "bootstrap")


def estimate(values: Sequence[float | bool]) -> Estimate:
    """Wilson when every value is 0/1 (a rate), else a bootstrap of the mean."""
    if all(isinstance(v, bool) or v in (0, 1) for v in values):
        return wilson(sum(1 for v in values if v), len(values))
    return bootstrap_mean([float(v) for v in values])
