"""Turning a routing plan into shipments with exactly apportioned amounts.

Each order line's amount and discount are split over its parts by quantity (each part's gross is its amount
plus its discount, so ``amount = gross − discount`` holds part by part), and the order's shipping fee over the
shipments by their share of the line amounts, all by largest remainder: the shipments of an order always sum
to its total, its gross and its discount, to the minor unit (DESIGN.md §5, invariant 3).
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from omscore.domain.identity import LocationId
from omscore.domain.money import Money
from omscore.domain.order import Order
from omscore.domain.order_line import OrderLine
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


def line_parts(line: OrderLine, quantities: Sequence[int]) -> list[ShipmentLine]:
    """Shipment lines for parts of ``line`` of the given ``quantities``, in that order, with the line's amount
    and discount apportioned over them by quantity (largest remainder) and each part's gross their sum.

    The amount and the discount are the ones apportioned because neither share can then go negative; the parts'
    amounts, discounts and grosses each sum to the line's exactly.
    """
    amounts = line.amount.allocate(quantities)
    discounts = line.discount_amount.allocate(quantities)
    return [
        ShipmentLine(line.id, line.sku, n, amount, line.origin, gross=amount + discount, discount=discount)
        for n, amount, discount in zip(quantities, amounts, discounts, strict=True)
    ]


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
        for part, shipment_line in zip(parts, line_parts(line, [p.quantity for p in parts]), strict=True):
            lines_by_location.setdefault(part.location, []).append(shipment_line)
    locations = sorted(lines_by_location)
    values = [sum(sl.amount.minor for sl in lines_by_location[loc]) for loc in locations]
    fees = order.shipping_fee.allocate(values)
    return tuple(
        ShipmentDraft(loc, tuple(lines_by_location[loc]), fee) for loc, fee in zip(locations, fees, strict=True)
    )
