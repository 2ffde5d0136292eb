"""Orders in SQLite: a JSON document per order plus the columns that are searched, and the ref index."""

from __future__ import annotations

import json
from typing import Any

from omscore.adapters.records import order_from_record, order_to_record
from omscore.adapters.sqlite.session import Session
from omscore.domain.errors import ConcurrencyConflict, DuplicateKey, NotFound
from omscore.domain.identity import ExternalOrderRef, OrderId
from omscore.domain.order import Order
from omscore.domain.order_status import FINAL, OrderStatus


def _dump(order: Order, version: int) -> str:
    record = order_to_record(order)
    record["version"] = version
    return json.dumps(record, separators=(",", ":"))


def _load(row: tuple[Any, ...]) -> Order:
    record = json.loads(row[1])
    record["version"] = row[0]
    return order_from_record(record)


class SqliteOrderRepository:
    """:class:`~omscore.ports.orders.OrderRepository` over one unit of work's session.

    Args:
        session: the unit of work's session (connection, tenant, transaction).
    """

    __slots__ = ("_session",)

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, order: Order) -> None:
        """Store a new order and index its refs; ``order.version`` becomes 1 and its recorded
        events wait for the commit.

        Args:
            order: the new order.

        Raises:
            DuplicateKey: the order id exists (``order``), or the single ref is indexed (``order_ref``) —
                except for a backorder part, whose refs stay indexed to the order it was split from.
        """
        session = self._session
        tenant = session.tenant
        with session.savepoint():
            try:
                session.execute(
                    "INSERT INTO orders (tenant, id, status, is_final, merge_key, version, document)"
                    " VALUES (?, ?, ?, ?, ?, 1, ?)",
                    (tenant, order.id, order.status.value, order.status in FINAL, order.merge_key, _dump(order, 1)),
                )
            except DuplicateKey as error:
                raise DuplicateKey("order", order.id) from error
            refs = [(tenant, r.channel.platform, r.channel.shop, r.external_id, order.id) for r in order.refs]
            if len(refs) == 1 and order.backorder_of is None:
                try:
                    session.execute(
                        "INSERT INTO order_refs (tenant, platform, shop, external_id, order_id) VALUES (?, ?, ?, ?, ?)",
                        refs[0],
                    )
                except DuplicateKey as error:
                    raise DuplicateKey("order_ref", str(order.refs[0])) from error
            else:
                session.executemany(
                    "INSERT OR IGNORE INTO order_refs (tenant, platform, shop, external_id, order_id)"
                    " VALUES (?, ?, ?, ?, ?)",
                    refs,
                )
        order.version = 1
        self._session.pending_events.extend(order.pull_events())

    def get(self, order_id: OrderId) -> Order | None:
        """The stored order or ``None``; a fresh object on every call.

        Args:
            order_id: the order's id.

        Returns:
            The order, or ``None``.
        """
        row = self._session.query(
            "SELECT version, document FROM orders WHERE tenant = ? AND id = ?", (self._session.tenant, order_id)
        ).fetchone()
        return None if row is None else _load(row)

    def get_by_ref(self, ref: ExternalOrderRef) -> Order | None:
        """The order first created for ``ref``, or ``None``.

        Args:
            ref: the platform's order reference.

        Returns:
            The order, or ``None``.
        """
        row = self._session.query(
            "SELECT o.version, o.document FROM order_refs AS r"
            " JOIN orders AS o ON o.tenant = r.tenant AND o.id = r.order_id"
            " WHERE r.tenant = ? AND r.platform = ? AND r.shop = ? AND r.external_id = ?",
            (self._session.tenant, ref.channel.platform, ref.channel.shop, ref.external_id),
        ).fetchone()
        return None if row is None else _load(row)

    def save(self, order: Order) -> None:
        """Store changes if the stored version is still ``order.version``; then advance it by one (its
        recorded events wait for the commit).

        Args:
            order: the changed order.

        Raises:
            ConcurrencyConflict: someone stored the order since it was loaded.
            NotFound: the order was never added.
        """
        session = self._session
        version = order.version + 1
        cursor = session.execute(
            "UPDATE orders SET status = ?, is_final = ?, merge_key = ?, version = ?, document = ?"
            " WHERE tenant = ? AND id = ? AND version = ?",
            (
                order.status.value,
                order.status in FINAL,
                order.merge_key,
                version,
                _dump(order, version),
                session.tenant,
                order.id,
                order.version,
            ),
        )
        if cursor.rowcount != 1:
            row = session.query(
                "SELECT version FROM orders WHERE tenant = ? AND id = ?", (session.tenant, order.id)
            ).fetchone()
            if row is None:
                raise NotFound("order", order.id)
            raise ConcurrencyConflict("order", order.id, order.version, row[0])
        order.version = version
        self._session.pending_events.extend(order.pull_events())

    def ids_with_status(self, status: OrderStatus) -> list[OrderId]:
        """Ids of orders in ``status``, ascending.

        Args:
            status: the status.

        Returns:
            The ids.
        """
        rows = self._session.query(
            "SELECT id FROM orders WHERE tenant = ? AND status = ? ORDER BY id", (self._session.tenant, status.value)
        )
        return [OrderId(row[0]) for row in rows]

    def with_merge_key(self, key: str) -> list[Order]:
        """Open (not final) orders carrying merge key ``key``, by id; served by a partial index.

        Args:
            key: the merge key.

        Returns:
            The orders.
        """
        rows = self._session.query(
            "SELECT version, document FROM orders WHERE tenant = ? AND merge_key = ? AND is_final = 0 ORDER BY id",
            (self._session.tenant, key),
        )
        return [_load(row) for row in rows]

    def count(self) -> int:
        """How many orders the tenant has stored.

        Returns:
            The count.
        """
        row = self._session.query("SELECT COUNT(*) FROM orders WHERE tenant = ?", (self._session.tenant,)).fetchone()
        return int(row[0])
