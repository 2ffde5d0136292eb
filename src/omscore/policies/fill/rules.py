"""The comparisons of the fill order, one per :class:`~omscore.policies.fill.FillKey`, and the order they make.

Each rule ranks an order by one thing, lower first; :func:`sort_key` puts the ranks of the merchant's keys in
their order and ends with the order id, so that no two orders tie. A merged order ranks as the best of its
sources, as it carries their highest priority and earliest placement: its buyer is theirs, and its shop
priority is the highest of the shops its platform orders came from.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

import attrs

from omscore.domain.identity import Channel
from omscore.domain.order import Order
from omscore.policies.explain import Explanation
from omscore.policies.fill.port import FillRule, SortKey
from omscore.policies.fill.settings import FillKey, FillOrder


@attrs.frozen
class VipFirst:
    """Orders of the merchant's VIP buyers first."""

    vip_buyers: frozenset[str]
    name: str = FillKey.VIP.value

    def rank(self, order: Order) -> int:
        return 0 if order.buyer_id in self.vip_buyers else 1

    def describe(self, order: Order) -> str:
        return "vip buyer" if order.buyer_id in self.vip_buyers else "buyer not vip"


@attrs.frozen
class HigherPriorityFirst:
    """Orders with a higher :attr:`~omscore.domain.order.Order.priority` first."""

    name: str = FillKey.PRIORITY.value

    def rank(self, order: Order) -> int:
        return -order.priority

    def describe(self, order: Order) -> str:
        return f"priority {order.priority}"


@attrs.frozen
class HigherShopFirst:
    """Orders of shops with a higher fill priority first (shops not listed count 0)."""

    shop_priority: Mapping[Channel, int]
    name: str = FillKey.SHOP.value

    def best(self, order: Order) -> tuple[int, Channel]:
        """The highest fill priority among the shops of the order's platform orders, with that shop (the
        first in channel order when several share it)."""
        shops = sorted({order.channel, *(ref.channel for ref in order.refs)})
        return max(((self.shop_priority.get(shop, 0), shop) for shop in shops), key=lambda pair: pair[0])

    def rank(self, order: Order) -> int:
        return -self.best(order)[0]

    def describe(self, order: Order) -> str:
        priority, shop = self.best(order)
        return f"shop {shop} fill priority {priority}"


@attrs.frozen
class EarlierFirst:
    """Orders placed (paid) earlier first."""

    name: str = FillKey.PLACED_AT.value

    def rank(self, order: Order) -> datetime:
        return order.placed_at

    def describe(self, order: Order) -> str:
        return f"placed {order.placed_at.isoformat(sep=' ', timespec='seconds')}"


def fill_rules(fill: FillOrder) -> tuple[FillRule, ...]:
    """The rules of ``fill``'s keys, in its order."""
    return tuple(_rule(fill, key) for key in fill.keys)


def _rule(fill: FillOrder, key: FillKey) -> FillRule:
    if key is FillKey.VIP:
        return VipFirst(fill.vip_buyers)
    if key is FillKey.PRIORITY:
        return HigherPriorityFirst()
    if key is FillKey.SHOP:
        return HigherShopFirst(fill.shop_priority)
    return EarlierFirst()


def _key(rules: Sequence[FillRule], order: Order) -> SortKey:
    return (*(rule.rank(order) for rule in rules), order.id)


def sort_key(fill: FillOrder, order: Order) -> SortKey:
    """The sort key of ``order`` in ``fill``.

    Returns:
        One rank per key of ``fill``, lower first, then the order id. With the default :class:`FillOrder` it
        equals :attr:`~omscore.domain.order.Order.fill_key`.
    """
    return _key(fill_rules(fill), order)


def in_fill_order(orders: Iterable[Order], fill: FillOrder) -> list[Order]:
    """Sort orders by the merchant's fill order.

    Returns:
        ``orders`` sorted by ``fill``: the first gets scarce stock first, whatever order they came in.
    """
    rules = fill_rules(fill)
    return sorted(orders, key=lambda order: _key(rules, order))


def _place(rules: Sequence[FillRule], order: Order) -> str:
    return "; ".join(rule.describe(order) for rule in rules) or "by order id"


def explain_place(fill: FillOrder, order: Order) -> str:
    """Why ``order`` stands where it does in ``fill``: its rank by each key in words, in the keys' order,
    e.g. ``vip buyer; priority 2; placed 2026-11-11 10:03:00+08:00`` (the order id breaks any tie)."""
    return _place(fill_rules(fill), order)


def explain_fill_order(orders: Iterable[Order], fill: FillOrder) -> Explanation:
    """The fill order of ``orders`` as an explanation: one step per order, first served first.

    Returns:
        An :class:`~omscore.policies.explain.Explanation` of policy ``fill``.
    """
    rules = fill_rules(fill)
    ranked = in_fill_order(orders, fill)
    by = ", ".join([*fill.keys, "order id"])
    steps = tuple(f"{place}. {order.id}: {_place(rules, order)}" for place, order in enumerate(ranked, 1))
    return Explanation("fill", f"{len(ranked)} order(s) in fill order by {by}", steps)
