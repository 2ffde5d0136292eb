"""The shipped baseline carrier selector.

:class:`FirstEligibleCarrier` takes the first carrier, by (priority, id), that collects at the location, reaches
the recipient's region, takes the parcel's weight and — for cash on delivery — collects cash.
"""

from __future__ import annotations

from collections.abc import Sequence

from omscore.domain.catalog import Catalog
from omscore.domain.identity import LocationId
from omscore.domain.network import Network
from omscore.domain.order import Order, PaymentMode
from omscore.domain.shipment import ShipmentLine
from omscore.policies.carriers.port import CarrierDecision
from omscore.policies.explain import Explanation


def parcel_weight_g(lines: Sequence[ShipmentLine], catalog: Catalog) -> int:
    """The weight of ``lines`` in grams (SKUs missing from the catalog weigh nothing)."""
    weight = 0
    for line in lines:
        sku = catalog.sku(line.sku)
        weight += (sku.weight_g if sku else 0) * line.quantity
    return weight


class FirstEligibleCarrier:
    """The first eligible carrier by (priority, id)."""

    def select(
        self, order: Order, location: LocationId, lines: Sequence[ShipmentLine], network: Network, catalog: Catalog
    ) -> CarrierDecision:
        path = order.recipient.address.region_path()
        weight = parcel_weight_g(lines, catalog)
        steps: list[str] = []
        for carrier in sorted(network.carriers.values(), key=lambda c: (c.priority, c.id)):
            if carrier.locations and location not in carrier.locations:
                steps.append(f"{carrier.id}: does not collect at {location}")
            elif not carrier.reaches(path):
                steps.append(f"{carrier.id}: does not reach {'/'.join(path)}")
            elif carrier.max_weight_g is not None and weight > carrier.max_weight_g:
                steps.append(f"{carrier.id}: parcel {weight} g is over its {carrier.max_weight_g} g limit")
            elif order.payment is PaymentMode.COD and not carrier.supports_cod:
                steps.append(f"{carrier.id}: does not collect cash on delivery")
            else:
                steps.append(f"{carrier.id}: eligible, first by priority {carrier.priority}")
                return CarrierDecision(carrier.id, Explanation("carrier", f"{carrier.id}", tuple(steps)))
        return CarrierDecision(None, Explanation("carrier", "no eligible carrier", tuple(steps)))
