"""Loaded (via PYTHONPATH) only by the processes the browser test starts.

Until the knowledge-base engine provides `knowledge_base.retrieve`, give the app the tests' keyword
retrieval over the real knowledge-base documents, so the end-to-end run can show real citations. When
the real function exists this file does nothing.
"""

try:
    import knowledge_base
except ImportError:  # not started from the repository
    knowledge_base = None

if knowledge_base is not None and not hasattr(knowledge_base, "retrieve"):
    _retrieve = None

    def retrieve(query, k=5):
        global _retrieve
        if _retrieve is None:
            from tests.support.workflow import keyword_retrieve

            _retrieve = keyword_retrieve()
        return _retrieve(query, k)

    knowledge_base.retrieve = retrieve
