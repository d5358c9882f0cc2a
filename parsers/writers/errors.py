"""The writers' one error: a payment that cannot become a schema-valid message.

It lists every problem at once (missing creditor, a 36-character EndToEndId, an amount finer than its
currency …) so a repair can fix them all in one go instead of discovering them one by one.
"""

from __future__ import annotations

from breakdesk.errors import BreakdeskError


class WriteError(BreakdeskError, ValueError):
    """The canonical payment cannot be written as a valid message; `problems` says why."""

    def __init__(self, message_type: str, problems: list[str]) -> None:
        self.message_type = message_type
        self.problems = list(problems)
        listed = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"cannot write a valid {message_type}: {len(self.problems)} problem(s)\n{listed}")
