"""Issue #16: real bank files that deviate from the standard are read, each tolerated deviation is a
located `BANK_DEVIATION` warning naming its quirk, and `strict` keeps the refusal where one was due.

The texts are written here in the shape of the deviations the issue names (a Commerzbank :61: with a
space before the transaction type and an /OCMT//CHGS/ line, ING's short block 1 and unbraced header,
Danske Bank's prose before the first block, a short ISN in :11S:, a name in an MT202COV :50A:)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from mt_helpers import codes, parse

from breakdesk import parsers
from breakdesk.parsers.errors import MalformedMessageError, ParseError, UnknownMessageTypeError

COMMERZBANK = (
    ":20:STARTUMSE\r\n:25:20040000/0123456700EUR\r\n:28C:00001/001\r\n:60F:C201102EUR1000,00\r\n"
    ":61:2011021102DR12,50 NMSCNONREF//2011020012345\r\n/OCMT/EUR12,50//CHGS/EUR0,00/\r\n"
    ":86:805?00ENTGELT?20Kontof\xfchrung?30COBADEFFXXX\r\n"
    ":61:2011021102CR100,00NTRFNONREF\r\n:86:166?00GUTSCHRIFT?20EREF+ABC-1?32M\xfcller GmbH\r\n"
    ":62F:C201102EUR1087,50\r\n-\r\n"
)

ING_UNBRACED = (
    "0000 01INGBNL2AXXXX00001\n0000 01INGBNL2AXXXX00001\n940 00\n:20:MPBZ\n:25:0001234567\n:28C:000\n"
    ":60F:C100722EUR0,00\n:61:100722D25,03NTRFNONREF\n:86: RC AFREKENING BETALINGSVERKEER\n"
    ":62F:D100722EUR25,03\n-\n"
)

ING_BRACED = (
    "{1:F01INGBNL2AXXXX00001}{2:O9401200100722INGBNL2AXXXX00000000001007221200N}{4:\n:20:MPBZ\n:25:0001234567\n"
    ":28C:000\n:60F:C100722EUR0,00\n:61:100722D25,03NTRFNONREF\n:86:KOSTEN\n:62F:D100722EUR25,03\n-}\n"
)

DANSKE = (
    "Example of an MT940 as Danske Bank sends it.\nThe fields are described in the following sections.\n\n"
    "{1:F01DABADKKKAXXX0000000000}{2:O9401200201102DABADKKKAXXX00000000002011021200N}{4:\n:20:DANSKE001\n"
    ":25:DK5030000001234567\n:28C:1/1\n:60F:C201101DKK100,00\n:61:2011021102C50,00NTRFNONREF//DB123\n"
    ":86:Indbetaling fra Søren Ærø\n:62F:C201102DKK150,00\n-}\n"
)

MT192_SHORT_ISN = (
    "{1:F01DEUTDEFFAXXX0000000000}{2:O1921100230725BNPAFRPPAXXX00000000002307251100N}{4:\n:20:CANCEL192\n"
    ":21:TRX103REF0001\n:11S:103\n230722\n1234 5678\n:79:/DUPL/ Duplicate sent in error.\n-}"
)

MT202COV_NAME_IN_50A = (
    "{1:F01BANKUS33AXXX0000000000}{2:I202BANKDE55XXXXN}{3:{119:COV}{121:550e8400-e29b-41d4-a716-446655440000}}{4:\n"
    ":20:FT220315001\n:21:REL220315001\n:32A:220315USD1000,00\n:52A:DEUTDEFF\n:58A:HSBCSGSG\n"
    ":50A:/US1234567890123456\nACME CORPORATION\n123 MAIN STREET\n:59:/SG56HSBC000012345678\nSINGAPORE TECH PTE LTD\n"
    ":70:/INV/INV-2022-0315\n:33B:USD1000,00\n-}"
)


def _deviations(msgs) -> list[tuple[str, int | None]]:
    return [(f.message.split(":")[0], f.location.line) for m in msgs for f in m.findings if f.code == "BANK_DEVIATION"]


def test_commerzbank_space_before_the_transaction_type():
    msgs = parsers.parse(COMMERZBANK.encode("latin-1"), filename="commerzbank.sta")
    (st,) = msgs[0].statements
    fee, credit = st.entries
    assert (fee.amount, fee.credit_debit, fee.bank_transaction_code.proprietary_code) == (Decimal("12.50"), "DBIT", "NMSC")
    assert fee.supplementary_details == "/OCMT/EUR12,50//CHGS/EUR0,00/"
    assert credit.counterparty.name == "Müller GmbH"
    assert _deviations(msgs) == [("space_before_transaction_type", 5)]
    finding = msgs[0].findings[0]
    assert finding.severity == "warning" and finding.field == "61" and "Commerzbank" in finding.message
    assert "DR12,50 NMSC" in finding.value  # the line as the bank wrote it


def test_ing_short_header_unbraced_and_braced():
    msgs = parse(ING_UNBRACED, filename="ing.sta")
    assert [len(s.entries) for m in msgs for s in m.statements] == [1]
    assert _deviations(msgs) == [("ing_file_header", 1)]
    msgs = parse(ING_BRACED, filename="ing.fin")
    assert msgs[0].header.receiver_bic == "INGBNL2AXXX" and len(msgs[0].statements[0].entries) == 1
    assert _deviations(msgs) == [("short_block1_numbers", 1)]
    assert msgs[0].findings[0].value == "F01INGBNL2AXXXX00001"
    # A quirk is a deviation the team accepts: strict reading takes it too and says so (ADR 0009); a block 1
    # no quirk explains is still refused.
    assert _deviations(parse(ING_BRACED, filename="ing.fin", strict=True)) == [("short_block1_numbers", 1)]
    with pytest.raises(MalformedMessageError, match="block 1"):
        parse(ING_BRACED.replace("F01INGBNL2AXXXX00001", "F01INGBNL2AXX"), filename="ing.fin", strict=True)


def test_danske_prose_before_the_first_block_is_kept_as_a_finding():
    (msg,) = parse(DANSKE, filename="danske.txt")
    (entry,) = msg.statements[0].entries
    assert entry.amount == Decimal("50.00") and entry.additional_info.startswith("Indbetaling fra Søren Ærø")
    assert codes([msg]) == [("TEXT_OUTSIDE_FIELDS", 1, None)]
    assert msg.findings[0].value.startswith("Example of an MT940 as Danske Bank sends it.\nThe fields")
    with pytest.raises(UnknownMessageTypeError):
        parse(DANSKE, filename="danske.txt", strict=True)


def test_short_isn_in_11s_and_a_name_in_50a():
    (msg,) = parse(MT192_SHORT_ISN, filename="192.fin")
    (req,) = msg.cancellations
    assert (req.original_message_type, str(req.original_message_date)) == ("MT103", "2023-07-22")
    assert _deviations([msg]) == [("short_session_isn", 4)]
    (msg,) = parse(MT202COV_NAME_IN_50A, filename="cov.fin")
    assert msg.message_type == "MT202COV"
    debtor = msg.transactions[0].underlying.debtor
    assert (debtor.name, debtor.account) == ("ACME CORPORATION", "US1234567890123456")
    assert _deviations([msg]) == [("name_in_option_a", 7)]
    assert msg.findings[0].value.startswith(":50A:/US1234567890123456\nACME CORPORATION")
    assert _deviations(parse(MT202COV_NAME_IN_50A, filename="cov.fin", strict=True)) == [("name_in_option_a", 7)]
    with pytest.raises(ParseError, match="50A"):  # a 50A that holds neither a BIC nor a name is still an error
        parse(MT202COV_NAME_IN_50A.replace("ACME CORPORATION", "ACME-CORP"), filename="cov.fin", strict=True)


def test_reading_findings_travel_with_the_message_and_into_validation():
    msgs = parsers.parse(COMMERZBANK.encode("latin-1"), filename="commerzbank.sta")
    dumped = parsers.Message.model_validate(msgs[0].model_dump(mode="json"))
    assert [f.code for f in dumped.findings] == ["BANK_DEVIATION"]
    assert parsers.validate_messages(msgs)[0].code == "BANK_DEVIATION"


def test_a_standard_file_has_no_reading_findings():
    from mt_helpers import STATEMENT

    assert codes(parse(STATEMENT)) == []
