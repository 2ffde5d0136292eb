"""What a routing decision knows: the facts of the moment (:class:`RoutingInputs`) and, derived from them and
the order, the facts every rule reads (:class:`RoutingFacts`)."""

from __future__ import annotations

import types
from collections.abc import Mapping
from datetime import date
from typing import Any

import attrs

from omscore.domain.catalog import Catalog
from omscore.domain.errors import InvalidInput
from omscore.domain.identity import LineId, LocationId, SkuCode
from omscore.domain.inventory import StockKey
from omscore.domain.network import Location, Network
from omscore.domain.order import Order
from omscore.domain.order_line import OrderLine

_EMPTY: Mapping[Any, Any] = types.MappingProxyType({})


def _counts(instance: object, attribute: attrs.Attribute[Any], value: Mapping[LocationId, int]) -> None:
    for location, count in value.items():
        if type(count) is not int or count < 0:
            raise InvalidInput(f"{attribute.name}.{location}", count, "must be a non-negative integer")


@attrs.frozen
class RoutingInputs:
    """Facts of the moment that the order, the network and the stock do not carry. All are optional; what is
    missing makes the rules that need it abstain or assume the neutral value.

    Attributes:
        catalog: SKU weights (for the cost rule's per-kilogram part) and kits (whether one may be split);
            without it weights count as zero and every kit is kept whole.
        shipments_today: shipments already planned today per location, for the capacity rule (missing: 0).
        today: the current date in the merchant's time zone; a line is presale while its ``presale_ship_date``
            is after it. Without it every line with a presale date is presale.
    """

    catalog: Catalog | None = None
    shipments_today: Mapping[LocationId, int] = attrs.field(default=_EMPTY, validator=_counts)
    today: date | None = None


def is_presale(line: OrderLine, today: date | None) -> bool:
    """Whether ``line`` still waits for its presale date on ``today`` (any presale date counts without one)."""
    return line.waits_for_presale(today)


@attrs.frozen
class RoutingFacts:
    """The facts of one routing decision, computed once and shared by every rule.

    Attributes:
        order: the order routed.
        network: locations and carriers.
        available: units that may be reserved per (location, SKU) — the hard limit of every plan.
        inputs: the facts of the moment.
        lines: the order's lines sorted by id.
        candidates: locations that may ship the order (they serve the recipient's region, or are the pickup
            store), sorted by (priority, id).
        ineligible: why each other location was left out.
        presale: ids of the lines that are presale now.
    """

    order: Order
    network: Network
    available: Mapping[StockKey, int]
    inputs: RoutingInputs
    lines: tuple[OrderLine, ...]
    candidates: tuple[Location, ...]
    ineligible: tuple[str, ...]
    presale: frozenset[LineId]

    @classmethod
    def of(
        cls,
        order: Order,
        network: Network,
        available: Mapping[StockKey, int],
        inputs: RoutingInputs,
    ) -> RoutingFacts:
        """Derive the facts of routing ``order``."""
        path = order.recipient.address.region_path()
        kept: list[Location] = []
        dropped: list[str] = []
        for location in sorted(network.locations.values(), key=lambda loc: (loc.priority, loc.id)):
            if location.id == order.pickup_location or location.serves(path):
                kept.append(location)
            else:
                dropped.append(f"{location.id}: does not serve {'/'.join(path)}")
        return cls(
            order=order,
            network=network,
            available=available,
            inputs=inputs,
            lines=tuple(sorted(order.lines, key=lambda line: line.id)),
            candidates=tuple(kept),
            ineligible=tuple(dropped),
            presale=frozenset(line.id for line in order.lines if is_presale(line, inputs.today)),
        )

    def location(self, location_id: LocationId) -> Location | None:
        return self.network.location(location_id)

    def units_available(self, location: LocationId, sku: SkuCode) -> int:
        """Units of ``sku`` that may be reserved at ``location`` (never below zero)."""
        return max(0, self.available.get((location, sku), 0))
