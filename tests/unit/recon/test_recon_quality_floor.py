"""Quality floors on a seeded generated set (>= 1000 items per side)."""

from breakdesk.agents.recon import match
from breakdesk.evals.recon.generator import generate
from breakdesk.evals.recon.quality import evaluate, label


def test_quality_floors_on_seeded_set():
    lab = label(generate(1150, seed=7))
    assert len(lab.bank_items) >= 1000 and len(lab.book_items) >= 1000
    report = evaluate(lab, match(lab.bank_items, lab.book_items))
    assert report.auto_eligible > 500  # the floor below must be about a real number of auto matches
    assert report.precision_auto >= 0.995, report.lines()
    assert report.recall >= 0.97, report.lines()
    assert report.break_accuracy >= 0.90, report.lines()


def test_generator_is_reproducible():
    a, b = generate(200, seed=3), generate(200, seed=3)
    assert a.ledger_csv() == b.ledger_csv()
    assert [m.model_dump() for m in a.bank_messages()] == [m.model_dump() for m in b.bank_messages()]
