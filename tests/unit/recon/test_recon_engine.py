from datetime import date, timedelta
from decimal import Decimal

import pytest

from breakdesk.agents.recon import (
    MatchConfig,
    bank_items_from_messages,
    book_items_from_ledger_csv,
    explain_pair,
    match,
)
from tests.recon_factories import entry, ledger, statement

D = date(2026, 11, 2)


def _run(entries, rows, **kw):
    banks = bank_items_from_messages([statement(*entries)])
    books = book_items_from_ledger_csv(ledger(*rows))
    return match(banks, books, **kw)


def test_end_to_end_id_match_is_auto_eligible_but_auto_only_when_enabled():
    entries = [entry("1250.50", asr="B1", e2e="e2e-1 ", name="ACME", day=D + timedelta(days=1))]
    rows = ["L1,2026-11-02,-1250.50,EUR,ACME GmbH,INV-1,,,E2E-1"]
    (s,) = _run(entries, rows).suggestions
    assert (s.bank_ids, s.book_ids) == (("B1",), ("L1",))
    assert s.status == "review" and s.auto_eligible and 0.9 <= s.confidence <= 1.0
    texts = [r.text for r in s.reasons]
    assert "EndToEndId equal" in texts and "amount equal" in texts and "value date +1 day" in texts
    assert _run(entries, rows, auto_confirm=True).suggestions[0].status == "auto"
    strict = MatchConfig(auto_threshold=1.01)
    assert _run(entries, rows, config=strict, auto_confirm=True).suggestions[0].status == "review"


def test_reference_in_remittance_text_and_name_similarity():
    entries = [entry("80.00", asr="B1", text="RE INV 2026 0042 THANKS", name="NORDIC TIMBER SUPPL")]
    rows = ["L1,2026-11-02,-80.00,EUR,Nordic Timber Supplies AB,INV-2026-0042,,,"]
    (s,) = _run(entries, rows).suggestions
    texts = [r.text for r in s.reasons]
    assert "book reference 1 found in bank remittance text" in texts
    assert any(t.startswith("name similarity") for t in texts)


def test_fee_short_is_suggested_with_the_difference_as_decimal():
    entries = [entry("987.50", cd="CRDT", asr="B1", e2e="E1")]
    rows = ["L1,2026-11-02,1000.00,EUR,Customer,,,,E1"]
    (s,) = _run(entries, rows).suggestions
    assert s.difference == Decimal("-12.50") and s.fee_write_off == Decimal("12.50")
    assert any("short by 12.50" in r.text for r in s.reasons)


def test_amount_difference_beyond_fee_is_a_break_not_a_match():
    result = _run([entry("500.00", asr="B1", e2e="E1")], ["L1,2026-11-02,-1000.00,EUR,X,,,,E1"])
    assert result.suggestions == ()
    classes = {(b.side, b.item_id): (b.break_class, b.related_ids, b.difference) for b in result.breaks}
    assert classes[("bank", "B1")] == ("amount_difference", ("L1",), Decimal("-500.00"))
    assert classes[("book", "L1")][0] == "amount_difference"


def test_value_date_outside_window_is_a_break():
    result = _run([entry("10.00", asr="B1", e2e="E1", day=D + timedelta(days=20))], ["L1,2026-11-02,-10.00,EUR,X,,,,E1"])
    assert result.suggestions == ()
    assert {b.break_class for b in result.breaks} == {"value_date_difference"}


def test_batch_with_details_matches_its_payments():
    entries = [entry("60.00", asr="B1", batch=[("10.00", "E1"), ("20.00", "E2"), ("30.00", "E3")])]
    rows = [f"L{i},2026-11-02,-{a},EUR,P{i},,,,E{i}" for i, a in ((1, "10.00"), (2, "20.00"), (3, "30.00"))]
    (s,) = _run(entries, rows).suggestions
    assert s.kind == "batch" and s.book_ids == ("L1", "L2", "L3") and s.difference is None


def test_batch_count_without_details_uses_bounded_subset_sum():
    e = entry("60.00", asr="B1")
    e = e.model_copy(update={"batch_count": 2})
    rows = ["L1,2026-11-02,-10.00,EUR,A,,,,", "L2,2026-11-02,-25.00,EUR,B,,,,", "L3,2026-11-02,-35.00,EUR,C,,,,"]
    (s,) = _run([e], rows).suggestions
    assert s.kind == "N:1" and set(s.book_ids) == {"L2", "L3"} and s.status == "review" and not s.auto_eligible


def test_several_receipts_of_one_customer_settle_one_line():
    entries = [entry("300.00", cd="CRDT", asr="B1", name="ACME", iban="DE89370400440532013000")]
    rows = ["L1,2026-11-01,100.00,EUR,Acme Ltd,,,DE89370400440532013000,",
            "L2,2026-11-02,200.00,EUR,Acme Ltd,,,DE89370400440532013000,",
            "L3,2026-11-02,200.00,EUR,Other Corp,,,DE02120300000000202051,"]
    (s,) = _run(entries, rows).suggestions
    assert set(s.book_ids) == {"L1", "L2"}


def test_no_item_is_used_twice_and_ties_go_to_the_earlier_line():
    entries = [entry("10.00", asr="B1", name="ACME", line=1), entry("10.00", asr="B2", name="ACME", line=2)]
    rows = ["L1,2026-11-02,-10.00,EUR,ACME,,,,"]
    result = _run(entries, rows)
    (s,) = result.suggestions
    assert s.bank_ids == ("B1",) and not s.auto_eligible
    assert any(r.signal == "ambiguity" for r in s.reasons)
    (b,) = result.breaks
    assert (b.item_id, b.break_class) == ("B2", "duplicate")


def test_result_is_deterministic_under_input_order():
    entries = [entry(f"{10 + i}.00", asr=f"B{i}", e2e=f"E{i}", line=i) for i in range(5)]
    rows = [f"L{i},2026-11-02,-{10 + i}.00,EUR,X,,,,E{i}" for i in range(5)]
    a = _run(entries, rows).to_json_dict()
    b = _run(entries, rows).to_json_dict()
    assert a == b
    assert sorted(s["book"][0] for s in a["suggestions"]) == [f"L{i}" for i in range(5)]


def test_breaks_returned_bank_only_missing_booking_and_duplicate_book_item():
    entries = [
        entry("100.00", asr="B1", e2e="E1", line=1),
        entry("100.00", cd="CRDT", asr="R1", e2e="E1", return_code="AC04", line=2),
        entry("4.90", asr="FEE1", text="ACCOUNT MAINTENANCE FEE", btc="ACMT/MDOP/CHRG", line=3),
    ]
    rows = ["L1,2026-11-02,-100.00,EUR,X,INV-1,,,E1",
            "L2,2026-11-02,-100.00,EUR,X,INV-1,,,",
            "L3,2026-11-02,-55.00,EUR,Y,INV-3,,,"]
    result = _run(entries, rows)
    assert [(s.bank_ids, s.book_ids) for s in result.suggestions] == [(("B1",), ("L1",))]
    got = {(b.side, b.item_id): (b.break_class, b.reason_code) for b in result.breaks}
    assert got == {
        ("bank", "R1"): ("returned", "AC04"),
        ("bank", "FEE1"): ("bank_only", None),  # a fee has no reason code ...
        ("book", "L2"): ("duplicate", None),
        ("book", "L3"): ("missing_booking", None),
    }
    codes = {b.item_id: b.bank_transaction_code for b in result.breaks if b.side == "bank"}
    assert codes["FEE1"] == "ACMT/MDOP/CHRG"  # ... its bank transaction code has a field of its own


def test_duplicates_of_items_reconciled_earlier_are_still_duplicates():
    """A re-run sees only the open items: the twin of a duplicate was matched (or is held by a suggestion),
    so it is passed as settled. Without it, the book item booked twice read as a missing booking and the
    line the bank sent again as a bank-only item."""
    first = bank_items_from_messages([statement(entry("100.00", asr="B1", e2e="E1", name="X", line=1))])
    again = bank_items_from_messages([statement(entry("100.00", asr="B1", e2e="E1", name="X", line=9))])
    booked = book_items_from_ledger_csv(ledger("L1,2026-11-02,-100.00,EUR,X,INV-1,,,E1",
                                               "L2,2026-11-02,-100.00,EUR,X,INV-1,,,E1"))
    assert {b.break_class for b in match(again, []).breaks} == {"bank_only"}
    assert {b.break_class for b in match([], booked[1:]).breaks} == {"missing_booking"}
    (line,) = match(again, [], settled_bank=first).breaks
    assert (line.break_class, line.related_ids, line.note) == ("duplicate", (first[0].id,), "same line as one already reconciled")
    (book,) = match([], booked[1:], settled_book=booked[:1]).breaks
    got = {("book", book.item_id): (book.break_class, book.related_ids, book.note)}
    assert got[("book", "L2")] == ("duplicate", ("L1",), "same as an item already reconciled")


def test_indistinguishable_look_alikes_are_named_in_the_break_not_guessed():
    """Two statement lines and one book item with the same amount and date and nothing else: the matcher
    must not pick one, but the clerk is told which lines to look at."""
    entries = [entry("250.00", asr="B1", line=1), entry("250.00", asr="B2", line=2)]
    result = _run(entries, ["L1,2026-11-02,-250.00,EUR,,,,,"])
    assert result.suggestions == ()
    notes = {(b.side, b.item_id): (b.break_class, b.related_ids, b.note) for b in result.breaks}
    cls, related, note = notes[("book", "L1")]
    assert cls == "missing_booking" and related == ()
    assert "2 unmatched statement line(s) with the same amount" in note and "B1, B2" in note
    assert notes[("bank", "B1")][0] == "bank_only" and "(L1)" in notes[("bank", "B1")][2]
    lone = _run([entry("99.00", asr="B9", line=1)], ["L9,2026-11-02,-12.00,EUR,,,,,"])
    assert {b.note for b in lone.breaks} == {"no book item found", "no statement line found"}


def test_a_book_item_paid_in_instalments_is_one_review_suggestion():
    """A customer pays invoice INV-9 (1,000.00) in two transfers; nothing in either line names it."""
    entries = [entry("600.00", cd="CRDT", asr="B1", name="Kontor Buero GmbH", day=date(2026, 11, 2), line=1),
               entry("400.00", cd="CRDT", asr="B2", name="Kontor Buero GmbH", day=date(2026, 11, 4), line=2),
               entry("400.00", cd="CRDT", asr="B3", name="Verdi Consulting Srl", day=date(2026, 11, 3), line=3)]
    result = _run(entries, ["L1,2026-11-02,1000.00,EUR,Kontor Buero GmbH,INV-9,,,"])
    [s] = result.suggestions
    assert (s.kind, s.bank_ids, s.book_ids, s.status) == ("1:N", ("B1", "B2"), ("L1",), "review")
    assert not s.auto_eligible and "instalments" in s.reasons[0].text
    assert {b.item_id for b in result.breaks} == {"B3"}  # the other customer's 400.00 is not pulled in


def test_instalments_need_the_same_counterparty():
    entries = [entry("600.00", cd="CRDT", asr="B1", name="Kontor Buero GmbH", line=1),
               entry("400.00", cd="CRDT", asr="B2", name="Verdi Consulting Srl", line=2)]
    result = _run(entries, ["L1,2026-11-02,1000.00,EUR,Kontor Buero GmbH,INV-9,,,"])
    assert result.suggestions == ()


def test_currency_and_direction_must_agree():
    result = _run([entry("10.00", ccy="USD", asr="B1", e2e="E1")], ["L1,2026-11-02,-10.00,EUR,X,,,,E1"])
    assert result.suggestions == ()
    banks = bank_items_from_messages([statement(entry("10.00", asr="B1", e2e="E1"))])
    books = book_items_from_ledger_csv(ledger("L1,2026-11-02,10.00,EUR,X,,,,E1"))  # CRDT
    assert explain_pair(banks[0], books[0]) is None


@pytest.mark.parametrize("threshold", [0.5, 0.9])
def test_confidence_is_in_unit_interval(threshold):
    result = _run([entry("10.00", asr="B1", e2e="E1", name="A")], ["L1,2026-11-02,-10.00,EUR,A,,,,E1"],
                  config=MatchConfig(auto_threshold=threshold))
    assert all(0.0 <= s.confidence <= 1.0 for s in result.suggestions)


def test_suggestions_carry_learning_features_and_a_scorer_replaces_the_weights():
    from breakdesk.agents.recon.learning import FEATURES

    entries = [entry("10.00", asr="B1", e2e="E1", name="A")]
    rows = ["L1,2026-11-02,-10.00,EUR,A,,,,E1"]
    (s,) = _run(entries, rows).suggestions
    assert set(s.features) == set(FEATURES) and s.features["ref_id"] == 1.0
    (m,) = _run(entries, rows, scorer=lambda f: 0.7).suggestions
    assert m.confidence == pytest.approx(0.7) and not m.auto_eligible
    assert m.reasons[-1].text == "learned scorer: 0.70"


def test_mt_reference_echoed_in_61_matches_the_mt103_reference():
    from breakdesk.agents.recon import BankItem, BookItem

    bank = BankItem(id="B1", amount=Decimal("5.00"), currency="EUR", direction="DBIT", value_date=D,
                    mt_reference="ref 123")
    book = BookItem(id="P1", amount=Decimal("5.00"), currency="EUR", direction="DBIT", value_date=D,
                    mt_reference="REF123", source="MT103")
    s = explain_pair(bank, book)
    assert s is not None and s.auto_eligible
    assert s.reasons[0].text == "bank customer reference (:61:) = book MT :20:"
