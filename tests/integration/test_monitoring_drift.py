"""Drift detection on generated periods stored through the services (issue #19)."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from breakdesk.app.services.monitoring.drift import Window, compare, drift_history, load_config
from breakdesk.app.services.monitoring.report import build_report
from breakdesk.app.services.reconciliation import run_matching
from breakdesk.app.services.workflow import ingest_files
from breakdesk.app.store.db import session_scope
from breakdesk.app.store.types import utcnow
from breakdesk.evals.recon.generator import Mix, generate
from breakdesk.evals.recon.writers import camt053_xml
from tests.support.workflow import make_workspace

N = 400
CUSTOMERS = 500  # parties_seed: the same customers in every "normal" period


def _period(engine, ds, name: str) -> None:
    with session_scope(engine) as s:
        report = ingest_files(s, files=[(f"{name}-camt053.xml", camt053_xml(ds)),
                                        (f"{name}-ledger.csv", ds.ledger_csv().encode())], user="carl")
        assert not report.errors, report.errors
    with session_scope(engine) as s:
        run_matching(s, user="carl")


@pytest.fixture(scope="module")
def periods(tmp_path_factory):
    """Three windows in one store: reference, a same-distribution period, a shifted period."""
    tmp = tmp_path_factory.mktemp("drift")
    engine, _ = make_workspace(tmp)
    t0 = utcnow()
    _period(engine, generate(N, seed=1, parties_seed=CUSTOMERS), "ref")
    t1 = utcnow()
    _period(engine, generate(N, seed=2, parties_seed=CUSTOMERS), "same")
    t2 = utcnow()
    shifted = Mix(amount_log_mean=8.5, returned=0.3, return_codes=("AM04",))
    _period(engine, generate(N, seed=3, mix=shifted, parties_seed=CUSTOMERS + 1), "shifted")
    t3 = utcnow()
    return engine, Window(t0, t1, "reference"), Window(t1, t2), Window(t2, t3)


def test_same_distribution_raises_no_drift(periods):
    engine, ref, same, _ = periods
    with session_scope(engine) as s:
        results = compare(ref, same, s)
    assert {r.feature for r in results} >= {"confidence", "amount", "counterparty", "break_class", "reason_code"}
    assert all(r.n_reference > 0 and r.n_current > 0 for r in results if r.feature in ("confidence", "amount", "counterparty"))
    assert [r.feature for r in results if r.alert] == []


def test_shifted_period_drifts_on_amount_counterparty_and_reason_code(periods):
    engine, ref, _, shifted = periods
    with session_scope(engine) as s:
        results = {r.feature: r for r in compare(ref, shifted, s)}
    for feature in ("amount", "counterparty", "reason_code"):
        assert results[feature].alert, results[feature]
        assert results[feature].psi >= results[feature].threshold and results[feature].p_value < 0.01 / len(results)


def test_drift_over_time_rises_in_the_shifted_period(periods):
    engine, ref, same, shifted = periods
    with session_scope(engine) as s:
        calm, moved = drift_history(s, ref, [same, shifted])
    limit = load_config().get("amount", "psi")
    assert calm["amount"] < limit <= moved["amount"]
    assert calm["reason_code"] < moved["reason_code"] and calm["counterparty"] < moved["counterparty"]


class _Hook(BaseHTTPRequestHandler):
    received: list[tuple[bytes, str | None]] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        _Hook.received.append((body, self.headers.get("X-Breakdesk-Signature")))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def webhook(monkeypatch):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("BREAKDESK_ALERT_WEBHOOK_URL", f"http://127.0.0.1:{server.server_address[1]}/hook")
    monkeypatch.setenv("BREAKDESK_ALERT_WEBHOOK_SECRET", "s3cret")
    _Hook.received = []
    yield _Hook.received
    server.shutdown()


def test_report_writes_one_alert_per_breach_and_posts_it_signed(periods, webhook):
    engine, ref, _, shifted = periods
    with session_scope(engine) as s:
        report = build_report(s, since=shifted.start, until=shifted.end, reference=ref)
    assert set(report) == {"metrics", "drift", "alerts", "registry"}
    assert all(set(d) == {"feature", "psi", "p_value", "threshold", "alert"} for d in report["drift"])
    alerted = {d["feature"] for d in report["drift"] if d["alert"]}
    assert alerted and {a["feature"] for a in report["alerts"]} == alerted
    assert all(a["config_version"] == load_config().version for a in report["alerts"])
    with session_scope(engine) as s:  # the same breach again: still open, not written twice
        again = build_report(s, since=shifted.start, until=shifted.end, reference=ref)
    assert len(again["alerts"]) == len(report["alerts"])
    posted = {json.loads(body)["feature"]: (body, sig) for body, sig in webhook}
    assert set(posted) == {a["feature"] for a in report["alerts"]}
    for body, sig in posted.values():
        assert sig == "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    assert all(a["webhook_status"] == 204 for a in report["alerts"])


def test_compliance_acknowledges_an_alert_with_a_reason_audited(periods):
    from sqlalchemy import select

    from breakdesk.app.services.errors import ConflictError, PermissionDenied
    from breakdesk.app.services.monitoring.alerts import acknowledge, open_alerts
    from breakdesk.app.store.models import AuditRecord

    engine, ref, _, shifted = periods
    with session_scope(engine) as s:
        build_report(s, since=shifted.start, until=shifted.end, reference=ref)
        first = open_alerts(s)[0].id
    with session_scope(engine) as s, pytest.raises(PermissionDenied):
        acknowledge(s, alert_id=first, user="carl", reason="clerks do not")
    with session_scope(engine) as s, pytest.raises(ValueError, match="needs a reason"):
        acknowledge(s, alert_id=first, user="chloe", reason=" ")
    with session_scope(engine) as s:
        acknowledge(s, alert_id=first, user="chloe", reason="new customer segment onboarded in the shifted period")
    with session_scope(engine) as s, pytest.raises(ConflictError, match="already acknowledged"):
        acknowledge(s, alert_id=first, user="ada", reason="again")
    with session_scope(engine) as s:
        assert first not in {a.id for a in open_alerts(s)}
        rec = s.execute(select(AuditRecord).where(AuditRecord.action == "monitor.acknowledge")).scalar_one()
        assert (rec.actor, rec.object_id) == ("chloe", str(first)) and rec.reason.startswith("new customer segment")
        assert s.execute(select(AuditRecord).where(AuditRecord.action == "monitor.alert")).scalars().all()
