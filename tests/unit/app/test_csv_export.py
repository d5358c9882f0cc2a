"""CSV exports cannot carry spreadsheet formulas (issue 21 item 9)."""

from __future__ import annotations

import csv
import io

import pytest

from breakdesk.app.services import queries
from breakdesk.app.services.csv_export import neutralise, to_safe_csv


@pytest.mark.parametrize(
    "payload",
    ['=HYPERLINK("http://evil.example/x","click")', "@SUM(A1:A9)", "+1+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0",
     "\t=1+1", "\r=1+1"],
)
def test_formula_cells_are_quoted(payload):
    data = to_safe_csv([{"reason": payload, "actor": "ada"}], ["actor", "reason"]).decode()
    row = next(csv.DictReader(io.StringIO(data)))
    assert row["reason"] == "'" + payload
    assert row["actor"] == "ada"


def test_plain_text_and_numbers_are_untouched():
    assert neutralise("approved after call") == "approved after call"
    assert neutralise("-12.50") == "-12.50"
    assert neutralise("a=b") == "a=b"


def test_nested_values_are_neutralised_too():
    data = to_safe_csv([{"after": ["=cmd"]}, {"after": {"k": 1}}], ["after"]).decode()
    rows = list(csv.DictReader(io.StringIO(data)))
    assert rows[0]["after"] == '["=cmd"]'  # starts with '[' so no formula
    assert rows[1]["after"] == '{"k": 1}'


def test_audit_export_escapes_injected_reason(scope, people):
    from breakdesk.app.services import audit

    with scope() as s:
        audit.append(s, actor="ada", action="case.note", object_type="case", object_id="C-1", reason="@SUM(1+1)*cmd")
    with scope() as s:
        rows = queries.audit_records(s, text="SUM")
    data = queries.to_csv(rows, ["seq", "actor", "reason"]).decode()
    parsed = list(csv.DictReader(io.StringIO(data)))
    assert parsed[0]["reason"] == "'@SUM(1+1)*cmd"
