"""分仓: which location ships which units of an order.

:class:`Router` is the extension point; :class:`PriorityRouter` is the shipped baseline. It keeps an order
in one location whenever one location can ship all of it (the first such location by priority, then id) and
otherwise covers the order from as few locations as it can, greedily taking the location that covers the
most remaining units (ties: priority, then id). The decision is a plan only: the caller reserves it
atomically and re-plans if stock moved in between.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

import attrs

from omscore.domain.identity import LineId, LocationId, SkuCode
from omscore.domain.inventory import StockKey
from omscore.domain.network import Location, Network
from omscore.domain.order import Order, OrderLine
from omscore.policies.explain import Explanation
from omscore.policies.optimise.problem import Allocation
from omscore.policies.settings import RoutingSettings


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


class PriorityRouter:
    """Ship complete from the first location that can; else cover from as few locations as the greedy finds."""

    def route(
        self,
        order: Order,
        network: Network,
        available: Mapping[StockKey, int],
        settings: RoutingSettings,
    ) -> RoutingDecision:
        candidates, steps = candidate_locations(order, network)
        lines = sorted(order.lines, key=lambda line: line.id)
        demand: dict[SkuCode, int] = {}
        for line in lines:
            demand[line.sku] = demand.get(line.sku, 0) + line.quantity

        for location in candidates:
            if all(available.get((location.id, sku), 0) >= qty for sku, qty in demand.items()):
                allocations = tuple(Allocation(location.id, line.id, line.sku, line.quantity) for line in lines)
                steps.append(f"{location.id}: can ship the whole order (first by priority {location.priority})")
                return RoutingDecision(
                    allocations, {}, Explanation("routing", f"ship complete from {location.id}", tuple(steps))
                )
            steps.append(f"{location.id}: cannot ship the whole order")

        if not settings.allow_split:
            shortfall = {line.id: line.quantity for line in lines}
            steps.append("splitting is disabled for this shop")
            return RoutingDecision((), shortfall, Explanation("routing", "no single location has it all", tuple(steps)))
        return self._cover(lines, candidates, available, settings, steps)

    def _cover(
        self,
        lines: Sequence[OrderLine],
        candidates: Sequence[Location],
        available: Mapping[StockKey, int],
        settings: RoutingSettings,
        steps: list[str],
    ) -> RoutingDecision:
        order_lines = list(lines)
        remaining = {line.id: line.quantity for line in order_lines}
        left = {(loc.id, line.sku): available.get((loc.id, line.sku), 0) for loc in candidates for line in order_lines}
        allocations: list[Allocation] = []
        used: list[LocationId] = []
        pool = list(candidates)
        while any(remaining.values()) and pool:
            if settings.max_shipments is not None and len(used) >= settings.max_shipments:
                steps.append(f"stopped at the limit of {settings.max_shipments} shipments")
                break
            best: Location | None = None
            best_units = 0
            for location in pool:
                units = _coverable(order_lines, remaining, left, location.id)
                if units > best_units:
                    best, best_units = location, units
            if best is None:
                break
            pool.remove(best)
            used.append(best.id)
            steps.append(f"{best.id}: covers {best_units} remaining unit(s), the most (ties: priority, id)")
            for line in order_lines:
                take = min(remaining[line.id], left[(best.id, line.sku)])
                if take > 0:
                    allocations.append(Allocation(best.id, line.id, line.sku, take))
                    remaining[line.id] -= take
                    left[(best.id, line.sku)] -= take
        shortfall = {line_id: qty for line_id, qty in sorted(remaining.items()) if qty > 0}
        if shortfall:
            steps.append(f"short: {', '.join(f'{k}×{v}' for k, v in shortfall.items())}")
            return RoutingDecision((), shortfall, Explanation("routing", "not enough stock", tuple(steps)))
        summary = f"split over {len(used)} location(s): {', '.join(sorted(used))}"
        allocations.sort(key=_allocation_order)
        return RoutingDecision(tuple(allocations), {}, Explanation("routing", summary, tuple(steps)))


def _coverable(
    lines: Sequence[OrderLine], remaining: Mapping[LineId, int], left: Mapping[StockKey, int], loc: LocationId
) -> int:
    """Units of the remaining demand ``loc`` could ship, sharing one SKU's stock between its lines."""
    taken: dict[SkuCode, int] = {}
    units = 0
    for line in lines:
        free = left[(loc, line.sku)] - taken.get(line.sku, 0)
        take = min(remaining[line.id], max(0, free))
        taken[line.sku] = taken.get(line.sku, 0) + take
        units += take
    return units
