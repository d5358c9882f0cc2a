from decimal import Decimal

import pytest
from sqlalchemy import text

from breakdesk.app.services import audit
from breakdesk.app.store.models import AuditRecord


def _append_three(scope):
    with scope() as s:
        for i in range(3):
            audit.append(s, actor="alice", action="test.step", object_type="thing", object_id=i,
                         before={"n": i}, after={"n": i + 1, "amount": Decimal("10.50"), "ünï": "cödé"}, reason=f"step {i}")


def test_records_chain_and_verify(scope):
    _append_three(scope)
    with scope() as s:
        result = audit.verify_chain(s)
        records = s.query(AuditRecord).order_by(AuditRecord.seq).all()
    assert result.ok, result.problems
    assert result.records == 3 and result.head_seq == 3
    assert [r.seq for r in records] == [1, 2, 3]
    assert records[0].prev_hash == "0" * 64
    assert records[1].prev_hash == records[0].hash and records[2].prev_hash == records[1].hash
    assert records[0].after["amount"] == "10.50"  # Decimal kept exact, as a string


def test_an_edited_record_is_found(scope):
    _append_three(scope)
    with scope() as s:
        s.execute(text("UPDATE audit_log SET reason = 'nothing to see' WHERE seq = 2"))
    with scope() as s:
        result = audit.verify_chain(s)
    assert not result.ok
    assert [(p.seq, p.kind) for p in result.problems] == [(2, "altered")]


def test_an_edited_json_payload_is_found(scope):
    _append_three(scope)
    with scope() as s:
        s.execute(text("""UPDATE audit_log SET "after" = '{"n": 99}' WHERE seq = 1"""))
    with scope() as s:
        assert [(p.seq, p.kind) for p in audit.verify_chain(s).problems] == [(1, "altered")]


def test_a_deleted_record_is_found(scope):
    _append_three(scope)
    with scope() as s:
        s.execute(text("DELETE FROM audit_log WHERE seq = 2"))
    with scope() as s:
        kinds = {p.kind for p in audit.verify_chain(s).problems}
    assert kinds == {"gap", "broken_link"}


def test_a_deleted_tail_is_found(scope):
    _append_three(scope)
    with scope() as s:
        s.execute(text("DELETE FROM audit_log WHERE seq = 3"))
    with scope() as s:
        result = audit.verify_chain(s)
    assert [p.kind for p in result.problems] == ["head_mismatch"]


def test_a_rolled_back_change_leaves_no_audit_record(scope):
    with pytest.raises(RuntimeError):
        with scope() as s:
            audit.append(s, actor="alice", action="test", object_type="thing")
            raise RuntimeError("the change failed")
    with scope() as s:
        result = audit.verify_chain(s)
    assert result.ok and result.records == 0 and result.head_seq == 0


def test_unknown_types_are_refused():
    with pytest.raises(TypeError):
        audit.canonical_json({"x": object()})
    assert audit.canonical_json({"b": 1, "a": [Decimal("1.10")]}) == '{"a":["1.10"],"b":1}'
