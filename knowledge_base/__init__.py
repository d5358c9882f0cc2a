"""Breakdesk knowledge_base."""
