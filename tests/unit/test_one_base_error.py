"""Every area's error derives from breakdesk.errors.BreakdeskError, so an embedding caller can tell
"Breakdesk refused" from a bug with one except clause (and the old built-in bases still catch them)."""

from __future__ import annotations

import pytest

from breakdesk.agents.llm.errors import LLMError
from breakdesk.app.services.errors import ConflictError, ServiceError
from breakdesk.app.services.users_file import UsersFileError
from breakdesk.errors import BreakdeskError
from breakdesk.evals.golden import DatasetError
from breakdesk.knowledge_base.errors import KnowledgeBaseError
from breakdesk.parsers.errors import ParseError
from breakdesk.parsers.writers.errors import WriteError


@pytest.mark.parametrize("error, builtin", [
    (ParseError, ValueError), (WriteError, ValueError), (KnowledgeBaseError, Exception), (LLMError, RuntimeError),
    (ServiceError, Exception), (UsersFileError, ValueError), (DatasetError, ValueError), (ConflictError, Exception),
])
def test_each_area_error_is_a_breakdesk_error_and_keeps_its_builtin_base(error, builtin) -> None:
    assert issubclass(error, BreakdeskError)
    assert issubclass(error, builtin)


def test_a_parse_error_is_caught_as_a_breakdesk_error() -> None:
    from breakdesk import parsers

    with pytest.raises(BreakdeskError):
        parsers.parse(b"<?xml version=\"1.0\"?><Document><BkToCstmrStmt>")
