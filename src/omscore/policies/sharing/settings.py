"""Sharing settings and their inheritance.

Settings for a listing are looked up at three levels, the more specific overriding the less: the shop
(:class:`~omscore.domain.identity.Channel`), the listing (shop + listing id) and the listing SKU (shop + listing id
+ SKU, which matters for kit listings, one per component). Every field left unset (``None``) is inherited from
the next level up and finally from the merchant-wide defaults, so a listing rule can change the cap alone and keep
the shop's ratio (万里牛's "non-conflicting parts complement").

Pool settings (method, buffer, presale stock) belong to a SKU: a merchant-wide default and per-SKU overrides,
merged the same way.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any, TypeVar

import attrs

from omscore.domain.errors import InvalidConfiguration
from omscore.domain.identity import Channel, SkuCode
from omscore.policies.sharing.apportion import Method


def _units(instance: object, attribute: attrs.Attribute[Any], value: int | None) -> None:
    if value is not None and (type(value) is not int or value < 0):
        raise InvalidConfiguration(attribute.name, value, "must be a non-negative whole number of units")


def _rate(instance: object, attribute: attrs.Attribute[Any], value: float | None) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int | float) or not value >= 0):
        raise InvalidConfiguration(attribute.name, value, "must be a non-negative number")


class SharingMethod(enum.StrEnum):
    """How a SKU's shared pool is split among the listings that sell it.

    ``SHARED`` is share-all done safely: one pool that every listing draws from, each listing shown what covers its
    sales until its next top-up (demand-paced by velocity), the rest following velocity. Without a velocity for
    every listing it splits by weight with Webster. The three ratio methods split by weight.
    """

    SHARED = "shared"
    WEBSTER = "webster"
    HAMILTON = "hamilton"
    QUOTA = "quota"

    @property
    def apportionment(self) -> Method:
        return Method.WEBSTER if self is SharingMethod.SHARED else Method(self.value)


@attrs.frozen
class ShareSettings:
    """What one listing may publish. Every field is optional; unset fields are inherited.

    Attributes:
        weight: ratio weight in the shared pool (any scale; 0 takes no share). Default 1.
        exclusive: units set aside for this listing alone before the shared pool is split (exclusive pool).
        fixed: publish exactly this many (as far as the pool reaches) and take no share.
        critical_level: take part in the shared pool only above this many units; the units below are served to
            listings with a lower level first (priority channels, Topkis' critical levels). Default 0.
        cap: never publish more than this (Linnworks' "max listed quantity").
        floor: when the listing's share is below this …
        floor_show: … publish this many instead (less, or more as far as unassigned units reach). Needs ``floor``.
        zero_out_at: publish nothing while the SKU's pool is at or below this (Linnworks' "end when stock").
        presale_cap: most units of presale virtual stock this listing may publish on top of its share.
        velocity: units per hour the listing sells; paces the shared pool and sizes the in-flight guard.
        lag_minutes: how late omscore learns of this shop's sales (order polling interval plus delays). Default 5.
        enabled: publish to this listing at all. Default true.
    """

    weight: int | None = attrs.field(default=None, validator=_units)
    exclusive: int | None = attrs.field(default=None, validator=_units)
    fixed: int | None = attrs.field(default=None, validator=_units)
    critical_level: int | None = attrs.field(default=None, validator=_units)
    cap: int | None = attrs.field(default=None, validator=_units)
    floor: int | None = attrs.field(default=None, validator=_units)
    floor_show: int | None = attrs.field(default=None, validator=_units)
    zero_out_at: int | None = attrs.field(default=None, validator=_units)
    presale_cap: int | None = attrs.field(default=None, validator=_units)
    velocity: float | None = attrs.field(default=None, validator=_rate)
    lag_minutes: float | None = attrs.field(default=None, validator=_rate)
    enabled: bool | None = None


@attrs.frozen
class ShareRule:
    """Settings after inheritance: every field concrete. See :class:`ShareSettings` for their meaning."""

    weight: int = 1
    exclusive: int = 0
    fixed: int | None = None
    critical_level: int = 0
    cap: int | None = None
    floor: int | None = None
    floor_show: int = 0
    zero_out_at: int | None = None
    presale_cap: int = 0
    velocity: float | None = None
    lag_minutes: float = 5.0
    enabled: bool = True


@attrs.frozen
class PoolSettings:
    """How one SKU's pool is split. Every field is optional; unset fields are inherited.

    Attributes:
        method: the :class:`SharingMethod`. Default ``SHARED``.
        buffer: units never published (a global safety buffer against lag). Default 0.
        presale_stock: virtual units presale listings may sell on top of the physical pool. Default 0.
        pace_lags: the pacing window of ``SHARED`` in sync lags (a channel is topped up about one lag after it
            sells, and a unit taken back from another channel becomes free one lag later). Default 2.
    """

    method: SharingMethod | None = None
    buffer: int | None = attrs.field(default=None, validator=_units)
    presale_stock: int | None = attrs.field(default=None, validator=_units)
    pace_lags: float | None = attrs.field(default=None, validator=_rate)


@attrs.frozen
class PoolRule:
    """Pool settings after inheritance."""

    method: SharingMethod = SharingMethod.SHARED
    buffer: int = 0
    presale_stock: int = 0
    pace_lags: float = 2.0


_Concrete = TypeVar("_Concrete", ShareRule, PoolRule)


def _merge(concrete: type[_Concrete], *layers: ShareSettings | PoolSettings | None) -> _Concrete:
    """Field by field, the first layer that sets a value wins; unset everywhere keeps the concrete default."""
    values: dict[str, Any] = {}
    for field in attrs.fields(concrete):
        for layer in layers:
            if layer is not None and (value := getattr(layer, field.name)) is not None:
                values[field.name] = value
                break
    return concrete(**values)


@attrs.frozen
class SharingConfig:
    """The merchant's sharing settings at every level.

    Attributes:
        defaults: merchant-wide listing settings.
        shops: per-shop settings.
        listings: per listing, keyed by (shop, listing id).
        listing_skus: per listing SKU, keyed by (shop, listing id, SKU).
        pool: merchant-wide pool settings.
        sku_pools: per-SKU pool settings.
    """

    defaults: ShareSettings = ShareSettings()
    shops: Mapping[Channel, ShareSettings] = attrs.field(factory=dict)
    listings: Mapping[tuple[Channel, str], ShareSettings] = attrs.field(factory=dict)
    listing_skus: Mapping[tuple[Channel, str, SkuCode], ShareSettings] = attrs.field(factory=dict)
    pool: PoolSettings = PoolSettings()
    sku_pools: Mapping[SkuCode, PoolSettings] = attrs.field(factory=dict)

    def rule_for(self, channel: Channel, listing_id: str, sku: SkuCode) -> ShareRule:
        """The settings of one listing SKU after inheritance (listing SKU > listing > shop > defaults).

        Raises:
            InvalidConfiguration: ``floor_show`` is set without ``floor``.
        """
        rule = _merge(
            ShareRule,
            self.listing_skus.get((channel, listing_id, sku)),
            self.listings.get((channel, listing_id)),
            self.shops.get(channel),
            self.defaults,
        )
        if rule.floor is None and rule.floor_show:
            raise InvalidConfiguration(f"{channel}/{listing_id}.floor_show", rule.floor_show, "needs a floor")
        return rule

    def pool_rule_for(self, sku: SkuCode) -> PoolRule:
        """The pool settings of ``sku`` after inheritance (SKU > merchant-wide)."""
        return _merge(PoolRule, self.sku_pools.get(sku), self.pool)
