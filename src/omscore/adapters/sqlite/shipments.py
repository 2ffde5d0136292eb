"""Shipments in SQLite: a JSON document per shipment plus the columns that are searched."""

from __future__ import annotations

import json
from typing import Any

from omscore.adapters.records import shipment_from_record, shipment_to_record
from omscore.adapters.sqlite.session import Session
from omscore.domain.errors import ConcurrencyConflict, DuplicateKey, NotFound
from omscore.domain.identity import OrderId, ShipmentId
from omscore.domain.shipment import Shipment


def _dump(shipment: Shipment, version: int) -> str:
    record = shipment_to_record(shipment)
    record["version"] = version
    return json.dumps(record, separators=(",", ":"))


def _load(row: tuple[Any, ...]) -> Shipment:
    record = json.loads(row[1])
    record["version"] = row[0]
    return shipment_from_record(record)


class SqliteShipmentRepository:
    """:class:`~omscore.ports.shipments.ShipmentRepository` over one unit of work's session.

    Args:
        session: the unit of work's session.
    """

    __slots__ = ("_session",)

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, shipment: Shipment) -> None:
        """Store a new shipment; ``shipment.version`` becomes 1 and its recorded events wait for the commit.

        Args:
            shipment: the new shipment.

        Raises:
            DuplicateKey: a shipment with this id exists (entity ``shipment``).
        """
        session = self._session
        try:
            session.execute(
                "INSERT INTO shipments (tenant, id, order_id, status, version, document) VALUES (?, ?, ?, ?, 1, ?)",
                (session.tenant, shipment.id, shipment.order_id, shipment.status.value, _dump(shipment, 1)),
            )
        except DuplicateKey as error:
            raise DuplicateKey("shipment", shipment.id) from error
        shipment.version = 1
        self._session.pending_events.extend(shipment.pull_events())

    def get(self, shipment_id: ShipmentId) -> Shipment | None:
        """The stored shipment or ``None``; a fresh object on every call.

        Args:
            shipment_id: the shipment's id.

        Returns:
            The shipment, or ``None``.
        """
        row = self._session.query(
            "SELECT version, document FROM shipments WHERE tenant = ? AND id = ?", (self._session.tenant, shipment_id)
        ).fetchone()
        return None if row is None else _load(row)

    def save(self, shipment: Shipment) -> None:
        """Store changes if the stored version is still ``shipment.version``; then advance it by one
        (its recorded events wait for the commit).

        Args:
            shipment: the changed shipment.

        Raises:
            ConcurrencyConflict: someone stored the shipment since it was loaded.
            NotFound: the shipment was never added.
        """
        session = self._session
        version = shipment.version + 1
        cursor = session.execute(
            "UPDATE shipments SET status = ?, version = ?, document = ? WHERE tenant = ? AND id = ? AND version = ?",
            (shipment.status.value, version, _dump(shipment, version), session.tenant, shipment.id, shipment.version),
        )
        if cursor.rowcount != 1:
            row = session.query(
                "SELECT version FROM shipments WHERE tenant = ? AND id = ?", (session.tenant, shipment.id)
            ).fetchone()
            if row is None:
                raise NotFound("shipment", shipment.id)
            raise ConcurrencyConflict("shipment", shipment.id, shipment.version, row[0])
        shipment.version = version
        self._session.pending_events.extend(shipment.pull_events())

    def for_order(self, order_id: OrderId) -> list[Shipment]:
        """Every shipment planned for ``order_id`` (cancelled ones too), by id.

        Args:
            order_id: the order's id.

        Returns:
            The shipments.
        """
        rows = self._session.query(
            "SELECT version, document FROM shipments WHERE tenant = ? AND order_id = ? ORDER BY id",
            (self._session.tenant, order_id),
        )
        return [_load(row) for row in rows]
