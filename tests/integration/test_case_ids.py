"""A payment case keeps its id while late messages grow its thread, on SQLite and PostgreSQL.

The case id used to be a hash of the thread's identifiers, so a pacs.004 carrying a TxId not seen before
opened a second case for a payment that already had one, and left the first (with its assignment) stale.
"""

from __future__ import annotations

from contextlib import nullcontext
from decimal import Decimal

import pytest
from sqlalchemy import select

from breakdesk.agents.case_view import case_to_dict
from breakdesk.agents.cases import scan_cases
from breakdesk.app.services import audit
from breakdesk.app.services import cases as case_service
from breakdesk.app.services.imports import import_messages
from breakdesk.app.services.workflow import refresh_cases
from breakdesk.app.store.db import session_scope
from breakdesk.app.store.models import Case, CaseIdent
from breakdesk.parsers.canonical import CancellationRequest, Message, PaymentReturn, Provenance, Status
from tests.support.workflow import make_workspace

pytestmark = pytest.mark.integration


@pytest.fixture(params=["sqlite", "postgresql"])
def workspace(request, tmp_path):
    from breakdesk.app.store.testing import temporary_postgres_database
    from tests.conftest import require_postgres

    if request.param == "postgresql":
        require_postgres()
    databases = temporary_postgres_database(migrate=False) if request.param == "postgresql" else nullcontext(None)
    with databases as url:
        eng, runtime = make_workspace(tmp_path, url)
        yield eng, runtime
        eng.dispose()


@pytest.fixture
def engine(workspace):
    return workspace[0]


def _reject(name: str, e2e: str) -> Message:
    st = Status(provenance=Provenance(file=name, xpath="/Document/CstmrPmtStsRpt/OrgnlPmtInfAndSts[1]/TxInfAndSts[1]"),
                level="transaction", status="RJCT", reason_code="AC04", original_end_to_end_id=e2e,
                original_amount=Decimal("1250.00"), original_currency="EUR")
    return Message(message_type="pain.002.001.10", family="pain.002", kind="status_report", provenance=Provenance(file=name),
                   statuses=[st])


def _return(name: str, e2e: str, tx_id: str, uetr: str | None = None) -> Message:
    r = PaymentReturn(provenance=Provenance(file=name, xpath="/Document/PmtRtr/TxInf[1]"), original_end_to_end_id=e2e,
                      original_transaction_id=tx_id, original_uetr=uetr, reason_code="AC04",
                      returned_amount=Decimal("1250.00"), currency="EUR")
    return Message(message_type="pacs.004.001.09", family="pacs.004", kind="return", provenance=Provenance(file=name),
                   returns=[r])


def _recall(name: str, e2e: str, tx_id: str) -> Message:
    c = CancellationRequest(provenance=Provenance(file=name, xpath="/Document/FIToFIPmtCxlReq/Undrlyg[1]/TxInf[1]"),
                            original_end_to_end_id=e2e, original_transaction_id=tx_id, reason_code="DUPL")
    return Message(message_type="camt.056.001.08", family="camt.056", kind="cancellation_request", provenance=Provenance(file=name),
                   cancellations=[c])


def _ingest(engine, message: Message) -> list[str]:
    """Store one file holding `message` and refresh the cases, as an import does."""
    name = message.provenance.file
    with session_scope(engine) as s:
        import_messages(s, file_name=name, content_bytes=message.model_dump_json().encode(), messages=[message], user="olivia")
        return refresh_cases(s)


def _live(s) -> list[Case]:
    return list(s.execute(select(Case).where(Case.merged_into_id.is_(None)).order_by(Case.id)).scalars())


def test_a_late_message_with_a_new_identifier_updates_the_payments_case(engine):
    a = _reject("a.xml", "E2E-1")
    [x] = _ingest(engine, a)
    with session_scope(engine) as s:
        case_service.assign_case(s, case_id=case_service.get_case_by_key(s, key=x).id, assignee="olivia", actor="oscar")

    b = _return("b.xml", "E2E-1", "TX-NEW-1", uetr="00000000-0000-4000-8000-000000000001")  # identifiers not seen before
    assert _ingest(engine, b) == [x]

    with session_scope(engine) as s:
        [case] = s.execute(select(Case)).scalars().all()  # one payment, one case
        view = case.detail["case"]
        assert (case.key, view["case_id"]) == (x, x)
        assert (case.kind, view["kind"], case.assignee, case.state) == ("returned", "returned", "olivia", "open")
        assert [step["message_type"] for step in view["lifecycle"]] == ["pain.002.001.10", "pacs.004.001.09"]
        assert {"TX-NEW-1", "00000000-0000-4000-8000-000000000001"} <= set(view["payment"]["ids"])
        idents = set(s.execute(select(CaseIdent.ident).where(CaseIdent.case_id == case.id)).scalars())
        assert idents == set(view["payment"]["ids"])
        assert [e.event_type for e in case.events] == ["opened", "assigned", "updated"]
        assert case.events[-1].payload["from"]["kind"] == "rejected"
        [update] = s.execute(select(audit.AuditRecord).where(audit.AuditRecord.action == "case.update")).scalars().all()
        assert (update.object_id, update.before["kind"], update.after["kind"]) == (str(case.id), "rejected", "returned")
        assert audit.verify_chain(s).ok
        assert {c.case_id: case_to_dict(c) for c in scan_cases([[a], [b]])} == {x: view}  # what the full scan says


def test_a_message_joining_two_threads_merges_the_newer_case_into_the_older(engine):
    a = _reject("a.xml", "E2E-A")
    b = _return("b.xml", "E2E-B", "TX-B")
    [x] = _ingest(engine, a)
    [y] = _ingest(engine, b)
    assert x != y
    with session_scope(engine) as s:
        case_service.assign_case(s, case_id=case_service.get_case_by_key(s, key=y).id, assignee="oscar", actor="olivia")

    c = _recall("c.xml", "E2E-A", "TX-B")  # one recall quoting both: they were the same payment all along
    assert _ingest(engine, c) == [x]
    d = _return("d.xml", "E2E-A", "TX-A")  # a later message about it still lands on the older case
    assert _ingest(engine, d) == [x]

    with session_scope(engine) as s:
        [older] = _live(s)
        newer = case_service.get_case_by_key(s, key=y)
        assert older.key == x and older.detail["case"]["case_id"] == x
        assert {"E2E-A", "E2E-B", "TX-B", "TX-A"} <= set(older.detail["case"]["payment"]["ids"])
        # the newer case is kept, closed and pointing at the older; its assignment and history stay
        assert (newer.merged_into_id, newer.state, newer.assignee) == (older.id, "closed", "oscar")
        assert [e.event_type for e in newer.events] == ["opened", "assigned", "merged"]
        assert newer.events[-1].payload["into"] == x and newer.events[-1].payload["from_state"] == "open"
        assert "merged_in" in [e.event_type for e in older.events]
        [merge] = s.execute(select(audit.AuditRecord).where(audit.AuditRecord.action == "case.merge")).scalars().all()
        assert (merge.object_id, merge.after) == (str(newer.id), {"state": "closed", "merged_into": x})
        assert audit.verify_chain(s).ok
        from breakdesk.app.services.workflow import list_cases

        assert {r["key"]: r["merged_into"] for r in list_cases(s)} == {x: None, y: x}  # what the queue shows
        expected = {bc.case_id: case_to_dict(bc) for bc in scan_cases([[a], [b], [c], [d]])}
        assert expected == {x: older.detail["case"]}


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_cases_stored_before_the_upgrade_keep_their_id(tmp_path, database):
    """Migration 0005 gives the payment cases already stored the identifiers their view lists, so the
    first late message after the upgrade updates them too; a reconciliation case gets none."""
    import sqlalchemy as sa

    from breakdesk.agents.cases import detect_cases
    from breakdesk.app.store.db import make_engine
    from breakdesk.app.store.migrate import upgrade
    from breakdesk.app.store.testing import temporary_postgres_database
    from breakdesk.app.store.types import JSONDoc, UtcDateTime, utcnow
    from tests.conftest import require_postgres

    if database == "postgresql":
        require_postgres()
    a = _reject("a.xml", "E2E-1")
    [old] = detect_cases([a])
    cases = sa.table("cases", *(sa.column(n) for n in ("key", "kind", "state", "reason_code", "title", "severity", "version")),
                     sa.column("payment_ids", JSONDoc), sa.column("detail", JSONDoc),
                     sa.column("created_at", UtcDateTime()), sa.column("updated_at", UtcDateTime()))
    row = {"state": "open", "reason_code": "AC04", "title": "t", "severity": "low", "version": 1, "payment_ids": {},
           "created_at": utcnow(), "updated_at": utcnow()}
    databases = temporary_postgres_database(migrate=False) if database == "postgresql" else nullcontext(None)
    with databases as url:
        url = url or f"sqlite:///{tmp_path / 'bd.sqlite3'}"
        upgrade(url, "0004")
        eng = make_engine(url)
        try:
            with eng.begin() as conn:
                conn.execute(cases.insert(), [{**row, "key": old.case_id, "kind": "rejected", "detail": {"case": case_to_dict(old)}},
                                              {**row, "key": "CASE-RECON00001", "kind": "bank_only",
                                               "detail": {"case": {"payment": {"ids": ["E2E-1"]}}}}])
        finally:
            eng.dispose()
        engine, _runtime = make_workspace(tmp_path, url)  # upgrades to the head
        try:
            with session_scope(engine) as s:
                assert sorted(s.execute(select(Case.key, CaseIdent.ident).join(CaseIdent)).all()) == [(old.case_id, "E2E-1")]
            with session_scope(engine) as s:  # the message the old case came from; the next refresh threads it
                import_messages(s, file_name="a.xml", content_bytes=b"a", messages=[a], user="olivia")
            assert _ingest(engine, _return("b.xml", "E2E-1", "TX-9")) == [old.case_id]
            with session_scope(engine) as s:
                assert [(c.key, c.kind) for c in _live(s)] == [(old.case_id, "returned"), ("CASE-RECON00001", "bank_only")]
        finally:
            engine.dispose()


def test_a_changed_break_is_analysed_again_and_its_old_proposal_cannot_be_approved(workspace):
    from breakdesk.app.services.errors import ConflictError
    from breakdesk.app.services.workflow import decide_case, explain_case

    engine, runtime = workspace
    [x] = _ingest(engine, _reject("a.xml", "E2E-9"))
    with session_scope(engine) as s:
        first = explain_case(s, case_key=x, runtime=runtime)
        old_repair = first["repair"]["repair_id"]
        assert first["kind"] == "rejected" and first["state"] == "repair_proposed"

    assert _ingest(engine, _return("b.xml", "E2E-9", "TX-9")) == [x]  # the rejected payment came back: another break
    with session_scope(engine) as s:
        case = case_service.get_case_by_key(s, key=x)
        assert (case.kind, case.state, case.detail.get("analysis")) == ("returned", "investigating", 1)
        assert "explanation" not in case.detail
        [repair] = case.repairs
        assert (repair.state, repair.decided_by) == ("superseded", "system:breakdesk")
        assert [e.event_type for e in case.events][-2:] == ["repair_superseded", "state"]
        assert s.execute(select(audit.AuditRecord).where(audit.AuditRecord.action == "case.state")).scalar_one()
        assert s.execute(select(audit.AuditRecord).where(audit.AuditRecord.action == "repair.supersede")).scalar_one()
        assert audit.verify_chain(s).ok

    with session_scope(engine) as s:
        again = explain_case(s, case_key=x, runtime=runtime)
    assert again["kind"] == "returned" and again["answer"] != first["answer"]
    with session_scope(engine) as s:
        assert explain_case(s, case_key=x, runtime=runtime)["answer"] == again["answer"]  # once per analysis
        case = case_service.get_case_by_key(s, key=x)
        assert [r.state for r in case.repairs] == ["superseded", "proposed"]
        assert again["repair"]["repair_state"] == "proposed" and again["repair"]["repair_id"] != old_repair
        # A decision names the repair the person read: the superseded one is refused, not swapped for the new one.
        with pytest.raises(ConflictError, match=f"repair {old_repair} of case {x} is no longer the open one"):
            decide_case(s, case_key=x, action="reject", user="oscar", reason="no", runtime=runtime, repair_id=old_repair)


def test_two_imports_starting_the_same_thread_at_once_open_one_case(monkeypatch):
    """Two imports that finish together, each holding half of a new payment thread, open one case: each
    refresh would find no case of the other's (not committed yet) and open one, unless refreshes are
    serialised (`refresh_cases` holds the audit chain's lock from its start). The import's own audit
    record takes that lock before the refresh too, so it is switched off here to test the refresh's."""
    import breakdesk.app.services.imports as imports
    from breakdesk.app.store.db import make_engine
    from breakdesk.app.store.race import race
    from breakdesk.app.store.testing import seed_users, temporary_postgres_database
    from tests.conftest import require_postgres

    require_postgres()

    real = imports.audit

    class NoAudit:  # the import's audit record, without its chain lock
        def __getattr__(self, name):
            return (lambda *a, **k: None) if name == "append" else getattr(real, name)

    monkeypatch.setattr(imports, "audit", NoAudit())
    with temporary_postgres_database() as url:
        eng = make_engine(url, pool_size=4)
        try:
            with session_scope(eng) as s:
                seed_users(s, olivia="ops")

            def ingest(message: Message):
                def call(s):
                    name = message.provenance.file
                    import_messages(s, file_name=name, content_bytes=message.model_dump_json().encode(),
                                    messages=[message], user="olivia")
                    return refresh_cases(s)
                return call

            for i in range(6):
                e2e = f"E2E-RACE-{i}"
                results = race(eng, [ingest(_reject(f"r{i}.xml", e2e)), ingest(_return(f"b{i}.xml", e2e, f"TX-RACE-{i}"))])
                assert [k for k, _ in results] == ["ok", "ok"], results
                with session_scope(eng) as s:
                    mine = [c for c in _live(s) if e2e in c.detail["case"]["payment"]["ids"]]
                    assert len(mine) == 1, [(c.key, c.kind) for c in mine]
                    assert mine[0].kind == "returned"
        finally:
            eng.dispose()
