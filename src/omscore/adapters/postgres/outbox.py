"""The transactional outbox in PostgreSQL, gap-free without serialising writers.

Outbox ids come from a sequence, and a sequence value is taken at insert time but becomes visible at commit
time: a transaction that took id 7 may commit after one that took id 8. A relay that remembered "delivered
up to 8" and asked for ``id > 8`` would never see 7. This outbox keeps no cursor: every row has a
``delivered_at`` column, :meth:`undelivered` reads the rows where it is empty (through a partial index that
holds only those rows, so the scan stays small however long the history), and :meth:`mark_delivered` fills
it, only where it is still empty. A row committed late is simply undelivered until a relay picks it up.

Order: rows come back ascending by id. The events of one transaction are consecutive, and two transactions
that change the same aggregate take its row lock in turn, so each aggregate's events are delivered in the
order they were committed. Across unrelated aggregates a late commit may be delivered after a higher id.
"""

from __future__ import annotations

from collections.abc import Sequence

from psycopg.types.json import Jsonb

from omscore.adapters.postgres.session import Session
from omscore.adapters.records import event_to_record
from omscore.domain.errors import InvalidInput
from omscore.domain.events import DomainEvent
from omscore.ports.outbox import OutboxRecord


class PostgresOutbox:
    """The :class:`~omscore.ports.outbox.Outbox` of a PostgreSQL unit of work."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def append(self, events: Sequence[DomainEvent]) -> None:
        """Queue events behind those already recorded in this unit of work; they are written, in that order, by
        the commit (with the events of the orders and shipments stored), and become visible with it."""
        self._session.pending_events.extend(events)

    def write(self, events: Sequence[DomainEvent]) -> None:
        """Insert events into the outbox table with one statement, keeping their order (used by the commit)."""
        if not events:
            return
        records = [event_to_record(event) for event in events]
        self._session.execute(
            "INSERT INTO omscore.outbox (tenant, name, payload)"
            " SELECT %s, e.name, e.payload FROM unnest(%s::text[], %s::jsonb[]) WITH ORDINALITY AS e (name, payload, n)"
            " ORDER BY e.n",
            (self._session.tenant, [r["name"] for r in records], [Jsonb(r["payload"]) for r in records]),
        )

    def undelivered(self, limit: int = 100) -> list[OutboxRecord]:
        """Up to ``limit`` committed, undelivered records, ascending by id, late commits included.

        Raises:
            InvalidInput: ``limit`` is not a positive integer.
        """
        if type(limit) is not int or limit <= 0:
            raise InvalidInput("limit", limit, "must be a positive integer")
        rows = self._session.execute(
            "SELECT id, name, payload FROM omscore.outbox"
            " WHERE tenant = %s AND delivered_at IS NULL ORDER BY id LIMIT %s",
            (self._session.tenant, limit),
        )
        return [OutboxRecord(int(row[0]), row[1], row[2]) for row in rows]

    def mark_delivered(self, ids: Sequence[int]) -> None:
        """Mark records delivered. Idempotent: marking twice or an unknown id changes nothing."""
        if not ids:
            return
        self._session.execute(
            "UPDATE omscore.outbox SET delivered_at = now()"
            " WHERE tenant = %s AND id = ANY(%s::bigint[]) AND delivered_at IS NULL",
            (self._session.tenant, [int(i) for i in ids]),
        )
