"""The shipped baseline router: priority first, as few locations as it can.

:class:`PriorityRouter` keeps an order in one location whenever one location can ship all of it (the first
such location by priority, then id) and otherwise covers the order from as few locations as it can, greedily
taking the location that covers the most remaining units (ties: priority, then id).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from omscore.domain.identity import LineId, LocationId, SkuCode
from omscore.domain.inventory import StockKey
from omscore.domain.network import Location, Network
from omscore.domain.order import Order
from omscore.domain.order_line import OrderLine
from omscore.policies.explain import Explanation
from omscore.policies.optimise.problem import Allocation
from omscore.policies.routing.port import RoutingDecision, _allocation_order, candidate_locations
from omscore.policies.routing.settings import RoutingSettings


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
