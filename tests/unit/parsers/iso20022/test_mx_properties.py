"""Property tests: whatever the bytes, the MX reader returns messages or raises a ParseError — never
anything else (no KeyError, AttributeError, pydantic ValidationError, lxml error …)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from breakdesk.parsers.errors import ParseError
from breakdesk.parsers.iso20022 import parse_mx
from breakdesk.parsers.iso20022.xsd import xsd_findings
from tests.conftest import CORPUS
from tests.unit.parsers.iso20022 import docs

SEEDS: list[bytes] = [
    docs.document("camt.053.001.02", docs.camt053_v2()).encode(),
    docs.document("camt.053.001.08", docs.camt053_v8()).encode(),
    docs.with_bah("pacs.008.001.08", docs.pacs008("08")).encode(),
    docs.document("pacs.009.001.08", docs.pacs009_cov()).encode(),
    docs.document(None, docs.pacs002_v3()).encode(),
    docs.document("pain.001.001.03", docs.pain001("03")).encode(),
    docs.document("pain.002.001.03", docs.pain002_v3()).encode(),
    docs.document("pacs.004.001.09", docs.pacs004("09")).encode(),
    docs.document("camt.056.001.01", docs.camt056("01")).encode(),
    docs.document("camt.029.001.09", docs.camt029("09")).encode(),
]
if CORPUS.is_dir():  # a few real files when the shared corpus is there
    for name in (
        "cbpr-ballerina/CBPRplus_p.2.3.1.a_pacs.009.cov-AtoB.xml",
        "rtp20022/camt056.timeout.xml",
        "prowide-iso20022/pacs.002-CDATA-with-header.xml",
        "moov-iso20022/FI_camt_054_sample.xml.xml",
    ):
        path = CORPUS / name
        if path.is_file():
            SEEDS.append(path.read_bytes())

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _must_only_raise_parse_errors(data: bytes) -> None:
    try:
        for msg in parse_mx(data, filename="fuzz.xml"):
            msg.to_json_dict()
    except ParseError as exc:
        assert exc.file == "fuzz.xml"


@st.composite
def mutated(draw) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 4))):
        if not data:
            break
        i = draw(st.integers(0, len(data) - 1))
        j = draw(st.integers(i, min(len(data), i + 40)))
        op = draw(st.sampled_from(["delete", "insert", "replace", "truncate", "duplicate"]))
        junk = draw(st.binary(max_size=12) | st.sampled_from([b"<", b">", b"&", b"]]>", b"</Amt>", b"-1e999", b"NaN", b"\xff\xfe"]))
        if op == "delete":
            del data[i:j]
        elif op == "insert":
            data[i:i] = junk
        elif op == "replace":
            data[i:j] = junk
        elif op == "truncate":
            del data[i:]
        else:
            data[i:i] = data[i:j]
    return bytes(data)


@st.composite
def text_swapped(draw) -> bytes:
    """Well-formed documents whose element texts are replaced by arbitrary (escaped) strings."""
    seed = draw(st.sampled_from(SEEDS)).decode("utf-8-sig")
    parts = seed.split(">")
    for _ in range(draw(st.integers(1, 6))):
        k = draw(st.integers(0, len(parts) - 1))
        if "<" in parts[k] and not parts[k].startswith("<"):
            value = draw(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=30))
            value = value.replace("&", "&amp;").replace("<", "&lt;")
            parts[k] = value + parts[k][parts[k].index("<"):]
    return ">".join(parts).encode()


@SETTINGS
@given(st.binary(max_size=400))
def test_random_bytes(data):
    _must_only_raise_parse_errors(data)


@SETTINGS
@given(st.binary(max_size=200).map(lambda b: b'<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">' + b))
def test_random_bytes_after_a_plausible_start(data):
    _must_only_raise_parse_errors(data)


@SETTINGS
@given(mutated())
def test_mutated_documents(data):
    _must_only_raise_parse_errors(data)


@SETTINGS
@given(text_swapped())
def test_documents_with_arbitrary_values(data):
    _must_only_raise_parse_errors(data)
    try:
        xsd_findings(data, "fuzz.xml")
    except ParseError:
        pass
