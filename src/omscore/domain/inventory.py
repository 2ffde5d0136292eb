"""Inventory: stock levels per (location, SKU), reservations and the outcome of a reserve.

``available = on_hand − reserved − safety``. A reservation is all-or-nothing for one idempotency key (one
order): either every line is reserved or none is, and ``reserved ≤ on_hand − safety`` holds for every key
afterwards (DESIGN.md §5, invariant 1). Each reservation line carries a ``ref`` — the shipment it is for — so
that shipping or cancelling one shipment consumes or releases just its part.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from omscore.domain.errors import InvalidInput, InvalidQuantity
from omscore.domain.identity import LocationId, SkuCode

StockKey = tuple[LocationId, SkuCode]


@attrs.frozen
class StockLevel:
    """The stock of one SKU at one location."""

    location: LocationId
    sku: SkuCode
    on_hand: int = 0
    reserved: int = 0
    safety: int = 0

    @property
    def available(self) -> int:
        """What may still be reserved: on hand minus reserved minus safety stock. Every adapter keeps it at zero
        or above (reservations, adjustments and safety-stock changes that would push it below are refused)."""
        return self.on_hand - self.reserved - self.safety


def _positive(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if type(value) is not int or value <= 0:
        raise InvalidQuantity(attribute.name, value, "quantity must be a positive integer")


@attrs.frozen(order=True)
class ReservationLine:
    """Units of one SKU at one location set aside for ``ref`` (a shipment id) of a reservation."""

    location: LocationId
    sku: SkuCode
    quantity: int = attrs.field(validator=_positive)
    ref: str = ""


@attrs.frozen
class Reservation:
    """What is currently set aside under one idempotency key."""

    key: str
    lines: tuple[ReservationLine, ...]

    @property
    def units(self) -> int:
        return sum(line.quantity for line in self.lines)


@attrs.frozen
class Shortage:
    """A (location, SKU) that could not cover a request: ``requested`` units, ``available`` at the time."""

    location: LocationId
    sku: SkuCode
    requested: int
    available: int


@attrs.frozen
class ReserveOutcome:
    """The result of a reserve: every line reserved (``ok``), or nothing reserved and the shortages listed.

    ``repeated`` is true when the key was already reserved and this call changed nothing.
    """

    key: str
    ok: bool
    shortages: tuple[Shortage, ...] = ()
    repeated: bool = False


def demand_by_key(lines: Iterable[ReservationLine]) -> dict[StockKey, int]:
    """Total requested units per (location, SKU), in sorted key order (the fixed lock order)."""
    if isinstance(lines, list | tuple) and len(lines) == 1:
        only = lines[0]
        return {(only.location, only.sku): only.quantity}
    demand: dict[StockKey, int] = {}
    for line in lines:
        key = (line.location, line.sku)
        demand[key] = demand.get(key, 0) + line.quantity
    return dict(sorted(demand.items()))


def check_key(key: str) -> str:
    if not isinstance(key, str) or not key:
        raise InvalidInput("key", key, "a reservation key must be a non-empty string")
    return key
