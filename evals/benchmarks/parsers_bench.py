"""Parser throughput and memory, side by side with the peer libraries on the same generated files.

    python -m evals.benchmarks parsers [--sizes 10000,100000] [--stream-mb 500]

* MT940 entries/s: Breakdesk vs the `mt-940` PyPI library (`mt940.parse`).
* camt.053 entries/s: Breakdesk vs the `camt053` PyPI library (`camt053.parse_document`, which takes a
  whole document as a string).
* Peak RSS while streaming a large camt.053 with `iter_statement_entries`, measured in a fresh
  subprocess per size so one run's memory cannot hide in another's.
"""

from __future__ import annotations

import argparse
import gc
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

NAMES = ["ACME Trading GmbH", "Globex Corporation", "Initech SARL", "Umbrella Ltd", "Hoffmann Elektro KG",
         "Dupont SARL", "Nordwind Logistik GmbH", "Kontor Buero GmbH", "Verdi Consulting Srl", "Baltic Supplies UAB"]


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


def write_camt053(path: Path, n: int) -> None:
    head = ('<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">'
            "<BkToCstmrStmt><GrpHdr><MsgId>BENCH</MsgId><CreDtTm>2026-11-27T22:00:00</CreDtTm></GrpHdr>"
            "<Stmt><Id>BENCH-1</Id><CreDtTm>2026-11-27T22:00:00</CreDtTm>"
            "<Acct><Id><IBAN>DE89370400440532013000</IBAN></Id><Ccy>EUR</Ccy></Acct>"
            '<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">1000.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-01-01</Dt></Dt></Bal>'
            '<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">1000.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-12-01</Dt></Dt></Bal>\n')
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(head)
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
        fh.write("</Stmt></BkToCstmrStmt></Document>\n")


def _timed(fn) -> tuple[float, int]:
    gc.collect()
    t = time.perf_counter()
    n = fn()
    return time.perf_counter() - t, n


def ours_mt940(path: Path) -> int:
    import parsers

    return sum(len(s.entries) for m in parsers.parse_file(path) for s in m.statements)


def peer_mt940(path: Path) -> int:
    import mt940

    return len(mt940.parse(str(path)))


def ours_camt(path: Path) -> int:
    import parsers

    return sum(len(s.entries) for m in parsers.parse_file(path) for s in m.statements)


def peer_camt(path: Path) -> int:
    import camt053

    return len(list(camt053.parse_document(path.read_text(encoding="utf-8")).all_entries()))


STREAM_CHILD = """
import resource, sys
from parsers.iso20022.stream import iter_statement_entries
n = 0
for _stmt, _entry in iter_statement_entries(sys.argv[1]):
    n += 1
print(n, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


def stream_rss(path: Path) -> tuple[int, int, float]:
    t = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", STREAM_CHILD, str(path)], capture_output=True, text=True, check=True)
    n, rss_mb = map(int, out.stdout.split())
    return n, rss_mb, time.perf_counter() - t


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m evals.benchmarks parsers")
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--stream-mb", default="50,500", help="sizes (MB) of camt.053 files to stream")
    args = ap.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    rows = []
    with tempfile.TemporaryDirectory(prefix="bd-bench-") as tmp:
        for n in sizes:
            mt = Path(tmp) / f"bench_{n}.sta"
            write_mt940(mt, n)
            t_ours, c_ours = _timed(lambda: ours_mt940(mt))
            t_peer, c_peer = _timed(lambda: peer_mt940(mt))
            rows.append(("MT940", n, c_ours / t_ours, "mt-940", c_peer / t_peer))
            cx = Path(tmp) / f"bench_{n}.xml"
            write_camt053(cx, n)
            t_ours, c_ours = _timed(lambda: ours_camt(cx))
            t_peer, c_peer = _timed(lambda: peer_camt(cx))
            rows.append(("camt.053", n, c_ours / t_ours, "camt053", c_peer / t_peer))
            mt.unlink()
            cx.unlink()
        print(f"{'format':<9} {'entries':>8} {'breakdesk e/s':>14} {'peer':<8} {'peer e/s':>10} {'ratio':>6}")
        for fmt, n, ours, peer, theirs in rows:
            print(f"{fmt:<9} {n:>8} {ours:>14,.0f} {peer:<8} {theirs:>10,.0f} {ours / theirs:>5.1f}x")
        print()
        print(f"{'stream camt.053':<16} {'size MB':>8} {'entries':>9} {'peak RSS MB':>12} {'seconds':>8}")
        for mb in [int(s) for s in args.stream_mb.split(",") if s]:
            big = Path(tmp) / f"stream_{mb}.xml"
            write_camt053(big, mb * 1024 * 1024 // 560)
            n, rss, secs = stream_rss(big)
            print(f"{'':<16} {big.stat().st_size / 2**20:>8.0f} {n:>9} {rss:>12} {secs:>8.1f}")
            big.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
