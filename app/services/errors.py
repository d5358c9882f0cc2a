"""Errors the use-case layer raises. The UI and CLI show `str(exc)` to the person as is.

    ServiceError (Exception)
    ├── PermissionDenied      the user's role (or maker-checker) forbids the action
    ├── NotFound              the object does not exist
    ├── ConflictError         someone else changed it first, or the state does not allow the action
    └── InvalidInput          a value a person typed is not valid (an IBAN that fails its checksum)

A bad ledger CSV raises `agents.recon.LedgerError` (a `parsers.errors.ParseError` naming the file and
every bad line), from the one ledger reader the store and the matcher share.
"""

from __future__ import annotations

from breakdesk.errors import BreakdeskError


class ServiceError(BreakdeskError):
    """Base of the use-case errors."""


class PermissionDenied(ServiceError):
    """The acting user may not do this."""


class NotFound(ServiceError):
    """No such object."""


class ConflictError(ServiceError):
    """A concurrent or earlier change wins; reload and decide again."""



class InvalidInput(ServiceError):
    """A value a person typed is refused before anything is stored."""
