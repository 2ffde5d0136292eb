"""The routing rules of a strategy that say where lines may come from (store pickup, shop exception, SKU
location, home region, presale, drop-ship, safety stock, capacity, kits), as the configuration file gives them."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from omscore.boundary._fields import STRICT, Code, Region
from omscore.boundary.config.fields import MAX_CATALOG_ENTRIES, MAX_NETWORK_ENTRIES, MAX_RULE_ENTRIES, domain_default
from omscore.policies.routing import (
    DailyCapacity,
    DropShip,
    HomeRegion,
    KeepKits,
    Presale,
    SafetyStock,
    ShopException,
    SkuLocation,
    StorePickup,
)


def _required(rule: type) -> Any:
    return Field(
        default=domain_default(rule, "required"),
        description="Remove every plan that does not honour the rule, even when none is left (the order waits).",
    )


_Locations = Annotated[list[Code], Field(min_length=1, max_length=MAX_NETWORK_ENTRIES)]


class StorePickupRule(BaseModel):
    """门店自提: an order that names a pickup store ships from it."""

    model_config = STRICT

    rule: Literal["store_pickup"]
    required: bool = _required(StorePickup)


class ShopLocations(BaseModel):
    """The locations of one shop's exception."""

    model_config = STRICT

    platform: Code = Field(description="Platform of a shop declared in shops.")
    shop: Code = Field(description="Shop declared in shops.")
    locations: _Locations = Field(description="Locations its orders ship from.")


class ShopExceptionRule(BaseModel):
    """例外店铺: a shop's orders ship from the locations set for it."""

    model_config = STRICT

    rule: Literal["shop_exception"]
    shops: list[ShopLocations] = Field(min_length=1, max_length=MAX_NETWORK_ENTRIES, description="Shop → locations.")
    required: bool = _required(ShopException)


class SkuLocations(BaseModel):
    """The locations of one SKU."""

    model_config = STRICT

    sku: Code = Field(description="A SKU code declared in skus.")
    locations: _Locations = Field(description="Locations its lines ship from.")


class SkuLocationRule(BaseModel):
    """商品指定仓: the lines of a SKU ship from the locations set for it."""

    model_config = STRICT

    rule: Literal["sku_location"]
    skus: list[SkuLocations] = Field(min_length=1, max_length=MAX_RULE_ENTRIES, description="SKU → locations.")
    required: bool = _required(SkuLocation)


class RegionLocations(BaseModel):
    """The home locations of one region."""

    model_config = STRICT

    region: Region = Field(description="A region code, e.g. CN/Zhejiang.")
    locations: _Locations = Field(description="Its home locations.")


class HomeRegionRule(BaseModel):
    """属地仓: the order ships from the home locations of the recipient's region."""

    model_config = STRICT

    rule: Literal["home_region"]
    regions: list[RegionLocations] = Field(
        default_factory=list,
        max_length=MAX_RULE_ENTRIES,
        description="Region → home locations (most specific match wins); empty: the locations' own regions.",
    )
    required: bool = _required(HomeRegion)


class PresaleRule(BaseModel):
    """预售: presale lines ship from the presale locations."""

    model_config = STRICT

    rule: Literal["presale"]
    locations: list[Code] = Field(
        default_factory=list,
        max_length=MAX_NETWORK_ENTRIES,
        description="Where presale stock arrives; empty: keep the presale lines together.",
    )
    required: bool = _required(Presale)


class DropShipRule(BaseModel):
    """工厂代发: suppliers ship only the SKUs the merchant's own locations cannot."""

    model_config = STRICT

    rule: Literal["drop_ship"]
    required: bool = _required(DropShip)


class SafetyLevel(BaseModel):
    """Units of one SKU one location keeps back from routing."""

    model_config = STRICT

    location: Code = Field(description="A location id declared in locations.")
    sku: Code = Field(description="A SKU code declared in skus.")
    units: int = Field(ge=0, le=10**12, description="Units kept back.")


class LocationUnits(BaseModel):
    """Units of every SKU one location keeps back from routing."""

    model_config = STRICT

    location: Code = Field(description="A location id declared in locations.")
    units: int = Field(ge=0, le=10**12, description="Units kept back of each SKU.")


class SafetyStockRule(BaseModel):
    """Routing safety stock: units kept back are taken only when no plan can do without them."""

    model_config = STRICT

    rule: Literal["safety_stock"]
    levels: list[SafetyLevel] = Field(
        default_factory=list, max_length=MAX_CATALOG_ENTRIES, description="Per location and SKU."
    )
    by_location: list[LocationUnits] = Field(
        default_factory=list, max_length=MAX_NETWORK_ENTRIES, description="Per location, for SKUs not in levels."
    )
    default: int = Field(
        default=domain_default(SafetyStock, "default"), ge=0, le=10**12, description="Everywhere else, per SKU."
    )
    required: bool = _required(SafetyStock)


class LocationCapacity(BaseModel):
    """Shipments one location can release a day."""

    model_config = STRICT

    location: Code = Field(description="A location id declared in locations.")
    shipments: int = Field(ge=0, le=10**9, description="Shipments per day.")


class CapacityRule(BaseModel):
    """Remaining daily capacity: full locations are used only when no plan can do without them."""

    model_config = STRICT

    rule: Literal["capacity"]
    capacity: list[LocationCapacity] = Field(
        default_factory=list,
        max_length=MAX_NETWORK_ENTRIES,
        description="Overrides of the locations' daily_capacity.",
    )
    required: bool = _required(DailyCapacity)


class KeepKitsRule(BaseModel):
    """组合商品: the lines of one ordered kit ship from one location unless the kit is splittable."""

    model_config = STRICT

    rule: Literal["keep_kits"]
    required: bool = _required(KeepKits)
