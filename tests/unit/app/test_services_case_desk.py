"""Service levels by severity and notes on a case (kept in the audit chain, found by the case key)."""

from datetime import UTC, datetime, timedelta

import pytest

from breakdesk.app.services import audit
from breakdesk.app.services.case_desk import add_note, notes, sla
from breakdesk.app.services.cases import open_case
from breakdesk.app.services.errors import InvalidInput, NotFound, PermissionDenied
from breakdesk.app.settings import parse_sla

NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)


def test_the_clock_runs_by_severity_and_stops_when_the_case_is_done():
    assert sla("high", "open", NOW - timedelta(hours=5), NOW).breached
    assert sla("high", "open", NOW - timedelta(hours=5), NOW).text == "overdue 1 h"
    assert sla("medium", "investigating", (NOW - timedelta(hours=5)).isoformat(), NOW).text == "19 h left"
    assert not sla("low", "open", NOW - timedelta(days=2), NOW).breached
    assert sla("low", "open", NOW - timedelta(days=6), NOW).text == "overdue 3 d"
    assert sla("high", "resolved", NOW - timedelta(days=9), NOW).text == ""


def test_sla_hours_are_checked_at_start_up():
    assert parse_sla(" high=2 , low=100") == {"high": 2.0, "low": 100.0}
    for bad in ("urgent=4", "high=0", "high", "high=soon"):
        with pytest.raises(ValueError, match="BREAKDESK_SLA_HOURS"):
            parse_sla(bad)


def test_a_note_is_an_audit_record_on_the_case_key(scope, people):
    with scope() as s:
        key = open_case(s, actor="olga", kind="rejected", reason_code="AC04", title="t").key
    with scope() as s:
        add_note(s, case_key=key, user="olga", text="  Called the bank: recall on its way  ")
        add_note(s, case_key=key, user="carl", text="Compliance: keep the call note")  # compliance may note
    with scope() as s:
        got = notes(s, case_key=key)
        assert [(n["by"], n["text"]) for n in got] == [("olga", "Called the bank: recall on its way"),
                                                      ("carl", "Compliance: keep the call note")]
        assert audit.verify_chain(s).ok
        with pytest.raises(InvalidInput):
            add_note(s, case_key=key, user="olga", text="   ")
        with pytest.raises(NotFound):
            add_note(s, case_key="CASE-NOPE", user="olga", text="x")
        with pytest.raises(PermissionDenied):
            add_note(s, case_key=key, user="alice", text="clerks do not read cases")
