"""A clerk's own N:M match with a sum check and a write-off; above the limit a second clerk approves."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from breakdesk.app.services import audit, decisions
from breakdesk.app.services.errors import ConflictError, InvalidInput, PermissionDenied
from breakdesk.app.services.manual_match import manual_match, write_off_of
from breakdesk.app.store.models import AuditRecord, MatchSuggestion
from breakdesk.app.store.testing import seed_pair


def _items(scope, *amounts: tuple[str, str]) -> tuple[list[int], list[int]]:
    """Open statement entries and book items with the given (bank, book) amounts ('' = none on that side)."""
    bank, book = [], []
    with scope() as s:
        for b, k in amounts:
            entry, item = seed_pair(s, amount=b or k)
            if b:
                bank.append(entry.id)
            if k:
                item.amount = Decimal(k)
                book.append(item.id)
    return bank, book


def test_two_lines_against_three_items_that_add_up_are_approved_at_once(scope, people):
    bank, book = _items(scope, ("100.00", "60.00"), ("50.00", "40.00"), ("", "50.00"))
    with scope() as s:
        sug = manual_match(s, bank_entry_ids=bank, book_item_ids=book, user="alice", reason="remittance advice by mail")
        assert (sug.decision_state, sug.decided_by, sug.confidence) == ("approved", "alice", 1.0)
        assert {e.matched_suggestion_id for e in sug.bank_entries + sug.book_items} == {sug.id}
        actions = [r.action for r in s.execute(select(AuditRecord).order_by(AuditRecord.seq)).scalars()]
        assert actions[-2:] == ["match.manual", "match.approve"] and audit.verify_chain(s).ok


def test_sums_that_differ_need_the_exact_write_off_and_a_reason(scope, people):
    bank, book = _items(scope, ("4985.00", "5000.00"))
    with scope() as s:
        with pytest.raises(InvalidInput, match=r"15\.00 .*write-off of 15\.00"):
            manual_match(s, bank_entry_ids=bank, book_item_ids=book, user="alice", reason="charge taken")
        with pytest.raises(InvalidInput, match="write-off of 15.00"):
            manual_match(s, bank_entry_ids=bank, book_item_ids=book, user="alice", reason="x", write_off="14.99")
        with pytest.raises(InvalidInput, match="needs a reason"):
            manual_match(s, bank_entry_ids=bank, book_item_ids=book, user="alice", reason=" ", write_off="15")
    with scope() as s:
        sug = manual_match(s, bank_entry_ids=bank, book_item_ids=book, user="alice", reason="SHA charge",
                           write_off="15,00")
        assert sug.decision_state == "approved"  # 15.00 is within the 50.00 limit: the maker decides
        assert write_off_of(sug) == (Decimal("15.00"), "EUR", "alice")


def test_a_write_off_above_the_limit_waits_for_a_second_clerk(scope, people):
    bank, book = _items(scope, ("900.00", "1000.00"))
    with scope() as s:
        sid = manual_match(s, bank_entry_ids=bank, book_item_ids=book, user="alice", reason="partial payment agreed",
                           write_off="100.00").id
    with scope() as s:
        assert s.get(MatchSuggestion, sid).decision_state == "pending"
        with pytest.raises(PermissionDenied, match="a second clerk approves it, not its maker alice"):
            decisions.approve(s, suggestion_id=sid, user="alice")
    with scope() as s:
        decisions.approve(s, suggestion_id=sid, user="bob", reason="agreed with the customer's letter")
        assert s.get(MatchSuggestion, sid).decision_state == "approved"


def test_matched_items_mixed_currencies_and_other_roles_are_refused(scope, people):
    bank, book = _items(scope, ("10.00", "10.00"))
    with scope() as s:
        manual_match(s, bank_entry_ids=bank, book_item_ids=book, user="alice", reason="same invoice")
    with scope() as s, pytest.raises(ConflictError, match="already matched"):
        manual_match(s, bank_entry_ids=bank, book_item_ids=book, user="bob", reason="again")
    with scope() as s:
        usd_entry, _ = seed_pair(s, amount="10.00", currency="USD")
        _, eur_item = seed_pair(s, amount="10.00")
        ids = ([usd_entry.id], [eur_item.id])
    with scope() as s, pytest.raises(InvalidInput, match="one currency and one direction"):
        manual_match(s, bank_entry_ids=ids[0], book_item_ids=ids[1], user="alice", reason="x")
    with scope() as s, pytest.raises(PermissionDenied):
        manual_match(s, bank_entry_ids=ids[0], book_item_ids=ids[1], user="olga", reason="x")
