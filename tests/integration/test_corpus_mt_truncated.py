"""Issue #21 item 4: a damaged MT file is never taken as whole. Every MT file of the shared corpus that
parses is cut at every line boundary and at a bounded, seeded set of byte offsets; each cut must be
refused with a located `ParseError`, or give messages whose entries are exactly those of the whole
file's messages (a cut between complete messages). A cut that only shortens a last amount's decimals
(`,19` → `,1`) still reads (it is a valid amount) but must then fail balance continuity.

The run prints a benchmark-style line: files, cuts tried, refused, accepted (all whole).
"""

from __future__ import annotations

import random

import pytest

from breakdesk.parsers import validate_messages
from breakdesk.parsers.errors import ParseError
from breakdesk.parsers.swift import parse_mt
from tests.conftest import CORPUS, load_manifest

pytestmark = pytest.mark.integration

BYTE_CUTS_PER_FILE = 40


def _files():
    if not CORPUS.is_dir():
        return []
    out = []
    for row in load_manifest():
        if not row.message_type.startswith("MT"):
            continue
        data = row.path.read_bytes()
        try:
            msgs = list(parse_mt(data, filename=row.local_path))
        except ParseError:
            continue  # the deliberately broken files: test_corpus_mt checks their errors
        out.append((row.local_path, data, msgs))
    return out


def _cuts(data: bytes, seed: str) -> list[int]:
    lines = [i + 1 for i, b in enumerate(data) if b == 0x0A and i + 1 < len(data)]
    rnd = random.Random(seed)
    body = [p for p in range(1, len(data)) if data[p:].strip()]  # cuts that remove something but spaces
    return sorted(set(lines + rnd.sample(body, min(BYTE_CUTS_PER_FILE, len(body)))))


def _entries(msg):
    return [e.model_dump() for s in msg.statements for e in s.entries] + [t.model_dump() for t in msg.transactions]


def test_no_cut_of_a_corpus_file_is_read_as_a_whole_file():
    files = _files()
    assert len(files) >= 30
    tried = refused = accepted = 0
    for name, data, whole in files:
        for cut in _cuts(data, name):
            if not data[cut:].strip():
                continue  # nothing but trailing spaces lost
            tried += 1
            try:
                got = list(parse_mt(data[:cut], filename=name))
            except ParseError as exc:
                refused += 1
                assert exc.file == name and exc.line is not None, (name, cut, exc)
                continue
            accepted += 1
            assert len(got) <= len(whole), (name, cut)
            if not got:
                continue  # e.g. only the ACK service message before the first business message
            for part, full in zip(got, whole):
                assert _entries(part) == _entries(full), f"{name} cut at byte {cut}: a message lost entries"
            last, full = got[-1], whole[len(got) - 1]
            for st, full_st in zip(last.statements, full.statements):
                if [b.model_dump() for b in st.balances] != [b.model_dump() for b in full_st.balances]:
                    codes = {f.code for f in validate_messages(got) if f.severity == "error"}
                    assert codes & {"BALANCE_DISCONTINUITY", "STATEMENT_CHAIN_BREAK"} or st.closing_balance == full_st.closing_balance, (
                        f"{name} cut at byte {cut}: a balance changed and nothing says so")
    print(f"\ntruncation fuzz: files={len(files)} tried={tried} refused={refused} accepted={accepted}")
    assert refused > accepted


def test_the_cli_refuses_a_cut_corpus_statement_and_reads_it_in_utf16(tmp_path):
    """The issue's probe: an MT940 cut inside :86: passed `parse` and `validate --strict` with exit 0;
    a UTF-16 MT file was refused as an "XML error"."""
    from click.testing import CliRunner

    from breakdesk.app.cli.main import cli

    data = (CORPUS / "wolph-mt940/jejik/abnamro.sta").read_bytes().replace(b"\r\n", b"\n")
    cut = tmp_path / "cut.sta"
    cut.write_bytes(data[: data.rindex(b":86:") + 12])  # inside the last :86:, its :62F: gone
    for args in (["parse", "--strict", str(cut)], ["validate", "--strict", str(cut)]):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 2 and f"{cut}:" in result.stderr and ":62a:" in result.stderr, result.output
    # Issue #16: read leniently, the file's complete statements are read and the cut one is left out
    # whole, as an error finding under the message before it.
    result = CliRunner().invoke(cli, ["parse", str(cut)])
    assert result.exit_code == 0 and "error: UNREADABLE_MESSAGE: field :62a:" in result.stdout, result.output
    whole = list(parse_mt(data))
    assert result.stdout.count(": MT940  statement") == len(whole) - 1
    utf16 = tmp_path / "utf16.sta"
    utf16.write_bytes(data.decode("latin-1").encode("utf-16"))
    result = CliRunner().invoke(cli, ["parse", "--json", str(utf16)])
    assert result.exit_code == 0 and "XML" not in result.stderr, result.output
    assert len(result.stdout.strip().split("\n")) == len(list(parse_mt(data)))
