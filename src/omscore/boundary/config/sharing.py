"""The stock-sharing section of the configuration file (库存分配 / 库存同步): what each listing may publish, how a
SKU's pool is split and the stock locks set aside for shops, with their cross-checks and their conversion into
sharing settings and stock locks."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Literal

import attrs
from pydantic import BaseModel, Field

from omscore.boundary._fields import STRICT, Code, ExternalId, IsoDatetime
from omscore.boundary.config.checks import Known
from omscore.boundary.config.fields import MAX_CATALOG_ENTRIES, MAX_NETWORK_ENTRIES, MAX_RULE_ENTRIES, domain_default
from omscore.boundary.errors import FieldProblem
from omscore.domain.identity import Channel, SkuCode
from omscore.policies.sharing import (
    PoolRule,
    PoolSettings,
    ShareRule,
    ShareSettings,
    SharingConfig,
    SharingMethod,
    StockLock,
)

_Units = Annotated[int, Field(ge=0, le=10**12)]
SharingMethodName = Literal["shared", "webster", "hamilton", "quota"]
"""The values of :class:`~omscore.policies.sharing.SharingMethod` (a test keeps them equal)."""


def _inherited(description: str, default: object) -> Any:
    return Field(default=None, description=f"{description} Null: inherited (finally {default}).")


class ShareConfig(BaseModel):
    """库存分配: what a listing may publish. Every field is optional; an unset field is inherited from the next
    level up (listing SKU > listing > shop > defaults)."""

    model_config = STRICT

    weight: _Units | None = _inherited(
        "Ratio weight in the shared pool (0: no share).", domain_default(ShareRule, "weight")
    )
    exclusive: _Units | None = _inherited("Units set aside for this listing alone (exclusive pool).", 0)
    fixed: _Units | None = _inherited("Publish exactly this many, as far as the pool reaches; no share.", "none")
    critical_level: _Units | None = _inherited(
        "Take part in the shared pool only above this many units (priority channels).", 0
    )
    cap: _Units | None = _inherited("Never publish more than this.", "no cap")
    floor: _Units | None = _inherited("When the share is below this, publish floor_show instead.", "no floor")
    floor_show: _Units | None = _inherited("What a share below floor publishes (needs floor).", 0)
    zero_out_at: _Units | None = _inherited("Publish nothing while the SKU's pool is at or below this.", "never")
    presale_cap: _Units | None = _inherited("Most presale virtual units published on top of the share.", 0)
    velocity: float | None = Field(
        default=None,
        ge=0,
        le=10**9,
        allow_inf_nan=False,
        description="Units per hour the listing sells: paces share-all and sizes the guard against sales in "
        "flight. Null: inherited (finally unknown).",
    )
    lag_minutes: float | None = Field(
        default=None,
        ge=0,
        le=7 * 24 * 60,
        allow_inf_nan=False,
        description=f"How late omscore learns of the shop's sales. Null: inherited (finally "
        f"{domain_default(ShareRule, 'lag_minutes')}).",
    )
    enabled: bool | None = _inherited("Publish to the listing at all.", "true")


class ShopShareConfig(ShareConfig):
    """The sharing settings of one shop."""

    platform: Code = Field(description="Platform of a shop declared in shops.")
    shop: Code = Field(description="Shop declared in shops.")


class ListingShareConfig(ShareConfig):
    """The sharing settings of one listing."""

    platform: Code = Field(description="Platform of a shop declared in shops.")
    shop: Code = Field(description="Shop declared in shops.")
    listing_id: ExternalId = Field(description="A listing of the shop declared in listings.")


class ListingSkuShareConfig(ShareConfig):
    """The sharing settings of one SKU of a listing (a kit listing has one per component)."""

    platform: Code = Field(description="Platform of a shop declared in shops.")
    shop: Code = Field(description="Shop declared in shops.")
    listing_id: ExternalId = Field(description="A listing of the shop declared in listings.")
    sku: Code = Field(description="A SKU the listing sells (its SKU, or a component of its kit).")


class PoolConfig(BaseModel):
    """How a SKU's pool is split. Every field is optional; an unset field is inherited (SKU > merchant-wide)."""

    model_config = STRICT

    method: SharingMethodName | None = _inherited(
        "shared (one pool, paced by velocity), webster, hamilton or quota (ratios by weight).",
        domain_default(PoolRule, "method").value,
    )
    buffer: _Units | None = _inherited("Units never published.", domain_default(PoolRule, "buffer"))
    presale_stock: _Units | None = _inherited(
        "Virtual units presale listings may sell on top of the pool.", domain_default(PoolRule, "presale_stock")
    )
    pace_lags: float | None = Field(
        default=None,
        ge=0,
        le=1_000,
        allow_inf_nan=False,
        description=f"The pacing window of shared, in sync lags. Null: inherited (finally "
        f"{domain_default(PoolRule, 'pace_lags')}).",
    )


class SkuPoolConfig(PoolConfig):
    """The pool settings of one SKU."""

    sku: Code = Field(description="A SKU code declared in skus.")


class StockLockConfig(BaseModel):
    """库存锁定: units of a SKU set aside for one shop until an expiry (a live stream, a promotion)."""

    model_config = STRICT

    key: ExternalId = Field(description="Names the lock; locks are served in key order.")
    platform: Code = Field(description="Platform of a shop declared in shops.")
    shop: Code = Field(description="Shop declared in shops.")
    sku: Code = Field(description="A SKU code declared in skus.")
    quantity: int = Field(ge=1, le=10**12, description="Units set aside.")
    starts: IsoDatetime | None = Field(default=None, description="From when (ISO 8601 with offset); null: now.")
    until: IsoDatetime = Field(description="Until when (ISO 8601 with offset); then the units are shared again.")
    listing_id: ExternalId | None = Field(
        default=None, description="The listing that shows the units; null: the shop's first listing of the SKU."
    )


class SharingSection(BaseModel):
    """库存分配 / 库存同步: how much each listing may publish, and the locks set aside for shops."""

    model_config = STRICT

    defaults: ShareConfig = Field(default_factory=ShareConfig, description="Merchant-wide listing settings.")
    pool: PoolConfig = Field(default_factory=PoolConfig, description="Merchant-wide pool settings.")
    shops: list[ShopShareConfig] = Field(
        default_factory=list, max_length=MAX_NETWORK_ENTRIES, description="Per-shop settings."
    )
    listings: list[ListingShareConfig] = Field(
        default_factory=list, max_length=MAX_CATALOG_ENTRIES, description="Per-listing settings."
    )
    listing_skus: list[ListingSkuShareConfig] = Field(
        default_factory=list, max_length=MAX_CATALOG_ENTRIES, description="Per listing SKU settings."
    )
    skus: list[SkuPoolConfig] = Field(
        default_factory=list, max_length=MAX_CATALOG_ENTRIES, description="Per-SKU pool settings."
    )
    locks: list[StockLockConfig] = Field(
        default_factory=list, max_length=MAX_RULE_ENTRIES, description="Stock locks with expiry."
    )


_ListingKey = tuple[str, str, str]


def check_sharing(
    section: SharingSection, known: Known, sold: Mapping[_ListingKey, frozenset[str]]
) -> list[FieldProblem]:
    """Every shop, listing and SKU the sharing section names is declared (a listing SKU sold by its listing),
    each entry once; locks end after they start; no listing inherits a ``floor_show`` without a ``floor``."""
    problems: list[FieldProblem] = []

    def problem(field: str, value: Any, reason: str, code: str) -> None:
        problems.append(FieldProblem(field, value, reason, code))

    def once(seen: set[Any], key: Any, field: str, value: Any, what: str) -> None:
        if key in seen:
            problem(field, value, f"duplicate {what}", "duplicate")
        seen.add(key)

    def shop(at: str, platform: str, code: str) -> bool:
        if (platform, code) not in known.shops:
            problem(f"{at}.shop", f"{platform}:{code}", "shop not declared", "unknown_reference")
            return False
        return True

    def listing(at: str, key: _ListingKey) -> bool:
        if shop(at, key[0], key[1]) and key not in sold:
            problem(f"{at}.listing_id", key[2], "listing not declared in listings", "unknown_reference")
            return False
        return key in sold

    def sku(at: str, code: str) -> None:
        if code not in known.skus:
            problem(f"{at}.sku", code, "unknown SKU", "unknown_reference")

    seen: set[Any] = set()
    for i, for_shop in enumerate(section.shops):
        at, pair = f"sharing.shops.{i}", (for_shop.platform, for_shop.shop)
        if shop(at, *pair):
            once(seen, pair, f"{at}.shop", f"{pair[0]}:{pair[1]}", "shop")
    seen = set()
    for i, for_listing in enumerate(section.listings):
        at, key = f"sharing.listings.{i}", (for_listing.platform, for_listing.shop, for_listing.listing_id)
        if listing(at, key):
            once(seen, key, f"{at}.listing_id", key[2], "listing")
    seen = set()
    for i, for_sku in enumerate(section.listing_skus):
        at, key = f"sharing.listing_skus.{i}", (for_sku.platform, for_sku.shop, for_sku.listing_id)
        if listing(at, key):
            if for_sku.sku not in sold[key]:
                problem(f"{at}.sku", for_sku.sku, "the listing does not sell this SKU", "not_sold")
            else:
                once(seen, (*key, for_sku.sku), at, f"{key[2]}/{for_sku.sku}", "listing SKU")
    seen = set()
    for i, pool in enumerate(section.skus):
        sku(f"sharing.skus.{i}", pool.sku)
        once(seen, pool.sku, f"sharing.skus.{i}.sku", pool.sku, "SKU")
    seen = set()
    for i, lock in enumerate(section.locks):
        at = f"sharing.locks.{i}"
        once(seen, lock.key, f"{at}.key", lock.key, "lock key")
        sku(at, lock.sku)
        if shop(at, lock.platform, lock.shop) and lock.listing_id is not None:
            key = (lock.platform, lock.shop, lock.listing_id)
            if key not in sold:
                problem(f"{at}.listing_id", lock.listing_id, "listing not declared in listings", "unknown_reference")
            elif lock.sku not in sold[key]:
                problem(f"{at}.listing_id", lock.listing_id, "the listing does not sell the SKU", "not_sold")
        if lock.starts is not None and lock.until <= lock.starts:
            problem(f"{at}.until", lock.until.isoformat(), "a lock must end after it starts", "until_before_starts")
    problems.extend(_check_floors(section, sold))
    return problems


def _check_floors(section: SharingSection, sold: Mapping[_ListingKey, frozenset[str]]) -> list[FieldProblem]:
    """A listing SKU whose settings, after inheritance, give ``floor_show`` but no ``floor``: reported once at
    the entry that gives the ``floor_show``."""
    shops = {(e.platform, e.shop): (f"sharing.shops.{i}", e) for i, e in enumerate(section.shops)}
    listings = {
        (e.platform, e.shop, e.listing_id): (f"sharing.listings.{i}", e) for i, e in enumerate(section.listings)
    }
    listing_skus = {
        (e.platform, e.shop, e.listing_id, e.sku): (f"sharing.listing_skus.{i}", e)
        for i, e in enumerate(section.listing_skus)
    }
    found: dict[str, FieldProblem] = {}
    for key, skus in sold.items():
        for code in sorted(skus):
            layers: list[tuple[str, ShareConfig] | None] = [
                listing_skus.get((*key, code)),
                listings.get(key),
                shops.get(key[:2]),
                ("sharing.defaults", section.defaults),
            ]
            present = [layer for layer in layers if layer is not None]
            floor = next((e.floor for _, e in present if e.floor is not None), None)
            show = next(((at, e.floor_show) for at, e in present if e.floor_show is not None), None)
            if floor is None and show is not None and show[1]:
                field = f"{show[0]}.floor_show"
                found.setdefault(
                    field,
                    FieldProblem(
                        field, show[1], f"{key[0]}:{key[1]}/{key[2]} has no floor", "floor_show_without_floor"
                    ),
                )
    return [found[field] for field in sorted(found)]


def to_sharing_config(section: SharingSection) -> SharingConfig:
    return SharingConfig(
        defaults=_share_settings(section.defaults),
        shops={Channel(e.platform, e.shop): _share_settings(e) for e in section.shops},
        listings={(Channel(e.platform, e.shop), e.listing_id): _share_settings(e) for e in section.listings},
        listing_skus={
            (Channel(e.platform, e.shop), e.listing_id, SkuCode(e.sku)): _share_settings(e)
            for e in section.listing_skus
        },
        pool=_pool_settings(section.pool),
        sku_pools={SkuCode(e.sku): _pool_settings(e) for e in section.skus},
    )


def _share_settings(entry: ShareConfig) -> ShareSettings:
    return ShareSettings(**{name: getattr(entry, name) for name in attrs.fields_dict(ShareSettings)})


def _pool_settings(entry: PoolConfig) -> PoolSettings:
    return PoolSettings(
        method=None if entry.method is None else SharingMethod(entry.method),
        buffer=entry.buffer,
        presale_stock=entry.presale_stock,
        pace_lags=entry.pace_lags,
    )


def to_stock_locks(locks: Sequence[StockLockConfig]) -> tuple[StockLock, ...]:
    """The stock locks, in file order."""
    return tuple(
        StockLock(
            key=lock.key,
            channel=Channel(lock.platform, lock.shop),
            sku=SkuCode(lock.sku),
            quantity=lock.quantity,
            until=lock.until,
            starts=lock.starts,
            listing_id=lock.listing_id,
        )
        for lock in locks
    )
