"""An order line: one SKU, its quantity and its money (gross, discount, paid), and the platform order it
came from.
"""

from __future__ import annotations

from datetime import date

import attrs

from omscore.domain.errors import InvalidMoney, InvalidQuantity
from omscore.domain.identity import (
    ExternalOrderRef,
    LineId,
    SkuCode,
)
from omscore.domain.money import Money


def _positive(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if type(value) is not int or value <= 0:
        raise InvalidQuantity(attribute.name, value, "quantity must be a positive integer")


@attrs.frozen
class OrderLine:
    """One line of an order.

    Attributes:
        id: unique within the order.
        sku: the SKU shipped (kits are exploded at intake into one line per component).
        quantity: units ordered.
        amount: what the buyer paid for the line, after discounts.
        unit_price: list price per unit, when the line's gross divides into one (a kit's component lines often
            have none).
        discount: discount on the whole line (``amount = gross − discount``).
        origin: the platform order the line came from (write-back goes there).
        listing_id: the platform listing ordered.
        origin_line_id: the platform's id of the line this one came from (kits and merges renumber ``id``).
        kit: the kit the line was exploded from, if any.
        kit_instance: groups the component lines of one ordered kit line.
        is_gift: added by a gift rule, or free on the platform.
        presale_ship_date: for presale (预售) lines, the earliest date they can ship.
        gross: the line's value before discounts (unit price × quantity), exact even when it does not divide
            into a unit price. ``None`` on lines recorded without it; :attr:`gross_amount` then derives it.
    """

    id: LineId
    sku: SkuCode
    quantity: int = attrs.field(validator=_positive)
    amount: Money
    origin: ExternalOrderRef
    unit_price: Money | None = None
    discount: Money | None = None
    listing_id: str = ""
    origin_line_id: str = ""
    kit: str | None = None
    kit_instance: str | None = None
    is_gift: bool = False
    presale_ship_date: date | None = None
    gross: Money | None = None

    def __attrs_post_init__(self) -> None:
        if self.amount.minor < 0:
            raise InvalidMoney("amount", self.amount.minor, "a line amount must not be negative")
        if self.gross is not None:
            if self.gross.currency != self.amount.currency:
                raise InvalidMoney("gross.currency", self.gross.currency, f"the amount is in {self.amount.currency}")
            if self.discount is not None and self.gross - self.discount != self.amount:
                raise InvalidMoney(
                    "gross", self.gross.minor, f"gross − discount {self.discount.minor} must equal the amount"
                )

    @property
    def gross_amount(self) -> Money:
        """The line's value before discounts: :attr:`gross` when recorded, else as :func:`gross_of` derives it."""
        if self.gross is not None:
            return self.gross
        return gross_of(self.amount, self.quantity, self.unit_price, self.discount)

    @property
    def discount_amount(self) -> Money:
        """The discount on the line: :attr:`discount` when recorded, else :attr:`gross_amount` − :attr:`amount`."""
        return self.discount if self.discount is not None else self.gross_amount - self.amount

    def waits_for_presale(self, today: date | None) -> bool:
        """Whether the line still waits for its presale date on ``today`` (any presale date counts without one)."""
        return self.presale_ship_date is not None and (today is None or self.presale_ship_date > today)

    @property
    def balanced(self) -> bool:
        """Whether ``amount = gross − discount`` holds (it can fail only for a line recorded without
        :attr:`gross` whose unit price and discount disagree with its amount)."""
        return self.gross_amount - self.discount_amount == self.amount


def gross_of(amount: Money, quantity: int, unit_price: Money | None, discount: Money | None) -> Money:
    """A line's value before discounts from what is known of it: unit price × quantity when the unit price is
    known, else the amount plus the discount, else the amount itself (no discount known)."""
    if unit_price is not None:
        return unit_price * quantity
    if discount is not None:
        return amount + discount
    return amount
