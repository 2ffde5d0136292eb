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
from omscore.domain.money import Money, total
from omscore.domain.order import PaymentMode
from omscore.domain.order_line import gross_of


class PlatformStatus(enum.StrEnum):
    OPEN = "open"
    """Paid (or COD confirmed) and waiting to be fulfilled."""
    CANCELLED = "cancelled"
    """Cancelled on the platform (refund before shipping)."""


@attrs.frozen
class PlatformLine:
    """One line as the platform sent it.

    ``amount`` is what the buyer paid for the line after discounts; ``unit_price`` and ``discount``, when both
    given, satisfy ``unit_price × quantity − discount = amount``. Either may be missing: :attr:`gross_amount`
    and :attr:`discount_amount` complete them from the others.
    """

    line_id: str
    listing_id: str
    quantity: int
    amount: Money
    unit_price: Money | None = None
    discount: Money | None = None
    is_gift: bool = False
    presale_ship_date: date | None = None

    @property
    def gross_amount(self) -> Money:
        """The line's value before discounts, as :func:`~omscore.domain.order_line.gross_of` derives it."""
        return gross_of(self.amount, self.quantity, self.unit_price, self.discount)

    @property
    def discount_amount(self) -> Money:
        """The line's discount: ``gross_amount − amount`` (the given discount whenever the line is consistent)."""
        return self.gross_amount - self.amount


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

    @property
    def gross_total(self) -> Money:
        """The lines' value before discounts."""
        return total((line.gross_amount for line in self.lines), self.currency)

    @property
    def discount_total(self) -> Money:
        """The discounts on the lines."""
        return total((line.discount_amount for line in self.lines), self.currency)

    @property
    def paid_total(self) -> Money:
        """What the buyer paid for the goods (the line amounts; the shipping fee is apart)."""
        return total((line.amount for line in self.lines), self.currency)
