"""The canonical platform order: what intake receives, after boundary validation, before listing mapping.

Every platform adapter turns its own payload into this shape (the JSON form is documented in
``docs/formats.md``). Intake maps each line's listing to a SKU or kit and builds an
:class:`~omscore.domain.order.Order`.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

import attrs

from omscore.domain.address import Recipient
from omscore.domain.identity import ExternalOrderRef, LocationId
from omscore.domain.money import Money
from omscore.domain.order import PaymentMode


class PlatformStatus(enum.StrEnum):
    OPEN = "open"
    """Paid (or COD confirmed) and waiting to be fulfilled."""
    CANCELLED = "cancelled"
    """Cancelled on the platform (refund before shipping)."""


@attrs.frozen
class PlatformLine:
    """One line as the platform sent it.

    ``amount`` is what the buyer paid for the line after discounts; ``unit_price`` and ``discount`` are
    informational and, when both given, satisfy ``unit_price × quantity − discount = amount``.
    """

    line_id: str
    listing_id: str
    quantity: int
    amount: Money
    unit_price: Money | None = None
    discount: Money | None = None
    is_gift: bool = False
    presale_ship_date: date | None = None


@attrs.frozen
class PlatformOrder:
    """A validated platform order (one revision of it)."""

    ref: ExternalOrderRef
    revision: int
    status: PlatformStatus
    placed_at: datetime
    buyer_id: str
    recipient: Recipient
    lines: tuple[PlatformLine, ...]
    currency: str
    shipping_fee: Money
    payment: PaymentMode = PaymentMode.PREPAID
    buyer_memo: str = ""
    seller_memo: str = ""
    priority: int = 0
    pickup_location: LocationId | None = None
