"""Issue #21: mutated corpus files through the import path (`evals/benchmarks/fuzz_bench.py`), a bounded,
seeded sample in CI. Every damaged file is refused with its name and line or XPath and writes nothing,
or is imported whole and parses again; nothing escapes as a traceback. The table is printed (`-s`)."""

from __future__ import annotations

import pytest

from breakdesk.evals.benchmarks.fuzz_bench import MUTATORS, corpus_files, render, run_fuzz
from tests.conftest import CORPUS

pytestmark = pytest.mark.integration

COUNT = 450  # ~12 s; `python -m breakdesk.evals.benchmarks fuzz -- --count 2000` runs the full report


def test_no_mutated_corpus_file_crashes_the_import_or_is_half_stored(capsys):
    files = corpus_files(CORPUS)
    assert len(files) >= 40
    report = run_fuzz(files, count=COUNT, seed=21)
    with capsys.disabled():
        print("\n" + render(report))
    assert len(report.outcomes) == COUNT and not report.crashed, render(report)
    refused = [o for o in report.outcomes if o.verdict == "refused"]
    assert all(o.located for o in refused), [o.detail for o in refused if not o.located][:5]
    by = report.by_mutation()
    assert set(by) == set(MUTATORS)
    assert by["nul_in_text"]["accepted"] == 0  # a NUL is a data error on every backend
    assert by["truncate"]["refused"] >= 0.9 * sum(by["truncate"].values())  # a cut file is never whole
