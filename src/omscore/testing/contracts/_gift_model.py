"""A reference model of the gift quota port, and random operations to drive a store and the model alike.

Used by :class:`~omscore.testing.contracts.gift_quotas.GiftQuotasContract`'s property test. The model keeps
only the claims and sums them on every read, so it shares no bookkeeping with any adapter's counters.
"""

from __future__ import annotations

from typing import Protocol

import attrs
from hypothesis import strategies as st

from omscore.domain.gifts import GiftClaim

_ACTIVITIES, _ORDERS, _BUYERS = 2, 6, 3


class Operable(Protocol):
    """The gift quota port as the property test drives it; the model implements it too."""

    def take(self, claim: GiftClaim) -> bool: ...
    def give_back(self, activity: str, order_key: str) -> int: ...
    def taken(self, activity: str) -> int: ...
    def taken_by(self, activity: str, buyer: str) -> int: ...
    def held_by(self, order_key: str) -> dict[str, int]: ...


Counts = dict[str, tuple[int, dict[str, int]]]
"""Activity → (units taken, buyer → units taken)."""


@attrs.frozen
class GiftNames:
    """Turns the small indexes the operations are drawn from into ids no other example uses."""

    run: str

    def activity(self, index: int) -> str:
        return f"{self.run}-A{index}"

    def order(self, index: int) -> str:
        return f"{self.run}-O{index}"

    def buyer(self, index: int) -> str:
        return f"{self.run}-B{index}"

    def orders(self) -> list[str]:
        return [self.order(index) for index in range(_ORDERS)]

    def counts(self, store: Operable) -> Counts:
        """Every counter the drawn ids can reach, read from ``store``."""
        activities = [self.activity(index) for index in range(_ACTIVITIES)]
        buyers = [self.buyer(index) for index in range(_BUYERS)]
        return {
            activity: (store.taken(activity), {buyer: store.taken_by(activity, buyer) for buyer in buyers})
            for activity in activities
        }


class GiftModel:
    """The simplest store that does what the port promises (no concurrency, no transactions)."""

    def __init__(self) -> None:
        self.claims: dict[tuple[str, str], tuple[str, int]] = {}

    def copy(self) -> GiftModel:
        other = GiftModel()
        other.claims = dict(self.claims)
        return other

    def take(self, claim: GiftClaim) -> bool:
        if (claim.activity, claim.order_key) in self.claims:
            return True
        if claim.quota is not None and self.taken(claim.activity) + claim.units > claim.quota:
            return False
        if claim.per_buyer is not None and self.taken_by(claim.activity, claim.buyer) + claim.units > claim.per_buyer:
            return False
        self.claims[(claim.activity, claim.order_key)] = (claim.buyer, claim.units)
        return True

    def give_back(self, activity: str, order_key: str) -> int:
        _, units = self.claims.pop((activity, order_key), ("", 0))
        return units

    def taken(self, activity: str) -> int:
        return sum(units for (claimed, _), (_, units) in self.claims.items() if claimed == activity)

    def taken_by(self, activity: str, buyer: str) -> int:
        return sum(units for (claimed, _), (who, units) in self.claims.items() if (claimed, who) == (activity, buyer))

    def held_by(self, order_key: str) -> dict[str, int]:
        return {activity: units for (activity, order), (_, units) in sorted(self.claims.items()) if order == order_key}


@attrs.frozen
class Take:
    """Take ``units`` for an order and a buyer, under limits drawn for this take alone (a configuration that
    changes while the activity runs)."""

    activity: int
    order: int
    buyer: int
    units: int
    quota: int | None
    per_buyer: int | None

    def apply(self, store: Operable, names: GiftNames) -> object:
        claim = GiftClaim(
            names.activity(self.activity),
            names.order(self.order),
            names.buyer(self.buyer),
            self.units,
            self.quota,
            self.per_buyer,
        )
        return store.take(claim)


@attrs.frozen
class GiveBack:
    """Give back what an order holds in an activity."""

    activity: int
    order: int

    def apply(self, store: Operable, names: GiftNames) -> object:
        return store.give_back(names.activity(self.activity), names.order(self.order))


Operation = Take | GiveBack

_LIMITS = st.one_of(st.none(), st.integers(0, 6))
OPERATIONS: st.SearchStrategy[Operation] = st.one_of(
    st.builds(
        Take,
        st.integers(0, _ACTIVITIES - 1),
        st.integers(0, _ORDERS - 1),
        st.integers(0, _BUYERS - 1),
        st.integers(1, 3),
        _LIMITS,
        _LIMITS,
    ),
    st.builds(GiveBack, st.integers(0, _ACTIVITIES - 1), st.integers(0, _ORDERS - 1)),
)
"""Takes and give-backs over 2 activities, 6 orders and 3 buyers."""
