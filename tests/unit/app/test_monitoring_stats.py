"""The drift statistics: PSI, and the fallbacks used without scipy agree with scipy."""

import random

import pytest

from breakdesk.app.services.monitoring import stats


def _samples(seed: int, mu: float, n: int = 800) -> list[float]:
    rng = random.Random(seed)
    return [rng.gauss(mu, 1.0) for _ in range(n)]


def test_psi_is_small_for_the_same_distribution_and_large_for_a_shift():
    a, b, shifted = _samples(1, 0.0), _samples(2, 0.0), _samples(3, 1.0)
    assert stats.psi_continuous(a, b) < 0.1
    assert stats.psi_continuous(a, shifted) > 0.5


def test_ks_fallback_matches_scipy():
    scipy_stats = pytest.importorskip("scipy.stats")
    a, b = _samples(4, 0.0), _samples(5, 0.15)
    ours = stats._ks_2samp_fallback(a, b)
    ref = scipy_stats.ks_2samp(a, b, method="asymp")
    assert ours.statistic == pytest.approx(ref.statistic, abs=1e-12)
    # the fallback uses the Kolmogorov limit distribution (scipy's asymp rounds to a finite-n one)
    en = (len(a) * len(b) / (len(a) + len(b))) ** 0.5
    assert ours.p_value == pytest.approx(scipy_stats.kstwobign.sf(ref.statistic * en), rel=1e-9)
    assert ours.p_value == pytest.approx(ref.pvalue, rel=0.1)


@pytest.mark.parametrize(("x", "dof"), [(0.5, 1), (3.0, 2), (12.0, 5), (40.0, 9), (150.0, 20)])
def test_chi2_survival_fallback_matches_scipy(x, dof):
    scipy_stats = pytest.importorskip("scipy.stats")
    assert stats.chi2_sf(x, dof) == pytest.approx(scipy_stats.chi2.sf(x, dof), rel=1e-8, abs=1e-300)


def test_categorical_psi_and_chi2_see_a_new_dominant_value():
    ref = {"AC01": 40, "AC04": 35, "AM05": 25}
    same = {"AC01": 38, "AC04": 37, "AM05": 25}
    new = {"AC01": 10, "AC04": 8, "AM05": 7, "AM04": 75}
    assert stats.psi_categorical(ref, same) < 0.05 and stats.chi2_contingency(ref, same).p_value > 0.5
    assert stats.psi_categorical(ref, new) > 1 and stats.chi2_contingency(ref, new).p_value < 1e-10


def test_rare_categories_are_pooled_before_chi2():
    ref, cur = stats.pool_rare({"A": 100, "B": 1}, {"A": 100, "C": 2})
    assert ref == {"A": 100, "(rare)": 1} and cur == {"A": 100, "(rare)": 2}


def test_mlflow_export_is_off_unless_configured_and_installed(monkeypatch):
    import importlib.util

    from breakdesk.app.services.monitoring.registry import export_mlflow

    entries = [{"kind": "scorer", "version": "v1", "params": {"C": 1.0}, "backtest": {"auto_wrong": 0},
                "data_hash": "h", "trained_by": "carl", "active": True}]
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    assert export_mlflow(entries) == 0  # not configured: nothing is imported or sent
    if importlib.util.find_spec("mlflow") is None:
        monkeypatch.setenv("MLFLOW_TRACKING_URI", "http://127.0.0.1:9")
        assert export_mlflow(entries) == 0  # configured but the optional dependency is absent
