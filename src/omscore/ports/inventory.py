"""Stock levels and reservations."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from omscore.domain.identity import LocationId, SkuCode
from omscore.domain.inventory import Reservation, ReservationLine, ReserveOutcome, StockKey, StockLevel


class InventoryStore(Protocol):
    """Per (location, SKU) stock: on hand, reserved, safety; reservations keyed for idempotency.

    Invariant kept against every interleaving of workers: ``reserved ≤ on_hand − safety`` for every key.
    Implementations never read-modify-write a counter outside the lock or the conditional update that guards
    it, and take row locks in sorted (location, SKU) order.
    """

    def level(self, location: LocationId, sku: SkuCode) -> StockLevel:
        """The current level; an unknown key reads as all zeros."""
        ...

    def levels(self, keys: Iterable[StockKey]) -> dict[StockKey, StockLevel]:
        """Levels for many keys at once (unknown keys read as zeros)."""
        ...

    def levels_of_sku(self, sku: SkuCode) -> list[StockLevel]:
        """Every stored level of ``sku``, sorted by location id."""
        ...

    def all_levels(self) -> list[StockLevel]:
        """Every stored level, sorted by (location, SKU)."""
        ...

    def receive(self, location: LocationId, sku: SkuCode, quantity: int) -> StockLevel:
        """Add ``quantity`` (> 0) units to on hand (a goods receipt).

        Raises:
            InvalidQuantity: ``quantity`` is not a positive integer.
        """
        ...

    def adjust(self, location: LocationId, sku: SkuCode, delta: int) -> StockLevel:
        """Change on hand by ``delta`` (a stock count correction).

        Raises:
            InvalidQuantity: the result would be negative or below ``reserved + safety``.
        """
        ...

    def set_safety(self, location: LocationId, sku: SkuCode, safety: int) -> StockLevel:
        """Set the safety stock (≥ 0).

        Raises:
            InvalidQuantity: negative, or it would push available below zero.
        """
        ...

    def reserve(self, key: str, lines: Sequence[ReservationLine]) -> ReserveOutcome:
        """Reserve every line under ``key``, or nothing.

        Idempotent: when ``key`` already holds a reservation, nothing changes and the outcome is ``ok`` and
        ``repeated``. A key that holds nothing any more (fully released or consumed) may reserve again — that
        is how an order is re-routed — so callers must not replay a reserve after releasing its key. Lines for
        the same (location, SKU) are added together before they are checked.

        Returns:
            ``ok`` with no shortages, or not ``ok`` with every (location, SKU) that fell short.

        Raises:
            InvalidInput: empty ``key`` or no lines.
        """
        ...

    def release(self, key: str, ref: str | None = None) -> int:
        """Release what ``key`` holds (only the lines of ``ref`` when given). Idempotent; returns the units
        released (0 on a repeat)."""
        ...

    def consume(self, key: str, ref: str) -> int:
        """Ship the lines of ``ref`` under ``key``: they leave on hand and reserved together. Idempotent;
        returns the units consumed (0 on a repeat)."""
        ...

    def reservation(self, key: str) -> Reservation | None:
        """What ``key`` holds now, lines sorted, or ``None`` when nothing."""
        ...

    def reservation_keys(self) -> list[str]:
        """Keys that hold at least one line, sorted."""
        ...
