"""An order line: one SKU, its quantity and its money (gross, discount, paid), and the platform order it
came from.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date

import attrs

from omscore.domain.errors import InvalidInput, InvalidMoney, InvalidQuantity
from omscore.domain.identity import (
    ExternalOrderRef,
    LineId,
    SkuCode,
)
from omscore.domain.money import Money, allocate


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
        gift_rule: the gift rule that added the line (赠品, priced zero); ``None`` for every line the platform
            sent. Such lines live only while the order is routed: un-routing the order takes them off again.
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
    gift_rule: str | None = None

    def __attrs_post_init__(self) -> None:
        if self.gift_rule is not None and (not self.is_gift or self.amount.minor or self.discount_amount.minor):
            raise InvalidMoney("amount", self.amount.minor, "a line added by a gift rule is a gift priced zero")
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


def check_lines(lines: Sequence[OrderLine], currency: str) -> None:
    """Check the lines of one order: at least one, ids unique, every amount in ``currency``."""
    if not lines:
        raise InvalidInput("lines", [], "an order needs at least one line")
    seen: set[str] = set()
    for index, line in enumerate(lines):
        if line.id in seen:
            raise InvalidInput(f"lines.{index}.id", line.id, "duplicate line id")
        seen.add(line.id)
        if line.amount.currency != currency:
            raise InvalidMoney(f"lines.{index}.amount.currency", line.amount.currency, f"order is in {currency}")


def join_memos(memos: Iterable[str]) -> str:
    """The memos of merged orders, each once, in order, joined by ``" | "``."""
    seen: list[str] = []
    for memo in memos:
        if memo and memo not in seen:
            seen.append(memo)
    return " | ".join(seen)


def split_line(line: OrderLine, moved: int) -> tuple[OrderLine | None, OrderLine]:
    """Split ``moved`` units off ``line``: ``(what stays, what moves)``, ``None`` staying when every unit moves.

    The paid amount and the discount are apportioned over the units by largest remainder, what stays first,
    so both parts keep ``gross − discount = amount`` and the parts sum to the line exactly. Both parts keep the
    line id and the platform line they came from.

    Raises:
        InvalidQuantity: ``moved`` is not a whole number from 1 to the line's quantity.
    """
    if type(moved) is not int or not 0 < moved <= line.quantity:
        raise InvalidQuantity("moved", moved, f"must be 1 to {line.quantity}")
    origin_line_id = line.origin_line_id or line.id
    if moved == line.quantity:
        return None, attrs.evolve(line, origin_line_id=origin_line_id)
    kept = line.quantity - moved
    amounts = allocate(line.amount.minor, [kept, moved])
    discounts = allocate(line.discount_amount.minor, [kept, moved])
    currency = line.amount.currency
    stay, move = (
        attrs.evolve(
            line,
            quantity=quantity,
            amount=Money(amount, currency),
            discount=Money(discount, currency),
            gross=Money(amount + discount, currency),
            origin_line_id=origin_line_id,
        )
        for quantity, amount, discount in zip((kept, moved), amounts, discounts, strict=True)
    )
    return stay, move


def split_lines(
    lines: Sequence[OrderLine], shortfall: Mapping[LineId, int]
) -> tuple[tuple[OrderLine, ...], tuple[OrderLine, ...]]:
    """Split ``shortfall`` units off ``lines`` (units per line id) with :func:`split_line`: ``(what stays, what
    moves)``, each in line order.

    Raises:
        InvalidInput: a line id that is not among ``lines``, a line added by a gift rule (its gift is decided
            again, never backordered), or a shortfall that takes no unit or every unit.
        InvalidQuantity: a shortfall of a line that is not 1 to its quantity.
    """
    kept: list[OrderLine] = []
    moved: list[OrderLine] = []
    for line in lines:
        units = shortfall.get(line.id, 0)
        if not units:
            kept.append(line)
            continue
        if line.gift_rule is not None:
            raise InvalidInput(f"shortfall.{line.id}", units, "a gift of the rules is decided again, not moved")
        stay, move = split_line(line, units)
        kept.extend([stay] if stay is not None else [])
        moved.append(move)
    unknown = sorted(set(shortfall) - {line.id for line in lines})
    if unknown:
        raise InvalidInput(f"shortfall.{unknown[0]}", shortfall[LineId(unknown[0])], "no such line")
    if not kept or not moved:
        raise InvalidInput("shortfall", dict(shortfall), "must take some, not all, of the units")
    return tuple(kept), tuple(moved)
