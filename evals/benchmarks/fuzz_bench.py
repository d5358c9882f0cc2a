"""Damaged input through the import path: `python -m breakdesk.evals.benchmarks fuzz [-- --count N]`.

Real files reach Breakdesk damaged in the ways files travel: cut short by a transfer, a line lost or
doubled by a hand edit, a byte changed by a bad conversion, a NUL from a fixed-width export, a file
re-saved as UTF-16. Each mutation of a corpus file (the `MANIFEST.tsv` corpus, MT and ISO 20022) is
imported through `workflow.ingest_files` into one SQLite store, as `breakdesk cases ingest` does, and
classified:

* **refused**: the report names the file (and the line or XPath where the parser knows one), and the
  store holds exactly what it held before (no partial write);
* **accepted**: imported; the parsed messages are re-validated and their findings counted;
* **crashed**: anything else (a traceback, a refusal that does not name the file, a refused file that
  left rows behind). The count must be 0; `tests/integration/test_fuzz_import.py` runs a bounded
  sample in CI and asserts it.

Mutations are seeded (`--seed`), so a crash is reproducible by its file, mutation and seed.
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import secrets
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select

Mutator = Callable[[bytes, random.Random], bytes]
REPO = Path(__file__).resolve().parents[2]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"
FUZZ_USER = "fuzz-importer"


def _lines(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True)


def _truncate(data: bytes, rnd: random.Random) -> bytes:
    return data[: rnd.randrange(1, len(data))]


def _drop_line(data: bytes, rnd: random.Random) -> bytes:
    lines = _lines(data)
    del lines[rnd.randrange(len(lines))]
    return b"".join(lines)


def _double_line(data: bytes, rnd: random.Random) -> bytes:
    lines = _lines(data)
    i = rnd.randrange(len(lines))
    return b"".join(lines[: i + 1] + lines[i:])


def _swap_lines(data: bytes, rnd: random.Random) -> bytes:
    lines = _lines(data)
    if len(lines) < 2:
        return data[::-1]
    i = rnd.randrange(len(lines) - 1)
    lines[i], lines[i + 1] = lines[i + 1], lines[i]
    return b"".join(lines)


_BYTES = b"\x00\x01\x1a\x7f\xff\xc3:<>&,.9X- \t"


def _change_byte(data: bytes, rnd: random.Random) -> bytes:
    i = rnd.randrange(len(data))
    return data[:i] + bytes([rnd.choice(_BYTES)]) + data[i + 1:]


def _drop_byte(data: bytes, rnd: random.Random) -> bytes:
    i = rnd.randrange(len(data))
    return data[:i] + data[i + 1:]


def _nul_in_text(data: bytes, rnd: random.Random) -> bytes:
    letters = [i for i, b in enumerate(data) if 0x41 <= b <= 0x7A]
    i = rnd.choice(letters) if letters else 0
    return data[:i] + b"\x00" + data[i:]


def _utf16(data: bytes, _rnd: random.Random) -> bytes:
    try:
        return data.decode("utf-8").encode("utf-16")
    except UnicodeDecodeError:
        return data.decode("latin-1").encode("utf-16")


def _amount_digits(data: bytes, rnd: random.Random) -> bytes:
    """A decimal separator lost or doubled in an amount (`131193,19` → `131193,,19` / `13119319`)."""
    seps = [i for i in range(1, len(data) - 1) if data[i] in b",." and chr(data[i - 1]).isdigit() and chr(data[i + 1]).isdigit()]
    if not seps:
        return _change_byte(data, rnd)
    i = rnd.choice(seps)
    return data[:i] + (b"" if rnd.random() < 0.5 else data[i:i + 1]) + data[i:]


MUTATORS: dict[str, Mutator] = {
    "truncate": _truncate, "drop_line": _drop_line, "double_line": _double_line, "swap_lines": _swap_lines,
    "change_byte": _change_byte, "drop_byte": _drop_byte, "nul_in_text": _nul_in_text, "utf16": _utf16,
    "amount_separator": _amount_digits,
}


@dataclass
class Outcome:
    file: str
    mutation: str
    verdict: str  # refused | accepted | crashed
    detail: str = ""
    located: bool = False  # a refusal that names a line or an XPath
    findings: int = 0  # validation findings of an accepted file


@dataclass
class FuzzReport:
    outcomes: list[Outcome] = field(default_factory=list)
    wall_s: float = 0.0
    cpu_s: float = 0.0

    def count(self, verdict: str) -> int:
        return sum(1 for o in self.outcomes if o.verdict == verdict)

    @property
    def crashed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.verdict == "crashed"]

    def by_mutation(self) -> dict[str, Counter[str]]:
        out: dict[str, Counter[str]] = {}
        for o in self.outcomes:
            out.setdefault(o.mutation, Counter())[o.verdict] += 1
        return out


def corpus_files(corpus: Path) -> list[Path]:
    """The corpus files the manifest lists (MT and XML), in manifest order."""
    with (corpus / "MANIFEST.tsv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    return [corpus / r["local_path"] for r in rows if (corpus / r["local_path"]).is_file()]


def mutations(files: list[Path], count: int, seed: int) -> Iterator[tuple[str, str, bytes]]:
    """`count` (file name, mutation, bytes), spread over files and mutations round-robin."""
    rnd = random.Random(seed)
    names = sorted(MUTATORS)
    for n in range(count):
        path = files[n % len(files)]
        data = path.read_bytes()
        if len(data) < 2:
            continue
        mutation = names[(n // len(files) + n) % len(names)]
        yield f"{path.parent.name}-{path.name}", mutation, MUTATORS[mutation](data, rnd)


def _stored_rows(session) -> int:
    from breakdesk.app.store.models import BankEntry, BookItem, ImportBatch, StoredMessage

    return sum(session.execute(select(func.count()).select_from(m)).scalar_one()
               for m in (ImportBatch, StoredMessage, BankEntry, BookItem))


def run_fuzz(files: list[Path], *, count: int, seed: int = 0, database_url: str | None = None) -> FuzzReport:
    """Import every mutation through the store and classify it (see the module docstring)."""
    from breakdesk import parsers
    from breakdesk.app.services.users import bootstrap_user
    from breakdesk.app.services.workflow import ingest_files
    from breakdesk.app.store.db import make_engine, session_scope
    from breakdesk.app.store.migrate import upgrade
    from breakdesk.app.store.repositories.users import get_user

    report = FuzzReport()
    with tempfile.TemporaryDirectory(prefix="breakdesk-fuzz-") as tmp:
        url = database_url or f"sqlite:///{Path(tmp) / 'fuzz.sqlite3'}"
        upgrade(url)
        engine = make_engine(url)
        with session_scope(engine) as session:
            if get_user(session, username=FUZZ_USER) is None:
                bootstrap_user(session, username=FUZZ_USER, role="ops", password=secrets.token_urlsafe(16), origin="fuzz")
        wall, cpu = time.perf_counter(), time.process_time()
        for name, mutation, data in mutations(files, count, seed):
            report.outcomes.append(_one(engine, session_scope, ingest_files, parsers, name, mutation, data))
        report.wall_s, report.cpu_s = time.perf_counter() - wall, time.process_time() - cpu
        engine.dispose()
    return report


def _one(engine, session_scope, ingest_files, parsers, name: str, mutation: str, data: bytes) -> Outcome:
    try:
        with session_scope(engine) as session:
            before = _stored_rows(session)
        with session_scope(engine) as session:
            result = ingest_files(session, files=[(name, data)], user=FUZZ_USER)
        with session_scope(engine) as session:
            after = _stored_rows(session)
    except Exception as exc:  # noqa: BLE001 - any escape is the crash this benchmark counts
        return Outcome(name, mutation, "crashed", f"{type(exc).__name__}: {exc}"[:300])
    if result.errors:
        text = result.errors[0]
        if name not in text:
            return Outcome(name, mutation, "crashed", f"refusal does not name the file: {text[:200]}")
        if after != before:
            return Outcome(name, mutation, "crashed", f"refused but {after - before} rows were written")
        located = bool(re.search(re.escape(name) + r":\d+", text)) or " at /" in text
        return Outcome(name, mutation, "refused", text[:200], located)
    try:
        findings = parsers.validate_messages(parsers.parse(data, filename=name))
    except parsers.ParseError as exc:
        return Outcome(name, mutation, "crashed", f"imported, but does not parse again: {exc}"[:300])
    return Outcome(name, mutation, "accepted", f"{len(findings)} finding(s)", findings=len(findings))


def render(report: FuzzReport) -> str:
    rows = [f"{'mutation':<18} {'tried':>6} {'refused':>8} {'accepted':>9} {'with findings':>14} {'crashed':>8}"]
    flagged: Counter[str] = Counter(o.mutation for o in report.outcomes if o.verdict == "accepted" and o.findings)
    for mutation, c in sorted(report.by_mutation().items()):
        rows.append(f"{mutation:<18} {sum(c.values()):>6} {c['refused']:>8} {c['accepted']:>9} {flagged[mutation]:>14} {c['crashed']:>8}")
    total = len(report.outcomes)
    rows.append(f"{'all':<18} {total:>6} {report.count('refused'):>8} {report.count('accepted'):>9} "
                f"{sum(flagged.values()):>14} {report.count('crashed'):>8}")
    located = sum(1 for o in report.outcomes if o.verdict == "refused" and o.located)
    rows.append(f"refusals naming a line or XPath: {located}/{report.count('refused')}; "
                f"wall {report.wall_s:.1f} s, CPU {report.cpu_s:.1f} s ({1000 * report.wall_s / max(total, 1):.0f} ms a file)")
    for o in report.crashed[:20]:
        rows.append(f"CRASH {o.file} [{o.mutation}]: {o.detail}")
    return "\n".join(rows)


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="fuzz", description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="folder with MANIFEST.tsv (default ../shared/corpus)")
    ap.add_argument("--count", type=int, default=2000, help="mutated files to import (default 2000)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--database-url", default=None, help="a store to import into (default: a fresh SQLite file)")
    args = ap.parse_args(argv)
    if not (args.corpus / "MANIFEST.tsv").is_file():
        print(f"fuzz: no MANIFEST.tsv in {args.corpus}")
        return 2
    report = run_fuzz(corpus_files(args.corpus), count=args.count, seed=args.seed, database_url=args.database_url)
    print(render(report))
    return 1 if report.crashed else 0
