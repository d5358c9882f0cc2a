import codecs
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from mt_helpers import STATEMENT, codes, parse, wrap

from breakdesk.parsers.errors import (
    FieldError,
    MalformedMessageError,
    MissingFieldError,
    ParseError,
    TruncatedMessageError,
    UnknownMessageTypeError,
)


def test_bare_mt940_statement_balances_and_entries():
    (msg,) = parse(STATEMENT)
    assert (msg.message_type, msg.family, msg.kind) == ("MT940", "MT940", "statement")
    (st,) = msg.statements
    assert (st.statement_id, st.account, st.account_scheme, st.sequence_number, st.page) == ("STMT1", "DE89370400440532013000", "IBAN", "7", "2")
    assert st.opening_balance.amount == Decimal("1000.00") and st.opening_balance.type == "OPBD"
    assert st.closing_balance.amount == Decimal("849.50") and st.closing_balance.date == date(2024, 2, 2)
    e1, e2 = st.entries
    assert (e1.amount, e1.currency, e1.credit_debit, e1.value_date, e1.booking_date) == (Decimal("250.50"), "EUR", "DBIT", date(2024, 2, 1), date(2024, 2, 1))
    assert e1.bank_transaction_code.proprietary_code == "NTRF" and e1.bank_transaction_code.proprietary_issuer == "SWIFT"
    assert (e1.references.account_owner_reference, e1.references.account_servicer_reference) == ("INV-77", "BANKREF1")
    assert e1.references.end_to_end_id == "E2E-1"
    assert (e1.counterparty.name, e1.counterparty.account, e1.counterparty.agent.bic) == ("ACME BV", "NL91ABNA0417164300", "ABNANL2A")
    assert e1.remittance.unstructured == ["INVOICE 77"] and e1.narrative_fields["EREF"] == "E2E-1"
    assert e2.references.account_owner_reference is None and e2.additional_info is None
    assert e2.amount == Decimal("100.00") and e2.signed_amount == Decimal("100.00")
    assert [e.provenance.line for e in st.entries] == [5, 7] and st.provenance.line == 1


def test_intermediate_balances_and_statement_level_86():
    text = ":20:S\n:25:1\n:28C:1\n:60M:C240101EUR5,\n:61:240101D1,NTRFX\n:62M:C240101EUR4,\n:64:C240101EUR4,\n:65:C240102EUR4,\n:86:STATEMENT NOTE\n"
    (st,) = parse(text)[0].statements
    assert [(b.type, b.mt_tag) for b in st.balances] == [("ITBD", "60M"), ("ITBD", "62M"), ("CLAV", "64"), ("FWAV", "65")]
    assert st.opening_balance.mt_tag == "60M" and st.closing_balance.mt_tag == "62M"
    assert st.additional_info == "STATEMENT NOTE" and st.entries[0].additional_info is None


def test_german_structured_86():
    text = (
        ":20:S\n:25:50880050/0194787400888\n:28C:1\n:60F:C240101EUR0,\n"
        ":61:2401020102CR50,NTRFNONREF//0724\n"
        ":86:166?00GUTSCHRIFT?100399?20EREF+E2E-77?21MREF+M-1?22SVWZ+RECHNUNG 4711 VOM 01.\n"
        "01.?30DRESDEFF508?31DE14508800500194785000?32KARL?33 KAUFMANN?34000\n"
        ":62F:C240102EUR50,\n"
    )
    (st,) = parse(text)[0].statements
    assert st.servicer.clearing_system_member_id == "50880050" and st.account == "0194787400888"
    (e,) = st.entries
    assert e.references.end_to_end_id == "E2E-77" and e.references.mandate_id == "M-1"
    assert e.remittance.unstructured == ["RECHNUNG 4711 VOM 01.01."]
    assert (e.counterparty.name, e.counterparty.account, e.counterparty.account_scheme) == ("KARL KAUFMANN", "DE14508800500194785000", "IBAN")
    assert e.counterparty.agent.bic == "DRESDEFF508"
    assert e.narrative_fields["GVC"] == "166" and e.narrative_fields["?00"] == "GUTSCHRIFT"
    assert e.return_reason is None


def test_german_return_and_dutch_rtrn_codes():
    text = (
        ":20:S\n:25:1\n:28C:1\n:60F:C240101EUR0,\n"
        ":61:240102CR15,NTRFX\n:86:159?00RETOURE?20EREF+E1?34914\n"
        ":61:240102DR9,NTRFX\n:86:/RTRN/MS03/EREF/E2/IBAN/NL91ABNA0417164300/NAME/SHOP/REMI/USTD//ORDER 9/\n"
        ":62F:C240102EUR6,\n"
    )
    e1, e2 = parse(text)[0].statements[0].entries
    assert e1.return_reason.proprietary == "914"
    assert e2.return_reason.code == "MS03" and e2.remittance.unstructured == ["ORDER 9"]
    assert e2.references.end_to_end_id == "E2" and e2.counterparty.name == "SHOP"


def test_ing_counterparty_and_structured_reference():
    text = (
        ":20:S\n:25:NL69INGB0123456789EUR\n:28C:1\n:60F:C240101EUR0,\n:61:240102C1,NTRFX\n"
        ":86:/EREF/NOTPROVIDED/CNTP/NL91ABNA0417164300/ABNANL2A/ACME BV/AMSTERDAM/\n"
        "/REMI/STRD/CUR/RF18539007547034/\n:62F:C240102EUR1,\n"
    )
    (e,) = parse(text)[0].statements[0].entries
    assert e.references.end_to_end_id is None
    assert (e.counterparty.account, e.counterparty.agent.bic, e.counterparty.name) == ("NL91ABNA0417164300", "ABNANL2A", "ACME BV")
    assert e.remittance.structured[0].creditor_reference == "RF18539007547034"


def test_mt942_floor_limits_timestamp_and_summary():
    text = ":20:R\n:25:CH1\n:28C:1/1\n:34F:CHFD100,\n:34F:CHFC200,\n:13D:2407191430+0200\n:61:240719D5,NTRFX\n:90D:1CHF5,\n:90C:0CHF0,\n"
    (msg,) = parse(text)
    (st,) = msg.statements
    assert (msg.message_type, st.kind, st.currency) == ("MT942", "report", "CHF")
    assert [m.amount for m in st.floor_limits] == [Decimal("100.00"), Decimal("200.00")]
    assert st.created_at == datetime(2024, 7, 19, 14, 30, tzinfo=timezone(timedelta(hours=2)))
    assert (st.summary.debit_count, st.summary.debit_sum, st.summary.credit_count, st.summary.total_count) == (1, Decimal("5.00"), 0, 1)


def test_mt900_and_mt910_confirmations():
    (d,) = parse(wrap("900", ":20:DEB1\n:21:REL1\n:25:ACC1\n:32A:241215USD10,\n:52A:DEUTDEFF\n:72:NOTE\n"))
    (st,) = d.statements
    assert (st.kind, st.statement_id, st.related_reference, st.account) == ("confirmation", "DEB1", "REL1", "ACC1")
    (e,) = st.entries
    assert (e.credit_debit, e.amount, e.value_date, e.references.account_owner_reference) == ("DBIT", Decimal("10.00"), date(2024, 12, 15), "REL1")
    assert e.counterparty.agent.bic == "DEUTDEFF" and e.additional_info == "NOTE"
    (c,) = parse(wrap("910", ":20:CRE1\n:21:REL1\n:25:ACC1\n:32A:241215USD10,\n:50K:/DE1\nCUSTOMER\n"))
    assert c.statements[0].entries[0].credit_debit == "CRDT" and c.statements[0].entries[0].counterparty.name == "CUSTOMER"


def test_several_messages_crlf_bom_and_latin1():
    two = STATEMENT + "-\n" + STATEMENT.replace("STMT1", "STMT2").replace("ACME BV", "CAFÉ MÜLLER")
    raw = codecs.BOM_UTF8 + two.replace("\n", "\r\n").encode("utf-8")
    from breakdesk.parsers.swift import parse_mt

    msgs = list(parse_mt(raw, filename="x"))
    assert [m.statements[0].statement_id for m in msgs] == ["STMT1", "STMT2"]
    assert [m.provenance.message_index for m in msgs] == [0, 1]
    assert msgs[1].statements[0].entries[0].provenance.line == 14  # "-" is line 9, the 2nd :20: line 10
    assert msgs[1].statements[0].entries[0].counterparty.name == "CAFÉ MÜLLER"
    latin = list(parse_mt(two.encode("latin-1"), filename="x"))  # not UTF-8: decoded as Windows-1252
    assert latin[1].statements[0].entries[0].counterparty.name == "CAFÉ MÜLLER"
    assert latin[0].statements[0].entries[0].counterparty.name == "ACME BV"


def test_statement_lines_after_dash_without_a_new_statement_are_refused_not_continued():
    """Lines after a statement's '-' with no :20: and no balances are no statement: they used to be read
    as a continuation of the previous one (wolph's multiline.sta), which nothing balances (issue #21)."""
    with pytest.raises(MissingFieldError, match="no currency") as exc:
        parse(STATEMENT + "-\n:61:2402030203C5,NMSCREF\nDETAIL\n", filename="cont.sta", strict=True)
    assert (exc.value.file, exc.value.line, exc.value.tag) == ("cont.sta", 10, "60a")
    with pytest.raises(MissingFieldError) as exc:  # with a currency it is still no statement
        parse(STATEMENT + "-\n:60F:C240202EUR849,50\n:61:2402030203C5,NMSCREF\n", filename="cont.sta", strict=True)
    assert (exc.value.line, exc.value.tag) == (10, "20")
    # Issue #16: read leniently, the complete statement before them is kept; they are left out as an
    # error finding that holds their text.
    msgs = parse(STATEMENT + "-\n:61:2402030203C5,NMSCREF\nDETAIL\n", filename="cont.sta")
    assert [len(s.entries) for m in msgs for s in m.statements] == [2]
    (finding,) = msgs[0].findings
    assert (finding.severity, finding.code, finding.location.line) == ("error", "UNREADABLE_MESSAGE", 10)
    assert ":61:2402030203C5,NMSCREF\nDETAIL" in finding.value


@pytest.mark.parametrize(
    "change, line, tag, error",
    [
        ((":61:2402010201D", ":61:2402300201D"), 5, "61", FieldError),  # Feb 30 value date
        ((":61:2402010201D", ":61:2402010230D"), 5, "61", FieldError),  # Feb 30 entry date
        (("D250,50NTRF", "D250.50NTRF"), 5, "61", FieldError),  # malformed amount
        (("D250,50NTRF", "D25050NTRF"), 5, "61", FieldError),  # no decimal comma (issue #21)
        (("EUR849,50", "EUR849"), 8, "62F", FieldError),  # closing balance cut before its comma
        ((":60F:C240131EUR1000,00", ":60F:C240131EURO1000,00"), 4, "60F", FieldError),  # bad currency
        ((":62F:", ":25:X\n:62F:"), 8, "25", FieldError),  # :25: after the entries
        ((":28C:7/2", ":28C:7/2\n:99:X"), 4, "99", FieldError),  # tag foreign to MT940
    ],
)
def test_statement_field_errors(change, line, tag, error):
    with pytest.raises(error) as exc:
        parse(STATEMENT.replace(*change), filename="st.sta", strict=True)
    assert (exc.value.file, exc.value.line, exc.value.tag) == ("st.sta", line, tag)


@pytest.mark.parametrize(
    "change, entries, found",
    [
        ((":61:2402010201D", ":61:2402300201D"), 1, [("UNREADABLE_ENTRY", 5, "61")]),  # Feb 30 value date
        (("D250,50NTRF", "D25050NTRF"), 1, [("UNREADABLE_ENTRY", 5, "61")]),  # no decimal comma
        (("EUR849,50", "EUR849,50\n:64:C2402EUR8,49"), 2, [("UNREADABLE_FIELD", 9, "64")]),  # bad :64: date
        ((":28C:7/2", ":28C:7/2\n:99:X"), 2, [("UNKNOWN_FIELD", 4, "99")]),  # tag foreign to MT940
    ],
)
def test_lenient_reading_leaves_out_what_it_cannot_read_and_keeps_the_rest(change, entries, found):
    """Issue #16: one bad line no longer loses the file. What was left out is an error finding with its
    location and raw text; the statement's other entries are read."""
    msgs = parse(STATEMENT.replace(*change), filename="st.sta")
    assert [len(s.entries) for m in msgs for s in m.statements] == [entries]
    assert codes(msgs) == found
    finding = msgs[0].findings[0]
    assert finding.location.file == "st.sta" and finding.value
    assert finding.severity == ("warning" if finding.code == "UNKNOWN_FIELD" else "error")


def test_lenient_reading_never_reads_a_statement_without_its_balances():
    """A closing balance cut before its comma is how a truncated file looks: the statement is left out
    whole, never read without what proves it (issue #21)."""
    with pytest.raises(FieldError) as exc:
        parse(STATEMENT.replace("EUR849,50", "EUR849"), filename="st.sta")
    assert (exc.value.line, exc.value.tag) == (8, "62F")


def test_lenient_reading_still_refuses_what_would_misplace_data():
    """A :25: after the entries is how a spliced export looks: entries would land on the wrong account,
    so the message is left out, and a file with no other message is refused as before."""
    with pytest.raises(FieldError) as exc:
        parse(STATEMENT.replace(":62F:", ":25:X\n:62F:"), filename="st.sta")
    assert (exc.value.line, exc.value.tag) == (8, "25")
    two = parse(STATEMENT.replace(":62F:", ":25:X\n:62F:") + "-\n" + STATEMENT.replace("STMT1", "STMT2"), filename="st.sta")
    assert [s.statement_id for m in two for s in m.statements] == ["STMT2"]
    assert codes(two) == [("UNREADABLE_MESSAGE", 8, "25")]


def test_not_mt_at_all_and_stray_text():
    with pytest.raises(UnknownMessageTypeError) as exc:
        parse("1\n2\n3\n", filename="n.sta")
    assert exc.value.line == 1
    with pytest.raises(MalformedMessageError) as exc:
        parse("HELLO WORLD\n" + STATEMENT, filename="n.sta", strict=True)
    assert exc.value.line == 1
    (msg,) = parse("HELLO WORLD\n" + STATEMENT, filename="n.sta")  # lenient: kept as a finding
    assert codes([msg]) == [("TEXT_OUTSIDE_FIELDS", 1, None)] and msg.findings[0].value == "HELLO WORLD"
    with pytest.raises(ParseError):
        parse("{1:F01BANKBEBBAXXX0000000000}{2:I101BANKDEFFXXXXN}{4:\n:20:X\n-}")  # MT101 not read


def test_hot_path_field_dicts_match_the_canonical_model():
    """`_entry` builds Entry & co. from complete dicts; a new model field must be added there too."""
    from breakdesk.parsers.canonical import BankTransactionCode, Entry, EntryReferences, Provenance, Remittance
    from breakdesk.parsers.construct import check_exact_fields

    (st,) = parse(STATEMENT)[0].statements
    for e in st.entries:
        for obj, cls in ((e, Entry), (e.references, EntryReferences), (e.provenance, Provenance),
                         (e.bank_transaction_code, BankTransactionCode), (e.remittance, Remittance)):
            check_exact_fields(cls, set(obj.__dict__))
            cls.model_validate(obj.model_dump())  # the values have the model's types
    from breakdesk.parsers.canonical import Party
    from breakdesk.parsers.swift.mt9xx import _NO_PARTY

    check_exact_fields(Party, set(_NO_PARTY))


def _without(text: str, tag: str) -> str:
    return "\n".join(ln for ln in text.split("\n") if not ln.startswith(f":{tag}:"))


@pytest.mark.parametrize("tag, name", [("20", "20"), ("25", "25a"), ("28C", "28C"), ("60F", "60a"), ("62F", "62a")])
def test_a_statement_without_a_mandatory_field_is_refused_naming_it(tag, name):
    """Issue #21: statements without :20: (26/39), :25: (22/24) or :62F: (15/18 mutated files) were read."""
    text = _without(STATEMENT, tag)
    with pytest.raises(MissingFieldError) as exc:
        parse(text, filename="m.sta", strict=True)
    err = exc.value
    assert (err.file, err.tag, err.message_type) == ("m.sta", name, "MT940")
    # A missing closing balance is located where the statement stops, a missing opening balance at the
    # first entry that needed its currency, the others at the statement's first line.
    assert err.line == {"62a": 7, "60a": 4}.get(name, 1)
    for mt in ("940", "950"):
        with pytest.raises(MissingFieldError) as exc:
            parse(wrap(mt, text), filename="m.fin")
        assert exc.value.tag == name


def test_an_mt940_cut_inside_86_is_refused_not_read_as_shorter():
    """Issue #21: an MT940 cut inside :86: parsed with exit 0 (8 of 10 entries, no :62F:, the second
    statement gone). Bare text: the cut statement lacks :62a:. In blocks: block 4 lacks its '-}'."""
    two = STATEMENT + "-\n" + STATEMENT.replace("STMT1", "STMT2")
    cut = two[: two.index("/REMI/INVOICE 77", two.index("STMT2"))]
    with pytest.raises(MissingFieldError) as exc:
        parse(cut, filename="cut.sta", strict=True)
    assert (exc.value.tag, exc.value.line) == ("62a", 15)
    # Leniently (issue #16) the whole first statement is read and the cut one is left out, never shortened.
    msgs = parse(cut, filename="cut.sta")
    assert [s.statement_id for m in msgs for s in m.statements] == ["STMT1"]
    assert codes(msgs) == [("UNREADABLE_MESSAGE", 15, "62a")]
    braced = wrap("940", STATEMENT) + "\n" + wrap("940", STATEMENT.replace("STMT1", "STMT2"))
    cut = braced[: braced.index("/REMI/INVOICE 77", braced.index("STMT2"))]
    with pytest.raises(TruncatedMessageError) as exc:
        parse(cut, filename="cut.fin", strict=True)
    assert exc.value.file == "cut.fin" and exc.value.line == 11  # where the cut message starts
    msgs = parse(cut, filename="cut.fin")
    assert [s.statement_id for m in msgs for s in m.statements] == ["STMT1"]
    assert [(c, ln) for c, ln, _ in codes(msgs)] == [("UNREADABLE_MESSAGE", 11)]


@pytest.mark.parametrize("mt, text, name", [
    ("942", ":20:R\n:25:ACC\n:28C:1\n:13D:2401011200+0100\n", "34F"),
    ("942", ":20:R\n:25:ACC\n:28C:1\n:34F:EUR0,\n:61:240101C1,NTRFX\n", "13D"),
    ("900", ":20:R\n:25:ACC\n:32A:240101EUR1,\n", "21"),
    ("910", ":20:R\n:21:X\n:32A:240101EUR1,\n:52A:BANKDEFF\n", "25a"),
    ("910", ":20:R\n:21:X\n:25:ACC\n:32A:240101EUR1,\n", "50a"),  # rule C1: 50a or 52a
])
def test_other_statement_families_need_their_mandatory_fields(mt, text, name):
    with pytest.raises(MissingFieldError) as exc:
        parse(wrap(mt, text), filename="o.fin")
    assert (exc.value.tag, exc.value.message_type) == (name, f"MT{mt}")


MT942 = ":20:R\n:25:ACC\n:28C:1\n:34F:EUR0,\n:13D:2401011200+0100\n:61:240101C1,NTRFX\n:86:ONE\n:61:240101C2,NTRFY\n"


@pytest.mark.parametrize("tail, whole", [("", False), ("-\n", True), (":90C:2EUR3,\n", True)])
def test_a_bare_mt942_must_prove_its_end(tail, whole):
    """An MT942 has no closing balance, so a cut after any entry keeps every mandatory field: bare text
    must end with '-' or the 90D/90C summary (found by the truncation fuzz over the corpus)."""
    if whole:
        (msg,) = parse(MT942 + tail)
        assert len(msg.statements[0].entries) == 2
    else:
        with pytest.raises(TruncatedMessageError) as exc:
            parse(MT942 + tail, filename="r.sta")
        assert (exc.value.file, exc.value.line, exc.value.tag) == ("r.sta", 8, "61")
    (msg,) = parse(wrap("942", MT942))  # in blocks the '-}' proves it
    assert len(msg.statements[0].entries) == 2
