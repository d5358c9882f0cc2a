"""The HTTP API through httpx against a real `breakdesk api` process on 127.0.0.1 (issue #18 items 1-2):
tokens and roles (401, 403 as problem+json), idempotent upload with located errors, cases, a decision
that reaches the outbox after the commit, suggestions, the assistant, scorecards, audit, OpenAPI."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

import httpx
import pytest

from breakdesk.app.services.tokens import create_token
from breakdesk.app.services.users import bootstrap_user
from breakdesk.app.store.db import make_engine, session_scope
from breakdesk.app.store.migrate import upgrade
from tests.support.workflow import demo_files

pytestmark = pytest.mark.integration
PROBLEM = "application/problem+json"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    data = tmp_path_factory.mktemp("api")
    url = f"sqlite:///{data / 'breakdesk.sqlite3'}"
    env = {**os.environ, "BREAKDESK_DATA_DIR": str(data), "DATABASE_URL": url, "BREAKDESK_LLM": "none",
           "BREAKDESK_BCRYPT_ROUNDS": "4", "BREAKDESK_AUDIT_KEY": "api-test-key-0123456789abcdef-0123456789"}
    old = {k: os.environ.get(k) for k in ("DATABASE_URL", "BREAKDESK_DATA_DIR", "BREAKDESK_AUDIT_KEY")}
    os.environ.update({k: env[k] for k in old})
    from breakdesk.app.settings import reload_settings

    reload_settings()
    upgrade(url)
    engine = make_engine(url)
    tokens = {}
    with session_scope(engine) as s:
        for name, role in (("ada", "admin"), ("olivia", "ops"), ("carl", "clerk"), ("chloe", "compliance")):
            bootstrap_user(s, username=name, role=role, password=f"pw-{name}-123456")
        for name in ("olivia", "carl", "chloe"):
            tokens[name] = create_token(s, actor="ada", username=name).token
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "breakdesk.app.cli", "api", "--port", str(port)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                if httpx.get(f"{base}/api/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
            if proc.poll() is not None:
                raise AssertionError(proc.stdout.read() if proc.stdout else "the API exited")
        yield base, tokens, engine, data
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        engine.dispose()
        for k, v in old.items():
            os.environ.pop(k, None) if v is None else os.environ.__setitem__(k, v)
        reload_settings()


def _client(base: str, token: str | None = None) -> httpx.Client:
    return httpx.Client(base_url=f"{base}/api/v1", timeout=300,
                        headers={"Authorization": f"Bearer {token}"} if token else {})


def test_without_a_valid_token_every_call_is_401_problem_json(api):
    base, *_ = api
    for token in (None, "bdk_nope_nothing"):
        r = _client(base, token).get("/cases")
        assert r.status_code == 401 and r.headers["content-type"].startswith(PROBLEM)
        assert r.json()["status"] == 401 and "token" in r.json()["detail"]
    assert httpx.get(f"{base}/api/v1/health").json() == {"status": "ok", "database": "ok"}
    spec = httpx.get(f"{base}/openapi.json").json()
    assert {"/api/v1/messages", "/api/v1/cases", "/api/v1/cases/{key}", "/api/v1/cases/{key}/decision",
            "/api/v1/suggestions", "/api/v1/suggestions/{suggestion_id}/decision", "/api/v1/ask",
            "/api/v1/scorecards", "/api/v1/audit", "/api/v1/health", "/api/v1/matches"} <= set(spec["paths"])


def test_upload_is_idempotent_and_a_bad_file_is_refused_with_its_line(api):
    base, tokens, *_ = api
    ops = _client(base, tokens["olivia"])
    for name, content in demo_files():
        r = ops.post("/messages", files={"file": (name, content)})
        assert r.status_code == 201, r.text
        assert r.json()["imported"] is True and r.json()["duplicate"] is False
    name, content = demo_files()[0]
    again = ops.post("/messages", files={"file": (name, content)})
    assert again.status_code == 201 and again.json() == {"file": name, "imported": False, "duplicate": True,
                                                         "case_keys": [], "findings": []}
    bad = ops.post("/messages", files={"file": ("broken.txt", b"{1:F01BANKDEFFAXXX0000000000}{4:\r\n:20:X\r\n:25:1\r\n-}")})
    assert bad.status_code == 422 and bad.headers["content-type"].startswith(PROBLEM)
    assert "broken.txt" in bad.json()["detail"]
    # Issue #16: a statement with one unreadable line imports the rest and says what it left out;
    # ?strict=true refuses it.
    odd = (b":20:API-LENIENT\n:25:DE89370400440532013000\n:28C:1/1\n:60F:C261129EUR10,00\n"
           b":61:2602300230C5,00NTRFNONREF//X1\n:61:2611291129C5,00NTRFNONREF//X2\n:62F:C261129EUR15,00\n-\n")
    strict = ops.post("/messages", params={"strict": "true"}, files={"file": ("odd.sta", odd)})
    assert strict.status_code == 422 and "odd.sta:5" in strict.json()["detail"]
    lenient = ops.post("/messages", files={"file": ("odd.sta", odd)})
    assert lenient.status_code == 201 and lenient.json()["imported"] is True
    (finding,) = lenient.json()["findings"]
    assert finding.startswith("odd.sta:5: error: UNREADABLE_ENTRY: field :61: impossible date '260230'")
    clerk = _client(base, tokens["chloe"]).post("/messages", files={"file": ("x.xml", b"<x/>")})
    assert clerk.status_code == 403 and "import needs role" in clerk.json()["detail"]


def test_cases_read_decide_and_the_outbox(api):
    base, tokens, engine, data = api
    ops, compliance = _client(base, tokens["olivia"]), _client(base, tokens["chloe"])
    listed = ops.get("/cases", params={"kind": "rejected", "limit": 2})
    assert listed.status_code == 200
    body = listed.json()
    assert body["total"] == 4 and len(body["cases"]) == 2 and body["limit"] == 2
    assert _client(base, tokens["carl"]).get("/cases").status_code == 403  # a clerk reads suggestions, not cases
    everything = ops.get("/cases", params={"limit": 1000}).json()["cases"]
    tm01 = next(c for c in everything if c["reason_code"] == "TM01")
    case = ops.get(f"/cases/{tm01['key']}")
    assert case.status_code == 200 and case.json()["case_id"] == tm01["key"] and case.json()["lifecycle"]
    assert ops.get("/cases/CASE-0000000000").status_code == 404
    noted = ops.post(f"/cases/{tm01['key']}/notes", json={"text": "Called the sender: resend after cut-off"})
    assert noted.status_code == 201 and noted.json()["by"] == "olivia"
    assert [n["text"] for n in ops.get(f"/cases/{tm01['key']}").json()["notes"]] == [
        "Called the sender: resend after cut-off"]
    assert _client(base, tokens["carl"]).post(f"/cases/{tm01['key']}/notes", json={"text": "x"}).status_code == 403
    decided = compliance.post(f"/cases/{tm01['key']}/decision", json={"action": "approve", "reason": "resend after cut-off"})
    assert decided.status_code == 200, decided.text
    assert decided.json()["state"] == "resolved" and decided.json()["outcome"]["status"] == "applied"
    assert [d["case"] for d in decided.json()["delivered"]] == [tm01["key"]]
    assert list((data / "outbox").glob("*.xml")), "the approved repair reaches the outbox after the commit"
    twice = compliance.post(f"/cases/{tm01['key']}/decision", json={"action": "approve"})
    assert twice.status_code == 409 and twice.headers["content-type"].startswith(PROBLEM)
    wrong = compliance.post(f"/cases/{tm01['key']}/decision", json={"action": "maybe"})
    assert wrong.status_code == 422 and "action" in wrong.json()["detail"]


def test_suggestions_assistant_scorecards_and_audit(api):
    base, tokens, *_ = api
    clerk = _client(base, tokens["carl"])
    r = clerk.get("/suggestions", params={"state": "all"})
    assert r.status_code == 200 and set(r.json()) == {"suggestions", "total"}
    one = clerk.get("/suggestions", params={"state": "all", "limit": 1}).json()
    assert one["total"] == r.json()["total"] and len(one["suggestions"]) <= 1  # total counts, not the page
    assert clerk.get("/suggestions", params={"state": "all", "q": "no such counterparty"}).json()["total"] == 0
    refused = clerk.post("/suggestions/999999/decision", json={"action": "reject", "reason": "not ours"})
    assert refused.status_code == 404
    needs_reason = clerk.post("/suggestions/1/decision", json={"action": "reject"})
    assert needs_reason.status_code == 422
    ops = _client(base, tokens["olivia"])
    out = ops.post("/ask", json={"question": "Why was E2E-4471 rejected?", "thread": "t"}).json()
    assert out["answer"].startswith("E2E-4471 was rejected with reason code AC04") and out["cases"]
    follow = ops.post("/ask", json={"question": "what should I do about it?", "thread": "t"}).json()
    assert follow["answer"].startswith("About E2E-4471")
    assert _client(base, tokens["chloe"]).get("/scorecards").json() == {"scorecards": [], "total": 0}
    audit = _client(base, tokens["chloe"]).get("/audit", params={"actor": "chloe"}).json()
    assert audit["total"] >= 1 and all(r["actor"] == "chloe" for r in audit["audit"])
    assert clerk.get("/audit").status_code == 403


def test_a_clerk_matches_by_hand_and_a_large_write_off_waits_for_another_person(api):
    from decimal import Decimal

    from breakdesk.app.store.testing import seed_pair

    base, tokens, engine, _data = api
    with session_scope(engine) as s:
        entry, item = seed_pair(s, amount="900.00", reference="E2E-API-MANUAL")
        item.amount = Decimal("1000.00")
        ids = {"bank_entry_ids": [entry.id], "book_item_ids": [item.id]}
    clerk = _client(base, tokens["carl"])
    short = clerk.post("/matches", json={**ids, "reason": "partial payment agreed"})
    assert short.status_code == 422 and "write-off of 100.00" in short.json()["detail"]
    assert _client(base, tokens["olivia"]).post("/matches", json={**ids, "reason": "x"}).status_code == 403
    made = clerk.post("/matches", json={**ids, "reason": "partial payment agreed", "write_off": "100.00"})
    assert made.status_code == 201, made.text
    row = made.json()
    assert row["decision_state"] == "pending" and row["difference"] == "-100.00"
    own = clerk.post(f"/suggestions/{row['id']}/decision", json={"action": "approve", "version": row["version"]})
    assert own.status_code == 403 and "not its maker carl" in own.json()["detail"]
