"""Drift statistics: population stability index and two-sample tests, with or without scipy.

PSI says *how much* a distribution moved (a size, comparable across features); the two-sample test
says whether the move could be chance (a p-value, which with 10k rows a day flags tiny moves — hence
an alert needs both, see `drift.toml`). scipy is used when importable (it comes with scikit-learn);
otherwise the same quantities are computed here: the exact two-sample KS statistic with the
asymptotic Kolmogorov p-value (what scipy's `ks_2samp(method="asymp")` gives), and the chi-square
survival function through the regularised incomplete gamma function.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

EPS = 1e-4  # floor for an empty bin's share, so PSI stays finite (the usual convention)


@dataclass(frozen=True)
class TestResult:
    statistic: float
    p_value: float
    method: str


def psi_from_shares(reference: Sequence[float], current: Sequence[float]) -> float:
    """PSI = sum((c - r) * ln(c / r)) over bins, both share vectors summing to 1."""
    total = 0.0
    for r, c in zip(reference, current):
        r, c = max(r, EPS), max(c, EPS)
        total += (c - r) * math.log(c / r)
    return total


def quantile_edges(reference: Sequence[float], bins: int = 10) -> list[float]:
    """Inner bin edges at the reference's quantiles (duplicates dropped: discrete features get fewer bins)."""
    xs = sorted(reference)
    if not xs:
        return []
    edges = sorted({xs[min(len(xs) - 1, int(len(xs) * k / bins))] for k in range(1, bins)} - {xs[0]})
    if not edges and xs[-1] > xs[0]:  # one value holds most of the mass: split it from the rest
        edges = [xs[bisect_right(xs, xs[0])]]
    return edges


def _shares(values: Sequence[float], edges: Sequence[float]) -> list[float]:
    counts = [0] * (len(edges) + 1)
    for v in values:
        counts[bisect_right(edges, v) if edges else 0] += 1
    n = max(1, len(values))
    return [c / n for c in counts]


def psi_continuous(reference: Sequence[float], current: Sequence[float], bins: int = 10) -> float:
    edges = quantile_edges(reference, bins)
    # bisect_right puts a value equal to an edge in the upper bin; edges are reference values, so the
    # lowest reference value (excluded from edges) opens the first bin
    return psi_from_shares(_shares(reference, edges), _shares(current, edges))


def category_shares(values: Sequence[str], categories: Sequence[str]) -> list[float]:
    counts = Counter(values)
    n = max(1, len(values))
    return [counts.get(c, 0) / n for c in categories]


def psi_categorical(reference: Mapping[str, int], current: Mapping[str, int], pseudo: float = 0.5) -> float:
    """PSI over the categories of both windows, each count plus `pseudo` (Jeffreys smoothing): a value
    seen twice in one window and never in the other must not weigh like a new dominant value."""
    cats = sorted(set(reference) | set(current))
    rn = sum(reference.values()) + pseudo * len(cats)
    cn = sum(current.values()) + pseudo * len(cats)
    return psi_from_shares([(reference.get(c, 0) + pseudo) / rn for c in cats],
                           [(current.get(c, 0) + pseudo) / cn for c in cats])


def pool_rare(reference: Mapping[str, int], current: Mapping[str, int], min_expected: float = 5.0) -> tuple[dict[str, int], dict[str, int]]:
    """Merge categories whose expected count is below `min_expected` in either window into "(rare)"
    (Cochran's rule: the chi-square approximation needs it)."""
    rn, cn = sum(reference.values()), sum(current.values())
    total = rn + cn
    if not total:
        return dict(reference), dict(current)
    def rare(c: str) -> bool:
        col = reference.get(c, 0) + current.get(c, 0)
        return min(rn, cn) * col / total < min_expected
    ref_out: dict[str, int] = {}
    cur_out: dict[str, int] = {}
    for src, dst in ((reference, ref_out), (current, cur_out)):
        for c, n in src.items():
            key = "(rare)" if rare(c) else c
            dst[key] = dst.get(key, 0) + n
    return ref_out, cur_out


# -- two-sample KS ---------------------------------------------------------------------------------
def ks_statistic(a: Sequence[float], b: Sequence[float]) -> float:
    """Exact sup |F_a - F_b| over the pooled sample (ties handled by stepping over equal values)."""
    xs, ys = sorted(a), sorted(b)
    n, m = len(xs), len(ys)
    i = j = 0
    d = 0.0
    while i < n and j < m:
        v = min(xs[i], ys[j])
        while i < n and xs[i] == v:
            i += 1
        while j < m and ys[j] == v:
            j += 1
        d = max(d, abs(i / n - j / m))
    return d


def kolmogorov_sf(x: float) -> float:
    """P(K > x) for the Kolmogorov distribution: 2 * sum (-1)^(k-1) exp(-2 k^2 x^2)."""
    if x <= 0:
        return 1.0
    if x < 0.2:
        return 1.0  # the series converges slowly here and the value is 1 to double precision
    total = 0.0
    for k in range(1, 101):
        term = math.exp(-2.0 * k * k * x * x)
        total += term if k % 2 else -term
        if term < 1e-17:
            break
    return min(1.0, max(0.0, 2.0 * total))


def ks_2samp(a: Sequence[float], b: Sequence[float]) -> TestResult:
    if not a or not b:
        return TestResult(0.0, 1.0, "ks")
    try:
        from scipy.stats import ks_2samp as scipy_ks
    except ImportError:  # pragma: no cover - exercised by the fallback test through `_ks_2samp_fallback`
        return _ks_2samp_fallback(a, b)
    res = scipy_ks(list(a), list(b), method="asymp")
    return TestResult(float(res.statistic), float(res.pvalue), "ks(scipy)")


def _ks_2samp_fallback(a: Sequence[float], b: Sequence[float]) -> TestResult:
    d = ks_statistic(a, b)
    n, m = len(a), len(b)
    en = math.sqrt(n * m / (n + m))
    return TestResult(d, kolmogorov_sf(d * en), "ks")


# -- chi-square --------------------------------------------------------------------------------------
def _gammq(s: float, x: float) -> float:
    """Regularised upper incomplete gamma Q(s, x) (series below s+1, continued fraction above)."""
    if x <= 0:
        return 1.0
    gln = math.lgamma(s)
    if x < s + 1:
        term = total = 1.0 / s
        ap = s
        for _ in range(10_000):
            ap += 1
            term *= x / ap
            total += term
            if abs(term) < abs(total) * 1e-15:
                break
        return max(0.0, 1.0 - total * math.exp(-x + s * math.log(x) - gln))
    tiny = 1e-300
    b = x + 1 - s
    c = 1 / tiny
    d = 1 / b
    h = d
    for i in range(1, 10_000):
        an = -i * (i - s)
        b += 2
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1 / d
        delta = d * c
        h *= delta
        if abs(delta - 1) < 1e-15:
            break
    return min(1.0, math.exp(-x + s * math.log(x) - gln) * h)


def chi2_sf(x: float, dof: int) -> float:
    return _gammq(dof / 2.0, x / 2.0) if dof > 0 else 1.0


def chi2_contingency(reference: Mapping[str, int], current: Mapping[str, int]) -> TestResult:
    """Pearson chi-square test of homogeneity on a 2 x k table (rare categories pooled first)."""
    reference, current = pool_rare(reference, current)
    cats = [c for c in sorted(set(reference) | set(current)) if reference.get(c, 0) + current.get(c, 0) > 0]
    rn, cn = sum(reference.values()), sum(current.values())
    if len(cats) < 2 or rn == 0 or cn == 0:
        return TestResult(0.0, 1.0, "chi2")
    total = rn + cn
    stat = 0.0
    for c in cats:
        col = reference.get(c, 0) + current.get(c, 0)
        for n_row, observed in ((rn, reference.get(c, 0)), (cn, current.get(c, 0))):
            expected = n_row * col / total
            stat += (observed - expected) ** 2 / expected
    dof = len(cats) - 1
    try:
        from scipy.stats import chi2
    except ImportError:  # pragma: no cover
        return TestResult(stat, chi2_sf(stat, dof), "chi2")
    return TestResult(stat, float(chi2.sf(stat, dof)), "chi2(scipy)")
