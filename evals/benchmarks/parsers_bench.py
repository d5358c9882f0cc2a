"""Parser throughput and memory, side by side with the peer libraries on the same generated files.

    python -m breakdesk.evals.benchmarks parsers [--input realistic|plain] [--sizes 10000,100000]
                                                 [--stream-mb 50,500] [--repeat 3] [--memory]

The default input is `realistic` (evals/benchmarks/statements.py): the mix of entries a bank's day holds
(structured remittance, charges, batch bookings, returns, party ids, non-ASCII names, two `:86:`
dialects). `plain` is the earlier one-shape ASCII file, kept to compare with old figures.

* MT940 entries/s: Breakdesk (`parsers.parse_file`) vs the `mt-940` PyPI library (`mt940.parse`).
* camt.053 entries/s: Breakdesk vs the `camt053` PyPI library (`camt053.parse_document`, which takes
  the whole document as a string, so its time includes reading the file, as ours does).
* Peak RSS of each parser on the largest file, each in a fresh process (`--memory`).
* Peak RSS while streaming a large camt.053 with `iter_statement_entries`, in a fresh subprocess per
  size.

Fairness: both libraries parse the same file into their own objects and we count the entries each
returns. Imports and a first warm-up run happen before any timing; each library is then timed
`--repeat` times (interleaved with the other, so a burst of load on a shared machine hits both) after a
`gc.collect()`, and the best run counts. The table reports wall-clock entries/s; the CPU column
(`time.process_time`) is shown too because it is far less sensitive to other processes.

Peak RSS is the child's own high-water mark (`VmHWM` in /proc/self/status). `ru_maxrss` is not used
on Linux: it survives `execve`, so a child spawned by this (large) benchmark process reported the
parent's RSS (210 MB for a 20 MB file), not its own.
"""

from __future__ import annotations

import argparse
import gc
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

NAMES = ["ACME Trading GmbH", "Globex Corporation", "Initech SARL", "Umbrella Ltd", "Hoffmann Elektro KG",
         "Dupont SARL", "Nordwind Logistik GmbH", "Kontor Buero GmbH", "Verdi Consulting Srl", "Baltic Supplies UAB"]

FOOTNOTES = [
    "mt-940 splits only German ?NN subfields of :86: (a /EREF/-style narrative stays one string) and "
    "records no line numbers; Breakdesk splits both dialects into references, counterparty and "
    "remittance and gives every entry its provenance.",
    "camt053 keeps amounts and dates as strings and reads no remittance or bank transaction code; "
    "Breakdesk builds Decimal/date values, remittance, bank transaction codes and an XPath+line "
    "provenance for each entry, transaction detail and party.",
    "`parsers.parse` pauses CPython's cyclic garbage collector while it builds a file's objects (see "
    "parsers/collector.py); the peers do not. This column gives them the same pause, so its ratio "
    "compares the parsing alone. The time of the collection that follows a pause is counted for both.",
]


# --- generated inputs --------------------------------------------------------------------------

def _rows(n: int, seed: int = 7):
    rnd = random.Random(seed)
    start = date(2026, 1, 2)
    for i in range(n):
        d = start + timedelta(days=(i // 400) % 330)
        amount = Decimal(rnd.randint(100, 5_000_000)) / 100
        yield i, d, amount, ("C" if rnd.random() < 0.45 else "D"), NAMES[i % len(NAMES)]


def write_mt940(path: Path, n: int, per_statement: int = 100) -> None:
    with open(path, "w", encoding="utf-8", newline="\r\n") as fh:
        stmt = 0
        for i, d, amount, cd, name in _rows(n):
            if i % per_statement == 0:
                if i:
                    fh.write(f":62F:C{d:%y%m%d}EUR1000,00\n-}}\n")
                stmt += 1
                fh.write("{1:F01COBADEFFAXXX0000000000}{2:O9401200261127COBADEFFAXXX00000000002611271200N}{4:\n")
                fh.write(f":20:STMT{stmt:08d}\n:25:DE89370400440532013000\n:28C:{stmt}/1\n:60F:C{d:%y%m%d}EUR1000,00\n")
            amt = f"{amount:.2f}".replace(".", ",")
            fh.write(f":61:{d:%y%m%d}{d:%m%d}{cd}{amt}NTRFE2E-{i:09d}//CBK{i:010d}\n")
            fh.write(f":86:/EREF/E2E-{i:09d}/NAME/{name}/REMI/Invoice {i} payment/IBAN/DE89370400440532013000\n")
        fh.write(f":62F:C{date(2026, 12, 1):%y%m%d}EUR1000,00\n-}}\n")


_CAMT_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">'
    "<BkToCstmrStmt><GrpHdr><MsgId>BENCH</MsgId><CreDtTm>2026-11-27T22:00:00</CreDtTm></GrpHdr>"
    "<Stmt><Id>BENCH-1</Id><CreDtTm>2026-11-27T22:00:00</CreDtTm>"
    "<Acct><Id><IBAN>DE89370400440532013000</IBAN></Id><Ccy>EUR</Ccy></Acct>"
    '<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">1000.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-01-01</Dt></Dt></Bal>'
    '<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">1000.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-12-01</Dt></Dt></Bal>\n'
)
_CAMT_TAIL = "</Stmt></BkToCstmrStmt></Document>\n"


def write_camt053(path: Path, n: int) -> None:
    """A camt.053 of `n` entries, each with one TxDtls (end-to-end id, counterparty, remittance)."""
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(_CAMT_HEAD)
        buf = []
        for i, d, amount, cd, name in _rows(n):
            ind = "CRDT" if cd == "C" else "DBIT"
            party = "Dbtr" if cd == "C" else "Cdtr"
            buf.append(
                f'<Ntry><Amt Ccy="EUR">{amount:.2f}</Amt><CdtDbtInd>{ind}</CdtDbtInd><Sts>BOOK</Sts>'
                f"<BookgDt><Dt>{d.isoformat()}</Dt></BookgDt><ValDt><Dt>{d.isoformat()}</Dt></ValDt>"
                f"<AcctSvcrRef>CBK{i:010d}</AcctSvcrRef><BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>"
                f'<NtryDtls><TxDtls><Refs><EndToEndId>E2E-{i:09d}</EndToEndId></Refs><AmtDtls><TxAmt><Amt Ccy="EUR">{amount:.2f}</Amt></TxAmt></AmtDtls>'
                f"<RltdPties><{party}><Nm>{name}</Nm></{party}></RltdPties><RmtInf><Ustrd>Invoice {i} payment</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>\n"
            )
            if len(buf) >= 2000:
                fh.write("".join(buf))
                buf.clear()
        fh.write("".join(buf))
        fh.write(_CAMT_TAIL)


# A fuller entry for the memory run (postal address, accounts, agent, additional info): ~1 KB each.
_RICH_ENTRY = (
    '<Ntry><NtryRef>{i}</NtryRef><Amt Ccy="EUR">{i}.01</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>'
    "<BookgDt><Dt>2026-02-27</Dt></BookgDt><ValDt><Dt>2026-02-27</Dt></ValDt><AcctSvcrRef>ASR-{i}</AcctSvcrRef>"
    "<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>"
    "<NtryDtls><TxDtls><Refs><EndToEndId>E2E-{i}</EndToEndId><TxId>TX-{i}</TxId></Refs>"
    '<AmtDtls><TxAmt><Amt Ccy="EUR">{i}.01</Amt></TxAmt></AmtDtls>'
    "<RltdPties><Dbtr><Nm>Payer number {i}</Nm><PstlAdr><StrtNm>Main Street</StrtNm><TwnNm>Berlin</TwnNm>"
    "<Ctry>DE</Ctry></PstlAdr></Dbtr><DbtrAcct><Id><IBAN>DE02120300000000202051</IBAN></Id></DbtrAcct></RltdPties>"
    "<RltdAgts><DbtrAgt><FinInstnId><BIC>BYLADEM1001</BIC></FinInstnId></DbtrAgt></RltdAgts>"
    "<RmtInf><Ustrd>Invoice {i} for services rendered in February 2026, customer reference {i}</Ustrd></RmtInf>"
    "</TxDtls></NtryDtls><AddtlNtryInf>SEPA credit transfer received</AddtlNtryInf></Ntry>\n"
)


def write_large_camt053(path: Path, size_mb: int) -> int:
    """A camt.053 of about `size_mb` MiB, written in chunks (never held in memory); returns its entries."""
    target = size_mb * 1024 * 1024
    n = 0
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(_CAMT_HEAD)
        written = len(_CAMT_HEAD)
        while written < target:
            chunk = "".join(_RICH_ENTRY.format(i=n + k) for k in range(1000))
            fh.write(chunk)
            written += len(chunk)
            n += 1000
        fh.write(_CAMT_TAIL)
    return n


# --- the parsers under test (imported before timing) -------------------------------------------

def ours(path: Path) -> int:
    from breakdesk import parsers
    return sum(len(s.entries) for m in parsers.parse_file(path) for s in m.statements)


def peer_mt940(path: Path) -> int:
    import mt940

    return len(mt940.parse(str(path)))


def peer_camt(path: Path) -> int:
    import camt053

    return len(list(camt053.parse_document(path.read_text(encoding="utf-8")).all_entries()))


def paused(peer: Callable[[Path], int], path: Path) -> int:
    """The peer with the cyclic collector paused as `parsers.parse` pauses it: the like-for-like
    comparison of the parsing itself (footnote 3)."""
    from breakdesk.parsers.collector import collector_paused

    with collector_paused():
        return peer(path)


def best_of(runs: dict[str, Callable[[], int]], repeat: int) -> dict[str, tuple[int, float, float]]:
    """{name: (entries, best wall seconds, best CPU seconds)}; one warm-up each, then interleaved runs."""
    counts = {name: fn() for name, fn in runs.items()}  # warm-up: imports, caches, first-touch of the file
    wall = dict.fromkeys(runs, float("inf"))
    cpu = dict.fromkeys(runs, float("inf"))
    for _ in range(repeat):
        for name, fn in runs.items():
            gc.collect()
            t, c = time.perf_counter(), time.process_time()
            n = fn()
            wall[name] = min(wall[name], time.perf_counter() - t)
            cpu[name] = min(cpu[name], time.process_time() - c)
            if n != counts[name]:
                raise AssertionError(f"{name}: {n} entries, {counts[name]} on the warm-up run")
    return {name: (counts[name], wall[name], cpu[name]) for name in runs}


MEMORY_CHILD = """
import sys
from breakdesk.evals.benchmarks import parsers_bench as b
base = b.peak_mb()
n = {"breakdesk": b.ours, "mt-940": b.peer_mt940, "camt053": b.peer_camt}[sys.argv[1]](b.Path(sys.argv[2]))
print(n, base, b.peak_mb())
"""


def peak_mb() -> int:
    with open("/proc/self/status") as fh:
        return int(next(line for line in fh if line.startswith("VmHWM:")).split()[1]) // 1024


def parse_rss(parser: str, path: Path) -> tuple[int, int, int]:
    """(entries, RSS MB after imports, peak RSS MB) of one parser reading `path` in a fresh process."""
    out = subprocess.run([sys.executable, "-c", MEMORY_CHILD, parser, str(path)], capture_output=True, text=True, check=True)
    n, base, peak = out.stdout.split()
    return int(n), int(base), int(peak)


STREAM_CHILD = """
import resource, sys, time
from breakdesk.parsers.iso20022.stream import iter_statement_entries

def peak_mb():
    try:
        with open("/proc/self/status") as fh:
            return int(next(l for l in fh if l.startswith("VmHWM:")).split()[1]) // 1024
    except OSError:  # not Linux: ru_maxrss (KiB on Linux/BSD; bytes on macOS)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return rss // 2**20 if sys.platform == "darwin" else rss // 1024

base = peak_mb()
t = time.perf_counter()
n = 0
for _statement, _entry in iter_statement_entries(sys.argv[1]):
    n += 1
print(n, base, peak_mb(), time.perf_counter() - t)
"""


def stream_rss(path: Path) -> tuple[int, int, int, float]:
    """(entries, RSS MB after imports, peak RSS MB, seconds) of streaming `path` in a fresh process."""
    out = subprocess.run([sys.executable, "-c", STREAM_CHILD, str(path)], capture_output=True, text=True, check=True)
    n, base, peak, secs = out.stdout.split()
    return int(n), int(base), int(peak), float(secs)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m breakdesk.evals.benchmarks parsers")
    ap.add_argument("--sizes", default="10000,100000", help="entries per generated file")
    ap.add_argument("--stream-mb", default="50,500", help="sizes (MB) of camt.053 files to stream")
    ap.add_argument("--repeat", type=int, default=3, help="timed runs per parser; the best counts")
    ap.add_argument("--input", choices=("realistic", "plain"), default="realistic",
                    help="realistic: a bank's mix of entries (default); plain: the earlier one-shape ASCII file")
    ap.add_argument("--memory", action="store_true", help="also the peak RSS of each parser on the largest file")
    args = ap.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    if args.input == "realistic":
        from breakdesk.evals.benchmarks import statements

        writers = {"MT940": statements.write_mt940, "camt.053": statements.write_camt053}
    else:
        writers = {"MT940": write_mt940, "camt.053": write_camt053}
    rows, memory = [], []
    with tempfile.TemporaryDirectory(prefix="bd-bench-") as tmp:
        for n in sizes:
            for fmt, suffix, peer_name, peer in (
                ("MT940", "sta", "mt-940", peer_mt940),
                ("camt.053", "xml", "camt053", peer_camt),
            ):
                path = Path(tmp) / f"bench_{n}.{suffix}"
                writers[fmt](path, n)
                res = best_of({"breakdesk": lambda: ours(path), peer_name: lambda: peer(path),  # noqa: B023
                               "paused": lambda: paused(peer, path)}, args.repeat)  # noqa: B023
                rows.append((fmt, n, res["breakdesk"], peer_name, res[peer_name], res["paused"]))
                if args.memory and n == max(sizes):
                    memory.append((fmt, n, parse_rss("breakdesk", path), peer_name, parse_rss(peer_name, path)))
                path.unlink()
        print(f"input: {args.input}; best of {args.repeat} runs; e/s = entries per wall-clock second (CPU-time e/s in brackets)")
        print(f"{'format':<9} {'entries':>8} {'breakdesk e/s':>24} {'peer':<8} {'peer e/s':>24} {'ratio':>6} {'(CPU)':>6}"
              f" {'peer, GC paused [3]':>24} {'ratio':>6}")
        for fmt, n, (c_ours, w_ours, p_ours), peer_name, (c_peer, w_peer, p_peer), (_, w_pp, p_pp) in rows:
            ours_s = f"{c_ours / w_ours:,.0f} ({c_ours / p_ours:,.0f})"
            peer_s = f"{c_peer / w_peer:,.0f} ({c_peer / p_peer:,.0f})"
            paused_s = f"{c_peer / w_pp:,.0f} ({c_peer / p_pp:,.0f})"
            print(f"{fmt:<9} {n:>8} {ours_s:>24} {peer_name:<8} {peer_s:>24} "
                  f"{w_peer / w_ours * c_ours / c_peer:>5.1f}x {p_peer / p_ours * c_ours / c_peer:>5.1f}x"
                  f" {paused_s:>24} {w_pp / w_ours * c_ours / c_peer:>5.1f}x")
            if c_ours != c_peer:
                print(f"  note: breakdesk counted {c_ours} entries, {peer_name} {c_peer}")
        for i, note in enumerate(FOOTNOTES, 1):
            print(f"  [{i}] {note}")
        if memory:
            print()
            print(f"{'peak RSS MB':<12} {'entries':>8} {'breakdesk':>10} {'peer':<8} {'peer MB':>8}  (after imports: ours / peer)")
            for fmt, n, (_, b_ours, p_ours), peer_name, (_, b_peer, p_peer) in memory:
                print(f"{fmt:<12} {n:>8} {p_ours:>10} {peer_name:<8} {p_peer:>8}  ({b_ours} / {b_peer})")
        print()
        print(f"{'stream camt.053':<16} {'size MB':>8} {'entries':>9} {'RSS after import':>17} {'peak RSS MB':>12} {'seconds':>8} {'e/s':>8}")
        for mb in [int(s) for s in args.stream_mb.split(",") if s]:
            big = Path(tmp) / f"stream_{mb}.xml"
            expected = write_large_camt053(big, mb)
            n, base, peak, secs = stream_rss(big)
            if n != expected:
                raise AssertionError(f"streamed {n} entries of {expected}")
            print(f"{'':<16} {big.stat().st_size / 2**20:>8.0f} {n:>9} {base:>17} {peak:>12} {secs:>8.1f} {n / secs:>8,.0f}")
            big.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
