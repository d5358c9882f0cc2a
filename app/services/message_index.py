"""Which stored messages a case refresh must read: the new ones and those they thread with.

Case detection threads lifecycle steps by shared identifiers (EndToEndId, InstrId, UETR, TxId, MT
references). Reading every stored message on each import made an import cost grow with the whole
history (a stored 10k-entry camt.053 alone takes about 1.5 s to load and thread), so each message's
identifiers are kept in `message_idents`, and an import reads only the messages reachable from its
own through them: the connected component, grown step by step until it stops growing. Detecting
cases on that component gives exactly the threads a full scan would give for those identifiers.

A message is "threaded" once its identifiers are indexed. Messages stored before the index existed
start unthreaded, so the first refresh after the upgrade indexes them all, once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import false, select
from sqlalchemy.orm import Session

import parsers
from agents.lifecycle import Step, steps_from_message
from app.store.models import MessageIdent, StoredMessage

_CHUNK = 500  # identifiers per IN (...) query


@dataclass
class Component:
    """The messages a refresh reads: `new` (just indexed) and `related` (stored earlier, sharing an
    identifier with a thread of a new one), each by its row id, and every identifier of those threads."""

    new: dict[int, parsers.Message] = field(default_factory=dict)
    related: dict[int, parsers.Message] = field(default_factory=dict)
    idents: set[str] = field(default_factory=set)

    def messages(self) -> list[parsers.Message]:
        """All of them in the order they were stored, as a full scan reads them (facts keep that order)."""
        both = {**self.new, **self.related}
        return [both[i] for i in sorted(both)]


def take_unthreaded(session: Session) -> Component:
    """Index the identifiers of every unthreaded message, mark it threaded, and return its component.

    The rows are locked (FOR UPDATE on PostgreSQL; SQLite transactions begin IMMEDIATE, one writer at a
    time) so that two imports finishing together do not both index the same earlier messages; the
    second one then finds them threaded and skips them.
    """
    rows = session.execute(select(StoredMessage).where(StoredMessage.threaded == false())
                           .order_by(StoredMessage.id).with_for_update()).scalars().all()
    loaded: dict[int, tuple[parsers.Message, list[Step]]] = {}
    component = Component()
    for row in rows:
        message = parsers.Message.model_validate(row.payload)
        steps = steps_from_message(message)
        idents = {ident for step in steps for ident in step.ids}
        session.add_all(MessageIdent(message_id=row.id, ident=ident) for ident in sorted(idents))
        row.threaded = True
        loaded[row.id] = (message, steps)
        component.new[row.id] = message
        component.idents |= idents
    session.flush()

    asked: set[str] = set()
    while True:
        _grow(component.idents, loaded.values())
        pending = sorted(component.idents - asked)
        if not pending:
            break
        asked.update(pending)
        for row in _messages_with(session, pending, exclude=loaded.keys()):
            message = parsers.Message.model_validate(row.payload)
            loaded[row.id] = (message, steps_from_message(message))
            component.related[row.id] = message
    return component


def _grow(idents: set[str], loaded) -> None:  # type: ignore[no-untyped-def]
    """Add the identifiers of every loaded step that shares one with the component, until none does."""
    grew = True
    while grew:
        grew = False
        for _message, steps in loaded:
            for step in steps:
                if step.ids and not step.ids <= idents and step.ids & idents:
                    idents |= step.ids
                    grew = True


def _messages_with(session: Session, idents: list[str], exclude) -> list[StoredMessage]:  # type: ignore[no-untyped-def]
    skip = set(exclude)
    found: dict[int, None] = {}
    for start in range(0, len(idents), _CHUNK):
        chunk = idents[start:start + _CHUNK]
        ids = session.execute(select(MessageIdent.message_id).where(MessageIdent.ident.in_(chunk))).scalars()
        found.update((i, None) for i in ids if i not in skip)
    if not found:
        return []
    return list(session.execute(select(StoredMessage).where(StoredMessage.id.in_(list(found)))
                                .order_by(StoredMessage.id)).scalars())
