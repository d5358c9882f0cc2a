"""Issue #16 item 1 through the store: a bank file with a known deviation and one unreadable line imports
its good entries; what was tolerated or left out is on the stored message, in the import report and on
the item a clerk compares; `strict` refuses the file whole and writes nothing. SQLite and PostgreSQL."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from breakdesk.app.services import queries
from breakdesk.app.services.workflow import ingest_files
from breakdesk.app.store.db import session_scope
from breakdesk.app.store.models import BankEntry, ImportBatch, MatchRun, MatchSuggestion, StoredMessage
from tests.integration.test_import_damaged_input import engine  # noqa: F401  (the two-backend fixture)

pytestmark = pytest.mark.integration

# A Commerzbank-style statement: a space before the transaction type (tolerated), then a line with 30
# February as its value date (left out), then a good credit.
STATEMENT = (
    ":20:COBA-1\n:25:DE89370400440532013000\n:28C:1/1\n:60F:C261129EUR1000,00\n"
    ":61:2611291129DR12,50 NMSCNONREF//CB-FEE-1\n/OCMT/EUR12,50//CHGS/EUR0,00/\n:86:805?00ENTGELT?20Kontoführung\n"
    ":61:2602300230CR40,00NTRFNONREF//CB-BAD-1\n:86:166?00GUTSCHRIFT?20Müller\n"
    ":61:2611291129CR100,00NTRFE2E-L1//CB-CRD-1\n:86:/EREF/E2E-L1/NAME/Dupont SARL/REMI/Invoice L1\n"
    ":62F:C261129EUR1087,50\n-\n"
)


def test_lenient_import_keeps_the_good_entries_and_the_findings(engine):  # noqa: F811
    with session_scope(engine) as s:
        report = ingest_files(s, files=[("coba.sta", STATEMENT.encode())], user="olivia")
    assert report.imported == ["coba.sta"] and not report.errors
    assert [f.split(": ")[2] for f in report.findings] == ["BANK_DEVIATION", "UNREADABLE_ENTRY"]
    assert report.findings[0].startswith("coba.sta:5: warning") and report.findings[1].startswith("coba.sta:8: error")
    with session_scope(engine) as s:
        entries = s.scalars(select(BankEntry).order_by(BankEntry.id)).all()
        assert [(e.amount, e.account_servicer_reference) for e in entries] == [(Decimal("12.50"), "CB-FEE-1"),
                                                                                (Decimal("100.00"), "CB-CRD-1")]
        (stored,) = s.scalars(select(StoredMessage)).all()
        assert [f["code"] for f in stored.findings] == ["BANK_DEVIATION", "UNREADABLE_ENTRY"]
        assert "2602300230CR40,00" in stored.findings[1]["value"]  # the left-out line, kept
        assert stored.payload["findings"] == stored.findings
        found = queries.reading_findings(s, entries)
        assert list(found) == [entries[0].id]  # the fee line's own finding, not the statement's others
        assert found[entries[0].id][0].startswith("line 5: warning: BANK_DEVIATION: space_before_transaction_type")
        # on the side-by-side a clerk sees
        run = MatchRun(started_by="olivia")
        s.add(run)
        s.flush()
        suggestion = MatchSuggestion(run_id=run.id, confidence=0.5, status="review", reasons=[])
        suggestion.bank_entries = [entries[0]]
        s.add(suggestion)
        s.flush()
        (row,) = queries.suggestions(s, ids=[suggestion.id], details=True)
        assert row["bank_items"][0]["findings"] == found[entries[0].id]


RETURN_LINE = (
    ":20:COBA-2\n:25:DE89370400440532013000\n:28C:2/1\n:60F:C261130EUR1087,50\n"
    ":61:2611301130CR250,00 NRTINONREF//CB-RET-1\n:86:/RTRN/AC04/EREF/E2E-RET-1/NAME/Dupont SARL/REMI/Invoice 9\n"
    ":62F:C261130EUR1337,50\n-\n"
)


def test_a_case_shows_what_was_tolerated_on_its_own_line(engine):  # noqa: F811
    from breakdesk.app.store.models import Case

    with session_scope(engine) as s:
        report = ingest_files(s, files=[("coba2.sta", RETURN_LINE.encode())], user="olivia")
    (key,) = report.case_keys
    with session_scope(engine) as s:
        case = s.scalars(select(Case).where(Case.key == key)).one()
        assert case.kind == "returned"
        (note,) = queries.case_reading_findings(s, case.detail["case"]["lifecycle"])  # what the case page shows
    assert note.startswith("coba2.sta:5: warning: BANK_DEVIATION: space_before_transaction_type")


def test_strict_import_refuses_the_file_and_writes_nothing(engine):  # noqa: F811
    with session_scope(engine) as s:
        report = ingest_files(s, files=[("coba.sta", STATEMENT.encode())], user="olivia", strict=True)
    assert report.imported == [] and report.findings == []
    assert report.errors == ["coba.sta:8: [MT940] field :61: impossible date '260230' (got "
                             "'2602300230CR40,00NTRFNONREF//CB-BAD-1')"]
    with session_scope(engine) as s:
        assert s.scalar(select(func.count()).select_from(BankEntry)) == 0
        assert s.scalar(select(func.count()).select_from(ImportBatch)) == 0
