"""Use cases: every change a person makes goes through here, is role-checked, and is audited in the
same transaction. Services flush but never commit; the caller's `session_scope` commits or rolls back.

    audit        append (hash-chained), verify_chain
    users        create_user / create_admin / bootstrap_user, authenticate, set_role, deactivate_user
    decisions    approve / reject / split / unmatch match suggestions (one winner, idempotent), auto_confirm
    cases        open_case, assign_case, set_case_state, propose/edit/approve/reject_repair (maker-checker)
    imports      import_messages, import_ledger_csv (atomic, idempotent by content hash)
    scorecards   approve_scorecard
    roles        the permission table; errors: PermissionDenied, NotFound, ConflictError (a bad ledger CSV: agents.recon.LedgerError)
"""
