"""The payment lifecycle query reads only the messages that thread with the reference (through the
identifier index), and answers exactly as a scan of every stored message did, for every identifier."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import delete, func, select, update

from breakdesk import parsers
from breakdesk.agents.lifecycle import steps_from_message, thread_messages
from breakdesk.app.services import message_index
from breakdesk.app.services.queries import lifecycle_row, payment_lifecycle
from breakdesk.app.services.workflow import ingest_files
from breakdesk.app.store.db import session_scope
from breakdesk.app.store.models import MessageIdent, StoredMessage
from tests.integration.test_message_index import _message_files
from tests.support.workflow import demo_files, make_workspace

pytestmark = pytest.mark.integration


def _full_scan(session) -> Callable[[str], list[dict[str, Any]]]:
    """The query as it was before it used the index: every stored message read and threaded."""
    rows = session.execute(select(StoredMessage.payload).order_by(StoredMessage.id)).scalars()
    threads = thread_messages([parsers.Message.model_validate(p) for p in rows])

    def lifecycle(reference: str) -> list[dict[str, Any]]:
        ref = reference.strip()
        if not ref:
            return []
        for thread in threads:
            if ref in thread.ids or ref.upper() in {i.upper() for i in thread.ids}:
                return [lifecycle_row(s) for s in thread.ordered()]
        return []

    return lifecycle


def _lower_case_twin() -> tuple[str, bytes]:
    """The demo pain.001 again with every identifier in lower case: threads of their own (identifiers thread
    case-sensitively) that the case-insensitive look-up meets too; the one stored first must win."""
    name, data = next(f for f in demo_files() if f[0].startswith("01_pain001"))
    for ident in (b"ACME-", b"E2E-", b"SAL-"):
        data = data.replace(ident, ident.lower())
    return "09_pain001_lower_case_twin.xml", data


def _identifiers(session) -> list[str]:
    """Every identifier the stored messages' steps carry, but only one in ten of a big message's: each of
    those leads to that same message, and each look-up reads it whole (the corpus has a 480 KB camt.053
    with 536 identifiers, more than all the other messages together)."""
    every: set[str] = set()
    big: set[str] = set()
    for payload in session.execute(select(StoredMessage.payload)).scalars():
        own = {i for step in steps_from_message(parsers.Message.model_validate(payload)) for i in step.ids}
        (big if len(own) > 100 else every).update(own)
    return sorted(every) + sorted(big - every)[::10]


@pytest.mark.parametrize("state", ["indexed", "partly unthreaded"])
def test_every_identifier_gets_the_thread_of_a_full_scan(tmp_path, state):
    engine, _ = make_workspace(tmp_path)
    files = _message_files() + [_lower_case_twin()]
    with session_scope(engine) as s:
        report = ingest_files(s, files=files, user="olivia")
        assert not report.errors
    unthreaded: list[int] = []
    if state == "partly unthreaded":  # stored but not refreshed yet, or stored before the index existed
        with session_scope(engine) as s:  # every other one of the first 16: the demo day's threads cross them
            unthreaded = s.execute(select(StoredMessage.id).order_by(StoredMessage.id).limit(16)).scalars().all()[::2]
            s.execute(delete(MessageIdent).where(MessageIdent.message_id.in_(unthreaded)))
            s.execute(update(StoredMessage).where(StoredMessage.id.in_(unthreaded)).values(threaded=False))

    with session_scope(engine) as s:
        before = (s.scalar(select(func.count()).select_from(MessageIdent)),
                  s.scalar(select(func.count()).select_from(StoredMessage).where(StoredMessage.threaded.is_(False))))
        expected = _full_scan(s)
        idents = _identifiers(s)
        assert len(idents) > 300 and {"E2E-4473", "e2e-4473"} <= set(idents)
        # most are upper case; with some messages unthreaded, the lower-case forms alone
        refs = [r for i in idents for r in dict.fromkeys((i.lower(),) if unthreaded else (i, i.lower()))]
        refs += [r for i in idents[::25] for r in (i.upper(), f" {i} ", f"{i}X")] + ["NO-SUCH-REF", "", "  "]
        differ = [r for r in refs if payment_lifecycle(s, reference=r) != expected(r)]
        assert not differ, differ[:20]
        assert payment_lifecycle(s, reference="e2e-4473") == expected("E2E-4473")  # the thread stored first
        assert before == (s.scalar(select(func.count()).select_from(MessageIdent)),  # a query writes nothing
                          s.scalar(select(func.count()).select_from(StoredMessage).where(StoredMessage.threaded.is_(False))))
        assert before[1] == len(unthreaded)


def test_the_lifecycle_reads_only_the_messages_that_thread_with_the_reference(tmp_path, monkeypatch):
    engine, _ = make_workspace(tmp_path)
    with session_scope(engine) as s:
        ingest_files(s, files=demo_files(), user="olivia")
        stored = s.scalar(select(func.count()).select_from(StoredMessage))

    read: list[str] = []
    real = parsers.Message.model_validate
    monkeypatch.setattr(message_index.parsers.Message, "model_validate",
                        lambda payload: read.append(payload["message_type"]) or real(payload))
    with session_scope(engine) as s:
        steps = payment_lifecycle(s, reference="e2e-4471")  # rejected by the bank: the payment and its status
    assert [(x["stage"], x["message_type"]) for x in steps] == [("initiated", "pain.001.001.09"),
                                                                 ("status", "pain.002.001.10")], steps
    # neither statement, nor the return, the recall or its answer
    assert read == ["pain.001.001.09", "pain.002.001.10"] and stored == 7, read
