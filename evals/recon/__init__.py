"""Reconciliation evals: a seeded generator of labelled bank/book data and quality metrics."""
