"""Identities: channels (platform + shop), external order references and the id types of the model."""

from __future__ import annotations

from typing import NewType

import attrs

from omscore.domain.errors import InvalidInput

SkuCode = NewType("SkuCode", str)
"""The merchant's own stock-keeping unit code."""
LocationId = NewType("LocationId", str)
"""A stock location: warehouse, 3PL, store or drop-ship supplier."""
CarrierId = NewType("CarrierId", str)
OrderId = NewType("OrderId", str)
ShipmentId = NewType("ShipmentId", str)
LineId = NewType("LineId", str)
"""An order line's id, unique within its order."""


def _non_blank(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(attribute.name, value, "must be a non-blank string")


@attrs.frozen(order=True)
class Channel:
    """A shop on a platform (``tmall``/``flagship``, ``shopify``/``eu-store`` …): where orders come from."""

    platform: str = attrs.field(validator=_non_blank)
    shop: str = attrs.field(validator=_non_blank)

    def __str__(self) -> str:
        return f"{self.platform}:{self.shop}"


@attrs.frozen(order=True)
class ExternalOrderRef:
    """The platform's own identity of an order: intake is idempotent on this."""

    channel: Channel
    external_id: str = attrs.field(validator=_non_blank)

    def __str__(self) -> str:
        return f"{self.channel}:{self.external_id}"
