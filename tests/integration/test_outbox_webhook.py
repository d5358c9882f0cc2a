"""Approved repairs POSTed to a webhook (issue #18 item 5): signed, retried with backoff after a failed
answer, delivered once, every attempt audited; a receiver that never answers well is given up on."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from sqlalchemy import select

from breakdesk.app.services import webhook
from breakdesk.app.services.workflow import decide_case, deliver_outbox, ingest_files, list_cases
from breakdesk.app.settings import reload_settings
from breakdesk.app.store.db import session_scope
from breakdesk.app.store.models import AuditRecord, OutboxMessage
from tests.support.workflow import demo_files, make_workspace

pytestmark = pytest.mark.integration
SECRET = "webhook-secret-0123456789"


class Receiver:
    def __init__(self, answers: list[int]) -> None:
        self.answers, self.seen = list(answers), []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.seen.append((dict(self.headers), body))
                status = outer.answers.pop(0) if outer.answers else 200
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()


@pytest.fixture
def approved(tmp_path, monkeypatch):
    monkeypatch.setenv("BREAKDESK_BCRYPT_ROUNDS", "4")
    engine, runtime = make_workspace(tmp_path)
    with session_scope(engine) as s:
        ingest_files(s, files=demo_files(), user="olivia")
    with session_scope(engine) as s:
        tm01 = next(c["key"] for c in list_cases(s) if c["reason_code"] == "TM01")
        decide_case(s, case_key=tm01, action="approve", user="oscar", reason="resend", runtime=runtime)
    yield engine, runtime, tm01
    reload_settings()
    engine.dispose()


def _configure(monkeypatch, url):
    monkeypatch.setenv("BREAKDESK_OUTBOX_WEBHOOK_URL", url)
    monkeypatch.setenv("BREAKDESK_OUTBOX_WEBHOOK_SECRET", SECRET)
    reload_settings()


def test_a_failed_answer_is_retried_later_and_the_delivery_is_signed(approved, monkeypatch):
    engine, runtime, key = approved
    receiver = Receiver([503])
    _configure(monkeypatch, receiver.url)
    try:
        first = deliver_outbox(runtime.outbox, engine=engine)
        assert [d.get("webhook") for d in first if "webhook" in d] == ["posting"]  # 503: to be tried again
        assert list(runtime.outbox.glob("*.xml"))  # the file is written whatever the webhook says
        assert deliver_outbox(runtime.outbox, engine=engine) == []  # not due yet: backoff
        with session_scope(engine) as s:
            msg = s.execute(select(OutboxMessage)).scalar_one()
            assert msg.next_attempt_at is not None and msg.last_error == "HTTP 503"
            msg.next_attempt_at = msg.next_attempt_at - timedelta(minutes=5)  # time passes
        second = deliver_outbox(runtime.outbox, engine=engine)
        assert [d["webhook"] for d in second] == ["delivered"]
        assert deliver_outbox(runtime.outbox, engine=engine) == []  # delivered once
    finally:
        receiver.close()
    assert len(receiver.seen) == 2
    headers, body = receiver.seen[-1]
    assert headers["X-Breakdesk-Signature"] == "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    data = json.loads(body)
    assert data["case"] == key and data["message"].startswith("<?xml") and str(data["delivery_id"]) == headers["X-Breakdesk-Delivery"]
    assert receiver.seen[0][1] == body  # a retry sends the same delivery, so a receiver can drop repeats
    with session_scope(engine) as s:
        attempts = s.execute(select(AuditRecord).where(AuditRecord.action == "outbox.webhook").order_by(AuditRecord.seq)).scalars().all()
    assert [(a.after["status"], a.after["state"]) for a in attempts] == [(503, "posting"), (200, "delivered")]


def test_a_receiver_that_never_answers_is_given_up_on_visibly(approved, monkeypatch):
    engine, runtime, _key = approved
    _configure(monkeypatch, "http://127.0.0.1:9/nothing-listens-here")
    monkeypatch.setattr(webhook, "MAX_ATTEMPTS", 2)
    deliver_outbox(runtime.outbox, engine=engine)
    with session_scope(engine) as s:
        msg = s.execute(select(OutboxMessage)).scalar_one()
        assert msg.state == "posting" and "Error" in (msg.last_error or "")
        msg.next_attempt_at = msg.next_attempt_at - timedelta(hours=2)
    deliver_outbox(runtime.outbox, engine=engine)
    with session_scope(engine) as s:
        assert s.execute(select(OutboxMessage.state)).scalar_one() == "failed"


def test_a_webhook_without_a_secret_is_refused(monkeypatch):
    monkeypatch.setenv("BREAKDESK_OUTBOX_WEBHOOK_URL", "https://example.invalid/hook")
    monkeypatch.delenv("BREAKDESK_OUTBOX_WEBHOOK_SECRET", raising=False)
    with pytest.raises(ValueError, match="BREAKDESK_OUTBOX_WEBHOOK_SECRET"):
        reload_settings()
    monkeypatch.delenv("BREAKDESK_OUTBOX_WEBHOOK_URL")
    reload_settings()
