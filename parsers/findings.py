"""Validation findings: structured, located, never exceptions."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from breakdesk.parsers.canonical import Provenance

Severity = Literal["error", "warning", "info"]


class Finding(BaseModel):
    """One problem found in a parsed message.

    `code` is a stable machine name (e.g. `IBAN_INVALID`, `CTRL_SUM_MISMATCH`, `BALANCE_DISCONTINUITY`,
    `XSD_INVALID`) that the agent, the UI and the evals key on; `message` is for people.
    """

    model_config = ConfigDict(extra="ignore")

    severity: Severity
    code: str
    message: str
    location: Provenance
    field: str | None = None
    value: str | None = None

    def describe(self) -> str:
        return f"{self.location.describe()}: {self.severity}: {self.code}: {self.message}"
