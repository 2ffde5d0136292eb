"""Shipments in PostgreSQL: a JSON document per shipment, with optimistic concurrency on its version."""

from __future__ import annotations

from typing import Any

from psycopg.types.json import Jsonb

from omscore.adapters.postgres.session import Session
from omscore.adapters.records import shipment_from_record, shipment_to_record
from omscore.domain.errors import ConcurrencyConflict, DuplicateKey, NotFound
from omscore.domain.identity import OrderId, ShipmentId
from omscore.domain.shipment import Shipment


def _document(shipment: Shipment, version: int) -> Jsonb:
    record = shipment_to_record(shipment)
    record["version"] = version
    return Jsonb(record)


def _shipment(document: Any, version: int) -> Shipment:
    shipment = shipment_from_record(document)
    shipment.version = version
    return shipment


class PostgresShipmentRepository:
    """The :class:`~omscore.ports.shipments.ShipmentRepository` of a PostgreSQL unit of work."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, shipment: Shipment) -> None:
        """Store a new shipment; ``shipment.version`` becomes 1.

        Raises:
            DuplicateKey: a shipment with this id exists (entity ``shipment``).
        """
        inserted = self._session.one(
            "INSERT INTO omscore.shipments (tenant, id, order_id, version, document)"
            " VALUES (%s, %s, %s, 1, %s) ON CONFLICT DO NOTHING RETURNING 1",
            (self._session.tenant, shipment.id, shipment.order_id, _document(shipment, 1)),
        )
        if inserted is None:
            raise DuplicateKey("shipment", shipment.id)
        shipment.version = 1
        self._session.pending_events.extend(shipment.pull_events())

    def get(self, shipment_id: ShipmentId) -> Shipment | None:
        """The stored shipment or ``None``; a fresh object on every call."""
        row = self._session.one(
            "SELECT document, version FROM omscore.shipments WHERE tenant = %s AND id = %s",
            (self._session.tenant, shipment_id),
        )
        return _shipment(row[0], row[1]) if row is not None else None

    def save(self, shipment: Shipment) -> None:
        """Store changes; ``shipment.version`` is advanced by one.

        Raises:
            ConcurrencyConflict: the stored version differs from ``shipment.version``.
            NotFound: the shipment was never added.
        """
        tenant, loaded = self._session.tenant, shipment.version

        def stale() -> ConcurrencyConflict:
            stored = self._session.peek(
                "SELECT version FROM omscore.shipments WHERE tenant = %s AND id = %s", (tenant, shipment.id)
            )
            return ConcurrencyConflict("shipment", shipment.id, loaded, int(stored[0]) if stored is not None else None)

        changed = self._session.one(
            "UPDATE omscore.shipments SET version = version + 1, order_id = %s, document = %s"
            " WHERE tenant = %s AND id = %s AND version = %s RETURNING version",
            (shipment.order_id, _document(shipment, loaded + 1), tenant, shipment.id, loaded),
            on_serialization_failure=stale,
        )
        if changed is None:
            stored = self._session.one(
                "SELECT version FROM omscore.shipments WHERE tenant = %s AND id = %s", (tenant, shipment.id)
            )
            if stored is None:
                raise NotFound("shipment", shipment.id)
            raise ConcurrencyConflict("shipment", shipment.id, loaded, int(stored[0]))
        shipment.version = int(changed[0])
        self._session.pending_events.extend(shipment.pull_events())

    def for_order(self, order_id: OrderId) -> list[Shipment]:
        """Every shipment ever planned for ``order_id`` (cancelled ones too), sorted by id."""
        rows = self._session.execute(
            "SELECT document, version FROM omscore.shipments WHERE tenant = %s AND order_id = %s ORDER BY id",
            (self._session.tenant, order_id),
        )
        return [_shipment(row[0], row[1]) for row in rows]
