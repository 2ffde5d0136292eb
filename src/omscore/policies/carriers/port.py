"""快递策略: what the pipeline asks of a carrier selector.

:class:`CarrierSelector` is the extension point the application calls; :class:`CarrierDecision` is its answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import attrs

from omscore.domain.catalog import Catalog
from omscore.domain.identity import CarrierId, LocationId
from omscore.domain.network import Network
from omscore.domain.order import Order
from omscore.domain.shipment import ShipmentLine
from omscore.policies.explain import Explanation


@attrs.frozen
class CarrierDecision:
    """The carrier chosen for a parcel, or ``None`` when none is eligible, with the reasons."""

    carrier: CarrierId | None
    explanation: Explanation


class CarrierSelector(Protocol):
    def select(
        self, order: Order, location: LocationId, lines: Sequence[ShipmentLine], network: Network, catalog: Catalog
    ) -> CarrierDecision:
        """Choose a carrier for the parcel of ``lines`` leaving ``location``, or ``None`` with the reasons."""
        ...
