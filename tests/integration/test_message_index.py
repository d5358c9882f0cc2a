"""Incremental case refresh: an import reads only the stored messages its own thread with, and the cases
come out exactly as a scan of every stored message would make them."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, func, select, update

from breakdesk import parsers
from breakdesk.agents.case_view import case_to_dict
from breakdesk.agents.cases import detect_cases, scan_cases
from breakdesk.app.services import message_index
from breakdesk.app.services.imports import import_messages
from breakdesk.app.services.workflow import ingest_files, refresh_cases
from breakdesk.app.store.db import session_scope
from breakdesk.app.store.models import Case, MessageIdent, StoredMessage
from tests.conftest import load_manifest
from tests.support.workflow import demo_files, make_workspace

pytestmark = pytest.mark.integration


def _message_files() -> list[tuple[str, bytes]]:
    """The demo day and every corpus file that parses (payments, statuses, returns, recalls, statements)."""
    files = [f for f in demo_files() if not f[0].endswith(".csv")]
    for item in load_manifest():
        data = item.path.read_bytes()
        try:
            parsers.parse(data, filename=item.path.name)
        except parsers.ParseError:
            continue
        files.append((item.local_path, data))
    return files


def _full_scan(files: list[tuple[str, bytes]]) -> dict[str, dict]:
    """Every message read again after each file, case ids kept by the same rule (`scan_cases`)."""
    return {bc.case_id: case_to_dict(bc) for bc in scan_cases(parsers.parse(data, filename=name) for name, data in files)}


@pytest.mark.parametrize("order", ["forward", "reverse"])
def test_one_file_at_a_time_gives_the_cases_of_a_full_scan(tmp_path, order):
    files = _message_files()
    assert len(files) > 30
    if order == "reverse":  # statuses, returns and recalls arrive before their payments
        files = files[::-1]
    engine, _ = make_workspace(tmp_path)
    for name, data in files:
        with session_scope(engine) as s:
            ingest_files(s, files=[(name, data)], user="olivia")
    expected = _full_scan(files)
    assert len(expected) > 20
    with session_scope(engine) as s:
        stored = {c.key: (c.detail or {}).get("case") for c in s.execute(select(Case).where(Case.merged_into_id.is_(None))).scalars()}
        assert not s.execute(select(func.count()).select_from(StoredMessage).where(StoredMessage.threaded.is_(False))).scalar()
    # exactly the same cases: none missing, and no stale second case for a payment whose thread grew
    assert sorted(stored) == sorted(expected)
    differ = [k for k, view in expected.items() if stored[k] != view]
    assert not differ, differ


def test_an_import_reads_only_the_messages_it_threads_with(tmp_path, monkeypatch):
    engine, _ = make_workspace(tmp_path)
    files = dict(demo_files())
    pacs002 = "02_pain002_acme_2026-11-27.xml"
    with session_scope(engine) as s:
        ingest_files(s, files=[(n, d) for n, d in files.items() if n != pacs002], user="olivia")

    read: list[str] = []
    real = parsers.Message.model_validate
    monkeypatch.setattr(message_index.parsers.Message, "model_validate",
                        lambda payload: read.append(payload["message_type"]) or real(payload))
    with session_scope(engine) as s:
        report = ingest_files(s, files=[(pacs002, files[pacs002])], user="olivia")
    # the status report itself and the pain.001 it answers; neither statement nor the recall file
    assert read == ["pain.002.001.10", "pain.001.001.09"], read
    assert len(report.case_keys) == 4  # the four rejects, and nothing else was touched

    read.clear()
    with session_scope(engine) as s:
        again = ingest_files(s, files=[(pacs002, files[pacs002])], user="olivia")
    assert again.duplicates == [pacs002] and again.case_keys == [] and read == []


def test_messages_stored_before_the_index_are_indexed_by_the_first_refresh(tmp_path):
    engine, _ = make_workspace(tmp_path)
    with session_scope(engine) as s:
        first = ingest_files(s, files=demo_files(), user="olivia")
    with session_scope(engine) as s:  # what a database upgraded to 0004 looks like
        s.execute(delete(MessageIdent))
        s.execute(update(StoredMessage).values(threaded=False))
    with session_scope(engine) as s:
        keys = refresh_cases(s)
        assert set(keys) == set(first.case_keys) and s.execute(select(func.count()).select_from(MessageIdent)).scalar()
    with session_scope(engine) as s:
        assert refresh_cases(s) == []


def test_a_new_message_with_no_identifier_still_gets_its_case(tmp_path):
    """A returned statement entry (:86: /RTRN/AC04) that carries no payment identifier threads with nothing."""
    engine, _ = make_workspace(tmp_path)
    text = (":20:STMT1\n:25:DE89370400440532013000\n:28C:1/1\n:60F:C261127EUR1000,00\n"
            ":61:2611271127C250,00NRTINONREF//CBK1\n:86:/RTRN/AC04/REMI/returned payment\n:62F:C261127EUR1250,00\n")
    with session_scope(engine) as s:
        messages = parsers.parse(text, filename="return.sta")
        import_messages(s, file_name="return.sta", content_bytes=text.encode(), messages=messages, user="olivia")
        [expected] = detect_cases(messages)
        assert not expected.thread.ids and expected.kind == "returned"
        assert refresh_cases(s) == [expected.case_id]


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_two_refreshes_at_once_index_each_message_once(tmp_path, database):
    """Two imports finishing together after an upgrade: the second waits (row locks on PostgreSQL,
    BEGIN IMMEDIATE on SQLite), then finds the earlier messages threaded, instead of indexing them twice
    (a primary-key violation)."""
    from contextlib import nullcontext

    from breakdesk.app.store.race import race
    from breakdesk.app.store.testing import temporary_postgres_database
    from tests.conftest import require_postgres

    if database == "postgresql":
        require_postgres()
    databases = temporary_postgres_database(migrate=False) if database == "postgresql" else nullcontext(None)
    with databases as url:
        engine, _ = make_workspace(tmp_path, url)
        try:
            with session_scope(engine) as s:
                first = ingest_files(s, files=demo_files(), user="olivia")
            with session_scope(engine) as s:
                indexed = s.execute(select(func.count()).select_from(MessageIdent)).scalar()
                s.execute(delete(MessageIdent))
                s.execute(update(StoredMessage).values(threaded=False))
            results = race(engine, [refresh_cases, refresh_cases])
            assert [r[0] for r in results] == ["ok", "ok"], results
            assert sorted(len(r[1]) for r in results) == [0, len(first.case_keys)]
            with session_scope(engine) as s:
                assert s.execute(select(func.count()).select_from(MessageIdent)).scalar() == indexed
        finally:
            engine.dispose()
