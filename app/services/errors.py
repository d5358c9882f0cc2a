"""Errors the use-case layer raises. The UI and CLI show `str(exc)` to the person as is.

    ServiceError (Exception)
    ├── PermissionDenied      the user's role (or maker-checker) forbids the action
    ├── NotFound              the object does not exist
    └── ConflictError         someone else changed it first, or the state does not allow the action
    LedgerFormatError (parsers.errors.ParseError)   a ledger CSV row is bad (file and line named)
"""

from __future__ import annotations

from parsers.errors import ParseError


class ServiceError(Exception):
    """Base of the use-case errors."""


class PermissionDenied(ServiceError):
    """The acting user may not do this."""


class NotFound(ServiceError):
    """No such object."""


class ConflictError(ServiceError):
    """A concurrent or earlier change wins; reload and decide again."""


class LedgerFormatError(ParseError):
    """One or more ledger CSV rows are invalid. `problems` lists every (line, message); nothing was written."""

    def __init__(self, message: str, *, file: str | None, problems: list[tuple[int, str]]) -> None:
        self.problems = problems
        first_line = problems[0][0] if problems else None
        super().__init__(message, file=file, line=first_line)
