"""The Shipment aggregate (fulfilment order): what one location sends in one parcel group."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import date

import attrs

from omscore.domain import events as ev
from omscore.domain.errors import IllegalTransition, InvalidInput, InvalidMoney, InvalidQuantity
from omscore.domain.identity import (
    CarrierId,
    ExternalOrderRef,
    LineId,
    LocationId,
    OrderId,
    ShipmentId,
    SkuCode,
)
from omscore.domain.money import Money, total


class ShipmentStatus(enum.StrEnum):
    PLANNED = "planned"
    """Routed and reserved; not yet sent to the location."""
    RELEASED = "released"
    """Sent to the location's system (WMS, 3PL, store, supplier)."""
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"
    """Withdrawn before release."""
    INTERCEPTED = "intercepted"
    """Withdrawn after release through the fulfilment gateway."""


_T = ShipmentStatus
TRANSITIONS: dict[ShipmentStatus, frozenset[ShipmentStatus]] = {
    _T.PLANNED: frozenset({_T.RELEASED, _T.CANCELLED}),
    _T.RELEASED: frozenset({_T.SHIPPED, _T.INTERCEPTED}),
    _T.SHIPPED: frozenset({_T.DELIVERED}),
    _T.DELIVERED: frozenset(),
    _T.CANCELLED: frozenset(),
    _T.INTERCEPTED: frozenset(),
}
#: Shipments whose stock is still reserved.
OPEN = frozenset({_T.PLANNED, _T.RELEASED})


def _positive(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if type(value) is not int or value <= 0:
        raise InvalidQuantity(attribute.name, value, "quantity must be a positive integer")


@attrs.frozen
class ShipmentLine:
    """Part (or all) of one order line, with its exactly apportioned shares of the line's money.

    Attributes:
        line_id: the order line.
        sku: its SKU.
        quantity: units of the line in this shipment.
        amount: this part's share of what the buyer paid for the line.
        origin: the platform order the line came from.
        gross: this part's share of the line's value before discounts (``amount = gross − discount``);
            ``None`` on lines recorded without it.
        discount: this part's share of the line's discount; ``None`` on lines recorded without it.
    """

    line_id: LineId
    sku: SkuCode
    quantity: int = attrs.field(validator=_positive)
    amount: Money
    origin: ExternalOrderRef
    gross: Money | None = None
    discount: Money | None = None

    def __attrs_post_init__(self) -> None:
        if self.gross is not None and self.discount is not None and self.gross - self.discount != self.amount:
            raise InvalidMoney(
                "gross", self.gross.minor, f"gross − discount {self.discount.minor} must equal the amount"
            )

    @property
    def gross_amount(self) -> Money:
        """This part's value before discounts: :attr:`gross`, else the amount plus any recorded discount."""
        if self.gross is not None:
            return self.gross
        return self.amount if self.discount is None else self.amount + self.discount

    @property
    def discount_amount(self) -> Money:
        """This part's discount: :attr:`discount`, else ``gross_amount − amount``."""
        return self.discount if self.discount is not None else self.gross_amount - self.amount


@attrs.define(eq=False)
class Shipment:
    """A shipment from one location. Identity equality; mutate only through its methods.

    ``ship_after`` holds a presale parcel back until that date. ``ship_by`` and ``deliver_by`` are the dates
    promised for the parcel when it was routed (:mod:`omscore.policies.promise`): the day it leaves the location
    and the day it reaches the recipient, both calendar dates in the shipping location's time zone; ``None``
    until a promise is made (and on shipments recorded before promises were kept).
    """

    id: ShipmentId
    order_id: OrderId
    location: LocationId
    lines: tuple[ShipmentLine, ...]
    shipping_fee: Money
    carrier: CarrierId | None = None
    carrier_reason: str = ""
    tracking_number: str | None = None
    status: ShipmentStatus = ShipmentStatus.PLANNED
    written_back: frozenset[ExternalOrderRef] = frozenset()
    superseded: bool = False
    ship_after: date | None = None
    ship_by: date | None = None
    deliver_by: date | None = None
    version: int = 0
    events: list[ev.DomainEvent] = attrs.field(factory=list, repr=False)

    def __attrs_post_init__(self) -> None:
        if not self.lines:
            raise InvalidInput("lines", (), "a shipment needs at least one line")

    @classmethod
    def plan(
        cls,
        *,
        id: ShipmentId,
        order_id: OrderId,
        location: LocationId,
        lines: Sequence[ShipmentLine],
        shipping_fee: Money,
        carrier: CarrierId | None = None,
        carrier_reason: str = "",
        ship_after: date | None = None,
    ) -> Shipment:
        """A new planned shipment; ``ship_after`` holds a presale parcel back until that date."""
        shipment = cls(
            id=id,
            order_id=order_id,
            location=location,
            lines=tuple(lines),
            shipping_fee=shipping_fee,
            carrier=carrier,
            carrier_reason=carrier_reason,
            ship_after=ship_after,
        )
        shipment.events.append(ev.ShipmentPlanned(id, order_id, location))
        return shipment

    @property
    def amount(self) -> Money:
        """Line amounts plus the shipment's share of the shipping fee."""
        return total((line.amount for line in self.lines), self.shipping_fee.currency) + self.shipping_fee

    @property
    def gross_total(self) -> Money:
        """The lines' value before discounts (Σ :attr:`ShipmentLine.gross_amount`)."""
        return total((line.gross_amount for line in self.lines), self.shipping_fee.currency)

    @property
    def discount_total(self) -> Money:
        """The discounts on the lines (Σ :attr:`ShipmentLine.discount_amount`)."""
        return total((line.discount_amount for line in self.lines), self.shipping_fee.currency)

    @property
    def paid_total(self) -> Money:
        """What the buyer paid for the goods in this shipment (the line amounts, without the shipping fee)."""
        return total((line.amount for line in self.lines), self.shipping_fee.currency)

    @property
    def units(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def origins(self) -> tuple[ExternalOrderRef, ...]:
        """The platform orders whose lines this shipment carries, sorted, each once."""
        return tuple(sorted({line.origin for line in self.lines}))

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    def due(self, today: date) -> bool:
        """Whether a planned shipment may be released on ``today`` (presale parcels wait for their date)."""
        return self.ship_after is None or self.ship_after <= today

    def _move(self, to: ShipmentStatus) -> None:
        if to not in TRANSITIONS[self.status]:
            raise IllegalTransition("shipment", self.id, self.status, to)
        self.status = to

    def assign_carrier(self, carrier: CarrierId | None, reason: str) -> None:
        if self.status is not ShipmentStatus.PLANNED:
            raise IllegalTransition("shipment", self.id, self.status, "carrier change")
        self.carrier = carrier
        self.carrier_reason = reason

    def record_promise(self, ship_by: date, deliver_by: date) -> None:
        """Keep the dates promised for this shipment (a new promise replaces the old one).

        Raises:
            InvalidInput: ``deliver_by`` is before ``ship_by``.
        """
        if deliver_by < ship_by:
            raise InvalidInput("deliver_by", deliver_by.isoformat(), f"before ship_by {ship_by.isoformat()}")
        self.ship_by = ship_by
        self.deliver_by = deliver_by

    def release(self) -> None:
        if self.carrier is None:
            raise IllegalTransition("shipment", self.id, "without carrier", ShipmentStatus.RELEASED)
        self._move(ShipmentStatus.RELEASED)
        self.events.append(ev.ShipmentReleased(self.id, self.carrier))

    def confirm_shipped(self, carrier: CarrierId, tracking_number: str) -> bool:
        """Record the location's confirmation. Returns ``False`` (and changes nothing) for a repeat."""
        if self.status is ShipmentStatus.SHIPPED and self.tracking_number == tracking_number:
            return False
        if not tracking_number.strip():
            raise InvalidInput("tracking_number", tracking_number, "must not be blank")
        self._move(ShipmentStatus.SHIPPED)
        self.carrier = carrier
        self.tracking_number = tracking_number
        self.events.append(ev.ShipmentShipped(self.id, carrier, tracking_number))
        return True

    def confirm_delivered(self) -> None:
        self._move(ShipmentStatus.DELIVERED)

    def cancel(self, *, superseded: bool = False) -> None:
        """Withdraw a planned shipment, or mark a released one intercepted.

        Args:
            superseded: the order is being planned again and the lines of this shipment live on in the shipments
                it is planned into next (a merge, a revision, an address change); otherwise its units are
                cancelled with it. The audit counts a shipment that is not superseded towards its order.
        """
        intercepted = self.status is ShipmentStatus.RELEASED
        self._move(ShipmentStatus.INTERCEPTED if intercepted else ShipmentStatus.CANCELLED)
        self.superseded = superseded
        self.events.append(ev.ShipmentCancelled(self.id, intercepted))

    def mark_written_back(self, ref: ExternalOrderRef) -> bool:
        """Record that tracking reached ``ref``'s platform. Returns ``False`` for a repeat."""
        if ref in self.written_back:
            return False
        if self.tracking_number is None:
            raise IllegalTransition("shipment", self.id, self.status, "tracking write-back")
        self.written_back = self.written_back | {ref}
        self.events.append(ev.TrackingWrittenBack(self.id, str(ref), self.tracking_number))
        return True

    def pull_events(self) -> list[ev.DomainEvent]:
        pulled, self.events = self.events, []
        return pulled
