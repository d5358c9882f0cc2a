"""Breakdesk agents."""
