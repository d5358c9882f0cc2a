"""Breakdesk app."""
