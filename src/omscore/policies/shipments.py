"""Turning a routing plan into shipments with exactly apportioned amounts.

Each order line's amount is split over its parts by quantity, and the order's shipping fee over the
shipments by their share of the line amounts, both by largest remainder: the shipments of an order always
sum to its total, to the minor unit (DESIGN.md §5, invariant 3).
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from omscore.domain.identity import LocationId
from omscore.domain.money import Money
from omscore.domain.order import Order
from omscore.domain.shipment import ShipmentLine
from omscore.policies.optimise.problem import Allocation


@attrs.frozen
class ShipmentDraft:
    """A shipment to be: its location, lines and share of the shipping fee."""

    location: LocationId
    lines: tuple[ShipmentLine, ...]
    shipping_fee: Money

    @property
    def amount(self) -> Money:
        result = self.shipping_fee
        for line in self.lines:
            result = result + line.amount
        return result


def draft_shipments(order: Order, allocations: Sequence[Allocation]) -> tuple[ShipmentDraft, ...]:
    """One draft per location of ``allocations``, sorted by location id.

    Raises:
        InvalidInput: an allocation names a line the order does not have.
    """
    parts_by_line: dict[str, list[Allocation]] = {}
    for allocation in sorted(allocations, key=lambda a: (a.line_id, a.location)):
        parts_by_line.setdefault(allocation.line_id, []).append(allocation)
    lines_by_location: dict[LocationId, list[ShipmentLine]] = {}
    for line_id in sorted(parts_by_line):
        line = order.line(line_id)
        parts = parts_by_line[line_id]
        shares = line.amount.allocate([p.quantity for p in parts])
        for part, share in zip(parts, shares, strict=True):
            lines_by_location.setdefault(part.location, []).append(
                ShipmentLine(line.id, line.sku, part.quantity, share, line.origin)
            )
    locations = sorted(lines_by_location)
    values = [sum(sl.amount.minor for sl in lines_by_location[loc]) for loc in locations]
    fees = order.shipping_fee.allocate(values)
    return tuple(
        ShipmentDraft(loc, tuple(lines_by_location[loc]), fee) for loc, fee in zip(locations, fees, strict=True)
    )
