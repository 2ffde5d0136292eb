"""Gift activity quotas (赠品活动配额): how many gift units each activity and each buyer has taken."""

from __future__ import annotations

from typing import Protocol

from omscore.domain.gifts import GiftClaim


class GiftQuotas(Protocol):
    """Per activity: the units taken, the units each buyer took, and the claim of each order.

    Invariant kept against every interleaving of workers and processes: an activity's units taken never exceed
    the quota of any claim it accepted, and a buyer's never exceed the per-buyer limit. Implementations change
    the counters only by a guarded relative update (``taken = taken + n WHERE taken + n <= quota``) or under a
    row lock, never by a value read earlier and written back. Everything is scoped to the unit of work's tenant,
    and committed or rolled back with it.

    Ordering: the counters and claim of one activity are changed in a fixed order (the claim, the activity, the
    buyer), so two workers taking or giving back in one activity do not deadlock; a unit of work that claims in
    several activities should claim them in sorted activity order.
    """

    def take(self, claim: GiftClaim) -> bool:
        """Record ``claim`` if the activity and the buyer stay within their limits, all or nothing.

        The claim is taken when the activity's units taken plus ``claim.units`` are at most ``claim.quota`` and
        the buyer's units taken in the activity plus ``claim.units`` are at most ``claim.per_buyer`` (``None``
        is no limit). A refused claim changes nothing.

        Idempotent per (activity, order key): when the order already holds a claim in the activity, nothing
        changes and the result is ``True`` (the first claim stands, whatever the units, buyer or limits of the
        repeat). An order whose claim was given back may claim again, so callers must not replay a take after
        a give-back.

        Args:
            claim: what to take.

        Returns:
            ``True`` when the order holds the claim now, ``False`` when a limit refused it.

        Raises:
            UnitOfWorkClosed: outside an open unit of work.
            TransientError: the storage could not decide now; the unit of work may be retried.
        """
        ...

    def give_back(self, activity: str, order_key: str) -> int:
        """Give back the units order ``order_key`` holds in ``activity`` (its order was cancelled): they count
        neither for the activity nor for the buyer any more.

        Idempotent: a second give-back, or one for an order that holds nothing, returns 0.

        Returns:
            The units given back.

        Raises:
            InvalidInput: a blank ``activity`` or ``order_key``.
            UnitOfWorkClosed: outside an open unit of work.
        """
        ...

    def taken(self, activity: str) -> int:
        """Units the activity has given out and not got back; 0 for an activity never claimed.

        Raises:
            InvalidInput: a blank ``activity``.
        """
        ...

    def taken_by(self, activity: str, buyer: str) -> int:
        """Units ``buyer`` holds in ``activity``; 0 when none.

        Raises:
            InvalidInput: a blank ``activity`` or ``buyer``.
        """
        ...

    def held_by(self, order_key: str) -> dict[str, int]:
        """The units order ``order_key`` holds in each activity, by activity id in sorted order (what a
        cancellation gives back); empty when it holds none.

        Raises:
            InvalidInput: a blank ``order_key``.
        """
        ...
