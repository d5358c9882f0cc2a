"""Every SWIFT MT file of the shared corpus, read in place, against the facts its MANIFEST notes state.

The notes' counts are mechanical (e.g. ':20:' lines); where the right parse differs, `OVERRIDES`
holds the correct value with the reason. Deliberately broken files must fail with a located
`ParseError`. Per bank dialect, a spot check pins real values (amount, date, IBAN, reference).
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from click.testing import CliRunner

from breakdesk import parsers
from breakdesk.parsers.canonical import Message
from breakdesk.parsers.errors import FieldError, MissingFieldError, ParseError, UnknownMessageTypeError
from breakdesk.parsers.swift import parse_mt
from breakdesk.parsers.swift.fields import tokenize
from tests.conftest import CORPUS, load_manifest
from tests.support.reference_readers import assert_reads_alike

pytestmark = pytest.mark.integration

MT_ROWS = [row for row in load_manifest() if row.message_type.startswith("MT")] if CORPUS.is_dir() else []

#: path → (error class, line, tag) for the files the corpus describes as broken or invalid.
BROKEN = {
    # ":61:3454543545CY1234,..." - value date 345454 (month 54) is impossible.
    "prowide-core/sample_JPchar.txt": (FieldError, 6, "61"),
    # Truncated snippet: a ':25:' carrying :86: content follows the ':61:' (and no '-' ends it).
    "wolph-mt940/betterplace/sepa_snippet_broken.sta": (FieldError, 6, "25"),
    # ":61:1602300301..." - 30 February as value date.
    "wolph-mt940/self-provided/february_30.sta": (FieldError, 6, "61"),
    # Lines "1".."10": no MT field at all.
    "wolph-mt940/self-provided/invalid_statement.sta": (UnknownMessageTypeError, 1, None),
    # Issue #21: a statement without its closing balance :62F: (two entries, then the file ends). It is a
    # hand-made snippet of the wolph library, not a bank export, and exactly what an MT940 cut inside
    # :86: looks like. A payments engineer does not book entries no closing balance confirms: refused,
    # located at the last line read. (With issue #16's leniency it becomes an error finding.)
    "wolph-mt940/self-provided/gv_codes.sta": (MissingFieldError, 7, "62a"),
    # Issue #21: after the statement's '-' a headless ':61:' follows with no :20:, :25:, :28C:, :60a:
    # or :62a:. It used to be read as a continuation of the first statement; no balance covers it, so
    # it is refused (the first statement, complete, is lost with it until issue #16 reads per message):
    # at its :61:, which has no currency because no :60a: came before it.
    "wolph-mt940/self-provided/multiline.sta": (MissingFieldError, 38, "60a"),
}

#: Issue #16: how the same files read leniently (the default): path → (entries per statement read,
#: [(finding code, line)]); a file whose only message cannot be read is still refused as in BROKEN.
LENIENT = {
    "prowide-core/sample_JPchar.txt": ([0], [("UNREADABLE_ENTRY", 6)]),
    "wolph-mt940/self-provided/february_30.sta": ([0], [("UNREADABLE_ENTRY", 6)]),
    "wolph-mt940/self-provided/multiline.sta": ([1], [("UNREADABLE_MESSAGE", 38)]),
}

#: Where the notes' mechanical counts differ from the right parse.
OVERRIDES = {
    # Old Rabobank format writes one ':86:' per narrative line: 12 ':86:' lines are the narratives of
    # the 5 entries (merged by the `merge_consecutive_86` processor). The raw count is still checked.
    "wolph-mt940/jejik/rabobank.sta": {"fields86": 5, "raw86": 12},
    # Sberbank writes its narratives in non-standard ':NS:' fields (0 ':86:'): the three after a
    # ':61:' belong to the entries (narrative_fields NSnn), the one after ':28:' is the statement's
    # own information and lands where a statement-level ':86:' would (Statement.additional_info).
    "wolph-mt940/sberbank/171011_01234945.sta": {"fields86": 1, "raw86": 0, "ns_entries": 3},
}

_NOTE_FACTS = {
    "block2": re.compile(r"(\d+) message\(s\) with block 2"),
    "statements20": re.compile(r"(\d+) statement\(s\) \(:20:\)"),
    "entries": re.compile(r"(\d+) :61: lines"),
    "fields86": re.compile(r"(\d+) :86: fields"),
    "acks": re.compile(r"(\d+) ACK/NAK service blocks"),
}


def _parse(row, *, strict: bool = False) -> list[Message]:
    return list(parse_mt(row.path.read_bytes(), filename=row.local_path, strict=strict))


def _derived(row, msgs: list[Message]) -> dict:
    lines = row.path.read_bytes().decode("latin-1").replace("\r\n", "\n").split("\n")
    statements = [s for m in msgs for s in m.statements]
    entries = [e for s in statements for e in s.entries]
    from_86 = [e for e in entries if e.additional_info is not None and not any(k.startswith("NS") for k in e.narrative_fields)]
    statement_86 = [s for s in statements if s.additional_info]
    return {
        "messages": len(msgs),
        "block2": sum(m.header.has_application_header for m in msgs),
        "statements20": sum(1 for s in statements if lines[s.provenance.line - 1].startswith(":20:")),
        "entries": len(entries) if any(m.family in ("MT940", "MT942", "MT950") for m in msgs) else None,
        "fields86": len(from_86) + len(statement_86),
        "acks": sum(1 for m in msgs if m.header.network_ack),
        "ns_entries": sum(1 for e in entries if any(k.startswith("NS") for k in e.narrative_fields)),
        "raw86": sum(1 for run in tokenize(row.path.read_text("latin-1"), 1, bare=True) for f in run.fields if f.tag == "86"),
    }


@pytest.mark.parametrize("row", MT_ROWS, ids=lambda r: r.local_path)
def test_the_compiled_fast_path_reads_every_file_as_the_python_reader_does(row):
    """parsers/swift/_speedups.c against its reference, file by file: same objects or same error."""
    assert_reads_alike(lambda: _parse(row), row.local_path)


def test_manifest_has_the_mt_files():
    assert len(MT_ROWS) == 40
    assert set(BROKEN) | set(OVERRIDES) <= {r.local_path for r in MT_ROWS}


@pytest.mark.parametrize("row", MT_ROWS, ids=lambda r: r.local_path)
def test_every_mt_file_matches_its_notes(row):
    if row.local_path in BROKEN:
        error, line, tag = BROKEN[row.local_path]
        with pytest.raises(error) as exc:
            _parse(row, strict=True)
        assert (exc.value.file, exc.value.line, exc.value.tag) == (row.local_path, line, tag)
        assert f"{row.local_path}:{line}" in str(exc.value)
        with pytest.raises(ParseError):  # the public entry point refuses it the same way
            parsers.parse(row.path, strict=True)
        if row.local_path in LENIENT:
            entries, found = LENIENT[row.local_path]
            msgs = _parse(row)
            assert [len(s.entries) for m in msgs for s in m.statements] == entries
            assert [(f.code, f.location.line) for m in msgs for f in m.findings] == found
            assert all(f.value and f.location.file == row.local_path for m in msgs for f in m.findings)
        else:
            with pytest.raises(error):  # its only message cannot be read: refused leniently too
                _parse(row)
        return
    msgs = _parse(row)
    assert msgs, "no message read"
    got = _derived(row, msgs)
    expected = {k: int(m.group(1)) for k, rx in _NOTE_FACTS.items() if (m := rx.search(row.notes))}
    expected.update(OVERRIDES.get(row.local_path, {}))
    for key, value in expected.items():
        assert got[key] == value, f"{key}: parsed {got[key]}, expected {value} ({row.notes[:120]})"
    if expected.get("block2"):
        assert got["messages"] == expected["block2"]
    assert {m.family for m in msgs} == {row.message_type}
    if "intermediate balances 60M/62M" in row.notes:
        tags = {b.mt_tag for m in msgs for s in m.statements for b in s.balances if b.type == "ITBD"}
        assert tags & {"60M", "62M"}
    if "structured :86: (?NN subfields)" in row.notes:
        assert any(any(k.startswith("?") for k in e.narrative_fields) for m in msgs for s in m.statements for e in s.entries)
    if m := re.search(r"non-ASCII chars \(([^)]*)\)", row.notes):
        dumped = json.dumps([x.to_json_dict() for x in msgs], ensure_ascii=False)
        assert all(ch in dumped for ch in m.group(1) if not ch.isspace())
    for msg in msgs:  # provenance everywhere, JSON round trip
        assert msg.provenance.file == row.local_path
        assert Message.model_validate(json.loads(json.dumps(msg.to_json_dict()))).message_type == msg.message_type
        for stmt in msg.statements:
            assert stmt.provenance.line and all(e.provenance.line for e in stmt.entries) and all(b.provenance.line for b in stmt.balances)
        for tx in msg.transactions:
            assert tx.provenance.line


def _one(path: str) -> list[Message]:
    return list(parse_mt((CORPUS / path).read_bytes(), filename=path))


# --- GoPlasmatic: one message per family --------------------------------------------------------


def test_goplasmatic_payments_returns_and_cover():
    (m,) = _one("goplasmatic-swiftmt/mt103_norm.txt")
    tx = m.transactions[0]
    assert (tx.instruction_id, tx.amount, tx.currency, tx.settlement_date) == ("REF123456789", Decimal("123456.78"), "EUR", date(2025, 6, 15))
    assert (tx.debtor.account, tx.debtor.name, tx.charge_bearer) == ("1234567890", "John Doe", "DEBT")
    assert tx.uetr == "180f1e65-90e0-44d5-a49a-92b55eb3025f" and tx.creditor.agent.bic == "BANKDEFF"
    assert tx.remittance.unstructured[0] == "INVOICE 45678" and tx.instructions_for_agents[0] == "/ACC/MANUAL PROCESSING REQUIRED"

    (m,) = _one("goplasmatic-swiftmt/mt103_rejt.txt")  # notes: /REJT/ with reason code AC01
    (r,) = m.returns
    assert (m.kind, r.kind, r.reason_code, r.original_instruction_id, r.original_end_to_end_id) == ("return", "reject", "AC01", "FT23001234567890", "E2E-REF-2023-001")
    assert r.additional_info == ["ACCOUNT IDENTIFIER INCORRECT"] and m.header.trailer == {"MAC": "12345678", "CHK": "123456789ABC"}

    (m,) = _one("goplasmatic-swiftmt/mt103_retn.txt")
    assert m.returns[0].kind == "return" and m.returns[0].original_instruction_id == "REF987654321"

    (m,) = _one("goplasmatic-swiftmt/mt202_retn.txt")  # notes: reason AG01
    assert (m.returns[0].reason_code, m.returns[0].returned_amount) == ("AG01", Decimal("950000.00"))
    (m,) = _one("goplasmatic-swiftmt/mt202_rejt.txt")
    assert (m.returns[0].kind, m.returns[0].reason_code, m.transactions[0].end_to_end_id) == ("reject", "AC01", "FI2024987654321")

    (m,) = _one("goplasmatic-swiftmt/mt202_cov.txt")
    tx = m.transactions[0]
    assert (m.message_type, m.family, m.header.validation_flag) == ("MT202COV", "MT202", "COV")
    assert tx.underlying.debtor.name == "ACME CORPORATION" and tx.underlying.creditor.account == "SG56HSBC000012345678"
    assert tx.underlying.remittance.unstructured == ["/INV/INV-2022-0315", "/RFB/MONTHLY SERVICE FEE"]
    (m,) = _one("goplasmatic-swiftmt/mt202_core.txt")
    assert m.message_type == "MT202" and m.transactions[0].end_to_end_id == "REL2024987654321"


def test_goplasmatic_cancellations_and_free_format():
    (m,) = _one("goplasmatic-swiftmt/mt192_norm.txt")
    r = m.cancellations[0]
    assert (r.reason_code, r.original_instruction_id, r.original_message_type, r.original_message_date) == ("DUPL", "TRX103REF0001", "MT103", date(2025, 7, 22))
    assert (m.header.direction, m.header.sender_bic, m.header.receiver_bic) == ("output", "BNPAFRPPXXX", "DEUTDEFFXXX")
    assert m.header.created_at == datetime(2023, 7, 25, 11, 0)
    (m,) = _one("goplasmatic-swiftmt/mt292_test.txt")
    assert (m.cancellations[0].reason_code, m.cancellations[0].original_message_type) == ("DUPL", "MT202")
    (m,) = _one("goplasmatic-swiftmt/mt196_norm.txt")
    assert (m.answers[0].status, m.answers[0].resolved_case_id, m.answers[0].reason_code) == ("CNCL", "CANCELREQ2025072", "DUPL")
    (m,) = _one("goplasmatic-swiftmt/mt296_test.txt")
    assert m.answers[0].status == "CANC"
    (m,) = _one("goplasmatic-swiftmt/mt299_reject.txt")  # notes: REASON CODE AC03
    assert m.free_format.reason_codes == ["AC03"] and m.free_format.related_reference == "MT202REF002"
    (m,) = _one("goplasmatic-swiftmt/mt299_test.txt")
    assert m.free_format.reason_codes == [] and "SETTLEMENT STATUS" in m.free_format.narrative


def test_goplasmatic_statements_and_confirmations():
    (m,) = _one("goplasmatic-swiftmt/mt940_test.txt")
    st = m.statements[0]
    assert (st.statement_id, st.sequence_number, st.page) == ("STMT001", "00152", "00001")
    assert st.opening_balance.amount == Decimal("112233.44") and st.closing_balance.amount == Decimal("113583.94")
    assert st.additional_info.startswith("STATEMENT FOR DECEMBER 2024")
    e = st.entries[1]
    assert (e.amount, e.credit_debit, e.booking_date, e.references.account_owner_reference, e.references.account_servicer_reference) == (
        Decimal("2500.50"), "CRDT", date(2024, 12, 22), "CUSTREF001", "BANK002")
    (m,) = _one("goplasmatic-swiftmt/mt942_full.txt")
    st = m.statements[0]
    assert [x.amount for x in st.floor_limits] == [Decimal("5000.00"), Decimal("25000.00")]
    assert st.created_at == datetime(2024, 7, 19, 14, 30, tzinfo=timezone(timedelta(hours=2)))
    assert (st.summary.debit_count, st.summary.credit_sum) == (3, Decimal("23500.00"))
    assert st.entries[2].booking_date is None  # "1145" is a time, not MMDD (time_in_entry_date)
    (m,) = _one("goplasmatic-swiftmt/mt950_test.txt")
    assert m.statements[0].entries[1].references.account_servicer_reference is None
    (m,) = _one("goplasmatic-swiftmt/mt900_test.txt")
    e = m.statements[0].entries[0]
    assert (m.statements[0].kind, e.credit_debit, e.amount, m.statements[0].account) == ("confirmation", "DBIT", Decimal("1000000.00"), "USD123456789012")
    (m,) = _one("goplasmatic-swiftmt/mt910_test.txt")
    e = m.statements[0].entries[0]
    assert (e.credit_debit, e.counterparty.name, m.statements[0].related_reference) == ("CRDT", "CUSTOMER NAME GMBH", "MT103REF001")


# --- Prowide RJE files ---------------------------------------------------------------------------


def test_prowide_rje_files():
    msgs = _one("prowide-core/MT103-bulk-with-ack.rje")
    assert [m.header.network_ack for m in msgs] == ["ACK", "ACK", "ACK"]
    assert [c.amount for c in msgs[1].transactions[0].charges] == [Decimal("0.00"), Decimal("29.00")]
    assert msgs[1].transactions[0].charge_bearer == "CRED" and msgs[1].header.validation_flag == "STP"
    assert msgs[0].header.sender_bic == "BBBBUS33XXX" and msgs[0].header.receiver_bic == "AAAAUSLAXXX"
    msgs = _one("prowide-core/MT103-out-ack.rje")
    tx = msgs[0].transactions[0]
    assert (tx.amount, tx.currency, tx.uetr) == (Decimal("1814.28"), "USD", "8579f4a4-a547-463e-ae63-e7c6620d59b4")
    assert [m.provenance.message_index for m in msgs] == list(range(13))


# --- wolph/mt940 bank dialects -------------------------------------------------------------------


def test_asn_bank():
    msgs = _one("wolph-mt940/ASNB/mt940.txt")
    st = msgs[0].statements[0]
    # NL81ASNB9999999999 is anonymised: its checksum fails, so it is not declared an IBAN.
    assert (st.account, st.account_scheme) == ("NL81ASNB9999999999", None)
    assert msgs[0].header.receiver_bic == "ASNBNL21XXX" and msgs[0].header.sender_bic == "ASNBNL21XXX"
    e = st.entries[0]
    assert (e.amount, e.credit_debit, e.value_date, e.references.account_owner_reference) == (Decimal("65.00"), "DBIT", date(2020, 1, 1), "NL47INGB9999999999")
    assert e.supplementary_details == "hr gjlm paulissen" and "Betaling sieraden" in e.additional_info


def test_german_sepa_betterplace():
    msgs = _one("wolph-mt940/betterplace/sepa_mt9401.sta")
    st = msgs[0].statements[0]
    assert (st.statement_id, st.account, st.servicer.clearing_system_member_id) == ("T089413946000001", "0194774600888", "50880050")
    assert st.opening_balance.credit_debit == "DBIT" and st.opening_balance.amount == Decimal("1234718.36")
    e = st.entries[0]
    assert (e.amount, e.references.end_to_end_id, e.return_reason.proprietary) == (Decimal("300.00"), "TFNR 40005 00005", "914")
    assert e.narrative_fields["GVC"] == "159" and e.references.account_servicer_reference == "0724710345313905"
    reversal = st.entries[5]
    assert (reversal.reversal, reversal.credit_debit, reversal.amount, reversal.signed_amount) == (True, "CRDT", Decimal("204.88"), Decimal("-204.88"))
    e = msgs[2].statements[0].entries[0]
    assert e.references.end_to_end_id == "EndToEndIdTFNR5200100001"
    assert (e.counterparty.account, e.counterparty.agent.bic) == ("DE42100100100043921105", "PBNKDEFF100")
    st = _one("wolph-mt940/betterplace/with_binary_character.sta")[0].statements[0]
    assert st.statement_id == "STAR1ÜTßUMS"
    assert (st.entries[0].counterparty.name, st.entries[0].counterparty.account) == ("PAYPAL", "0175526300")


def test_citi():
    st = _one("wolph-mt940/citi/mt940.txt")[0].statements[0]
    e = st.entries[0]
    assert (e.amount, e.credit_debit, e.value_date, e.booking_date) == (Decimal("212.39"), "DBIT", date(2024, 3, 12), None)
    assert e.supplementary_details == "/ABC/DEF/MISCELLANEOUS" and e.narrative_fields["PT"] == "FT"
    assert st.entries[2].additional_info is None and st.closing_balance.amount == Decimal("16233.92")


def test_cmxl_german_and_polish():
    msgs = _one("wolph-mt940/cmxl/mt940.sta")
    assert msgs[0].statements[0].currency == "DEM" and msgs[0].statements[0].entries[0].amount == Decimal("6800")
    st = msgs[1].statements[0]
    assert (st.related_reference, st.account, st.servicer.clearing_system_member_id) == ("9876543210", "1234567", "10020030")
    e = st.entries[1]
    assert e.remittance.unstructured == ["Gehalt Oktober", "Firma Mustermann GmbH"]
    assert (e.counterparty.name, e.counterparty.agent.clearing_system_member_id) == ("MUELLER", "50060400")
    st = msgs[2].statements[0]
    assert (st.statement_id, st.servicer.bic, st.account) == ("TELEWIZORY S.A.", "BPHKPLPK", "320000546101")
    assert st.entries[0].counterparty.account == "PL08106000760000777777777777"
    assert st.entries[0].counterparty.account_scheme == "IBAN"


def test_abn_amro_postfinance_rabobank_sns():
    abn = _one("wolph-mt940/jejik/abnamro.sta")
    st = abn[0].statements[0]
    assert (st.statement_id, st.account, st.sequence_number) == ("ABN AMRO BANK NV", "517852257", "19321")
    e = st.entries[0]
    assert (e.amount, e.value_date, e.bank_transaction_code.proprietary_code, e.references.account_owner_reference) == (Decimal("9.00"), date(2011, 5, 24), "N192", None)
    assert abn[1].statements[0].opening_balance.mt_tag == "60M"
    pf = _one("wolph-mt940/jejik/postfinance.sta")
    e = pf[0].statements[0].entries[0]
    assert (e.amount, e.currency, e.references.account_owner_reference, e.supplementary_details) == (Decimal("79.70"), "CHF", "01916", "20131209007602198765432000000012")
    assert pf[0].statements[0].closing_balance.mt_tag == "62M"
    rabo = _one("wolph-mt940/jejik/rabobank.sta")
    st = rabo[0].statements[0]
    assert (st.account, st.currency) == ("1291.99.348", "EUR")
    e = st.entries[0]
    assert (e.amount, e.counterparty.name, e.counterparty.account) == (Decimal("1213.28"), "W.P. Jansen", "0121470966")
    assert e.additional_info.split("\n") == ["Terugboeking", "NIET AKKOORD MET AFSCHRIJVING", "KOSTEN KINDEROPVANG JUNI", "20095731"]
    assert rabo[2].statements[0].entries[1].booking_date is None
    sns = _one("wolph-mt940/jejik/sns.sta")
    e = sns[0].statements[0].entries[0]
    assert (e.references.account_owner_reference, e.supplementary_details) == ("0987654321", "marechal s")


def test_mbank_and_sberbank():
    st = _one("wolph-mt940/mBank/mt940.sta")[0].statements[0]
    assert (st.account, st.account_scheme) == ("PL29114010810000267002001002", "IBAN")
    assert st.entries[0].references.account_servicer_reference == "MB170119012058"
    (m,) = _one("wolph-mt940/mBank/mt942.sta")
    st = m.statements[0]
    assert (m.message_type, st.kind, st.summary.credit_count, st.summary.credit_sum) == ("MT942", "report", 3, Decimal("0.03"))
    assert st.created_at == datetime(2017, 1, 19, 18, 15, tzinfo=timezone(timedelta(hours=1)))
    st = _one("wolph-mt940/sberbank/171011_01234945.sta")[0].statements[0]
    assert (st.currency, len(st.entries), st.entries[0].amount) == ("HUF", 3, Decimal("2402.00"))
    assert st.entries[0].narrative_fields["NS15"] == "ERGO Versicherung AG Fiokte"


def test_self_provided():
    (m,) = _one("wolph-mt940/self-provided/mt942.sta")
    assert m.statements[0].entries[0].supplementary_details == "YAY MT942 CHG"
    (m,) = _one("wolph-mt940/self-provided/raiffeisen-cmi.sta")
    st = m.statements[0]
    assert (st.servicer.bic, st.account) == ("UBRTHUHB", "123456789150ABCDEF002")
    assert [b.type for b in st.balances].count("FWAV") == 3 and st.entries[0].amount == Decimal("2066637.00")


# --- CLI -------------------------------------------------------------------------------------------


def test_cli_parse_json_prints_one_object_per_message():
    from breakdesk.app.cli.main import cli

    path = CORPUS / "goplasmatic-swiftmt/mt940_test.txt"
    result = CliRunner().invoke(cli, ["parse", "--json", str(path)])
    assert result.exit_code == 0, result.output
    (line,) = result.stdout.strip().split("\n")
    doc = json.loads(line)
    assert (doc["message_type"], doc["family"]) == ("MT940", "MT940")
    st = doc["statements"][0]
    e = st["entries"][0]
    assert (e["amount"], e["currency"], e["credit_debit"], e["booking_date"], e["value_date"]) == ("1000.00", "USD", "DBIT", "2024-12-21", "2024-12-20")
    assert e["references"]["account_servicer_reference"] == "BANK001" and e["references"]["end_to_end_id"] is None
    assert {"remittance", "return_reason", "details"} <= set(e)
    assert st["opening_balance"]["amount"] == "112233.44" and st["closing_balance"]["amount"] == "113583.94"


def test_cli_parse_json_sepa_references():
    from breakdesk.app.cli.main import cli

    result = CliRunner().invoke(cli, ["parse", "--json", str(CORPUS / "wolph-mt940/betterplace/sepa_mt9401.sta")])
    docs = [json.loads(x) for x in result.stdout.strip().split("\n")]
    assert result.exit_code == 0 and len(docs) == 26
    e = docs[0]["statements"][0]["entries"][0]
    assert e["references"]["end_to_end_id"] == "TFNR 40005 00005" and e["return_reason"]["proprietary"] == "914"
    assert e["remittance"]["unstructured"] == ["MTLG:Grund nicht spezifiziert Reject aus SEPA-Ueberweisungsauftrag"]


def test_cli_malformed_file_exits_2_and_still_prints_the_good_one():
    from breakdesk.app.cli.main import cli

    bad = CORPUS / "wolph-mt940/self-provided/february_30.sta"
    good = CORPUS / "goplasmatic-swiftmt/mt950_test.txt"
    result = CliRunner().invoke(cli, ["parse", "--strict", "--json", str(bad), str(good)])
    assert result.exit_code == 2
    assert f"{bad}:6" in result.stderr and "61" in result.stderr
    (line,) = result.stdout.strip().split("\n")
    assert json.loads(line)["message_type"] == "MT950"
    # Leniently (the default) the statement is read and its bad line is a finding on it.
    result = CliRunner().invoke(cli, ["parse", str(bad), str(good)])
    assert result.exit_code == 0
    assert f"{bad}:6: error: UNREADABLE_ENTRY: field :61: impossible date '160230'" in result.stdout
    result = CliRunner().invoke(cli, ["validate", "--json", str(bad)])
    codes = [json.loads(x)["code"] for x in result.stdout.strip().split("\n")]
    assert result.exit_code == 0 and codes[0] == "UNREADABLE_ENTRY"


# --- robustness on mutated corpus messages ----------------------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_CORPUS_BYTES = [row.path.read_bytes() for row in MT_ROWS]
_PIECES = [b"{", b"}", b":", b"\n", b"\r\n", b"-}", b"\n-\n", b"$", b"/", b"?2", b"\n:61:", b"\n:86:", b"\n:20:", b",", b"\xff", b"\x00"]


@st.composite
def _mutated_corpus(draw) -> bytes:
    data = draw(st.sampled_from(_CORPUS_BYTES))
    for _ in range(draw(st.integers(1, 8))):
        pos = draw(st.integers(0, len(data)))
        op = draw(st.sampled_from(["insert", "delete", "replace"]))
        piece = draw(st.sampled_from(_PIECES))
        if op == "insert":
            data = data[:pos] + piece + data[pos:]
        elif op == "delete":
            data = data[:pos] + data[pos + draw(st.integers(1, 12)) :]
        else:
            data = data[:pos] + piece + data[pos + len(piece) :]
    return data


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(_mutated_corpus())
def test_mutated_corpus_messages_raise_only_parse_errors(data):
    try:
        for msg in parse_mt(data, filename="mutated.fin"):
            msg.to_json_dict()
    except ParseError as exc:
        assert exc.file == "mutated.fin"
