from datetime import date
from decimal import Decimal

import pytest
from mt_helpers import parse, wrap

from breakdesk.parsers.errors import FieldError


def test_mt192_request_for_cancellation():
    text = ":20:CXL-1\n:21:ORIG-103\n:11S:103\n240722\n1234123456\n:79:/DUPL/ SENT TWICE\nPLEASE CANCEL\n:32A:240722EUR500,\n"
    (msg,) = parse(wrap("192", text, block3="{121:4a5b6c7d-1111-4222-8333-444455556666}"))
    assert (msg.message_type, msg.kind) == ("MT192", "cancellation_request")
    (req,) = msg.cancellations
    assert (req.cancellation_id, req.case_id, req.original_instruction_id) == ("CXL-1", "CXL-1", "ORIG-103")
    assert (req.original_message_type, req.original_message_date) == ("MT103", date(2024, 7, 22))
    assert req.reason_code == "DUPL" and req.additional_info == ["/DUPL/ SENT TWICE", "PLEASE CANCEL"]
    assert (req.original_amount, req.original_currency, req.original_settlement_date) == (Decimal("500.00"), "EUR", date(2024, 7, 22))
    assert req.original_uetr == "4a5b6c7d-1111-4222-8333-444455556666"
    assert req.provenance.line == 2


def test_mt296_answer_keeps_its_code():
    (msg,) = parse(wrap("296", ":20:ANS-1\n:21:CXL-1\n:76:/PDCR/ PENDING\n:77A:WAITING FOR\nBENEFICIARY\n:11R:202240722\n"))
    (ans,) = msg.answers
    assert (msg.kind, ans.status, ans.resolved_case_id, ans.assignment_id) == ("cancellation_answer", "PDCR", "CXL-1", "ANS-1")
    assert ans.original_message_type == "MT202" and ans.additional_info[-1] == "BENEFICIARY"


def test_mt199_reason_codes_by_pattern():
    (msg,) = parse(wrap("199", ":20:FF1\n:21:ORIG\n:79:/REJT/\nREASON CODE AC03\nSEE ALSO /AM04/ AND AC03\n"))
    ff = msg.free_format
    assert (msg.kind, ff.reference, ff.related_reference) == ("free_format", "FF1", "ORIG")
    assert ff.reason_codes == ["AM04", "AC03"]
    assert ff.narrative.startswith("/REJT/")


def test_bad_11s_date_is_a_field_error():
    with pytest.raises(FieldError) as exc:
        parse(wrap("192", ":20:C\n:21:O\n:11S:103230230\n"))
    assert exc.value.tag == "11S" and exc.value.line == 4


def test_mt192_uetr_in_block_4_is_checked_and_normalised():
    text = ":20:CXL-2\n:21:ORIG-103\n:11S:103\n240722\n:121:4A5B6C7D-1111-4222-8333-444455556666\n"
    (msg,) = parse(wrap("192", text))
    assert msg.cancellations[0].original_uetr == "4a5b6c7d-1111-4222-8333-444455556666"
    with pytest.raises(FieldError) as exc:
        parse(wrap("192", ":20:CXL-3\n:21:ORIG-103\n:11S:103\n240722\n:121:NOT-A-UETR\n"))
    assert exc.value.tag == "121" and exc.value.line == 6 and "UUID" in str(exc.value)
