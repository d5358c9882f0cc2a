"""Breakdesk evals."""
