"""`breakdesk cases ingest` of a large camt.053, as a user runs it: streamed page by page vs read whole.

    python -m breakdesk.evals.benchmarks ingest [-- --entries 20000,100000 --stream-only-above 100000 --postgres]

For each size, a realistic camt.053 (`statements.write_camt053`: structured remittance, charges,
batch bookings, returns, non-ASCII names) is imported into a fresh SQLite (or, with `--postgres`, a
fresh PostgreSQL) database by the CLI in a
child process, twice: with `BREAKDESK_STREAM_IMPORT_MB=0` (entry by entry, in pages: the default for a
file of 16 MB or more) and with the streaming threshold above the file (parsed whole, as every import
was before issue #16). The peer of the streamed import is that whole-file import, on the same file.

Columns: wall and CPU seconds of the child, entries per wall second, and the child's own peak RSS
(`VmHWM`), with its RSS at start (before the command imports what it needs). The
case refresh of every page is part of the timing: it is what a user waits for.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = r"""
import os, resource, sys, time
t0, c0 = time.perf_counter(), time.process_time()
from breakdesk.app.cli.main import cli
def hwm():
    with open("/proc/self/status") as fh:
        return int(next(l for l in fh if l.startswith("VmHWM:")).split()[1]) // 1024
base = hwm()
try:
    cli.main(args=sys.argv[1:], standalone_mode=False)
    code = 0
except SystemExit as exc:
    code = exc.code or 0
print("BENCH", code, base, hwm(), time.perf_counter() - t0, time.process_time() - c0, file=sys.stderr)
"""


def _prepare(data_dir: Path, url: str | None) -> dict[str, str]:
    env = {**os.environ, "BREAKDESK_DATA_DIR": str(data_dir), "BREAKDESK_LLM": "none", "BREAKDESK_BCRYPT_ROUNDS": "4"}
    env.pop("DATABASE_URL", None)
    if url:
        env["DATABASE_URL"] = url
    password = "bench-password-1"
    run = [sys.executable, "-m", "breakdesk.app.cli"]
    subprocess.run([*run, "users", "add", "ada", "--role", "admin", "--password-stdin"], env=env, input=password + "\n",
                   check=True, capture_output=True, text=True)
    subprocess.run([*run, "users", "add", "olivia", "--role", "ops", "--as", "ada", "--password-stdin"], env=env,
                   input=f"{password}\n{password}\n", check=True, capture_output=True, text=True)
    return env


def _ingest(path: Path, data_dir: Path, *, stream: bool, postgres: bool = False) -> tuple[int, int, int, float, float]:
    if postgres:  # a fresh database of the local server, dropped afterwards
        from breakdesk.app.store.testing import temporary_postgres_database

        with temporary_postgres_database() as url:
            return _ingest_into(path, data_dir, stream=stream, url=url)
    return _ingest_into(path, data_dir, stream=stream, url=None)


def _ingest_into(path: Path, data_dir: Path, *, stream: bool, url: str | None) -> tuple[int, int, int, float, float]:
    env = _prepare(data_dir, url)
    env["BREAKDESK_STREAM_IMPORT_MB"] = "0" if stream else "100000"
    out = subprocess.run([sys.executable, "-c", CHILD, "cases", "ingest", str(path), "--as", "olivia", "--password-stdin"],
                         env=env, input="bench-password-1\n", capture_output=True, text=True)
    line = next((ln for ln in out.stderr.splitlines() if ln.startswith("BENCH ")), None)
    if line is None:
        raise RuntimeError(f"ingest failed: {out.stderr[-2000:]}")
    _, code, base, peak, wall, cpu = line.split()
    if int(code) != 0:
        raise RuntimeError(f"ingest exit {code}: {out.stderr[-2000:]}")
    return int(code), int(base), int(peak), float(wall), float(cpu)


def main(argv: list[str] | None = None) -> int:
    from breakdesk.evals.benchmarks.statements import write_camt053

    ap = argparse.ArgumentParser(prog="python -m breakdesk.evals.benchmarks ingest")
    ap.add_argument("--entries", default="20000,100000", help="entries per generated camt.053")
    ap.add_argument("--stream-only-above", type=int, default=100_000,
                    help="sizes above this are imported streamed only (read whole they need many GB)")
    ap.add_argument("--postgres", action="store_true",
                    help="into a fresh database of the PostgreSQL server at 127.0.0.1 (default: SQLite)")
    args = ap.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory(prefix="bd-ingest-") as tmp:
        for n in [int(s) for s in args.entries.split(",") if s]:
            path = Path(tmp) / f"day_{n}.xml"
            write_camt053(path, n)
            mb = path.stat().st_size / 1e6
            modes = [True] if n > args.stream_only_above else [True, False]
            for stream in modes:
                data = Path(tmp) / f"data_{n}_{'s' if stream else 'w'}"
                _, base, peak, wall, cpu = _ingest(path, data, stream=stream, postgres=args.postgres)
                rows.append((n, mb, "streamed" if stream else "whole", wall, cpu, peak, base))
            path.unlink()
    print(f"breakdesk cases ingest of a realistic camt.053 into {'PostgreSQL' if args.postgres else 'SQLite'} "
          "(child process; the case refresh included)")
    print(f"{'entries':>8} {'MB':>6} {'mode':<9} {'wall s':>7} {'CPU s':>7} {'entries/s':>9} {'peak RSS MB':>11} "
          f"{'at start':>13} {'vs whole':>9}")
    whole = {(n): (wall, peak) for n, _mb, mode, wall, _c, peak, _b in rows if mode == "whole"}
    for n, mb, mode, wall, cpu, peak, base in rows:
        ratio = ""
        if mode == "streamed" and n in whole:
            ratio = f"{whole[n][0] / wall:.1f}x, {whole[n][1] / peak:.1f}x less memory"
        print(f"{n:>8} {mb:>6.0f} {mode:<9} {wall:>7.1f} {cpu:>7.1f} {n / wall:>9,.0f} {peak:>11} {base:>13} {ratio:>9}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
