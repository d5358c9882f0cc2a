import random

import pytest

from breakdesk.agents.recon.learning import Decision, LearnedScorer, _version, backtest, fit


def _decisions(n: int = 300, seed: int = 1) -> list[Decision]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        good = rng.random() < 0.6
        ref = good and rng.random() < 0.8
        feats = {
            "ref_id": float(ref),
            "amount_equal": float(good or rng.random() < 0.3),
            "date_delta": float(rng.randrange(0, 2) if good else rng.randrange(0, 6)),
            "name_similarity": rng.uniform(0.85, 1.0) if good else rng.uniform(0.3, 0.9),
            "iban": 1.0 if good and rng.random() < 0.7 else 0.0,
        }
        out.append(Decision(feats, good))
    return out


@pytest.fixture(scope="module")
def model() -> LearnedScorer:
    return fit(_decisions())


def test_fit_is_calibrated_versioned_and_serialisable(model):
    data = _decisions()
    strong = {"ref_id": 1, "amount_equal": 1, "date_delta": 0, "name_similarity": 0.98, "iban": 1}
    weak = {"ref_id": 0, "amount_equal": 0, "date_delta": 5, "name_similarity": 0.4, "iban": 0}
    assert 0.0 <= model.predict(weak) < 0.5 < model.predict(strong) <= 1.0
    assert model.version == _version(data, model.params)  # content hash of data + params
    assert model.version != _version(data, {**model.params, "method": "sigmoid"})
    assert model.version != _version(data[:-1], model.params)
    again = LearnedScorer.from_bytes(model.to_bytes())
    assert again.version == model.version and again.predict(strong) == pytest.approx(model.predict(strong))


def test_backtest_counts_correct_and_wrong_auto_confirmations(model):
    data = _decisions(100, seed=2)  # unseen decisions
    bt = backtest(model, data, threshold=0.9)
    assert bt.total == 100 and bt.auto_correct + bt.auto_wrong <= bt.total
    assert bt.auto_correct > 0 and bt.auto_wrong <= bt.auto_correct
    assert str(bt).startswith(f"would have auto-confirmed {bt.auto_correct} correctly and {bt.auto_wrong} wrongly")
    assert backtest(model, data, threshold=1.01).auto_correct == 0


def test_fit_refuses_one_sided_data():
    with pytest.raises(ValueError, match="rejected"):
        fit([Decision({"ref_id": 1}, True)] * 10)
