"""赠品: what a gift rule's trigger looks at, and what it says back.

A trigger sees a :class:`Purchase` — the order's paid lines, never its gift lines — and answers with a
:class:`Match`: how many times the rule applies (``0``: not at all) and why, in words. A host adds its own
trigger by implementing :class:`GiftTrigger`; the shipped ones are in :mod:`~omscore.policies.gifts.triggers`.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Protocol

import attrs

from omscore.domain.catalog import Catalog
from omscore.domain.errors import InvalidInput
from omscore.domain.identity import SkuCode
from omscore.domain.money import Money, total
from omscore.domain.order import Order
from omscore.domain.order_line import OrderLine


@attrs.frozen
class Purchase:
    """What the buyer paid for: the order's non-gift lines in line-id order, its currency and its memos.

    Gift lines (:attr:`~omscore.domain.order_line.OrderLine.is_gift`) are left out, so that a gift never counts
    towards a threshold, and the lines are sorted, so that no trigger can depend on the order they came in.

    Attributes:
        lines: the non-gift lines, sorted by line id.
        currency: the order's currency.
        buyer_memo: the buyer's memo, as written.
        seller_memo: the seller's (customer service's) memo, as written.
    """

    lines: tuple[OrderLine, ...]
    currency: str
    buyer_memo: str = ""
    seller_memo: str = ""

    @classmethod
    def of(cls, order: Order) -> Purchase:
        """The purchase of ``order``: its non-gift lines, currency and memos."""
        paid = sorted((line for line in order.lines if not line.is_gift), key=lambda line: line.id)
        return cls(tuple(paid), order.currency, order.buyer_memo, order.seller_memo)

    def _of(self, skus: Collection[SkuCode]) -> list[OrderLine]:
        return [line for line in self.lines if not skus or line.sku in skus]

    def units(self, skus: Collection[SkuCode] = ()) -> int:
        """Units bought of ``skus`` (of every SKU when empty)."""
        return sum(line.quantity for line in self._of(skus))

    def paid(self, skus: Collection[SkuCode] = ()) -> Money:
        """What the buyer paid for ``skus`` (for every line when empty), after discounts, without shipping."""
        return total((line.amount for line in self._of(skus)), self.currency)


def _not_negative(instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if type(value) is not int or value < 0:
        raise InvalidInput(attribute.name, value, "must be a non-negative whole number")


@attrs.frozen
class Match:
    """A trigger's answer.

    Attributes:
        times: how many times the rule applies to the purchase; ``0`` when it does not.
        reason: why, for people: ``non-gift lines paid 250.00 CNY ≥ 199.00 CNY`` or
            ``below threshold: 3 units, needs 5``.
    """

    times: int = attrs.field(validator=_not_negative)
    reason: str


class GiftTrigger(Protocol):
    """What makes a gift rule apply: a threshold, a SKU bought, a memo keyword …"""

    def check(self, purchase: Purchase, catalog: Catalog) -> Match:
        """How many times the rule applies to ``purchase``, and why.

        Args:
            purchase: the paid lines and memos of the order.
            catalog: the merchant's catalog, for triggers that look at SKU attributes.

        Returns:
            A :class:`Match`; ``times`` is ``0`` when the rule does not apply.
        """
        ...
