"""The one base of every error Breakdesk raises on purpose.

    BreakdeskError
    ├── ParseError (ValueError)          breakdesk.parsers.errors: a message that cannot be read, located
    ├── WriteError (ValueError)          breakdesk.parsers.writers.errors: a corrected message not written
    ├── KnowledgeBaseError               breakdesk.knowledge_base.errors: documents, index, retrieval
    ├── LLMError (RuntimeError)          breakdesk.agents.llm.errors: a provider that failed or is misconfigured
    ├── ServiceError                     breakdesk.app.services.errors: a refusal (role, conflict, not found)
    ├── UsersFileError (ValueError)      breakdesk.app.services.users_file: a bad users.toml
    └── DatasetError (ValueError)        breakdesk.evals.golden: a golden set that does not load

A caller that embeds Breakdesk catches `BreakdeskError` for "Breakdesk said no" and lets anything else
(a bug, a lost database) propagate. Each area keeps its own base with its own located details; the
built-in bases (ValueError, RuntimeError) stay for callers that already catch those.
"""


class BreakdeskError(Exception):
    """Base of every error Breakdesk raises on purpose."""
