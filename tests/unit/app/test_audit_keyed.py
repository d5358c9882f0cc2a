"""Tamper-evident audit (issue 21 item 6): a keyed chain, decisions of other tables cross-checked,
`breakdesk audit verify`."""

from __future__ import annotations

import hashlib
import os
import stat

import pytest
from click.testing import CliRunner
from sqlalchemy import select, text

from breakdesk.app.cli.main import cli
from breakdesk.app.services import audit, cases
from breakdesk.app.services.audit_key import ENV_NAME, AuditKeyError, load_key
from breakdesk.app.settings import reload_settings
from breakdesk.app.store.models import AuditChainHead, AuditRecord
from breakdesk.app.store.repositories.matching import add_break
from breakdesk.app.store.testing import seed_pair

REPAIR = {"action": "resend", "changes": [{"field": "creditor.account", "from": "DE00", "to": "DE89370400440532013000"}]}


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    """Each test has its own data folder, hence its own key file."""
    monkeypatch.delenv(ENV_NAME, raising=False)
    monkeypatch.setenv("BREAKDESK_DATA_DIR", str(tmp_path / "data"))
    reload_settings()
    return tmp_path / "data"


def _append(scope, n=3, actor="alice"):
    with scope() as s:
        for i in range(n):
            audit.append(s, actor=actor, action="test.step", object_type="thing", object_id=i, after={"n": i})


def _rewrite_plain(session):
    """What an attacker with database access but no key does: re-compute every hash in plain SHA-256."""
    prev = "0" * 64
    for rec in session.execute(select(AuditRecord).order_by(AuditRecord.seq)).scalars():
        rec.prev_hash = prev
        rec.hash = audit.compute_hash(rec)
        prev = rec.hash
    head = session.get(AuditChainHead, 1)
    head.hash = prev


def test_key_file_is_created_0600_on_first_use(scope, data_dir):
    _append(scope, 1)
    key_file = data_dir / "audit.key"
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert len(bytes.fromhex(key_file.read_text().strip())) == 32
    with scope() as s:
        rec = s.execute(select(AuditRecord)).scalar_one()
        assert rec.hash != hashlib.sha256(audit._content(rec)).hexdigest()  # keyed, not plain SHA-256
        assert rec.hash == audit.compute_hash(rec, load_key())


def test_a_short_env_key_is_refused(monkeypatch):
    monkeypatch.setenv(ENV_NAME, "too-short")
    with pytest.raises(AuditKeyError):
        load_key()


def test_changed_actor_with_recomputed_hashes_is_found(scope):
    """The issue's attack: edit the actor, re-compute the chain without the key."""
    _append(scope)
    with scope() as s:
        s.execute(text("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2"))
        _rewrite_plain(s)
    with scope() as s:
        result = audit.verify_chain(s)
    assert not result.ok
    assert result.problems[0].kind == "unkeyed"


def test_recomputed_with_another_key_is_found(scope, monkeypatch):
    _append(scope)
    monkeypatch.setenv(ENV_NAME, "x" * 40)
    other = load_key()
    with scope() as s:
        s.execute(text("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2"))
        prev = "0" * 64
        for rec in s.execute(select(AuditRecord).order_by(AuditRecord.seq)).scalars():
            rec.prev_hash, rec.hash = prev, audit.compute_hash(rec, other)
            prev = rec.hash
        s.get(AuditChainHead, 1).hash = prev
    monkeypatch.delenv(ENV_NAME)
    with scope() as s:
        problems = audit.verify_chain(s).problems
    assert [p.kind for p in problems] == ["altered", "altered", "altered"]


def test_a_legacy_chain_is_sealed_by_the_next_append_and_then_protected(scope):
    # Three records written the old way (plain SHA-256), as an older version did.
    with scope() as s:
        _append_legacy(s, 3)
    with scope() as s:
        assert [p.kind for p in audit.verify_chain(s).problems] == ["unkeyed"]
    _append(scope, 1)
    with scope() as s:
        result = audit.verify_chain(s)
        actions = [r.action for r in s.execute(select(AuditRecord).order_by(AuditRecord.seq)).scalars()]
    assert result.ok, result.problems
    assert actions == ["legacy", "legacy", "legacy", audit.KEY_ADOPTED, "test.step"]
    # Now a legacy record cannot be re-written: its hash is sealed by the keyed adoption record.
    with scope() as s:
        s.execute(text("UPDATE audit_log SET actor = 'mallory' WHERE seq = 1"))
        _rewrite_plain(s)
    with scope() as s:
        kinds = [p.kind for p in audit.verify_chain(s).problems]
    assert "altered" in kinds


def _append_legacy(session, n):
    head = session.get(AuditChainHead, 1)
    for _ in range(n):
        rec = AuditRecord(seq=head.seq + 1, at=audit.utcnow(), actor="old", action="legacy", object_type="thing",
                          object_id=None, before=None, after=None, reason=None, prev_hash=head.hash)
        rec.hash = audit.compute_hash(rec)
        session.add(rec)
        head.seq, head.hash = rec.seq, rec.hash
        session.flush()


def test_seal_is_idempotent(scope):
    with scope() as s:
        _append_legacy(s, 1)
    with scope() as s:
        assert audit.seal_chain(s) is True
    with scope() as s:
        assert audit.seal_chain(s) is False
        assert audit.verify_chain(s).ok


def test_appending_under_another_key_than_the_seal_is_refused(scope, monkeypatch):
    with scope() as s:
        _append_legacy(s, 1)
    _append(scope, 1)
    monkeypatch.setenv(ENV_NAME, "y" * 40)
    with pytest.raises(AuditKeyError, match="not the key"), scope() as s:
        audit.append(s, actor="alice", action="x", object_type="thing")


@pytest.fixture
def decided_repair(scope, people):
    with scope() as s:
        entry, _ = seed_pair(s)
        brk = add_break(s, side="bank", bank_entry_id=entry.id, break_class="return", reason_code="AC04")
        case = cases.open_case(s, actor="system:breaks", kind="return", reason_code="AC04", severity="high",
                               payment_ids={"end_to_end_id": entry.end_to_end_id}, break_ids=[brk.id])
        repair = cases.propose_repair(s, case_id=case.id, payload=REPAIR, actor="olga", reason="AC04")
    with scope() as s:
        cases.approve_repair(s, repair_id=repair.id, actor="carl", reason="checked")
    return repair.id


def test_repair_decided_by_tampering_is_found(scope, decided_repair):
    with scope() as s:
        assert audit.verify_chain(s).ok
        s.execute(text("UPDATE repairs SET decided_by = 'ada' WHERE id = :i"), {"i": decided_repair})
    with scope() as s:
        problems = audit.verify_chain(s).problems
    assert [p.kind for p in problems] == ["decision_mismatch"]
    assert "by ada" in problems[0].detail and "by carl" in problems[0].detail


def test_a_role_raised_in_the_database_is_found(scope, people):
    with scope() as s:
        assert audit.verify_chain(s).ok
        s.execute(text("UPDATE users SET role = 'admin' WHERE username = 'alice'"))
    with scope() as s:
        problems = audit.verify_chain(s).problems
    assert len(problems) == 1 and "alice" in problems[0].detail and "role" in problems[0].detail


def test_cli_audit_verify_exits_1_naming_the_first_broken_record(scope, db_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", db_url)
    reload_settings()
    _append(scope)
    runner = CliRunner()
    ok = runner.invoke(cli, ["audit", "verify"])
    assert ok.exit_code == 0 and "intact: 3 records" in ok.output, ok.output
    with scope() as s:
        s.execute(text("UPDATE audit_log SET reason = 'x' WHERE seq = 2"))
    broken = runner.invoke(cli, ["audit", "verify"])
    assert broken.exit_code == 1
    assert "first broken record: seq 2 (altered)" in broken.output
