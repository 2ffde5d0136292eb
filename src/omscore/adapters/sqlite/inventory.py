"""Stock levels and reservations in SQLite, changed only by guarded UPDATEs.

No counter is ever read and written back. A reserve runs, per (location, SKU) in sorted order,

    UPDATE stock SET reserved = reserved + :n
     WHERE tenant = :t AND location = :l AND sku = :s AND on_hand - reserved - safety >= :n

and a statement that matches no row means "not enough": the reserve then undoes its own earlier UPDATEs with
``ROLLBACK TO SAVEPOINT`` and reports every shortage. The ``stock`` table's CHECK constraint
(``reserved + safety <= on_hand``) backs the same invariant in the schema. Reservation rows and the
``reserved`` counter change in the same transaction, so the counter always equals the sum of the rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from omscore.adapters.sqlite.session import Session
from omscore.domain.errors import InvalidInput, InvalidQuantity
from omscore.domain.identity import LocationId, SkuCode
from omscore.domain.inventory import (
    Reservation,
    ReservationLine,
    ReserveOutcome,
    Shortage,
    StockKey,
    StockLevel,
    check_key,
    demand_by_key,
)

_RESERVE = (
    "UPDATE stock SET reserved = reserved + ?"
    " WHERE tenant = ? AND location = ? AND sku = ? AND on_hand - reserved - safety >= ?"
)
_RESERVE_NEW_KEY = (
    "UPDATE stock SET reserved = reserved + ?"
    " WHERE tenant = ? AND location = ? AND sku = ? AND on_hand - reserved - safety >= ?"
    " AND NOT EXISTS (SELECT 1 FROM reservations WHERE tenant = ? AND key = ?)"
)
_HOLD = "INSERT INTO reservations (tenant, key, line, location, sku, ref, quantity) VALUES (?, ?, ?, ?, ?, ?, ?)"
_RELEASE = "UPDATE stock SET reserved = reserved - ? WHERE tenant = ? AND location = ? AND sku = ?"
_CONSUME = (
    "UPDATE stock SET on_hand = on_hand - ?, reserved = reserved - ? WHERE tenant = ? AND location = ? AND sku = ?"
)


def _level(row: tuple[str, str, int, int, int]) -> StockLevel:
    return StockLevel(LocationId(row[0]), SkuCode(row[1]), row[2], row[3], row[4])


def _whole(name: str, value: object, *, positive: bool = False, non_negative: bool = False) -> int:
    if type(value) is not int:
        raise InvalidQuantity(name, value, "must be an integer")
    if positive and value <= 0:
        raise InvalidQuantity(name, value, "must be a positive integer")
    if non_negative and value < 0:
        raise InvalidQuantity(name, value, "must not be negative")
    return value


class SqliteInventoryStore:
    """:class:`~omscore.ports.inventory.InventoryStore` over one unit of work's session.

    Args:
        session: the unit of work's session.
    """

    __slots__ = ("_session",)

    def __init__(self, session: Session) -> None:
        self._session = session

    # --- reading ---------------------------------------------------------------------------------------------

    def level(self, location: LocationId, sku: SkuCode) -> StockLevel:
        """The level of one (location, SKU); zeros when none is stored.

        Args:
            location: the location.
            sku: the SKU.

        Returns:
            The level.
        """
        row = self._session.query(
            "SELECT location, sku, on_hand, reserved, safety FROM stock WHERE tenant = ? AND location = ? AND sku = ?",
            (self._session.tenant, location, sku),
        ).fetchone()
        return StockLevel(location, sku) if row is None else _level(row)

    def levels(self, keys: Iterable[StockKey]) -> dict[StockKey, StockLevel]:
        """Levels of many keys (zeros for unknown ones).

        Args:
            keys: (location, SKU) pairs.

        Returns:
            The level of each distinct key.
        """
        return {key: self.level(*key) for key in dict.fromkeys(keys)}

    def levels_of_sku(self, sku: SkuCode) -> list[StockLevel]:
        """Every stored level of ``sku``, by location.

        Args:
            sku: the SKU.

        Returns:
            The levels.
        """
        rows = self._session.query(
            "SELECT location, sku, on_hand, reserved, safety FROM stock INDEXED BY stock_by_sku"
            " WHERE tenant = ? AND sku = ? ORDER BY location",
            (self._session.tenant, sku),
        )
        return [_level(row) for row in rows]

    def all_levels(self) -> list[StockLevel]:
        """Every stored level, by (location, SKU).

        Returns:
            The levels.
        """
        rows = self._session.query(
            "SELECT location, sku, on_hand, reserved, safety FROM stock WHERE tenant = ? ORDER BY location, sku",
            (self._session.tenant,),
        )
        return [_level(row) for row in rows]

    def reservation(self, key: str) -> Reservation | None:
        """What ``key`` holds now, lines sorted, or ``None``.

        Args:
            key: the idempotency key.

        Returns:
            The reservation, or ``None`` when the key holds nothing.
        """
        rows = self._session.query(
            "SELECT location, sku, quantity, ref FROM reservations WHERE tenant = ? AND key = ? ORDER BY line",
            (self._session.tenant, key),
        ).fetchall()
        if not rows:
            return None
        return Reservation(key, tuple(ReservationLine(LocationId(r[0]), SkuCode(r[1]), r[2], r[3]) for r in rows))

    def reservation_keys(self) -> list[str]:
        """Keys holding at least one line, sorted.

        Returns:
            The keys.
        """
        rows = self._session.query(
            "SELECT DISTINCT key FROM reservations WHERE tenant = ? ORDER BY key", (self._session.tenant,)
        )
        return [row[0] for row in rows]

    # --- stock changes ---------------------------------------------------------------------------------------

    def receive(self, location: LocationId, sku: SkuCode, quantity: int) -> StockLevel:
        """Add ``quantity`` units to on hand.

        Args:
            location: the location.
            sku: the SKU.
            quantity: units received (> 0).

        Returns:
            The new level.

        Raises:
            InvalidQuantity: ``quantity`` is not a positive integer.
        """
        _whole("quantity", quantity, positive=True)
        row = self._session.execute(
            "INSERT INTO stock (tenant, location, sku, on_hand) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (tenant, location, sku) DO UPDATE SET on_hand = on_hand + excluded.on_hand"
            " RETURNING location, sku, on_hand, reserved, safety",
            (self._session.tenant, location, sku, quantity),
        ).fetchone()
        return _level(row)

    def adjust(self, location: LocationId, sku: SkuCode, delta: int) -> StockLevel:
        """Change on hand by ``delta`` (a count correction), never below ``reserved + safety``.

        Args:
            location: the location.
            sku: the SKU.
            delta: units to add (negative to remove).

        Returns:
            The new level.

        Raises:
            InvalidQuantity: ``delta`` is not an integer, or the result would be negative or below
                ``reserved + safety``.
        """
        _whole("delta", delta)
        session = self._session
        if delta >= 0:
            row = session.execute(
                "INSERT INTO stock (tenant, location, sku, on_hand) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (tenant, location, sku) DO UPDATE SET on_hand = on_hand + excluded.on_hand"
                " RETURNING location, sku, on_hand, reserved, safety",
                (session.tenant, location, sku, delta),
            ).fetchone()
            return _level(row)
        row = session.execute(
            "UPDATE stock SET on_hand = on_hand + ?"
            " WHERE tenant = ? AND location = ? AND sku = ? AND on_hand + ? >= reserved + safety"
            " RETURNING location, sku, on_hand, reserved, safety",
            (delta, session.tenant, location, sku, delta),
        ).fetchone()
        if row is None:
            current = self.level(location, sku)
            raise InvalidQuantity(
                "delta",
                delta,
                f"on hand {current.on_hand} would fall below reserved {current.reserved} + safety {current.safety}",
            )
        return _level(row)

    def set_safety(self, location: LocationId, sku: SkuCode, safety: int) -> StockLevel:
        """Set the safety stock, never above ``on_hand - reserved``.

        Args:
            location: the location.
            sku: the SKU.
            safety: the new safety stock (≥ 0).

        Returns:
            The new level.

        Raises:
            InvalidQuantity: negative, not an integer, or it would push available below zero.
        """
        _whole("safety", safety, non_negative=True)
        session = self._session
        row = session.execute(
            "UPDATE stock SET safety = ? WHERE tenant = ? AND location = ? AND sku = ? AND on_hand - reserved >= ?"
            " RETURNING location, sku, on_hand, reserved, safety",
            (safety, session.tenant, location, sku, safety),
        ).fetchone()
        if row is not None:
            return _level(row)
        current = self.level(location, sku)
        if safety == 0:
            row = session.execute(
                "INSERT INTO stock (tenant, location, sku) VALUES (?, ?, ?) ON CONFLICT DO NOTHING"
                " RETURNING location, sku, on_hand, reserved, safety",
                (session.tenant, location, sku),
            ).fetchone()
            return current if row is None else _level(row)
        raise InvalidQuantity(
            "safety", safety, f"only {current.on_hand - current.reserved} of {current.on_hand} on hand are unreserved"
        )

    # --- reservations ----------------------------------------------------------------------------------------

    def reserve(self, key: str, lines: Sequence[ReservationLine]) -> ReserveOutcome:
        """Reserve every line under ``key``, or nothing; a key that already holds lines changes nothing.

        Args:
            key: the idempotency key (the order).
            lines: what to reserve; lines for the same (location, SKU) are added together.

        Returns:
            ``ok`` (``repeated`` for a key already held), or not ``ok`` with every shortage.

        Raises:
            InvalidInput: empty key or no lines.
        """
        if not key or type(key) is not str:
            check_key(key)  # raises, naming the field
        if not lines:
            raise InvalidInput("lines", list(lines), "a reservation needs at least one line")
        session = self._session
        tenant = session.tenant
        if len(lines) == 1:
            # The common case in one guarded UPDATE that also checks that the key is not held yet; only when it
            # changes nothing does the reserve look why (a repeat, or a shortage).
            line = lines[0]
            location, sku, quantity = line.location, line.sku, line.quantity
            taken = session.execute(_RESERVE_NEW_KEY, (quantity, tenant, location, sku, quantity, tenant, key))
            if taken.rowcount != 1:
                return self._refused(key, location, sku, quantity)
            session.execute(_HOLD, (tenant, key, 0, location, sku, line.ref, quantity))
            return ReserveOutcome(key, ok=True)
        demand = demand_by_key(lines)
        if len(demand) == 1:
            ((location, sku), quantity) = next(iter(demand.items()))
            taken = session.execute(_RESERVE_NEW_KEY, (quantity, tenant, location, sku, quantity, tenant, key))
            if taken.rowcount != 1:
                return self._refused(key, location, sku, quantity)
        else:
            if self._held(key):
                return ReserveOutcome(key, ok=True, repeated=True)
            shortages = self._reserve_all(demand)
            if shortages:
                return ReserveOutcome(key, ok=False, shortages=shortages)
        session.executemany(
            _HOLD,
            [
                (tenant, key, number, line.location, line.sku, line.ref, line.quantity)
                for number, line in enumerate(sorted(lines))
            ],
        )
        return ReserveOutcome(key, ok=True)

    def _refused(self, key: str, location: LocationId, sku: SkuCode, quantity: int) -> ReserveOutcome:
        """Why a single guarded UPDATE changed nothing: the key is held already, or the stock fell short."""
        if self._held(key):
            return ReserveOutcome(key, ok=True, repeated=True)
        return ReserveOutcome(key, ok=False, shortages=(self._shortage(location, sku, quantity),))

    def _held(self, key: str) -> bool:
        held = self._session.query(
            "SELECT 1 FROM reservations WHERE tenant = ? AND key = ? LIMIT 1", (self._session.tenant, key)
        )
        return held.fetchone() is not None

    def _reserve_all(self, demand: dict[StockKey, int]) -> tuple[Shortage, ...]:
        """Guarded UPDATEs in sorted key order inside a savepoint; undone together if any falls short."""
        session = self._session
        tenant = session.tenant
        short: list[StockKey] = []
        name = session.open_savepoint()
        for (location, sku), quantity in demand.items():
            if session.execute(_RESERVE, (quantity, tenant, location, sku, quantity)).rowcount != 1:
                short.append((location, sku))
        if not short:
            session.release_savepoint(name)
            return ()
        session.rollback_to(name)
        return tuple(self._shortage(location, sku, demand[(location, sku)]) for location, sku in short)

    def _shortage(self, location: LocationId, sku: SkuCode, requested: int) -> Shortage:
        return Shortage(location, sku, requested, self.level(location, sku).available)

    def release(self, key: str, ref: str | None = None) -> int:
        """Release what ``key`` holds (only ``ref``'s lines when given).

        Args:
            key: the idempotency key.
            ref: the shipment whose lines to release, or ``None`` for all.

        Returns:
            Units released (0 on a repeat).
        """
        return self._take(key, ref, _RELEASE)

    def consume(self, key: str, ref: str) -> int:
        """Ship ``ref``'s lines under ``key``: they leave on hand and reserved together.

        Args:
            key: the idempotency key.
            ref: the shipment that left.

        Returns:
            Units consumed (0 on a repeat).
        """
        return self._take(key, ref, _CONSUME)

    def _take(self, key: str, ref: str | None, update: str) -> int:
        session = self._session
        tenant = session.tenant
        if ref is None:
            deleted = session.execute(
                "DELETE FROM reservations WHERE tenant = ? AND key = ? RETURNING location, sku, quantity", (tenant, key)
            ).fetchall()
        else:
            deleted = session.execute(
                "DELETE FROM reservations WHERE tenant = ? AND key = ? AND ref = ? RETURNING location, sku, quantity",
                (tenant, key, ref),
            ).fetchall()
        if not deleted:
            return 0
        per_key: dict[tuple[str, str], int] = {}
        for location, sku, quantity in deleted:
            per_key[(location, sku)] = per_key.get((location, sku), 0) + quantity
        width = update.count("?") - 3
        session.executemany(
            update,
            [(*([quantity] * width), tenant, location, sku) for (location, sku), quantity in sorted(per_key.items())],
        )
        return sum(per_key.values())
