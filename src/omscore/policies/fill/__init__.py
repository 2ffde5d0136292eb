"""Fill order: which waiting orders get scarce stock first.

Orders waiting for stock are advanced, re-checked and released in one total order that the merchant sets in
:class:`FillOrder`: VIP buyers first, higher priority first, the shops the merchant favours first, earlier
placement first — any of these, in the order listed — and the order id last, so that no two orders tie. The
default, ``(priority, placed_at)``, is :attr:`~omscore.domain.order.Order.fill_key`. :func:`in_fill_order`
sorts, :func:`sort_key` gives one order's key and :func:`explain_place` says why an order stands where it
does.
"""

from omscore.policies.fill.port import FillRule, Rank, SortKey
from omscore.policies.fill.rules import (
    EarlierFirst,
    HigherPriorityFirst,
    HigherShopFirst,
    VipFirst,
    explain_fill_order,
    explain_place,
    fill_rules,
    in_fill_order,
    sort_key,
)
from omscore.policies.fill.settings import FillKey, FillOrder

__all__ = [
    "EarlierFirst",
    "FillKey",
    "FillOrder",
    "FillRule",
    "HigherPriorityFirst",
    "HigherShopFirst",
    "Rank",
    "SortKey",
    "VipFirst",
    "explain_fill_order",
    "explain_place",
    "fill_rules",
    "in_fill_order",
    "sort_key",
]
