"""Which stored messages a case refresh must read: the new ones and those they thread with; and which
a payment's lifecycle look-up must read: those that thread with its reference.

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

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import false, insert, select
from sqlalchemy.orm import Session

from breakdesk import parsers
from breakdesk.agents.lifecycle import Step, steps_from_message
from breakdesk.app.store.models import MessageIdent, StoredMessage
from breakdesk.app.store.repositories.batches import message_payloads
from breakdesk.app.store.repositories.chunks import in_chunks

#: Stored messages read so far, by row id, with their lifecycle steps.
Loaded = dict[int, tuple[parsers.Message, list[Step]]]


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


def take_unthreaded(session: Session, fresh: Mapping[int, parsers.Message] | None = None) -> Component:
    """Index the identifiers of every unthreaded message, mark it threaded, and return its component.

    `fresh` holds messages the caller has just stored, by row id (a streamed import's page).

    The rows are locked (FOR UPDATE on PostgreSQL; SQLite transactions begin IMMEDIATE, one writer at a
    time) so that two imports finishing together do not both index the same earlier messages; the
    second one then finds them threaded and skips them.
    """
    rows = session.execute(select(StoredMessage).where(StoredMessage.threaded == false())
                           .order_by(StoredMessage.id).with_for_update()).scalars().all()
    loaded: Loaded = {}
    component = Component()
    index_rows: list[dict[str, object]] = []
    for row in rows:
        # A message the caller has just stored is `fresh`: its payload is its dump, so it is not read back.
        message = (fresh or {}).get(row.id) or parsers.Message.model_validate(row.payload)
        steps = steps_from_message(message)
        idents = {ident for step in steps for ident in step.ids}
        index_rows += ({"message_id": row.id, "ident": ident} for ident in sorted(idents))
        row.threaded = True
        loaded[row.id] = (message, steps)
        component.new[row.id] = message
        component.idents |= idents
    session.flush()
    if index_rows:  # one executemany, no ORM object per identifier (a 2,000-entry page has ~6,000)
        session.execute(insert(MessageIdent), index_rows)
    component.related = grow(session, component.idents, loaded)
    return component


def steps_threading_with(session: Session, reference: str) -> list[Step]:
    """The lifecycle steps of stored messages that thread with an identifier equal to `reference` ignoring
    case (compared as `str.upper` compares them), in storage order: the whole threads that carry such an
    identifier, so `agents.lifecycle.thread_steps` gives them exactly as a scan of every stored message
    would. Only the messages reachable from `reference` through the index are read.

    The identifiers are matched in Python over the index's distinct identifiers (short strings, not
    payloads): SQL's upper() folds ASCII only on SQLite and follows the collation on PostgreSQL, so it
    could miss an identifier that `str.upper` matches.

    Unthreaded messages (stored by an import whose case refresh has not run yet, or stored before the
    index existed) are not in the index. They are not indexed here: this serves read-only queries, and
    marking a message threaded promises that its cases were refreshed too. They are read and grown
    through instead, as the messages found through the index are; there are few of them, since every
    import ends with a refresh (all of them only before the first refresh after the upgrade to the index).
    """
    wanted = reference.strip().upper()
    loaded: Loaded = {}
    unthreaded = (select(StoredMessage.id, StoredMessage.payload).where(StoredMessage.threaded == false())
                  .order_by(StoredMessage.id))
    for row_id, payload in session.execute(unthreaded):
        message = parsers.Message.model_validate(payload)
        loaded[row_id] = (message, steps_from_message(message))
    known = session.execute(select(MessageIdent.ident).distinct()).scalars()
    idents = {ident for ident in known if ident.upper() == wanted}
    idents |= {ident for _message, steps in loaded.values() for step in steps for ident in step.ids
               if ident.upper() == wanted}
    if not idents:
        return []
    grow(session, idents, loaded)
    return [step for _id, (_message, steps) in sorted(loaded.items()) for step in steps if step.ids & idents]


def grow(session: Session, idents: set[str], loaded: Loaded) -> dict[int, parsers.Message]:
    """Grow `idents` into their connected component: add the identifiers of every loaded step that shares
    one with them, read the stored messages the index has for the new ones, and repeat until nothing is
    added. `idents` and `loaded` are updated in place; returns the messages read, by row id."""
    read: dict[int, parsers.Message] = {}
    asked: set[str] = set()
    while True:
        _close(idents, loaded.values())
        pending = sorted(idents - asked)
        if not pending:
            return read
        asked.update(pending)
        for row_id, payload in message_payloads(session, ids=_message_ids_with(session, pending, exclude=loaded.keys())):
            message = parsers.Message.model_validate(payload)
            loaded[row_id] = (message, steps_from_message(message))
            read[row_id] = message


def _close(idents: set[str], loaded: Iterable[tuple[parsers.Message, list[Step]]]) -> None:
    """Add the identifiers of every loaded step that shares one with `idents`, until none does."""
    grew = True
    while grew:
        grew = False
        for _message, steps in loaded:
            for step in steps:
                if step.ids and not step.ids <= idents and step.ids & idents:
                    idents |= step.ids
                    grew = True


def _message_ids_with(session: Session, idents: list[str], exclude: Iterable[int]) -> set[int]:
    """Ids of the indexed messages carrying any of `idents`, but those in `exclude`."""
    skip = set(exclude)
    found: set[int] = set()
    for chunk in in_chunks(idents):
        ids = session.execute(select(MessageIdent.message_id).where(MessageIdent.ident.in_(chunk))).scalars()
        found.update(i for i in ids if i not in skip)
    return found
