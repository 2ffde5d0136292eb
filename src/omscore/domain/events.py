"""Domain events: facts recorded by aggregates and stored in the outbox in the same transaction."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any, ClassVar

import attrs


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, frozenset | set):
        return sorted(_plain(v) for v in value)
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if attrs.has(type(value)):
        return {f.name: _plain(getattr(value, f.name)) for f in attrs.fields(type(value))}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


@attrs.frozen
class DomainEvent:
    """Base of every event. ``name`` is the stable type name stored in the outbox."""

    name: ClassVar[str] = "event"

    def payload(self) -> dict[str, Any]:
        """The event's fields as JSON-ready data."""
        result: dict[str, Any] = _plain(self)
        return result


@attrs.frozen
class OrderReceived(DomainEvent):
    name: ClassVar[str] = "order.received"
    order_id: str
    ref: str
    revision: int


@attrs.frozen
class OrderRevised(DomainEvent):
    name: ClassVar[str] = "order.revised"
    order_id: str
    ref: str
    revision: int


@attrs.frozen
class OrderApproved(DomainEvent):
    name: ClassVar[str] = "order.approved"
    order_id: str
    reason: str


@attrs.frozen
class OrderHeld(DomainEvent):
    name: ClassVar[str] = "order.held"
    order_id: str
    kind: str
    detail: str


@attrs.frozen
class HoldReleased(DomainEvent):
    name: ClassVar[str] = "order.hold_released"
    order_id: str
    kind: str


@attrs.frozen
class LinesRemapped(DomainEvent):
    """Lines of a waiting order were mapped again after the catalog changed; ``listings`` now map."""

    name: ClassVar[str] = "order.lines_remapped"
    order_id: str
    listings: tuple[str, ...]


@attrs.frozen
class OrderMerged(DomainEvent):
    name: ClassVar[str] = "order.merged"
    order_id: str
    merged_from: tuple[str, ...]


@attrs.frozen
class BackorderSplit(DomainEvent):
    """有货先发: units of an order that cannot ship now moved into a backorder part that waits for stock."""

    name: ClassVar[str] = "order.backorder_split"
    order_id: str
    part_id: str
    units: tuple[tuple[str, int], ...]


@attrs.frozen
class OrderUnmerged(DomainEvent):
    name: ClassVar[str] = "order.unmerged"
    order_id: str
    restored: tuple[str, ...]


@attrs.frozen
class OrderAllocated(DomainEvent):
    name: ClassVar[str] = "order.allocated"
    order_id: str
    shipment_ids: tuple[str, ...]


@attrs.frozen
class OrderDeallocated(DomainEvent):
    name: ClassVar[str] = "order.deallocated"
    order_id: str
    reason: str


@attrs.frozen
class OrderReleased(DomainEvent):
    name: ClassVar[str] = "order.released"
    order_id: str


@attrs.frozen
class OrderShipped(DomainEvent):
    name: ClassVar[str] = "order.shipped"
    order_id: str
    complete: bool


@attrs.frozen
class OrderCompleted(DomainEvent):
    name: ClassVar[str] = "order.completed"
    order_id: str


@attrs.frozen
class OrderCancelled(DomainEvent):
    name: ClassVar[str] = "order.cancelled"
    order_id: str
    reason: str


@attrs.frozen
class AddressChanged(DomainEvent):
    name: ClassVar[str] = "order.address_changed"
    order_id: str
    fingerprint: str


@attrs.frozen
class ShipmentPlanned(DomainEvent):
    name: ClassVar[str] = "shipment.planned"
    shipment_id: str
    order_id: str
    location: str


@attrs.frozen
class ShipmentReleased(DomainEvent):
    name: ClassVar[str] = "shipment.released"
    shipment_id: str
    carrier: str


@attrs.frozen
class ShipmentShipped(DomainEvent):
    name: ClassVar[str] = "shipment.shipped"
    shipment_id: str
    carrier: str
    tracking_number: str


@attrs.frozen
class ShipmentCancelled(DomainEvent):
    name: ClassVar[str] = "shipment.cancelled"
    shipment_id: str
    intercepted: bool


@attrs.frozen
class TrackingWrittenBack(DomainEvent):
    name: ClassVar[str] = "shipment.tracking_written_back"
    shipment_id: str
    ref: str
    tracking_number: str


@attrs.frozen
class DecisionMade(DomainEvent):
    """A policy decided something about an order; kept so the decision can be explained later."""

    name: ClassVar[str] = "order.decision"
    order_id: str
    policy: str
    summary: str
    steps: tuple[str, ...]
