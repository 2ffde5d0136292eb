"""A reference model of the inventory port, and random operations to drive a store and the model alike.

Used by :class:`~omscore.testing.contracts.inventory.InventoryStoreContract`'s property test.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import attrs
from hypothesis import strategies as st

from omscore.domain.errors import InvalidQuantity
from omscore.domain.identity import LocationId, SkuCode
from omscore.domain.inventory import Reservation, ReservationLine, ReserveOutcome, Shortage, StockKey, StockLevel
from omscore.ports.inventory import InventoryStore


class Operable(Protocol):
    """The part of :class:`InventoryStore` the property test drives; the model implements it too."""

    def level(self, location: LocationId, sku: SkuCode) -> StockLevel: ...
    def receive(self, location: LocationId, sku: SkuCode, quantity: int) -> StockLevel: ...
    def adjust(self, location: LocationId, sku: SkuCode, delta: int) -> StockLevel: ...
    def set_safety(self, location: LocationId, sku: SkuCode, safety: int) -> StockLevel: ...
    def reserve(self, key: str, lines: Sequence[ReservationLine]) -> ReserveOutcome: ...
    def release(self, key: str, ref: str | None = None) -> int: ...
    def consume(self, key: str, ref: str) -> int: ...
    def reservation(self, key: str) -> Reservation | None: ...


@attrs.frozen
class Names:
    """Turns the small indexes the operations are drawn from into ids no other example uses."""

    run: str

    def stock_key(self, index: tuple[int, int]) -> StockKey:
        return LocationId(f"{self.run}-L{index[0]}"), SkuCode(f"{self.run}-K{index[1]}")

    def key(self, index: int) -> str:
        return f"{self.run}-O{index}"

    def stock_keys(self) -> list[StockKey]:
        return [self.stock_key((location, sku)) for location in range(2) for sku in range(2)]

    def reservation_keys(self) -> list[str]:
        return [self.key(index) for index in range(3)]


class ModelStore:
    """The simplest store that does what the port promises (no concurrency, no transactions)."""

    def __init__(self) -> None:
        self.stock: dict[StockKey, tuple[int, int, int]] = {}
        self.held: dict[str, tuple[ReservationLine, ...]] = {}

    def copy(self) -> ModelStore:
        other = ModelStore()
        other.stock, other.held = dict(self.stock), dict(self.held)
        return other

    def level(self, location: LocationId, sku: SkuCode) -> StockLevel:
        return StockLevel(location, sku, *self.stock.get((location, sku), (0, 0, 0)))

    def receive(self, location: LocationId, sku: SkuCode, quantity: int) -> StockLevel:
        if quantity <= 0:
            raise InvalidQuantity("quantity", quantity, "model")
        return self._set(location, sku, on_hand=self.level(location, sku).on_hand + quantity)

    def adjust(self, location: LocationId, sku: SkuCode, delta: int) -> StockLevel:
        level = self.level(location, sku)
        if level.on_hand + delta < max(0, level.reserved + level.safety):
            raise InvalidQuantity("delta", delta, "model")
        return self._set(location, sku, on_hand=level.on_hand + delta)

    def set_safety(self, location: LocationId, sku: SkuCode, safety: int) -> StockLevel:
        level = self.level(location, sku)
        if safety < 0 or level.on_hand - level.reserved - safety < 0:
            raise InvalidQuantity("safety", safety, "model")
        return self._set(location, sku, safety=safety)

    def reserve(self, key: str, lines: Sequence[ReservationLine]) -> ReserveOutcome:
        if key in self.held:
            return ReserveOutcome(key, ok=True, repeated=True)
        demand: dict[StockKey, int] = {}
        for line in lines:
            demand[line.location, line.sku] = demand.get((line.location, line.sku), 0) + line.quantity
        shortages = tuple(
            Shortage(location, sku, quantity, self.level(location, sku).available)
            for (location, sku), quantity in sorted(demand.items())
            if quantity > self.level(location, sku).available
        )
        if shortages:
            return ReserveOutcome(key, ok=False, shortages=shortages)
        for (location, sku), quantity in demand.items():
            self._set(location, sku, reserved=self.level(location, sku).reserved + quantity)
        self.held[key] = tuple(sorted(lines))
        return ReserveOutcome(key, ok=True)

    def release(self, key: str, ref: str | None = None) -> int:
        return self._take(key, ref, consume=False)

    def consume(self, key: str, ref: str) -> int:
        return self._take(key, ref, consume=True)

    def reservation(self, key: str) -> Reservation | None:
        return Reservation(key, self.held[key]) if key in self.held else None

    def _take(self, key: str, ref: str | None, *, consume: bool) -> int:
        lines = self.held.get(key, ())
        taken = [line for line in lines if ref is None or line.ref == ref]
        for line in taken:
            level = self.level(line.location, line.sku)
            on_hand = level.on_hand - line.quantity if consume else level.on_hand
            self._set(line.location, line.sku, on_hand=on_hand, reserved=level.reserved - line.quantity)
        kept = tuple(line for line in lines if line not in taken)
        if kept:
            self.held[key] = kept
        else:
            self.held.pop(key, None)
        return sum(line.quantity for line in taken)

    def _set(
        self,
        location: LocationId,
        sku: SkuCode,
        *,
        on_hand: int | None = None,
        reserved: int | None = None,
        safety: int | None = None,
    ) -> StockLevel:
        level = self.level(location, sku)
        self.stock[location, sku] = (
            level.on_hand if on_hand is None else on_hand,
            level.reserved if reserved is None else reserved,
            level.safety if safety is None else safety,
        )
        return self.level(location, sku)


Outcome = StockLevel | ReserveOutcome | int | type[Exception]


@attrs.frozen
class Operation:
    """One call on an inventory store, in terms of the indexes :class:`Names` resolves."""

    method: str
    stock_key: tuple[int, int] = (0, 0)
    amount: int = 0
    key: int = 0
    ref: str | None = None
    lines: tuple[tuple[tuple[int, int], int, str], ...] = ()

    def apply(self, store: Operable, names: Names) -> Outcome:
        """Call the method on ``store``; the result, or the type of the omscore error it raised."""
        location, sku = names.stock_key(self.stock_key)
        key = names.key(self.key)
        try:
            match self.method:
                case "receive":
                    return store.receive(location, sku, self.amount)
                case "adjust":
                    return store.adjust(location, sku, self.amount)
                case "set_safety":
                    return store.set_safety(location, sku, self.amount)
                case "reserve":
                    lines = [ReservationLine(*names.stock_key(at), quantity, ref) for at, quantity, ref in self.lines]
                    return store.reserve(key, lines)
                case "release":
                    return store.release(key, self.ref)
                case "consume":
                    assert self.ref is not None
                    return store.consume(key, self.ref)
        except InvalidQuantity as refused:
            return type(refused)
        raise AssertionError(self.method)


_STOCK_KEYS = st.tuples(st.integers(0, 1), st.integers(0, 1))
_REFS = st.sampled_from(["S1", "S2"])
OPERATIONS: st.SearchStrategy[Operation] = st.one_of(
    st.builds(Operation, st.just("receive"), _STOCK_KEYS, amount=st.integers(1, 6)),
    st.builds(Operation, st.just("adjust"), _STOCK_KEYS, amount=st.integers(-6, 6)),
    st.builds(Operation, st.just("set_safety"), _STOCK_KEYS, amount=st.integers(0, 4)),
    st.builds(
        Operation,
        st.just("reserve"),
        key=st.integers(0, 2),
        lines=st.lists(st.tuples(_STOCK_KEYS, st.integers(1, 4), _REFS), min_size=1, max_size=3).map(tuple),
    ),
    st.builds(Operation, st.just("release"), key=st.integers(0, 2), ref=st.none() | _REFS),
    st.builds(Operation, st.just("consume"), key=st.integers(0, 2), ref=_REFS),
)


def assert_invariants(inventory: InventoryStore, names: Names) -> None:
    """No oversell, and every reserved unit belongs to exactly one held reservation line."""
    held: dict[StockKey, int] = {}
    for reservation_key in names.reservation_keys():
        reservation = inventory.reservation(reservation_key)
        for line in reservation.lines if reservation else ():
            held[line.location, line.sku] = held.get((line.location, line.sku), 0) + line.quantity
    for key in names.stock_keys():
        level = inventory.level(*key)
        assert 0 <= level.reserved <= level.on_hand - level.safety, level
        assert level.safety >= 0, level
        assert level.reserved == held.get(key, 0), (level, held)
