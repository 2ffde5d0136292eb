"""Orders in PostgreSQL: a JSON document per order beside the columns that are queried, plus the ref index."""

from __future__ import annotations

from typing import Any

from psycopg.types.json import Jsonb

from omscore.adapters.postgres.session import Session
from omscore.adapters.records import order_from_record, order_to_record
from omscore.domain.errors import ConcurrencyConflict, DuplicateKey, NotFound
from omscore.domain.identity import ExternalOrderRef, OrderId
from omscore.domain.order import Order
from omscore.domain.order_status import FINAL, OrderStatus


def _document(order: Order, version: int) -> Jsonb:
    record = order_to_record(order)
    record["version"] = version
    return Jsonb(record)


def _order(document: Any, version: int) -> Order:
    order = order_from_record(document)
    order.version = version
    return order


class PostgresOrderRepository:
    """The :class:`~omscore.ports.orders.OrderRepository` of a PostgreSQL unit of work.

    ``save`` is one guarded ``UPDATE … WHERE version = <loaded version>``: of two writers that loaded the same
    version, the second finds no row and gets :class:`ConcurrencyConflict` (at READ COMMITTED PostgreSQL
    re-checks the guard after waiting for the first writer).
    """

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, order: Order) -> None:
        """Store a new order and index each of its refs (a ref already indexed keeps its first order).

        Raises:
            DuplicateKey: an order with this id exists (entity ``order``), or — for an order with a single
                ref that is not a backorder part — that ref is already indexed (entity ``order_ref``).
        """
        tenant = self._session.tenant
        inserted = self._session.one(
            "INSERT INTO omscore.orders (tenant, id, version, status, merge_key, is_final, document)"
            " VALUES (%s, %s, 1, %s, %s, %s, %s) ON CONFLICT DO NOTHING RETURNING 1",
            (tenant, order.id, order.status.value, order.merge_key, order.status in FINAL, _document(order, 1)),
        )
        if inserted is None:
            raise DuplicateKey("order", order.id)
        indexed = self._session.execute(
            "INSERT INTO omscore.order_refs (tenant, platform, shop, external_id, order_id)"
            " SELECT %s, r.platform, r.shop, r.external_id, %s"
            " FROM unnest(%s::text[], %s::text[], %s::text[]) AS r (platform, shop, external_id)"
            " ON CONFLICT DO NOTHING RETURNING 1",
            (
                tenant,
                order.id,
                [ref.channel.platform for ref in order.refs],
                [ref.channel.shop for ref in order.refs],
                [ref.external_id for ref in order.refs],
            ),
        )
        if len(order.refs) == 1 and order.backorder_of is None and not indexed:
            self._session.execute("DELETE FROM omscore.orders WHERE tenant = %s AND id = %s", (tenant, order.id))
            raise DuplicateKey("order_ref", str(order.refs[0]))
        order.version = 1
        self._session.pending_events.extend(order.pull_events())

    def get(self, order_id: OrderId) -> Order | None:
        """The stored order, or ``None``. Each call returns a fresh object (no identity map)."""
        row = self._session.one(
            "SELECT document, version FROM omscore.orders WHERE tenant = %s AND id = %s",
            (self._session.tenant, order_id),
        )
        return _order(row[0], row[1]) if row is not None else None

    def get_by_ref(self, ref: ExternalOrderRef) -> Order | None:
        """The order first created for ``ref`` (the intake idempotency index), or ``None``."""
        row = self._session.one(
            "SELECT o.document, o.version FROM omscore.order_refs r"
            " JOIN omscore.orders o ON o.tenant = r.tenant AND o.id = r.order_id"
            " WHERE r.tenant = %s AND r.platform = %s AND r.shop = %s AND r.external_id = %s",
            (self._session.tenant, ref.channel.platform, ref.channel.shop, ref.external_id),
        )
        return _order(row[0], row[1]) if row is not None else None

    def save(self, order: Order) -> None:
        """Store changes to an existing order if nobody stored it since it was loaded.

        Raises:
            ConcurrencyConflict: the stored version differs from ``order.version``.
            NotFound: the order was never added.
        """
        tenant, loaded = self._session.tenant, order.version

        def stale() -> ConcurrencyConflict:
            stored = self._session.peek(
                "SELECT version FROM omscore.orders WHERE tenant = %s AND id = %s", (tenant, order.id)
            )
            return ConcurrencyConflict("order", order.id, loaded, int(stored[0]) if stored is not None else None)

        changed = self._session.one(
            "UPDATE omscore.orders SET version = version + 1, status = %s, merge_key = %s, is_final = %s,"
            " document = %s WHERE tenant = %s AND id = %s AND version = %s RETURNING version",
            (
                order.status.value,
                order.merge_key,
                order.status in FINAL,
                _document(order, loaded + 1),
                tenant,
                order.id,
                loaded,
            ),
            on_serialization_failure=stale,
        )
        if changed is None:
            stored = self._session.one(
                "SELECT version FROM omscore.orders WHERE tenant = %s AND id = %s", (tenant, order.id)
            )
            if stored is None:
                raise NotFound("order", order.id)
            raise ConcurrencyConflict("order", order.id, loaded, int(stored[0]))
        order.version = int(changed[0])
        self._session.pending_events.extend(order.pull_events())

    def ids_with_status(self, status: OrderStatus) -> list[OrderId]:
        """Ids of orders in ``status``, sorted ascending."""
        rows = self._session.execute(
            "SELECT id FROM omscore.orders WHERE tenant = %s AND status = %s ORDER BY id",
            (self._session.tenant, OrderStatus(status).value),
        )
        return [OrderId(row[0]) for row in rows]

    def with_merge_key(self, key: str) -> list[Order]:
        """Orders that are not final and carry merge key ``key``, sorted by id (read through a partial index)."""
        rows = self._session.execute(
            "SELECT document, version FROM omscore.orders"
            " WHERE tenant = %s AND merge_key = %s AND NOT is_final ORDER BY id",
            (self._session.tenant, key),
        )
        return [_order(row[0], row[1]) for row in rows]

    def count(self) -> int:
        """How many orders are stored (merged sources included)."""
        row = self._session.one("SELECT count(*) FROM omscore.orders WHERE tenant = %s", (self._session.tenant,))
        return int(row[0]) if row is not None else 0
