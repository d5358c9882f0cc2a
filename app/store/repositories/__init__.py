"""Repository functions: keyword-only, take the session, lookups return None (never raise).

They read and write rows and nothing else: role checks, audit and state rules live in `app.services`.
"""
