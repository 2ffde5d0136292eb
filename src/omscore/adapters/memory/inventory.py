"""Stock levels and reservations in memory.

Levels are plain three-item lists ``[on_hand, reserved, safety]`` keyed by (location, SKU), and reservations
are tuples of :class:`~omscore.domain.inventory.ReservationLine` keyed by idempotency key; frozen
:class:`~omscore.domain.inventory.StockLevel` values are built only when read. Every change first records the
before-image of what it touches (once per unit of work), so a rollback costs what the unit of work touched.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from omscore.adapters.memory._transaction import Transaction
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

_ON_HAND, _RESERVED, _SAFETY = 0, 1, 2


class StockTable:
    """One tenant's stock levels, reservations and an index of the locations that stock each SKU."""

    __slots__ = ("levels", "locations_of", "reservations")

    def __init__(self) -> None:
        self.levels: dict[StockKey, list[int]] = {}
        self.locations_of: dict[SkuCode, set[LocationId]] = {}
        self.reservations: dict[str, tuple[ReservationLine, ...]] = {}


class MemoryInventoryStore:
    """:class:`~omscore.ports.inventory.InventoryStore` over a :class:`StockTable`, with undo for rollback.

    The unit of work holds the database lock, so checking and changing a level here is never interleaved with
    another worker: all-or-nothing reservations need no further locking.
    """

    def __init__(self, table: StockTable, transaction: Transaction) -> None:
        self._table = table
        self._tx = transaction
        self._levels_before: dict[StockKey, tuple[int, int, int] | None] = {}
        self._reservations_before: dict[str, tuple[ReservationLine, ...] | None] = {}

    # --- reading ------------------------------------------------------------------------------------------

    def level(self, location: LocationId, sku: SkuCode) -> StockLevel:
        """The level of (``location``, ``sku``); zeros when unknown.

        Raises:
            UnitOfWorkClosed: outside an open unit of work.
        """
        self._tx.check()
        return self._level((location, sku))

    def levels(self, keys: Iterable[StockKey]) -> dict[StockKey, StockLevel]:
        """Levels of ``keys`` in the order given (each once); unknown keys read as zeros.

        Raises:
            UnitOfWorkClosed: outside an open unit of work.
        """
        self._tx.check()
        return {key: self._level(key) for key in keys}

    def levels_of_sku(self, sku: SkuCode) -> list[StockLevel]:
        """Every stored level of ``sku``, by location.

        Raises:
            UnitOfWorkClosed: outside an open unit of work.
        """
        self._tx.check()
        return [self._level((location, sku)) for location in sorted(self._table.locations_of.get(sku, ()))]

    def all_levels(self) -> list[StockLevel]:
        """Every stored level, by (location, SKU).

        Raises:
            UnitOfWorkClosed: outside an open unit of work.
        """
        self._tx.check()
        return [self._level(key) for key in sorted(self._table.levels)]

    def reservation(self, key: str) -> Reservation | None:
        """What ``key`` holds, lines sorted, or ``None``.

        Raises:
            UnitOfWorkClosed: outside an open unit of work.
        """
        self._tx.check()
        lines = self._table.reservations.get(key)
        return None if lines is None else Reservation(key, tuple(sorted(lines)))

    def reservation_keys(self) -> list[str]:
        """Keys holding at least one line, sorted.

        Raises:
            UnitOfWorkClosed: outside an open unit of work.
        """
        self._tx.check()
        return sorted(self._table.reservations)

    # --- counting stock -----------------------------------------------------------------------------------

    def receive(self, location: LocationId, sku: SkuCode, quantity: int) -> StockLevel:
        """Add ``quantity`` units to on hand.

        Raises:
            InvalidQuantity: ``quantity`` is not a positive integer (field ``quantity``).
            UnitOfWorkClosed: outside an open unit of work.
        """
        self._tx.check()
        if type(quantity) is not int or quantity <= 0:
            raise InvalidQuantity("quantity", quantity, "a goods receipt needs a positive integer quantity")
        key = (location, sku)
        self._touch(key)[_ON_HAND] += quantity
        return self._level(key)

    def adjust(self, location: LocationId, sku: SkuCode, delta: int) -> StockLevel:
        """Change on hand by ``delta``.

        Raises:
            InvalidQuantity: ``delta`` is not an integer, or on hand would fall below zero or below
                reserved + safety (field ``delta``).
            UnitOfWorkClosed: outside an open unit of work.
        """
        self._tx.check()
        if type(delta) is not int:
            raise InvalidQuantity("delta", delta, "must be an integer")
        key = (location, sku)
        on_hand, reserved, safety = self._table.levels.get(key) or (0, 0, 0)
        if on_hand + delta < 0:
            raise InvalidQuantity("delta", delta, f"on hand {on_hand} cannot fall below zero")
        if on_hand + delta < reserved + safety:
            raise InvalidQuantity(
                "delta", delta, f"on hand {on_hand} cannot fall below reserved {reserved} + safety {safety}"
            )
        if delta:
            self._touch(key)[_ON_HAND] += delta
        return self._level(key)

    def set_safety(self, location: LocationId, sku: SkuCode, safety: int) -> StockLevel:
        """Set the safety stock of (``location``, ``sku``).

        Raises:
            InvalidQuantity: ``safety`` is negative or not an integer, or available would fall below zero
                (field ``safety``).
            UnitOfWorkClosed: outside an open unit of work.
        """
        self._tx.check()
        if type(safety) is not int or safety < 0:
            raise InvalidQuantity("safety", safety, "safety stock must be a non-negative integer")
        key = (location, sku)
        on_hand, reserved, current = self._table.levels.get(key) or (0, 0, 0)
        if on_hand - reserved - safety < 0:
            raise InvalidQuantity(
                "safety", safety, f"on hand {on_hand} minus reserved {reserved} leaves less than that"
            )
        if safety != current:
            self._touch(key)[_SAFETY] = safety
        return self._level(key)

    # --- reservations -------------------------------------------------------------------------------------

    def reserve(self, key: str, lines: Sequence[ReservationLine]) -> ReserveOutcome:
        """Reserve every line under ``key``, or nothing; a repeat of a held key changes nothing.

        Returns:
            ``ok`` (and ``repeated`` for a held key), or not ``ok`` with the shortages in (location, SKU) order.

        Raises:
            InvalidInput: empty ``key`` or no lines.
            UnitOfWorkClosed: outside an open unit of work.
        """
        self._tx.check()
        check_key(key)
        if not lines:
            raise InvalidInput("lines", list(lines), "a reservation needs at least one line")
        table = self._table
        reservations = table.reservations
        if key in reservations:
            return ReserveOutcome(key, ok=True, repeated=True)
        demand = demand_by_key(lines)
        levels = table.levels
        shortages: list[Shortage] = []
        for stock_key, quantity in demand.items():
            level = levels.get(stock_key)
            available = level[_ON_HAND] - level[_RESERVED] - level[_SAFETY] if level is not None else 0
            if quantity > available:
                shortages.append(Shortage(stock_key[0], stock_key[1], quantity, available))
        if shortages:
            return ReserveOutcome(key, ok=False, shortages=tuple(shortages))
        levels_before = self._levels_before
        for stock_key, quantity in demand.items():
            level = levels[stock_key]
            if stock_key not in levels_before:
                levels_before[stock_key] = (level[0], level[1], level[2])
            level[_RESERVED] += quantity
        self._reservations_before.setdefault(key, None)
        reservations[key] = tuple(lines)
        return ReserveOutcome(key, ok=True)

    def release(self, key: str, ref: str | None = None) -> int:
        """Give back what ``key`` holds (only the lines of ``ref`` when given).

        Returns:
            The units released; 0 when nothing matched (a repeat).

        Raises:
            UnitOfWorkClosed: outside an open unit of work.
        """
        self._tx.check()
        return self._take(key, ref, consume=False)

    def consume(self, key: str, ref: str) -> int:
        """Ship the lines of ``ref`` under ``key``: on hand and reserved fall together.

        Returns:
            The units consumed; 0 when nothing matched (a repeat).

        Raises:
            UnitOfWorkClosed: outside an open unit of work.
        """
        self._tx.check()
        return self._take(key, ref, consume=True)

    # --- internals ----------------------------------------------------------------------------------------

    def _level(self, key: StockKey) -> StockLevel:
        level = self._table.levels.get(key)
        if level is None:
            return StockLevel(key[0], key[1])
        return StockLevel(key[0], key[1], level[_ON_HAND], level[_RESERVED], level[_SAFETY])

    def _touch(self, key: StockKey) -> list[int]:
        """The mutable level of ``key`` (created when missing), its before-image recorded."""
        levels = self._table.levels
        level = levels.get(key)
        if level is None:
            level = levels[key] = [0, 0, 0]
            self._table.locations_of.setdefault(key[1], set()).add(key[0])
            self._levels_before.setdefault(key, None)
        elif key not in self._levels_before:
            self._levels_before[key] = (level[0], level[1], level[2])
        return level

    def _take(self, key: str, ref: str | None, *, consume: bool) -> int:
        reservations = self._table.reservations
        held = reservations.get(key)
        if held is None:
            return 0
        taken = held if ref is None else tuple(line for line in held if line.ref == ref)
        if not taken:
            return 0
        if key not in self._reservations_before:
            self._reservations_before[key] = held
        units = 0
        for line in taken:
            level = self._touch((line.location, line.sku))
            level[_RESERVED] -= line.quantity
            if consume:
                level[_ON_HAND] -= line.quantity
            units += line.quantity
        kept = () if ref is None else tuple(line for line in held if line.ref != ref)
        if kept:
            reservations[key] = kept
        else:
            del reservations[key]
        return units

    def _forget_undo(self) -> None:
        self._levels_before.clear()
        self._reservations_before.clear()

    def _undo(self) -> None:
        table = self._table
        for key, before in self._levels_before.items():
            if before is None:
                del table.levels[key]
                table.locations_of[key[1]].discard(key[0])
            else:
                table.levels[key][:] = before
        for reservation_key, held in self._reservations_before.items():
            if held is None:
                table.reservations.pop(reservation_key, None)
            else:
                table.reservations[reservation_key] = held
        self._forget_undo()
