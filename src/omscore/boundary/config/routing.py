"""The routing section of the configuration file (分仓) and its strategy: which rules decide where lines come
from, checked against the locations, shops and SKUs the file declares, and built into routing rules."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

from pydantic import BaseModel, Field

from omscore.boundary._fields import STRICT
from omscore.boundary.config.checks import Known
from omscore.boundary.config.constraints import (
    CapacityRule,
    DropShipRule,
    HomeRegionRule,
    KeepKitsRule,
    PresaleRule,
    SafetyStockRule,
    ShopExceptionRule,
    SkuLocationRule,
    StorePickupRule,
)
from omscore.boundary.config.fields import domain_default
from omscore.boundary.config.preferences import (
    CostRule,
    DistanceRule,
    FewestShipmentsRule,
    MinShipmentValueRule,
    ShipCompleteRule,
)
from omscore.boundary.errors import FieldProblem
from omscore.domain.address import GeoPoint
from omscore.domain.identity import Channel, LocationId, SkuCode
from omscore.policies.routing import (
    DEFAULT_RULES,
    Centroids,
    Cost,
    DailyCapacity,
    Distance,
    DropShip,
    FewestShipments,
    HomeRegion,
    KeepKits,
    MinShipmentValue,
    Presale,
    RoutingSettings,
    RoutingStrategy,
    Rule,
    SafetyStock,
    ShipComplete,
    ShopException,
    SkuLocation,
    SourcingSettings,
    StorePickup,
    region_key,
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
        default=domain_default(RoutingSettings, "allow_split"),
        description="Let one order ship from several locations when no single one has everything.",
    )
    max_shipments: int | None = Field(
        default=domain_default(RoutingSettings, "max_shipments"),
        ge=1,
        le=100,
        description="Most shipments one order may be split into; null: no limit.",
    )
    backorder: bool = Field(
        default=domain_default(RoutingSettings, "backorder"),
        description="有货先发: ship what is in stock now and let the missing units wait as a backorder.",
    )
    split_lines: bool = Field(
        default=domain_default(RoutingStrategy, "split_lines"),
        description="Let one line's units come from several locations.",
    )
    strategy: list[RuleConfig] | None = Field(
        default=None,
        max_length=32,
        description="The routing rules in order, each at most once; null: the default strategy.",
    )


def check_strategy(path: str, strategy: list[RuleConfig] | None, known: Known) -> list[FieldProblem]:
    """Each rule once per strategy; every shop, SKU and location a rule names declared, each once per rule."""
    problems: list[FieldProblem] = []
    named: set[str] = set()
    for i, rule in enumerate(strategy or ()):
        at = f"{path}.{i}"
        if rule.rule in named:
            problems.append(FieldProblem(f"{at}.rule", rule.rule, "the rule is listed twice", "duplicate"))
        named.add(rule.rule)
        problems.extend(_check_rule(at, rule, known))
    return problems


def _check_rule(at: str, rule: RuleConfig, known: Known) -> list[FieldProblem]:
    problems: list[FieldProblem] = []

    def location(field: str, value: str) -> None:
        if value not in known.locations:
            problems.append(FieldProblem(field, value, "unknown location", "unknown_reference"))

    def once(seen: set[Any], key: Any, field: str, value: Any, what: str) -> None:
        if key in seen:
            problems.append(FieldProblem(field, value, f"duplicate {what}", "duplicate"))
        seen.add(key)

    seen: set[Any] = set()
    if isinstance(rule, ShopExceptionRule):
        for j, entry in enumerate(rule.shops):
            shop = f"{entry.platform}:{entry.shop}"
            if (entry.platform, entry.shop) not in known.shops:
                problems.append(FieldProblem(f"{at}.shops.{j}.shop", shop, "shop not declared", "unknown_reference"))
            once(seen, (entry.platform, entry.shop), f"{at}.shops.{j}.shop", shop, "shop in the rule")
            for k, loc in enumerate(entry.locations):
                location(f"{at}.shops.{j}.locations.{k}", loc)
    elif isinstance(rule, SkuLocationRule):
        for j, sku_entry in enumerate(rule.skus):
            if sku_entry.sku not in known.skus:
                problems.append(FieldProblem(f"{at}.skus.{j}.sku", sku_entry.sku, "unknown SKU", "unknown_reference"))
            once(seen, sku_entry.sku, f"{at}.skus.{j}.sku", sku_entry.sku, "SKU in the rule")
            for k, loc in enumerate(sku_entry.locations):
                location(f"{at}.skus.{j}.locations.{k}", loc)
    elif isinstance(rule, HomeRegionRule):
        for j, region in enumerate(rule.regions):
            once(seen, region_key(region.region), f"{at}.regions.{j}.region", region.region, "region in the rule")
            for k, loc in enumerate(region.locations):
                location(f"{at}.regions.{j}.locations.{k}", loc)
    elif isinstance(rule, PresaleRule):
        for k, loc in enumerate(rule.locations):
            location(f"{at}.locations.{k}", loc)
            once(seen, loc, f"{at}.locations.{k}", loc, "location in the rule")
    elif isinstance(rule, SafetyStockRule):
        for j, level in enumerate(rule.levels):
            location(f"{at}.levels.{j}.location", level.location)
            if level.sku not in known.skus:
                problems.append(FieldProblem(f"{at}.levels.{j}.sku", level.sku, "unknown SKU", "unknown_reference"))
            pair = f"{level.location}/{level.sku}"
            once(seen, (level.location, level.sku), f"{at}.levels.{j}", pair, "level for the location/SKU")
        by_location: set[str] = set()
        for j, units in enumerate(rule.by_location):
            location(f"{at}.by_location.{j}.location", units.location)
            once(by_location, units.location, f"{at}.by_location.{j}.location", units.location, "location")
    elif isinstance(rule, CapacityRule):
        for j, capacity in enumerate(rule.capacity):
            location(f"{at}.capacity.{j}.location", capacity.location)
            once(seen, capacity.location, f"{at}.capacity.{j}.location", capacity.location, "location")
    elif isinstance(rule, DistanceRule):
        for j, centroid in enumerate(rule.centroids):
            once(seen, region_key(centroid.region), f"{at}.centroids.{j}.region", centroid.region, "region")
    elif isinstance(rule, CostRule):
        for j, cost in enumerate(rule.locations):
            location(f"{at}.locations.{j}.location", cost.location)
            once(seen, cost.location, f"{at}.locations.{j}.location", cost.location, "location")
    return problems


def to_sourcing_settings(
    merchant: RoutingRules, shop_routing: Sequence[RoutingRules | None], channels: tuple[Channel, ...]
) -> SourcingSettings:
    """The routing strategies: the merchant's, and one for each shop whose ``routing`` gives a strategy or
    ``split_lines`` (``shop_routing`` holds each shop's section, in the order of ``channels``)."""
    rules = DEFAULT_RULES if merchant.strategy is None else tuple(_rule(r) for r in merchant.strategy)
    strategy = RoutingStrategy(rules=rules, split_lines=merchant.split_lines)
    shops: dict[Channel, RoutingStrategy] = {}
    for channel, routing in zip(channels, shop_routing, strict=True):
        given = set() if routing is None else routing.model_fields_set
        if routing is None or not given & {"strategy", "split_lines"}:
            continue
        own = routing.strategy
        shops[channel] = RoutingStrategy(
            rules=(DEFAULT_RULES if own is None else tuple(_rule(r) for r in own)) if "strategy" in given else rules,
            split_lines=routing.split_lines if "split_lines" in given else merchant.split_lines,
            name=str(channel),
        )
    return SourcingSettings(strategy=strategy, shops=shops)


def _rule(entry: RuleConfig) -> Rule:
    """The routing rule of a strategy entry."""
    if isinstance(entry, StorePickupRule):
        return StorePickup(required=entry.required)
    if isinstance(entry, ShopExceptionRule):
        return ShopException({Channel(s.platform, s.shop): s.locations for s in entry.shops}, required=entry.required)
    if isinstance(entry, SkuLocationRule):
        return SkuLocation({SkuCode(s.sku): s.locations for s in entry.skus}, required=entry.required)
    if isinstance(entry, HomeRegionRule):
        return HomeRegion({r.region: r.locations for r in entry.regions}, required=entry.required)
    if isinstance(entry, PresaleRule):
        return Presale(entry.locations, required=entry.required)
    if isinstance(entry, DropShipRule):
        return DropShip(required=entry.required)
    if isinstance(entry, SafetyStockRule):
        return SafetyStock(
            levels={(x.location, x.sku): x.units for x in entry.levels},
            by_location={LocationId(x.location): x.units for x in entry.by_location},
            default=entry.default,
            required=entry.required,
        )
    if isinstance(entry, CapacityRule):
        return DailyCapacity({LocationId(c.location): c.shipments for c in entry.capacity}, required=entry.required)
    if isinstance(entry, KeepKitsRule):
        return KeepKits(required=entry.required)
    if isinstance(entry, ShipCompleteRule):
        return ShipComplete()
    if isinstance(entry, FewestShipmentsRule):
        return FewestShipments()
    if isinstance(entry, MinShipmentValueRule):
        return MinShipmentValue(entry.minor)
    if isinstance(entry, DistanceRule):
        return Distance(
            granularity_km=entry.granularity_km,
            unknown_km=entry.unknown_km,
            centroids=Centroids({c.region: GeoPoint(c.lat, c.lon) for c in entry.centroids}),
        )
    return Cost(
        shipment_minor={
            LocationId(c.location): c.shipment_minor for c in entry.locations if c.shipment_minor is not None
        },
        unit_minor={LocationId(c.location): c.unit_minor for c in entry.locations if c.unit_minor is not None},
        per_kg_minor={LocationId(c.location): c.per_kg_minor for c in entry.locations if c.per_kg_minor is not None},
        default_per_kg_minor=entry.default_per_kg_minor,
        gap=entry.gap,
    )
