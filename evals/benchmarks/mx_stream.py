"""Benchmark: stream a generated camt.053 of a given size and report peak RSS and throughput.

    python -m evals.benchmarks.mx_stream [size_mb=500] [--keep]

The statement is written to a temporary file in chunks (never held in memory); the streaming reader
then runs in a child process so `ru_maxrss` is its own peak, not this process's. Target: a 500 MB file
with peak RSS under 300 MB.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

NS = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"
HEAD = f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="{NS}"><BkToCstmrStmt><GrpHdr><MsgId>BENCH</MsgId><CreDtTm>2024-03-01T06:00:00</CreDtTm></GrpHdr>
<Stmt><Id>S</Id><CreDtTm>2024-03-01T06:00:00</CreDtTm><Acct><Id><IBAN>DE89370400440532013000</IBAN></Id><Ccy>EUR</Ccy></Acct>
<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">0</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2024-02-29</Dt></Dt></Bal>
"""
ENTRY = (
    '<Ntry><NtryRef>{i}</NtryRef><Amt Ccy="EUR">{i}.01</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>'
    "<BookgDt><Dt>2024-02-29</Dt></BookgDt><ValDt><Dt>2024-02-29</Dt></ValDt><AcctSvcrRef>ASR-{i}</AcctSvcrRef>"
    "<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>"
    "<NtryDtls><TxDtls><Refs><EndToEndId>E2E-{i}</EndToEndId><TxId>TX-{i}</TxId></Refs>"
    '<AmtDtls><TxAmt><Amt Ccy="EUR">{i}.01</Amt></TxAmt></AmtDtls>'
    "<RltdPties><Dbtr><Nm>Payer number {i}</Nm><PstlAdr><StrtNm>Main Street</StrtNm><TwnNm>Berlin</TwnNm>"
    "<Ctry>DE</Ctry></PstlAdr></Dbtr><DbtrAcct><Id><IBAN>DE02120300000000202051</IBAN></Id></DbtrAcct></RltdPties>"
    "<RltdAgts><DbtrAgt><FinInstnId><BIC>BYLADEM1001</BIC></FinInstnId></DbtrAgt></RltdAgts>"
    "<RmtInf><Ustrd>Invoice {i} for services rendered in February 2024, customer reference {i}</Ustrd></RmtInf>"
    "</TxDtls></NtryDtls><AddtlNtryInf>SEPA credit transfer received</AddtlNtryInf></Ntry>\n"
)
TAIL = "</Stmt></BkToCstmrStmt></Document>\n"

CHILD = """
import resource, sys, time
from parsers.iso20022.stream import iter_statement_entries
t = time.perf_counter(); n = 0
for _statement, _entry in iter_statement_entries(sys.argv[1]):
    n += 1
print(n, time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def generate(path: Path, size_mb: int) -> int:
    target = size_mb * 1024 * 1024
    n = 0
    with open(path, "w") as fh:
        fh.write(HEAD)
        written = len(HEAD)
        while written < target:
            chunk = "".join(ENTRY.format(i=n + k) for k in range(1000))
            fh.write(chunk)
            written += len(chunk)
            n += 1000
        fh.write(TAIL)
    return n


def main(argv: list[str]) -> int:
    size_mb = int(argv[0]) if argv and argv[0].isdigit() else 500
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"camt053_{size_mb}mb.xml"
        n = generate(path, size_mb)
        out = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True, text=True, check=True)
        count, seconds, maxrss_kb = out.stdout.split()
        assert int(count) == n, (count, n)
        print(
            f"{path.stat().st_size / 2**20:.0f} MiB, {n} entries: {float(seconds):.1f} s "
            f"({n / float(seconds):.0f} entries/s), peak RSS {int(maxrss_kb) / 1024:.0f} MiB"
        )
    return 0


if __name__ == "__main__":
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    sys.exit(main(sys.argv[1:]))
