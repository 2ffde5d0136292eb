"""Gift activity quotas in memory.

One tenant's claims are kept per order (``order key → activity → (buyer, units)``) beside two counters, the
units taken per activity and per (activity, buyer). The unit of work holds the database lock, so checking the
limits and counting a claim is never interleaved with another worker. Every change first records the
before-image of what it touches (once per unit of work), so a rollback puts back exactly what was touched.
"""

from __future__ import annotations

from omscore.adapters.memory._transaction import Transaction
from omscore.adapters.memory._undo import put_back, remember
from omscore.domain.gifts import GiftClaim, check_gift_id

BuyerKey = tuple[str, str]
"""(activity, buyer)."""
Held = dict[str, tuple[str, int]]
"""What one order holds: activity → (buyer, units)."""


class GiftTable:
    """One tenant's gift claims and counters."""

    __slots__ = ("by_activity", "by_buyer", "claims")

    def __init__(self) -> None:
        self.claims: dict[str, Held] = {}
        self.by_activity: dict[str, int] = {}
        self.by_buyer: dict[BuyerKey, int] = {}


class MemoryGiftQuotas:
    """:class:`~omscore.ports.gift_quotas.GiftQuotas` over a :class:`GiftTable`, with undo for rollback."""

    def __init__(self, table: GiftTable, transaction: Transaction) -> None:
        self._table = table
        self._tx = transaction
        self._claims_before: dict[str, Held | None] = {}
        self._activities_before: dict[str, int | None] = {}
        self._buyers_before: dict[BuyerKey, int | None] = {}

    def take(self, claim: GiftClaim) -> bool:
        """Record ``claim`` when the activity and the buyer stay within their limits; a repeat changes nothing.

        Returns:
            ``True`` when the order holds the claim now, ``False`` when a limit refused it.

        Raises:
            UnitOfWorkClosed: outside an open unit of work.
        """
        self._tx.check()
        table = self._table
        held = table.claims.get(claim.order_key)
        if held is not None and claim.activity in held:
            return True
        buyer_key = (claim.activity, claim.buyer)
        activity_after = table.by_activity.get(claim.activity, 0) + claim.units
        buyer_after = table.by_buyer.get(buyer_key, 0) + claim.units
        if claim.quota is not None and activity_after > claim.quota:
            return False
        if claim.per_buyer is not None and buyer_after > claim.per_buyer:
            return False
        self._touch_claims(claim.order_key)[claim.activity] = (claim.buyer, claim.units)
        remember(self._activities_before, table.by_activity, claim.activity)
        table.by_activity[claim.activity] = activity_after
        remember(self._buyers_before, table.by_buyer, buyer_key)
        table.by_buyer[buyer_key] = buyer_after
        return True

    def give_back(self, activity: str, order_key: str) -> int:
        """Give back what ``order_key`` holds in ``activity``.

        Returns:
            The units given back; 0 when it held nothing (a repeat).

        Raises:
            InvalidInput: a blank ``activity`` or ``order_key``.
            UnitOfWorkClosed: outside an open unit of work.
        """
        self._tx.check()
        check_gift_id("activity", activity)
        check_gift_id("order_key", order_key)
        table = self._table
        held = table.claims.get(order_key)
        if held is None or activity not in held:
            return 0
        buyer, units = self._touch_claims(order_key).pop(activity)
        if not table.claims[order_key]:
            del table.claims[order_key]
        buyer_key = (activity, buyer)
        remember(self._activities_before, table.by_activity, activity)
        table.by_activity[activity] -= units
        remember(self._buyers_before, table.by_buyer, buyer_key)
        table.by_buyer[buyer_key] -= units
        return units

    def taken(self, activity: str) -> int:
        """Units ``activity`` has given out; 0 when none.

        Raises:
            InvalidInput: a blank ``activity``.
            UnitOfWorkClosed: outside an open unit of work.
        """
        self._tx.check()
        return self._table.by_activity.get(check_gift_id("activity", activity), 0)

    def taken_by(self, activity: str, buyer: str) -> int:
        """Units ``buyer`` holds in ``activity``; 0 when none.

        Raises:
            InvalidInput: a blank ``activity`` or ``buyer``.
            UnitOfWorkClosed: outside an open unit of work.
        """
        self._tx.check()
        key = (check_gift_id("activity", activity), check_gift_id("buyer", buyer))
        return self._table.by_buyer.get(key, 0)

    def held_by(self, order_key: str) -> dict[str, int]:
        """Units ``order_key`` holds per activity, by activity id.

        Raises:
            InvalidInput: a blank ``order_key``.
            UnitOfWorkClosed: outside an open unit of work.
        """
        self._tx.check()
        held = self._table.claims.get(check_gift_id("order_key", order_key), {})
        return {activity: held[activity][1] for activity in sorted(held)}

    # --- internals ----------------------------------------------------------------------------------------

    def _touch_claims(self, order_key: str) -> Held:
        """The mutable claims of ``order_key`` (created when missing), their before-image recorded."""
        claims = self._table.claims
        held = claims.get(order_key)
        if order_key not in self._claims_before:
            self._claims_before[order_key] = None if held is None else dict(held)
        if held is None:
            held = claims[order_key] = {}
        return held

    def _forget_undo(self) -> None:
        self._claims_before.clear()
        self._activities_before.clear()
        self._buyers_before.clear()

    def _undo(self) -> None:
        put_back(self._claims_before, self._table.claims)
        put_back(self._activities_before, self._table.by_activity)
        put_back(self._buyers_before, self._table.by_buyer)
