"""Validation findings: structured, located, never exceptions. The model is part of the canonical
model (`parsers.canonical.Finding`), since reading findings travel on `Message.findings`."""

from __future__ import annotations

from breakdesk.parsers.canonical import Finding, Severity

__all__ = ["Finding", "Severity"]
