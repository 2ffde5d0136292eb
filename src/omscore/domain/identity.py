"""Identities: channels (platform + shop), external order references and the id types of the model."""

from __future__ import annotations

from typing import Any, NewType

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


def check_id(field: str, value: Any) -> str:
    """Return ``value`` when it is a non-blank string (what every id, key and code of the model must be).

    Args:
        field: the name the error gives (``order_key``, ``location`` …).
        value: the value to check.

    Raises:
        InvalidInput: ``value`` is not a string, or is blank.
    """
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(field, value, "must be a non-blank string")
    return value


def _non_blank(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    check_id(attribute.name, value)


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
