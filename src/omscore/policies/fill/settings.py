"""Fill-order settings: which waiting orders get scarce stock first, as the merchant ranks them."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping

import attrs

from omscore.domain.errors import InvalidConfiguration
from omscore.domain.identity import Channel


class FillKey(enum.StrEnum):
    """One comparison of the fill order; the keys are compared in the order the merchant lists them."""

    VIP = "vip"
    """Orders of the buyers in :attr:`FillOrder.vip_buyers` first."""
    PRIORITY = "priority"
    """Higher :attr:`~omscore.domain.order.Order.priority` first (the platform's urgent or expedited flag)."""
    SHOP = "shop"
    """Orders of shops with a higher :attr:`FillOrder.shop_priority` first; a shop not listed counts 0."""
    PLACED_AT = "placed_at"
    """Earlier :attr:`~omscore.domain.order.Order.placed_at` (the paid time) first."""


def _strings(field: str, values: Iterable[str]) -> tuple[str, ...]:
    if isinstance(values, str):
        raise InvalidConfiguration(field, values, "give a list, not one string")
    return tuple(values)


def _keys(values: Iterable[str]) -> tuple[FillKey, ...]:
    keys: list[FillKey] = []
    for index, value in enumerate(_strings("keys", values)):
        try:
            key = FillKey(value)
        except ValueError:
            raise InvalidConfiguration(f"keys.{index}", value, f"fill keys are {', '.join(FillKey)}") from None
        if key in keys:
            raise InvalidConfiguration(f"keys.{index}", value, "the key is listed twice")
        keys.append(key)
    return tuple(keys)


def _buyers(values: Iterable[str]) -> frozenset[str]:
    buyers = _strings("vip_buyers", values)
    for buyer in buyers:
        if not isinstance(buyer, str) or not buyer:
            raise InvalidConfiguration("vip_buyers", buyer, "a buyer id is a non-empty string")
    return frozenset(buyers)


def _shop_priority(values: Mapping[Channel, int]) -> dict[Channel, int]:
    priorities = dict(values)
    for channel, priority in priorities.items():
        if not isinstance(channel, Channel):
            raise InvalidConfiguration("shop_priority", channel, "keys are channels (platform and shop)")
        if type(priority) is not int:
            raise InvalidConfiguration(f"shop_priority.{channel}", priority, "must be a whole number")
    return priorities


@attrs.frozen
class FillOrder:
    """The order in which waiting orders are advanced and get scarce stock (who is served first).

    The keys are compared in order; the order id breaks the last tie, so the order is total. The default,
    ``(priority, placed_at)``, is :attr:`~omscore.domain.order.Order.fill_key`.

    Attributes:
        keys: the comparisons, in order; each key at most once (names are converted to :class:`FillKey`).
        vip_buyers: buyer ids whose orders come first under :attr:`FillKey.VIP`.
        shop_priority: each shop's fill priority under :attr:`FillKey.SHOP`, higher first; shops not listed
            count 0 (a negative priority puts a shop after them).

    Raises:
        InvalidConfiguration: a key is unknown or listed twice (field ``keys.<index>``), ``vip_buyers`` holds
            an empty id, or a shop priority is not a whole number.
    """

    keys: tuple[FillKey, ...] = attrs.field(default=(FillKey.PRIORITY, FillKey.PLACED_AT), converter=_keys)
    vip_buyers: frozenset[str] = attrs.field(default=frozenset(), converter=_buyers)
    shop_priority: Mapping[Channel, int] = attrs.field(factory=dict, converter=_shop_priority)
