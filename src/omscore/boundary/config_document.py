"""The merchant configuration document: the pydantic models of the file ``docs/formats.md`` describes.

Field defaults are read from the domain and policy classes, so the file format and the model never disagree.
"""

from __future__ import annotations

from typing import Any, Final, Literal

import attrs
from pydantic import BaseModel, Field

from omscore.boundary._fields import (
    MAX_QUANTITY,
    STRICT,
    Code,
    ExternalId,
    GeoPayload,
    Minor,
    Name,
    Region,
    Tag,
)
from omscore.domain.catalog import Kit, Sku
from omscore.domain.network import Carrier, Location
from omscore.policies.settings import MergeSettings, ReviewSettings, RoutingSettings

#: Most entries of the shops, locations and carriers sections.
MAX_NETWORK_ENTRIES: Final = 10_000
#: Most entries of the skus, kits, listings and stock sections.
MAX_CATALOG_ENTRIES: Final = 1_000_000

_TagList = list[Tag]
_RegionList = list[Region]


def _default(cls: type, name: str) -> Any:
    """The default of an attrs field, so that the file format and the domain never disagree on it."""
    return attrs.fields_dict(cls)[name].default


# --- rules ---------------------------------------------------------------------------------------------------


class ReviewRules(BaseModel):
    """审单: which orders wait for a person."""

    model_config = STRICT

    cod_limit_minor: Minor | None = Field(
        default=_default(ReviewSettings, "cod_limit_minor"),
        description="Hold cash-on-delivery orders whose total exceeds this (minor units); null: never.",
    )
    hold_on_buyer_memo: bool = Field(
        default=_default(ReviewSettings, "hold_on_buyer_memo"), description="Hold orders with a buyer memo."
    )
    hold_on_seller_memo: bool = Field(
        default=_default(ReviewSettings, "hold_on_seller_memo"), description="Hold orders with a seller memo."
    )


class MergeRules(BaseModel):
    """合单: which orders of the same buyer and recipient are fulfilled together."""

    model_config = STRICT

    enabled: bool = Field(default=_default(MergeSettings, "enabled"), description="Merge at all.")
    window_minutes: int = Field(
        default=_default(MergeSettings, "window_minutes"),
        ge=0,
        le=60 * 24 * 30,
        description="Orders placed at most this many minutes apart may merge.",
    )
    across_shops: bool = Field(
        default=_default(MergeSettings, "across_shops"),
        description="Merge orders of different shops of the same platform.",
    )
    include_presale: bool = Field(
        default=_default(MergeSettings, "include_presale"), description="Let orders with presale lines merge."
    )


class RoutingRules(BaseModel):
    """分仓: how lines are sourced."""

    model_config = STRICT

    allow_split: bool = Field(
        default=_default(RoutingSettings, "allow_split"),
        description="Let one order ship from several locations when no single one has everything.",
    )
    max_shipments: int | None = Field(
        default=_default(RoutingSettings, "max_shipments"),
        ge=1,
        le=100,
        description="Most shipments one order may be split into; null: no limit.",
    )


class RulesConfig(BaseModel):
    """The merchant-wide rules of the pipeline."""

    model_config = STRICT

    review: ReviewRules = Field(default_factory=ReviewRules)
    merge: MergeRules = Field(default_factory=MergeRules)
    routing: RoutingRules = Field(default_factory=RoutingRules)


# --- sections ------------------------------------------------------------------------------------------------


class ShopConfig(BaseModel):
    """A shop on a platform, with optional overrides of the merchant-wide rules."""

    model_config = STRICT

    platform: Code = Field(description="Platform code, e.g. tmall, jd, douyin, shopify.")
    shop: Code = Field(description="Shop code, unique within the platform.")
    name: Name = Field(default="", description="Display name.")
    review: ReviewRules | None = Field(default=None, description="Review rules of this shop; omitted fields inherit.")
    merge: MergeRules | None = Field(default=None, description="Merge rules of this shop; omitted fields inherit.")
    routing: RoutingRules | None = Field(
        default=None, description="Routing rules of this shop; omitted fields inherit."
    )


class SkuConfig(BaseModel):
    """A stock-keeping unit."""

    model_config = STRICT

    code: Code = Field(description="The merchant's SKU code.")
    name: Name = Field(default="", description="Display name.")
    weight_g: int = Field(default=_default(Sku, "weight_g"), ge=0, le=10**7, description="Unit weight in grams.")
    volume_cm3: int = Field(default=_default(Sku, "volume_cm3"), ge=0, le=10**9, description="Unit volume in cm³.")
    tags: _TagList = Field(
        default_factory=list, max_length=32, description="Handling tags: ship_alone, cold_chain, fragile, oversize …"
    )
    reference_price_minor: Minor = Field(
        default=_default(Sku, "reference_price_minor"),
        description="List price in minor units; weights a kit's price over its components.",
    )


class KitComponentConfig(BaseModel):
    """One SKU of a kit."""

    model_config = STRICT

    sku: Code = Field(description="A SKU code declared in skus.")
    quantity: int = Field(ge=1, le=MAX_QUANTITY, description="Units of the SKU in one kit.")


class KitConfig(BaseModel):
    """A bundle (组合商品) sold as one item and shipped as its components."""

    model_config = STRICT

    code: Code = Field(description="Kit code (its own namespace, apart from SKU codes).")
    components: list[KitComponentConfig] = Field(min_length=1, max_length=100, description="What one kit holds.")
    splittable: bool = Field(
        default=_default(Kit, "splittable"), description="Whether one kit's components may ship in different parcels."
    )


class ListingConfig(BaseModel):
    """A platform listing of a shop, mapped to exactly one SKU or one kit."""

    model_config = STRICT

    platform: Code = Field(description="Platform of a shop declared in shops.")
    shop: Code = Field(description="Shop declared in shops.")
    listing_id: ExternalId = Field(description="The platform's id of the item or item variant.")
    sku: Code | None = Field(default=None, description="The SKU it sells (give sku or kit).")
    kit: Code | None = Field(default=None, description="The kit it sells (give sku or kit).")


class LocationConfig(BaseModel):
    """A place that ships stock."""

    model_config = STRICT

    id: Code = Field(description="Location id.")
    name: Name = Field(default="", description="Display name.")
    kind: Literal["warehouse", "3pl", "store", "supplier"] = Field(
        default=_default(Location, "kind").value,
        description="warehouse, 3pl (third-party logistics), store, or supplier (drop-ships, 工厂代发).",
    )
    geo: GeoPayload | None = Field(default=None, description="Where it is; used by distance-based routing.")
    regions: _RegionList = Field(
        default_factory=list, max_length=1_000, description="Region codes it serves; empty: everywhere."
    )
    capabilities: _TagList = Field(
        default_factory=list, max_length=32, description="What it can do, e.g. cold_chain, cod, pickup, oversize."
    )
    priority: int = Field(
        default=_default(Location, "priority"), ge=0, le=1_000_000, description="Lower ships first on a tie."
    )
    daily_capacity: int | None = Field(
        default=_default(Location, "daily_capacity"),
        ge=0,
        le=10**9,
        description="Shipments per day it can release; null: unlimited.",
    )
    cost_per_shipment_minor: Minor = Field(
        default=_default(Location, "cost_per_shipment_minor"), description="Handling cost of one shipment."
    )
    cost_per_unit_minor: Minor = Field(
        default=_default(Location, "cost_per_unit_minor"), description="Handling cost of one unit."
    )


class CarrierConfig(BaseModel):
    """A parcel carrier (快递)."""

    model_config = STRICT

    id: Code = Field(description="Carrier id.")
    name: Name = Field(default="", description="Display name.")
    regions: _RegionList = Field(
        default_factory=list, max_length=1_000, description="Region codes it delivers to; empty: everywhere."
    )
    excluded_regions: _RegionList = Field(
        default_factory=list, max_length=1_000, description="Remote areas it does not reach, even inside regions."
    )
    max_weight_g: int | None = Field(
        default=_default(Carrier, "max_weight_g"), ge=1, le=10**7, description="Heaviest parcel; null: no limit."
    )
    supports_cod: bool = Field(
        default=_default(Carrier, "supports_cod"), description="Whether it collects cash on delivery."
    )
    base_cost_minor: Minor = Field(
        default=_default(Carrier, "base_cost_minor"), description="Price of a parcel up to 1 kg."
    )
    per_kg_minor: Minor = Field(
        default=_default(Carrier, "per_kg_minor"), description="Price of each started kilogram after the first."
    )
    sla_days: int = Field(default=_default(Carrier, "sla_days"), ge=0, le=365, description="Usual transit days.")
    priority: int = Field(
        default=_default(Carrier, "priority"), ge=0, le=1_000_000, description="Lower is preferred on a tie."
    )
    locations: list[Code] = Field(
        default_factory=list, max_length=MAX_NETWORK_ENTRIES, description="Locations it collects from; empty: all."
    )


class StockConfig(BaseModel):
    """Initial stock of one SKU at one location."""

    model_config = STRICT

    location: Code = Field(description="A location id declared in locations.")
    sku: Code = Field(description="A SKU code declared in skus.")
    on_hand: int = Field(ge=0, le=10**12, description="Units physically there.")
    safety: int = Field(default=0, ge=0, le=10**12, description="Units never promised to a buyer.")


class MerchantConfigDocument(BaseModel):
    """The whole configuration file of one merchant."""

    model_config = STRICT

    shops: list[ShopConfig] = Field(min_length=1, max_length=MAX_NETWORK_ENTRIES)
    skus: list[SkuConfig] = Field(max_length=MAX_CATALOG_ENTRIES)
    kits: list[KitConfig] = Field(default_factory=list, max_length=MAX_CATALOG_ENTRIES)
    listings: list[ListingConfig] = Field(default_factory=list, max_length=MAX_CATALOG_ENTRIES)
    locations: list[LocationConfig] = Field(min_length=1, max_length=MAX_NETWORK_ENTRIES)
    carriers: list[CarrierConfig] = Field(default_factory=list, max_length=MAX_NETWORK_ENTRIES)
    stock: list[StockConfig] = Field(default_factory=list, max_length=MAX_CATALOG_ENTRIES)
    rules: RulesConfig = Field(default_factory=RulesConfig)
