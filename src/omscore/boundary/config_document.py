"""The merchant configuration document: the pydantic models of the file ``docs/formats.md`` describes.

Field defaults are read from the domain and policy classes, so the file format and the model never disagree.
"""

from __future__ import annotations

from typing import Annotated, Any, Final, Literal

import attrs
from pydantic import BaseModel, Field, StringConstraints

from omscore.boundary._fields import (
    MAX_QUANTITY,
    STRICT,
    Code,
    ExternalId,
    GeoPayload,
    IsoDate,
    IsoDatetime,
    Minor,
    Name,
    Region,
    Tag,
)
from omscore.domain.catalog import Kit, Sku
from omscore.domain.network import Carrier, Location
from omscore.policies.carriers.settings import CarrierRules, CarrierSettings, MemoRules, ShopCarrierRule
from omscore.policies.merge import MergeSettings
from omscore.policies.promise import LocationSchedule
from omscore.policies.review import ReviewSettings
from omscore.policies.routing import (
    Cost,
    DailyCapacity,
    Distance,
    DropShip,
    HomeRegion,
    KeepKits,
    Presale,
    RoutingSettings,
    RoutingStrategy,
    SafetyStock,
    ShopException,
    SkuLocation,
    StorePickup,
)
from omscore.policies.sharing import PoolRule, ShareRule
from omscore.policies.split import DEFAULT_PARCEL_LIMITS, SplitRules

#: Most entries of the shops, locations and carriers sections.
MAX_NETWORK_ENTRIES: Final = 10_000
#: Most entries of the skus, kits, listings and stock sections.
MAX_CATALOG_ENTRIES: Final = 1_000_000
#: Most entries of a table inside a routing rule (locations per SKU, safety stock levels …).
MAX_RULE_ENTRIES: Final = 100_000

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
    when_short: Literal["keep_apart", "merge_anyway"] = Field(
        default=_default(MergeSettings, "when_short").value,
        description=(
            "When the merged order could not be served in full from the stock available: keep_apart (an "
            "allocated order keeps its reservation, an order that can ship is not held back) or merge_anyway."
        ),
    )


# --- routing strategy ----------------------------------------------------------------------------------------


def _required(rule: type) -> Any:
    return Field(
        default=_default(rule, "required"),
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
        default=_default(SafetyStock, "default"), ge=0, le=10**12, description="Everywhere else, per SKU."
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


class ShipCompleteRule(BaseModel):
    """整单发货: one location shipping everything beats any split."""

    model_config = STRICT

    rule: Literal["ship_complete"]


class FewestShipmentsRule(BaseModel):
    """最少包裹: the fewest locations."""

    model_config = STRICT

    rule: Literal["fewest_shipments"]


class MinShipmentValueRule(BaseModel):
    """起发金额: prefer plans whose shipments are each worth at least a minimum."""

    model_config = STRICT

    rule: Literal["min_shipment_value"]
    minor: Minor = Field(description="Least value of one shipment, in minor units.")


class CentroidConfig(BaseModel):
    """The point distance-based routing uses for a region."""

    model_config = STRICT

    region: Region = Field(description="A region code, e.g. CN/Zhejiang/Yiwu.")
    lat: float = Field(ge=-90, le=90, allow_inf_nan=False, description="Latitude, −90 to 90.")
    lon: float = Field(ge=-180, le=180, allow_inf_nan=False, description="Longitude, −180 to 180.")


class DistanceRule(BaseModel):
    """就近发货: the shortest total distance to the recipient."""

    model_config = STRICT

    rule: Literal["distance"]
    granularity_km: int = Field(
        default=_default(Distance, "granularity_km"),
        ge=1,
        le=20_000,
        description="Distances closer than this tie and fall through to the next rule.",
    )
    unknown_km: int = Field(
        default=_default(Distance, "unknown_km"),
        ge=0,
        le=100_000,
        description="Distance counted for a location without a geo point.",
    )
    centroids: list[CentroidConfig] = Field(
        default_factory=list,
        max_length=MAX_RULE_ENTRIES,
        description="Points of regions, added to or replacing the built-in ones (for addresses without geo).",
    )


class LocationCost(BaseModel):
    """Costs of one location, overriding its own."""

    model_config = STRICT

    location: Code = Field(description="A location id declared in locations.")
    shipment_minor: Minor | None = Field(default=None, description="Fixed cost of a shipment; null: the location's.")
    unit_minor: Minor | None = Field(default=None, description="Cost of a unit; null: the location's.")
    per_kg_minor: Minor | None = Field(default=None, description="Cost per kilogram; null: default_per_kg_minor.")


class CostRule(BaseModel):
    """最小成本: the lowest handling cost."""

    model_config = STRICT

    rule: Literal["cost"]
    locations: list[LocationCost] = Field(
        default_factory=list, max_length=MAX_NETWORK_ENTRIES, description="Per-location cost overrides."
    )
    default_per_kg_minor: Minor = Field(
        default=_default(Cost, "default_per_kg_minor"), description="Cost per kilogram of a location without its own."
    )
    gap: float = Field(
        default=_default(Cost, "gap"),
        ge=0,
        lt=1,
        allow_inf_nan=False,
        description="Accept a plan proven within this fraction of the cheapest (0: prove it cheapest).",
    )


RuleConfig = Annotated[
    StorePickupRule
    | ShopExceptionRule
    | SkuLocationRule
    | HomeRegionRule
    | PresaleRule
    | DropShipRule
    | SafetyStockRule
    | CapacityRule
    | KeepKitsRule
    | ShipCompleteRule
    | FewestShipmentsRule
    | MinShipmentValueRule
    | DistanceRule
    | CostRule,
    Field(discriminator="rule"),
]
"""One step of a routing strategy, chosen by its ``rule`` name."""


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
    split_lines: bool = Field(
        default=_default(RoutingStrategy, "split_lines"),
        description="Let one line's units come from several locations.",
    )
    strategy: list[RuleConfig] | None = Field(
        default=None,
        max_length=32,
        description="The routing rules in order, each at most once; null: the default strategy.",
    )


class SplitConfig(BaseModel):
    """拆单: how a routed order splits into parcels."""

    model_config = STRICT

    presale: Literal["ship_available", "ship_complete"] = Field(
        default=_default(SplitRules, "presale").value,
        description="ship_available: in-stock units ship now (有货先发); ship_complete: wait for the presale date.",
    )
    min_shipment_value_minor: Minor | None = Field(
        default=_default(SplitRules, "min_shipment_value_minor"),
        description="Split presale from in-stock only when each part is worth at least this; null: no minimum.",
    )
    max_packages: int | None = Field(
        default=_default(SplitRules, "max_packages"),
        ge=1,
        le=1_000,
        description="Most parcels one order may ship in; null: no limit.",
    )
    max_parcel_weight_g: int | None = Field(
        default=DEFAULT_PARCEL_LIMITS.max_weight_g, ge=1, le=10**7, description="Heaviest parcel; null: no limit."
    )
    max_parcel_volume_cm3: int | None = Field(
        default=DEFAULT_PARCEL_LIMITS.max_volume_cm3, ge=1, le=10**9, description="Largest parcel; null: no limit."
    )
    segregate_tags: _TagList = Field(
        default_factory=lambda: sorted(DEFAULT_PARCEL_LIMITS.segregate),
        max_length=32,
        description="Items share a parcel only if they carry the same of these tags (cold_chain apart from ambient).",
    )
    alone_tags: _TagList = Field(
        default_factory=lambda: sorted(DEFAULT_PARCEL_LIMITS.alone),
        max_length=32,
        description="Items with any of these tags ship in a parcel of their own.",
    )
    incompatible_tags: list[Annotated[list[Tag], Field(min_length=2, max_length=2)]] = Field(
        default_factory=list, max_length=1_000, description="Pairs of tags that never share a parcel."
    )


# --- carriers and promise ------------------------------------------------------------------------------------

CriterionName = Literal["priority", "cost", "sla"]
"""The values of :class:`~omscore.policies.carriers.settings.Criterion` (a test keeps them equal)."""
_CarrierList = Annotated[list[Code], Field(max_length=1_000)]
_RankBy = Annotated[list[CriterionName], Field(max_length=3)]
_Weekdays = Annotated[list[Annotated[int, Field(ge=0, le=6)]], Field(max_length=7)]
_Dates = Annotated[list[IsoDate], Field(max_length=10_000)]
_Cutoff = Annotated[str, StringConstraints(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]
_Timezone = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^\S+$")]


class CarrierRulesConfig(BaseModel):
    """What the merchant adds to one carrier: limits, quota and share."""

    model_config = STRICT

    carrier: Code = Field(description="A carrier id declared in carriers.")
    max_volume_cm3: int | None = Field(
        default=_default(CarrierRules, "max_volume_cm3"), ge=0, le=10**9, description="Largest parcel; null: no limit."
    )
    max_cod_minor: Minor | None = Field(
        default=_default(CarrierRules, "max_cod_minor"),
        description="Most cash it collects on delivery for one parcel; null: no limit.",
    )
    required_tags: _TagList = Field(
        default_factory=list, max_length=32, description="It takes only parcels carrying every one of these tags."
    )
    excluded_tags: _TagList = Field(
        default_factory=list, max_length=32, description="It refuses parcels carrying any of these tags."
    )
    volumetric_divisor: int | None = Field(
        default=_default(CarrierRules, "volumetric_divisor"),
        ge=1,
        le=10**6,
        description="Charge by volume weight (volume_cm3 × 1000 / divisor grams) when heavier; null: actual weight.",
    )
    daily_quota: int | None = Field(
        default=_default(CarrierRules, "daily_quota"),
        ge=0,
        le=10**9,
        description="Parcels a day it should get at one location; null: no limit.",
    )
    hard_quota: bool = Field(
        default=_default(CarrierRules, "hard_quota"),
        description="A full carrier is not eligible at all (otherwise used only when no other carrier is).",
    )
    share: int = Field(
        default=_default(CarrierRules, "share"),
        ge=0,
        le=10**6,
        description="Its weight in the daily split between carriers; 0: not shared.",
    )


class RegionCarriersConfig(BaseModel):
    """地区匹配: carriers preferred for a region and its sub-regions."""

    model_config = STRICT

    region: Region = Field(description="A region code, e.g. CN/Zhejiang.")
    carriers: Annotated[list[Code], Field(min_length=1, max_length=1_000)] = Field(
        description="Carrier ids preferred, in order."
    )


class SkuCarriersConfig(BaseModel):
    """例外商品: carriers a SKU, or every SKU with a tag, needs or must not use."""

    model_config = STRICT

    sku: Code | None = Field(default=None, description="A SKU code declared in skus (give sku or tag).")
    tag: Tag | None = Field(default=None, description="A SKU tag (give sku or tag).")
    carriers: _CarrierList = Field(default_factory=list, description="Carrier ids preferred, in order.")
    only: bool = Field(default=False, description="Parcels with it go with no carrier outside carriers.")
    forbidden: _CarrierList = Field(default_factory=list, description="Carrier ids never used for it.")


class MemoAlias(BaseModel):
    """A name of a carrier as buyers and sellers write it in memos."""

    model_config = STRICT

    alias: Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^\S(?:.*\S)?$")] = Field(
        description="The name or abbreviation, e.g. 中通."
    )
    carrier: Code = Field(description="A carrier id declared in carriers.")


class MemoConfig(BaseModel):
    """根据备注提取物流: carriers named in memos."""

    model_config = STRICT

    read_seller_memo: bool = Field(
        default=_default(MemoRules, "read_seller_memo"), description="Read the seller's memo (it wins)."
    )
    read_buyer_memo: bool = Field(default=_default(MemoRules, "read_buyer_memo"), description="Read the buyer's memo.")
    builtin_aliases: bool = Field(
        default=True, description="Start from the built-in table of Chinese carrier names (false: only aliases)."
    )
    aliases: list[MemoAlias] = Field(
        default_factory=list, max_length=10_000, description="Further names, each once; they win over built-in ones."
    )
    negations: list[Annotated[str, StringConstraints(min_length=1, max_length=32)]] | None = Field(
        default=None,
        max_length=1_000,
        description="Words that turn a mention into a refusal (不要中通); null: the built-in list.",
    )


class CarriersConfig(BaseModel):
    """快递策略: how carriers are chosen."""

    model_config = STRICT

    rank_by: _RankBy = Field(
        default_factory=lambda: [c.value for c in _default(CarrierSettings, "rank_by")],
        description="Criteria compared in order when no preference decides: priority, cost, sla; then the id.",
    )
    candidates: _CarrierList | None = Field(
        default=None, description="The carriers the ranking chooses among; null: every carrier."
    )
    fallback: _CarrierList = Field(
        default_factory=list, description="补充策略: carriers tried in order when nothing else found one."
    )
    rules: list[CarrierRulesConfig] = Field(
        default_factory=list, max_length=MAX_NETWORK_ENTRIES, description="Per-carrier limits, quotas and shares."
    )
    regions: list[RegionCarriersConfig] = Field(
        default_factory=list, max_length=MAX_RULE_ENTRIES, description="Region preferences, each region once."
    )
    skus: list[SkuCarriersConfig] = Field(
        default_factory=list, max_length=MAX_RULE_ENTRIES, description="SKU and tag rules, in precedence order."
    )
    memo: MemoConfig = Field(default_factory=MemoConfig, description="Reading carriers from memos.")


class ShopCarriersConfig(BaseModel):
    """例外店铺: how one shop's parcels choose carriers."""

    model_config = STRICT

    carriers: _CarrierList = Field(default_factory=list, description="Carrier ids the shop prefers, in order.")
    only: bool = Field(
        default=_default(ShopCarrierRule, "only"), description="The shop's parcels go with no carrier outside carriers."
    )
    forbidden: _CarrierList = Field(default_factory=list, description="Carrier ids never used for the shop.")
    rank_by: _RankBy | None = Field(default=None, description="The shop's ranking; null: the merchant's.")
    candidates: _CarrierList | None = Field(
        default=None, description="The carriers the shop's ranking chooses among; null: the merchant's."
    )
    fallback: _CarrierList | None = Field(default=None, description="The shop's fallback chain; null: the merchant's.")


class ScheduleConfig(BaseModel):
    """When a location hands parcels to carriers."""

    model_config = STRICT

    processing_days: int = Field(
        default=_default(LocationSchedule, "processing_days"),
        ge=0,
        le=365,
        description="Shipping days between the day an order counts from and the day it ships.",
    )
    cutoff: _Cutoff = Field(
        default=_default(LocationSchedule, "cutoff").strftime("%H:%M"),
        description="Local time HH:MM; an order ready at or after it counts from the next shipping day.",
    )
    timezone: _Timezone = Field(
        default=_default(LocationSchedule, "timezone"), description="IANA time zone of the location."
    )
    closed_weekdays: _Weekdays = Field(
        default_factory=list, description="Weekdays it does not ship, 0 = Monday … 6 = Sunday."
    )
    closed_dates: _Dates = Field(default_factory=list, description="Dates it does not ship besides the holidays.")


class LocationScheduleConfig(ScheduleConfig):
    """The schedule of one location; omitted fields are taken from default_location."""

    location: Code = Field(description="A location id declared in locations.")


class RegionDays(BaseModel):
    """Transit days of a carrier to one region."""

    model_config = STRICT

    region: Region = Field(description="A region code, e.g. CN/Zhejiang.")
    days: int = Field(ge=0, le=365, description="Delivery days to it and its sub-regions.")


class TransitConfig(BaseModel):
    """How long one carrier takes, by destination region."""

    model_config = STRICT

    carrier: Code = Field(description="A carrier id declared in carriers.")
    by_region: list[RegionDays] = Field(
        default_factory=list, max_length=MAX_RULE_ENTRIES, description="Days by region; the most specific wins."
    )
    default_days: int | None = Field(
        default=None, ge=0, le=365, description="Days to other regions; null: the carrier's sla_days."
    )
    closed_weekdays: _Weekdays = Field(
        default_factory=list, description="Weekdays it neither collects nor delivers, 0 = Monday … 6 = Sunday."
    )


class PromiseConfig(BaseModel):
    """时效承诺: what delivery promises depend on."""

    model_config = STRICT

    default_location: ScheduleConfig = Field(
        default_factory=ScheduleConfig, description="The schedule of a location not listed in locations."
    )
    locations: list[LocationScheduleConfig] = Field(
        default_factory=list, max_length=MAX_NETWORK_ENTRIES, description="Schedules by location, each once."
    )
    transit: list[TransitConfig] = Field(
        default_factory=list, max_length=MAX_NETWORK_ENTRIES, description="Transit times by carrier, each once."
    )
    holidays: _Dates = Field(default_factory=list, description="Dates with no pickup and no delivery anywhere.")
    working_days: _Dates = Field(
        default_factory=list, description="Make-up working days (调休): open even on a closed weekday."
    )


class RulesConfig(BaseModel):
    """The merchant-wide rules of the pipeline."""

    model_config = STRICT

    review: ReviewRules = Field(default_factory=ReviewRules)
    merge: MergeRules = Field(default_factory=MergeRules)
    routing: RoutingRules = Field(default_factory=RoutingRules)
    split: SplitConfig = Field(default_factory=SplitConfig)
    carriers: CarriersConfig = Field(default_factory=CarriersConfig)
    promise: PromiseConfig = Field(default_factory=PromiseConfig)


# --- stock sharing -------------------------------------------------------------------------------------------

_Units = Annotated[int, Field(ge=0, le=10**12)]
SharingMethodName = Literal["shared", "webster", "hamilton", "quota"]
"""The values of :class:`~omscore.policies.sharing.SharingMethod` (a test keeps them equal)."""


def _inherited(description: str, default: object) -> Any:
    return Field(default=None, description=f"{description} Null: inherited (finally {default}).")


class ShareConfig(BaseModel):
    """库存分配: what a listing may publish. Every field is optional; an unset field is inherited from the next
    level up (listing SKU > listing > shop > defaults)."""

    model_config = STRICT

    weight: _Units | None = _inherited("Ratio weight in the shared pool (0: no share).", _default(ShareRule, "weight"))
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
        f"{_default(ShareRule, 'lag_minutes')}).",
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
        _default(PoolRule, "method").value,
    )
    buffer: _Units | None = _inherited("Units never published.", _default(PoolRule, "buffer"))
    presale_stock: _Units | None = _inherited(
        "Virtual units presale listings may sell on top of the pool.", _default(PoolRule, "presale_stock")
    )
    pace_lags: float | None = Field(
        default=None,
        ge=0,
        le=1_000,
        allow_inf_nan=False,
        description=f"The pacing window of shared, in sync lags. Null: inherited (finally "
        f"{_default(PoolRule, 'pace_lags')}).",
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
    split: SplitConfig | None = Field(default=None, description="Split rules of this shop; omitted fields inherit.")
    carriers: ShopCarriersConfig | None = Field(
        default=None, description="The shop's carrier rules (例外店铺); null: the merchant-wide ones."
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
    sharing: SharingSection = Field(default_factory=SharingSection)
