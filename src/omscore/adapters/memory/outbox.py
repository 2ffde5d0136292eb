"""The outbox of domain events in memory."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from omscore.adapters.memory._transaction import Transaction
from omscore.domain.events import DomainEvent
from omscore.ports.outbox import OutboxRecord


class OutboxTable:
    """One tenant's undelivered events by record id (in id order), and the next id to give.

    Events are immutable values, so they are kept as they are and turned into records (name and payload) only
    when read. Delivered ones are dropped: nothing reads them back.
    """

    __slots__ = ("next_id", "undelivered")

    def __init__(self) -> None:
        self.undelivered: dict[int, DomainEvent] = {}
        self.next_id = 1

    def append(self, events: Sequence[DomainEvent]) -> None:
        """Store ``events`` under the next ids, in order."""
        undelivered = self.undelivered
        next_id = self.next_id
        for event in events:
            undelivered[next_id] = event
            next_id += 1
        self.next_id = next_id


class MemoryOutbox:
    """:class:`~omscore.ports.outbox.Outbox` over an :class:`OutboxTable`.

    Appended events wait in the unit of work (together with the events the repositories pulled from the
    aggregates they stored) and become records when it commits; deliveries marked are undone by a rollback.
    """

    def __init__(self, table: OutboxTable, transaction: Transaction) -> None:
        self._table = table
        self._tx = transaction
        self._delivered: list[tuple[int, DomainEvent]] = []

    def append(self, events: Sequence[DomainEvent]) -> None:
        """Queue ``events``; they are stored, after what was recorded before them, when the unit of work commits.

        Raises:
            UnitOfWorkClosed: outside an open unit of work.
        """
        self._tx.check()
        self._tx.events.extend(events)

    def undelivered(self, limit: int = 100) -> list[OutboxRecord]:
        """Up to ``limit`` committed, undelivered records, ascending by id.

        Raises:
            UnitOfWorkClosed: outside an open unit of work.
        """
        self._tx.check()
        oldest = itertools.islice(self._table.undelivered.items(), max(limit, 0))
        return [OutboxRecord(record_id, event.name, event.payload()) for record_id, event in oldest]

    def mark_delivered(self, ids: Sequence[int]) -> None:
        """Mark the records ``ids`` delivered; delivered or unknown ids are ignored.

        Raises:
            UnitOfWorkClosed: outside an open unit of work.
        """
        self._tx.check()
        undelivered = self._table.undelivered
        for record_id in ids:
            event = undelivered.pop(record_id, None)
            if event is not None:
                self._delivered.append((record_id, event))

    def _flush(self) -> None:
        """Store the events the unit of work gathered (called on commit)."""
        self._table.append(self._tx.events)
        self._tx.events.clear()

    def _forget_undo(self) -> None:
        self._delivered.clear()

    def _undo(self) -> None:
        if self._delivered:
            undelivered = self._table.undelivered
            for record_id, event in self._delivered:
                undelivered[record_id] = event
            self._table.undelivered = dict(sorted(undelivered.items()))
        self._tx.events.clear()
        self._forget_undo()
