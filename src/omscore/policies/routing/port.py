"""What the pipeline asks of a router: a plan for one order, and the locations it may come from.

:class:`Router` is the extension point the application calls; :class:`RoutingDecision` is its answer. The
plan is a plan only: the caller reserves it atomically and re-plans if stock moved in between.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

import attrs

from omscore.domain.identity import LineId, LocationId
from omscore.domain.inventory import StockKey
from omscore.domain.network import Location, Network
from omscore.domain.order import Order
from omscore.policies.explain import Explanation
from omscore.policies.optimise.problem import Allocation
from omscore.policies.routing.settings import RoutingSettings


@attrs.frozen
class RoutingDecision:
    """A plan (complete, or empty with the shortfall) and its explanation.

    Attributes:
        allocations: sorted by (location, line).
        shortfall: units per line that no candidate location can ship now.
    """

    allocations: tuple[Allocation, ...]
    shortfall: Mapping[LineId, int]
    explanation: Explanation

    @property
    def complete(self) -> bool:
        return bool(self.allocations) and not self.shortfall

    @property
    def locations(self) -> tuple[LocationId, ...]:
        return tuple(sorted({a.location for a in self.allocations}))


def _allocation_order(allocation: Allocation) -> tuple[str, str]:
    return (allocation.location, allocation.line_id)


class Router(Protocol):
    """Decides a routing plan for an order from the available stock of candidate locations."""

    def route(
        self,
        order: Order,
        network: Network,
        available: Mapping[StockKey, int],
        settings: RoutingSettings,
    ) -> RoutingDecision:
        """Plan ``order``. ``available`` holds units that may be reserved per (location, SKU); missing keys
        mean none. Must be deterministic and never plan more than ``available``."""
        ...


def candidate_locations(order: Order, network: Network) -> tuple[list[Location], list[str]]:
    """Locations that may ship ``order`` sorted by (priority, id), and why the others were dropped."""
    path = order.recipient.address.region_path()
    kept: list[Location] = []
    dropped: list[str] = []
    for location in sorted(network.locations.values(), key=lambda loc: (loc.priority, loc.id)):
        if order.pickup_location is not None and location.id != order.pickup_location:
            dropped.append(f"{location.id}: not the pickup store {order.pickup_location}")
        elif order.pickup_location is None and not location.serves(path):
            dropped.append(f"{location.id}: does not serve {'/'.join(path)}")
        else:
            kept.append(location)
    return kept, dropped
