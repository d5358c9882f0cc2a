"""The public switch of the compiled readers: tests and operators turn them off without touching the
readers' internals, BREAKDESK_SPEEDUPS=0 does it for a process, and both paths read the same."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from breakdesk import parsers
from breakdesk.parsers import speedups

DEMO_DAY = Path(__file__).resolve().parents[3] / "app" / "samples" / "demo-day"


def test_disabled_reads_the_same_through_the_python_readers_and_restores_the_compiled_path() -> None:
    files = [DEMO_DAY / "03_camt053_acme_2026-11-27.xml", DEMO_DAY / "01_pain001_acme_2026-11-27.xml"]
    assert speedups.available(), "the C readers are built by the editable install of a checkout"
    assert speedups.enabled()
    fast = [parsers.parse_file(f) for f in files]
    with speedups.disabled():
        assert not speedups.enabled()
        slow = [parsers.parse_file(f) for f in files]
    assert speedups.enabled()
    assert [[m.model_dump() for m in msgs] for msgs in fast] == [[m.model_dump() for m in msgs] for msgs in slow]


def test_the_environment_turns_the_compiled_readers_off_for_a_process() -> None:
    code = ("from breakdesk import parsers; from breakdesk.parsers import speedups;"
            f"n = len(parsers.parse_file({str(DEMO_DAY / '03_camt053_acme_2026-11-27.xml')!r})[0].statements[0].entries);"
            "print(speedups.available(), speedups.enabled(), n)")
    for value, expected in (("0", "True False 9"), ("1", "True True 9")):
        out = subprocess.run([sys.executable, "-c", code], env={**os.environ, speedups.ENV: value},
                             capture_output=True, text=True, check=True).stdout.split()
        assert " ".join(out) == expected
