"""The gateway to sales platforms (Tmall, JD, Shopify, …)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

import attrs

from omscore.domain.identity import CarrierId, Channel, ExternalOrderRef


@attrs.frozen
class PulledOrders:
    """A page of raw order payloads and the cursor to continue from."""

    payloads: tuple[Mapping[str, Any], ...]
    cursor: str


class ChannelGateway(Protocol):
    """What omscore asks of a platform. Implementations own authentication, rate limits and retries."""

    def pull_orders(self, channel: Channel, cursor: str) -> PulledOrders:
        """Orders created or changed since ``cursor``. The same order may be returned again (intake is
        idempotent); pages are returned in the platform's modification order."""
        ...

    def push_stock(self, channel: Channel, quantities: Mapping[str, int]) -> None:
        """Publish sellable quantities per listing id. Idempotent: pushing the same quantity twice is harmless.

        Raises:
            TransientError: the platform did not accept the push; it may be retried.
        """
        ...

    def push_tracking(
        self,
        ref: ExternalOrderRef,
        shipment_id: str,
        carrier: CarrierId,
        tracking_number: str,
        line_ids: Sequence[str],
    ) -> None:
        """Write a carrier and tracking number back to a platform order (回传). Idempotent on
        (``ref``, ``tracking_number``): a repeat is accepted and changes nothing.

        Raises:
            TransientError: the platform did not accept the write; it may be retried.
        """
        ...
