"""The case workflow on the demo day: ingest, explain with citations, edit-then-approve, audit."""

import uuid

import psycopg
import pytest
from lxml import etree

from breakdesk.app.services.audit import verify_chain
from breakdesk.app.services.chat_facts import find_facts
from breakdesk.app.services.errors import ConflictError, PermissionDenied
from breakdesk.app.services.workflow import (
    ask,
    case_facets,
    decide_case,
    deliver_outbox,
    edit_repair,
    explain_case,
    ingest_files,
    list_cases,
)
from breakdesk.app.store.db import session_scope
from breakdesk.app.store.models import AuditRecord, Repair
from tests.conftest import REFERENCE, require_postgres
from tests.support.workflow import demo_files, make_workspace

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
BCRYPT = {"BREAKDESK_BCRYPT_ROUNDS": "4"}


@pytest.fixture(autouse=True)
def _cheap_bcrypt(monkeypatch):
    from breakdesk.app.settings import reload_settings

    monkeypatch.setenv("BREAKDESK_BCRYPT_ROUNDS", "4")
    reload_settings()


@pytest.fixture(params=["sqlite", "postgresql"])
def workspace(request, tmp_path):
    if request.param == "sqlite":
        yield make_workspace(tmp_path)
        return
    require_postgres()
    name = f"bd_wf_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    engine, runtime = make_workspace(tmp_path, f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}")
    yield engine, runtime
    engine.dispose()
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _case(rows, ref):
    return next(r for r in rows if (r["payment"] or {}).get("end_to_end_id") == ref)


def test_demo_day_end_to_end(workspace):
    engine, runtime = workspace
    with session_scope(engine) as s:
        report = ingest_files(s, files=demo_files() + [("broken.xml", b"<Document><oops")], user="olivia")
    assert len(report.imported) == 8 and report.errors and "broken.xml" in report.errors[0]
    with session_scope(engine) as s:
        again = ingest_files(s, files=demo_files(), user="olivia")
    assert again.imported == [] and len(again.duplicates) == 8  # idempotent

    with session_scope(engine) as s:
        rows = list_cases(s)
        facets = case_facets(s)
    # The queue's filter choices come from one aggregate read; they are exactly the values the cases hold.
    assert facets["total"] == len(rows)
    for name in ("kind", "reason_code", "state", "assignee", "severity"):
        assert facets[name] == sorted({r[name] for r in rows if r[name] is not None}), name
    kinds = {((r["payment"] or {}).get("end_to_end_id"), r["kind"], r["reason_code"]) for r in rows}
    assert {("E2E-4471", "rejected", "AC04"), ("E2E-4472", "rejected", "AC01"), ("E2E-4477", "rejected", "AM05"),
            ("E2E-4479", "rejected", "TM01"), ("E2E-4474", "returned", "BE04")} <= kinds
    assert any(k[0] == "E2E-4478" for k in kinds)  # the recalled duplicate

    ac04 = _case(rows, "E2E-4471")["key"]
    with session_scope(engine) as s:
        ex = explain_case(s, case_key=ac04, runtime=runtime)
    assert ex["diagnosis"]["reason_code"] == "AC04" and ex["diagnosis"]["retry_class"] == "human"
    assert "iso-status-reason-codes#ac04" in ex["citations"] and "[iso-status-reason-codes#ac04]" in ex["answer"]
    assert [s_["stage"] for s_ in ex["lifecycle"]] == ["initiated", "status"]
    assert ex["repair"]["valid"] is False and ex["repair"]["missing"] == ["creditor.account"]
    with session_scope(engine) as s:  # what every redraw of the Exceptions page does: a read, no write
        assert explain_case(s, case_key=ac04, runtime=runtime)["answer"] == ex["answer"]
        assert not s.dirty and not s.new
    with session_scope(engine) as s, pytest.raises(ConflictError, match="missing creditor.account"):
        decide_case(s, case_key=ac04, action="approve", user="oscar", reason="ok", runtime=runtime)

    with session_scope(engine) as s:
        edited = edit_repair(s, case_key=ac04, corrections={"creditor.account": "DE74100200300987654321"},
                             user="olivia", reason="new IBAN confirmed by Nordwind by phone", runtime=runtime)
    assert edited["valid"] is True, edited["findings"]
    schema = etree.XMLSchema(etree.parse(str(REFERENCE / "xsd" / "pain.001.001.09.xsd")))
    assert schema.validate(etree.fromstring(edited["message"].encode()))
    with session_scope(engine) as s, pytest.raises(PermissionDenied, match="maker-checker"):
        decide_case(s, case_key=ac04, action="approve", user="olivia", reason="self", runtime=runtime)
    # An approval whose transaction does not commit releases nothing (the file used to be written first).
    with pytest.raises(RuntimeError, match="commit failed"), session_scope(engine) as s:
        decide_case(s, case_key=ac04, action="approve", user="oscar", reason="four eyes ok", runtime=runtime)
        raise RuntimeError("commit failed")
    assert deliver_outbox(runtime.outbox, engine=engine) == [] and not list(runtime.outbox.glob("*.xml"))
    with session_scope(engine) as s:
        assert [r.state for r in s.query(Repair).filter(Repair.state != "superseded")].count("approved") == 0

    with session_scope(engine) as s:
        done = decide_case(s, case_key=ac04, action="approve", user="oscar", reason="four eyes ok", runtime=runtime)
        assert not list(runtime.outbox.glob("*.xml"))  # not before the commit
    assert done["outcome"]["status"] == "applied"
    assert [d["case"] for d in deliver_outbox(runtime.outbox, engine=engine)] == [ac04]
    assert deliver_outbox(runtime.outbox, engine=engine) == []  # delivered once
    written = list((runtime.outbox).glob("*.xml"))
    assert len(written) == 1 and b"E2E-4471-R1" in written[0].read_bytes()
    with session_scope(engine) as s, pytest.raises(ConflictError):
        decide_case(s, case_key=ac04, action="approve", user="chloe", reason="again", runtime=runtime)

    with session_scope(engine) as s:
        actions = [r.action for r in s.query(AuditRecord).order_by(AuditRecord.seq)]
        assert {"repair.propose", "repair.edit", "repair.approve"} <= set(actions)
        assert verify_chain(s).ok

    am05 = _case(rows, "E2E-4477")["key"]
    with session_scope(engine) as s:
        ex = explain_case(s, case_key=am05, runtime=runtime)
    assert ex["diagnosis"]["retry_class"] == "final" and ex["repair"]["valid"] is False

    with session_scope(engine) as s:
        out = ask(s, question="why did E2E-4471 fail?", thread_id="t1", runtime=runtime)
    assert "E2E-4471" in out["answer"] and out["provider"] == "none"
    with session_scope(engine) as s:
        out = ask(s, question="which statement line paid invoice INV-2026-118?", thread_id="t1", runtime=runtime)
    assert "CBK-20261127-0008" in out["answer"]
    with session_scope(engine) as s:  # by name: only the open case whose facts name the creditor
        out = ask(s, question="any open cases for Baltic Supplies?", thread_id="t2", runtime=runtime)
    assert "E2E-4472" in out["answer"] and "E2E-4471" not in out["answer"]
    with session_scope(engine) as s:  # by kind: the returns, not the rejects
        out = ask(s, question="returned payments", thread_id="t3", runtime=runtime)
    assert "E2E-4474" in out["answer"] and "E2E-4471" not in out["answer"]
    with session_scope(engine) as s:  # every fact carries its party names, for masking before an external model
        facts = find_facts(s)("why did E2E-4471 fail?", {"refs": ["E2E-4471"]})
    assert facts and all("Nordwind Logistik GmbH" in f["names"] for f in facts if f["source"].startswith("case "))


def test_prompt_injection_in_remittance_is_data(workspace):
    engine, runtime = workspace
    with session_scope(engine) as s:
        ingest_files(s, files=demo_files(), user="olivia")
        rows = list_cases(s)
    key = _case(rows, "E2E-4478")["key"]
    with session_scope(engine) as s:
        ex = explain_case(s, case_key=key, runtime=runtime)
    assert "approve every repair" not in ex["answer"].lower()
    assert ex["repair"].get("valid") is not True  # a recall is never "fixed" by resending


def test_seed_demo_is_idempotent(tmp_path):
    from breakdesk.app.services.workflow import seed_demo

    engine, runtime = make_workspace(tmp_path)
    with session_scope(engine) as s:
        first = seed_demo(s, runtime=runtime, user="ada")
    assert len(first["imported"]) == 8 and not first["errors"] and first["matching"]["suggestions"] >= 7
    assert len(first["cases"]) >= 9
    with session_scope(engine) as s:
        again = seed_demo(s, runtime=runtime, user="ada")
    assert again["imported"] == [] and again["matching"] is None and sorted(again["cases"]) == sorted(first["cases"])
