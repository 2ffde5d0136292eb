"""The transactional outbox in SQLite.

Events — recorded by the orders and shipments stored, or appended — wait in the unit of work and are inserted
when it commits, in the same transaction as the changes. Ids come
from the tenant's ``outbox`` counter in the ``sequences`` table, taken inside that transaction. SQLite lets
one transaction write at a time and every omscore write transaction holds the write lock from
``BEGIN IMMEDIATE`` to ``COMMIT``, so a transaction that takes ids commits before the next one can take any:
ids increase in commit order and a reader never sees id ``n + 1`` without ``n``. The relay does not rely on
that, though: it asks for undelivered rows (a ``delivered`` flag, not a high-water mark), so even a late
commit with a lower id would still be delivered.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from omscore.adapters.records import event_to_record
from omscore.adapters.sqlite.session import Session
from omscore.domain.errors import InvalidInput
from omscore.domain.events import DomainEvent
from omscore.ports.outbox import OutboxRecord


class SqliteOutbox:
    """:class:`~omscore.ports.outbox.Outbox` over one unit of work's session.

    Args:
        session: the unit of work's session.
    """

    __slots__ = ("_session",)

    def __init__(self, session: Session) -> None:
        self._session = session

    def append(self, events: Sequence[DomainEvent]) -> None:
        """Queue events; they are stored, after what was recorded before them, when the unit of work commits.

        Args:
            events: the events.

        Raises:
            UnitOfWorkClosed: the unit of work is not open.
        """
        self._session.require_connection()
        self._session.pending_events.extend(events)

    def write(self, events: Sequence[DomainEvent]) -> None:
        """Insert events now, in the unit of work's transaction, with ids in the order given.

        The unit of work calls this with everything queued, just before it commits.

        Args:
            events: the events.

        Raises:
            PersistenceError: (translated) the insert failed.
        """
        if not events:
            return
        session = self._session
        last = session.execute(
            "INSERT INTO sequences (tenant, name, value) VALUES (?, 'outbox', ?)"
            " ON CONFLICT (tenant, name) DO UPDATE SET value = value + excluded.value RETURNING value",
            (session.tenant, len(events)),
        ).fetchone()[0]
        first = last - len(events) + 1
        rows = []
        for offset, event in enumerate(events):
            record = event_to_record(event)
            rows.append((session.tenant, first + offset, record["name"], json.dumps(record["payload"])))
        session.executemany("INSERT INTO outbox (tenant, id, name, payload) VALUES (?, ?, ?, ?)", rows)

    def undelivered(self, limit: int = 100) -> list[OutboxRecord]:
        """Up to ``limit`` committed, undelivered records, ascending by id.

        Args:
            limit: the most records to return (≥ 1).

        Returns:
            The records.

        Raises:
            InvalidInput: ``limit`` is not a positive integer.
        """
        if type(limit) is not int or limit < 1:
            raise InvalidInput("limit", limit, "must be a positive integer")
        rows = self._session.query(
            "SELECT id, name, payload FROM outbox WHERE tenant = ? AND delivered = 0 ORDER BY id LIMIT ?",
            (self._session.tenant, limit),
        )
        return [OutboxRecord(row[0], row[1], json.loads(row[2])) for row in rows]

    def mark_delivered(self, ids: Sequence[int]) -> None:
        """Mark records delivered; marking twice or an unknown id changes nothing.

        Args:
            ids: record ids.
        """
        session = self._session
        session.executemany(
            "UPDATE outbox SET delivered = 1 WHERE tenant = ? AND id = ? AND delivered = 0",
            [(session.tenant, record_id) for record_id in sorted(set(ids))],
        )
