"""What an order's lines add up to: its money totals and its units, with and without the gifts of the rules."""

from __future__ import annotations

from omscore.domain.money import Money, total
from omscore.domain.order_line import OrderLine


class LineTotals:
    """The totals of an order's :attr:`lines` in its :attr:`currency`, plus its :attr:`shipping_fee`."""

    lines: tuple[OrderLine, ...]
    currency: str
    shipping_fee: Money

    @property
    def total(self) -> Money:
        """What the buyer pays: the line amounts plus the shipping fee."""
        return total((line.amount for line in self.lines), self.currency) + self.shipping_fee

    @property
    def gross_total(self) -> Money:
        """The lines' value before discounts (Σ unit price × quantity, :attr:`OrderLine.gross_amount`)."""
        return total((line.gross_amount for line in self.lines), self.currency)

    @property
    def discount_total(self) -> Money:
        """The discounts on the lines (Σ :attr:`OrderLine.discount_amount`)."""
        return total((line.discount_amount for line in self.lines), self.currency)

    @property
    def paid_total(self) -> Money:
        """What the buyer paid for the goods: the line amounts, ``gross_total − discount_total``. The shipping
        fee is :attr:`shipping_fee`; both together are :attr:`total`."""
        return total((line.amount for line in self.lines), self.currency)

    @property
    def units(self) -> int:
        """Every unit the order ships, gifts included."""
        return sum(line.quantity for line in self.lines)

    @property
    def given_gifts(self) -> tuple[OrderLine, ...]:
        """The gift lines the merchant's gift rules added (:attr:`OrderLine.gift_rule`); none unless routed."""
        return tuple(line for line in self.lines if line.gift_rule is not None)

    @property
    def bought_units(self) -> int:
        """The units the platform orders carry: :attr:`units` without :attr:`given_gifts`."""
        return sum(line.quantity for line in self.lines if line.gift_rule is None)
