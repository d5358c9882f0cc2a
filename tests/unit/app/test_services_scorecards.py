import pytest

from breakdesk.app.services import audit
from breakdesk.app.services.errors import ConflictError, PermissionDenied
from breakdesk.app.services.scorecards import approve_scorecard
from breakdesk.app.store.repositories.llm import (
    add_scorecard,
    latest_approved_scorecard,
    list_llm_calls,
    record_llm_call,
)


def test_scorecard_approval_and_llm_log(scope, people):
    with scope() as s:
        card = add_scorecard(s, suite="diagnosis", payload={"accuracy": "0.91"}, prompt_hashes={"explain": "ab12"}, passed=True)
        record_llm_call(s, prompt_id="explain", prompt_hash="ab12", provider="none", model="-", tokens_in=10, tokens_out=3)
        assert latest_approved_scorecard(s, suite="diagnosis") is None
    with scope() as s, pytest.raises(PermissionDenied):
        approve_scorecard(s, scorecard_id=card.id, user="olga")
    with scope() as s:
        assert approve_scorecard(s, scorecard_id=card.id, user="carl", reason="baseline").approved_by == "carl"
        assert approve_scorecard(s, scorecard_id=card.id, user="carl").approved_by == "carl"
        assert latest_approved_scorecard(s, suite="diagnosis").id == card.id
        assert [c.tokens_out for c in list_llm_calls(s)] == [3]
        assert s.query(audit.AuditRecord).filter_by(action="scorecard.approve").count() == 1
    with scope() as s, pytest.raises(ConflictError, match="already approved by carl"):
        approve_scorecard(s, scorecard_id=card.id, user="ada")
