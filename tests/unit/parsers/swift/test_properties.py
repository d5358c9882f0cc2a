"""Property tests: whatever the input, the MT reader raises nothing but `ParseError`.

Mutations start from small valid messages of each family (the corpus is exercised the same way in
tests/integration/test_corpus_mt.py) and insert, delete or replace characters, including braces,
colons, newlines and field tags, which is where tokenizers break.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mt_helpers import STATEMENT, wrap

from breakdesk.parsers.errors import ParseError
from breakdesk.parsers.swift import parse_mt
from breakdesk.parsers.swift.blocks import normalize_newlines, split_envelopes
from breakdesk.parsers.swift.fields import tokenize

SEEDS = [
    STATEMENT,
    wrap("103", ":20:R\n:23B:CRED\n:32A:240315EUR1,5\n:50F:/DE89370400440532013000\n1/JOHN\n3/DE/BERLIN\n:59:/X\nJANE\n:71A:SHA\n:72:/RETN/\n/AC01/\n/MREF/X"),
    wrap("202", ":20:C\n:21:R\n:32A:240315USD1,\n:58A:HSBCSGSG\n:50K:ACME\n:59:BENEF\n:33B:USD1,", block3="{119:COV}"),
    wrap("192", ":20:C\n:21:O\n:11S:103240722\n:79:/DUPL/ X"),
    wrap("196", ":20:A\n:21:C\n:76:/CNCL/\n:11R:103240722"),
    wrap("199", ":20:F\n:79:REASON CODE AC03"),
    wrap("910", ":20:C\n:21:R\n:25:A\n:32A:241215USD10,\n:50K:/DE1\nX"),
    ":20:R\n:25:CH1\n:28C:1/1\n:34F:CHFD100,\n:13D:2407191430+0200\n:61:240719D5,NTRFX\n:86:?20EREF+A?30X\n:90D:1CHF5,\n",
    "{1:F21BANKBEBBAXXX0000000000}{4:{177:1704260717}{451:0}}" + wrap("103", ":20:R\n:32A:240315EUR1,\n:59:B"),
]
ALPHABET = st.sampled_from(list("{}:-$/?\n\r 0123456789ABCDEFGNRSCD,+") + ["\n:61:", "\n:20:", "{1:", "{4:\n", "\n-}", "\n-", "\n:86:", "//"])


@st.composite
def mutated(draw) -> str:
    text = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(1, 6))):
        pos = draw(st.integers(0, len(text)))
        op = draw(st.sampled_from(["insert", "delete", "replace"]))
        piece = draw(ALPHABET)
        if op == "insert":
            text = text[:pos] + piece + text[pos:]
        elif op == "delete":
            text = text[:pos] + text[pos + draw(st.integers(1, 5)) :]
        else:
            text = text[:pos] + piece + text[pos + len(piece) :]
    return text


def _parse_all(data: bytes) -> None:
    try:
        for msg in parse_mt(data, filename="prop.fin"):
            msg.to_json_dict()
    except ParseError as exc:
        assert exc.file == "prop.fin"


FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(st.binary(max_size=400))
def test_arbitrary_bytes(data):
    _parse_all(data)


@FAST
@given(st.lists(ALPHABET, max_size=60))
def test_arbitrary_mt_like_text(pieces):
    _parse_all("".join(pieces).encode())


@FAST
@given(mutated())
def test_mutated_messages(text):
    _parse_all(text.encode("utf-8"))


@FAST
@given(st.text(max_size=300))
def test_tokenizers_take_any_text(text):
    try:
        envelopes = list(split_envelopes(normalize_newlines(text), filename="t"))
    except ParseError:
        return
    for env in envelopes:
        for run in tokenize(env.block4, env.block4_line, bare=env.bare):
            assert all(f.line >= 1 for f in run.fields)
