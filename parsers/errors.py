"""Errors raised by the parsers. Every one says where the problem is.

    ParseError (ValueError)           any input we cannot turn into canonical messages
    ├── UnsafeXMLError                DTD, entity declarations, external references: refused, not read
    ├── InputTooLargeError            over the configured size limit
    ├── EncodingError                 bytes that decode in none of the accepted encodings
    ├── UnknownMessageTypeError       neither a SWIFT MT block structure nor an ISO 20022 Document we know
    ├── MalformedMessageError         the structure is broken (unbalanced blocks, not well-formed XML …)
    │   ├── TruncatedMessageError     the input ends inside a message (block 4 without its '-}')
    │   ├── ForbiddenCharacterError   NUL or another control character inside a field or ledger line
    │   └── FieldError                one field's content is wrong (tag, option, date, amount …)
    │       └── MissingFieldError     a field the message type's standard makes mandatory is absent
    └── SchemaViolation               the document does not satisfy its XSD (only when asked to enforce)

Validation *findings* (IBAN checksum, control sums, balance continuity …) are not exceptions: they are
`parsers.findings.Finding` objects, because a message with a bad IBAN is still a message ops must see.
"""

from __future__ import annotations

from breakdesk.errors import BreakdeskError


class ParseError(BreakdeskError, ValueError):
    """Input that cannot be parsed. Carries the location as attributes, not only in the text."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        xpath: str | None = None,
        message_type: str | None = None,
        tag: str | None = None,
        fragment: str | None = None,
        message_index: int | None = None,
    ) -> None:
        self.reason = message
        self.file = file
        self.line = line
        self.xpath = xpath
        self.message_type = message_type
        self.tag = tag
        self.fragment = fragment
        self.message_index = message_index
        super().__init__(self._render())

    def _render(self) -> str:
        where = self.file or "<input>"
        if self.line is not None:
            where += f":{self.line}"
        if self.xpath:
            where += f" at {self.xpath}"
        parts = [where + ":"]
        if self.message_type:
            parts.append(f"[{self.message_type}]")
        if self.tag:
            parts.append(f"field :{self.tag}:")
        parts.append(self.reason)
        text = " ".join(parts)
        if self.fragment:
            frag = self.fragment if len(self.fragment) <= 80 else self.fragment[:77] + "..."
            text += f" (got {frag!r})"
        return text

    def located(self, *, file: str | None = None, line_offset: int = 0, message_index: int | None = None) -> ParseError:
        """Fill in the file (and shift the line) once the caller knows them; returns self."""
        if file and not self.file:
            self.file = file
        if line_offset and self.line is not None:
            self.line += line_offset
        if message_index is not None and self.message_index is None:
            self.message_index = message_index
        self.args = (self._render(),)
        return self


class UnsafeXMLError(ParseError):
    """The XML declares a DTD, entities or external references; it is refused without resolving them."""


class InputTooLargeError(ParseError):
    """The input exceeds the size limit."""


class EncodingError(ParseError):
    """The bytes decode in none of the accepted encodings."""


class UnknownMessageTypeError(ParseError):
    """Not a message type Breakdesk reads."""


class MalformedMessageError(ParseError):
    """The message structure is broken."""


class FieldError(MalformedMessageError):
    """One field's content is invalid."""


class TruncatedMessageError(MalformedMessageError):
    """The input stops inside a message: what was read is not the whole message, so none of it is used."""


class ForbiddenCharacterError(MalformedMessageError):
    """A NUL or other control character in the data. It is refused, never stored: PostgreSQL cannot
    store NUL in text, and no bank format carries control characters inside a field."""


class MissingFieldError(FieldError):
    """A field the standard makes mandatory is absent; `tag` names it (`62a`, `59a` …)."""


class SchemaViolation(ParseError):
    """The document violates its XSD."""
