"""The gateway to the systems that ship: WMS, 3PL, store and supplier systems."""

from __future__ import annotations

import enum
from typing import Protocol

from omscore.domain.shipment import Shipment


class InterceptResult(enum.StrEnum):
    INTERCEPTED = "intercepted"
    """The location stopped the shipment; nothing will leave."""
    TOO_LATE = "too_late"
    """The parcel already left; the caller treats it as shipped (and handles a return)."""


class FulfilmentGateway(Protocol):
    """Where released shipments go."""

    def send(self, shipment: Shipment) -> None:
        """Hand a shipment to its location. Idempotent on ``shipment.id``.

        Raises:
            TransientError: the location did not accept it; it may be retried.
        """
        ...

    def intercept(self, shipment: Shipment) -> InterceptResult:
        """Ask the location to stop a released shipment. Idempotent: asking again gives the same answer."""
        ...
