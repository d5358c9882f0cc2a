"""The streaming reader: same result as the full parse, flat memory on a ~30 MB statement."""

from __future__ import annotations

import gc
from decimal import Decimal
from pathlib import Path

import pytest

from breakdesk.parsers.errors import UnknownMessageTypeError
from breakdesk.parsers.iso20022 import parse_mx
from breakdesk.parsers.iso20022.stream import iter_statement_entries
from tests.unit.parsers.iso20022 import docs


def _rss_bytes() -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS")  # pragma: no cover


def test_stream_matches_full_parse(tmp_path):
    path = tmp_path / "s.xml"
    text = docs.with_bah("camt.053.001.02", docs.camt053_v2())
    path.write_text(text)
    pairs = list(iter_statement_entries(path))
    (msg,) = parse_mx(text.encode(), filename=str(path))
    full = msg.statements[0]
    assert [e for _, e in pairs] == full.entries
    statement = pairs[0][0]
    assert statement is pairs[1][0] and statement.entries == []
    assert statement.model_dump(exclude={"entries"}) == full.model_dump(exclude={"entries"})


def test_stream_refuses_non_statements(tmp_path):
    path = tmp_path / "p.xml"
    path.write_text(docs.document("pacs.008.001.08", docs.pacs008("08")))
    with pytest.raises(UnknownMessageTypeError):
        list(iter_statement_entries(path))


ENTRY = (
    "<Ntry><NtryRef>{i}</NtryRef><Amt Ccy=\"EUR\">{i}.01</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>"
    "<BookgDt><Dt>2024-02-29</Dt></BookgDt><AcctSvcrRef>ASR-{i}</AcctSvcrRef><NtryDtls><TxDtls>"
    "<Refs><EndToEndId>E2E-{i}</EndToEndId></Refs><RltdPties><Dbtr><Nm>Payer {i}</Nm></Dbtr></RltdPties>"
    "<RmtInf>{ustrd}</RmtInf></TxDtls></NtryDtls></Ntry>\n"
)


def _write_big_statement(path: Path, target_bytes: int) -> int:
    head, tail = docs.document("camt.053.001.02", docs.camt053_v2()).split("<Ntry>", 1)
    tail = tail.split("</Stmt>", 1)[1]
    # big entries (~8 KB of remittance lines each) reach 30 MB with few entries, so the test stays fast
    ustrd = "".join(f"<Ustrd>{f'remittance line {k:02d} ' * 10}</Ustrd>" for k in range(40))
    n = 0
    with open(path, "w") as fh:
        fh.write(head)
        written = len(head)
        while written < target_bytes:
            chunk = "".join(ENTRY.format(i=n + k, ustrd=ustrd) for k in range(500))
            fh.write(chunk)
            written += len(chunk)
            n += 500
        fh.write("</Stmt>" + tail)
    return n


def test_stream_memory_stays_flat_on_a_30_mb_statement(tmp_path):
    path = tmp_path / "big.xml"
    n = _write_big_statement(path, 30 * 1024 * 1024)
    assert path.stat().st_size > 30 * 1024 * 1024
    gc.collect()
    before = peak = _rss_bytes()
    count = 0
    total = Decimal(0)
    for statement, entry in iter_statement_entries(path):  # noqa: B007 - the last one is checked below
        count += 1
        total += entry.amount
        if count % 1000 == 0:
            peak = max(peak, _rss_bytes())
    assert count == n and statement.account == "DE89370400440532013000"
    assert entry.references.end_to_end_id == f"E2E-{n - 1}"
    assert total == sum(Decimal(f"{i}.01") for i in range(n))
    # a whole-tree parse of this file needs several times its size; streaming stays far below it
    assert peak - before < 40 * 1024 * 1024, f"RSS grew by {(peak - before) / 2**20:.1f} MiB"
