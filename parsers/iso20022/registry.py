"""The family registry: `@register("camt.053", roots=("BkToCstmrStmt",), kind="statement")`.

Each family module decorates its reader; `parsers.iso20022` imports every sibling module on import
(schwifty's checksum idiom), so a new family is one new file and no other edit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from breakdesk.parsers.canonical import Message, MessageKind
from breakdesk.parsers.iso20022.node import Node

#: A reader fills `message` (already carrying its header and provenance) from the message element
#: (the Document's only child, e.g. `BkToCstmrStmt`).
Reader = Callable[[Node, Message], None]


@dataclass(frozen=True)
class FamilySpec:
    family: str
    kind: MessageKind
    roots: tuple[str, ...]
    read: Reader


READERS: dict[str, FamilySpec] = {}
#: message element local name → family (for documents without a namespace, and wrappers like TCH).
ROOT_NAMES: dict[str, str] = {}


def register(*families: str, kind: MessageKind, roots: tuple[str, ...]) -> Callable[[Reader], Reader]:
    def decorator(read: Reader) -> Reader:
        for family in families:
            if family in READERS:
                raise RuntimeError(f"two readers registered for {family}")
            READERS[family] = FamilySpec(family, kind, roots, read)
        if len(families) == 1:
            for root in roots:
                ROOT_NAMES[root] = families[0]
        return read

    return decorator
