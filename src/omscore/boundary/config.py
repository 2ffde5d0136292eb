"""The merchant configuration file: shops, catalog, network, initial stock and pipeline rules.

The file is JSON (or TOML, chosen by the ``.toml`` suffix) in the shape documented in ``docs/formats.md``.
:func:`parse_config` validates it strictly, cross-checks the references between its sections and builds the
domain values in a :class:`MerchantConfig`.
"""

from __future__ import annotations

import os
import re
import tomllib
import zoneinfo
from collections.abc import Callable, Iterable, Mapping
from datetime import time
from pathlib import Path
from typing import Any, Final, Literal, TypeVar

import attrs
from pydantic import BaseModel, ValidationError

from omscore.boundary.config_document import (
    CapacityRule,
    CarriersConfig,
    CostRule,
    DistanceRule,
    DropShipRule,
    FewestShipmentsRule,
    HomeRegionRule,
    KeepKitsRule,
    MerchantConfigDocument,
    MinShipmentValueRule,
    PoolConfig,
    PresaleRule,
    PromiseConfig,
    RuleConfig,
    SafetyStockRule,
    ScheduleConfig,
    ShareConfig,
    SharingSection,
    ShipCompleteRule,
    ShopExceptionRule,
    SkuLocationRule,
    SplitConfig,
    StorePickupRule,
)
from omscore.boundary.errors import (
    FieldProblem,
    InvalidDocument,
    configuration_error,
    document_problem,
    problems_of,
    size_problem,
)
from omscore.domain.address import GeoPoint, normalise_text
from omscore.domain.catalog import Catalog, Kit, KitComponent, Listing, Sku
from omscore.domain.errors import InvalidConfiguration, InvalidInput
from omscore.domain.identity import CarrierId, Channel, LocationId, SkuCode
from omscore.domain.inventory import StockLevel
from omscore.domain.network import Carrier, Location, LocationKind, Network
from omscore.policies.carriers.memo import DEFAULT_ALIASES, DEFAULT_NEGATIONS
from omscore.policies.carriers.settings import (
    CarrierRules,
    CarrierSettings,
    MemoRules,
    RegionCarrierRule,
    ShopCarrierRule,
    SkuCarrierRule,
)
from omscore.policies.merge import MergeSettings
from omscore.policies.optimise import ParcelLimits
from omscore.policies.promise import CarrierTransit, LocationSchedule, PromiseSettings, TransitTable
from omscore.policies.review import ReviewSettings
from omscore.policies.routing import (
    BUILT_IN_RULES,
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
from omscore.policies.settings import PipelineSettings
from omscore.policies.sharing import PoolSettings, ShareSettings, SharingConfig, SharingMethod, StockLock
from omscore.policies.split import PresaleMode, SplitRules, SplitSettings

#: Raw configuration documents larger than this many bytes are refused before parsing.
MAX_CONFIG_BYTES: Final = 32 * 1024 * 1024


@attrs.frozen
class MerchantConfig:
    """A validated merchant configuration, as domain values.

    Attributes:
        catalog: SKUs, kits and listings.
        network: locations and carriers.
        channels: the merchant's shops, in file order.
        shop_names: display name of each shop.
        stock: initial stock per (location, SKU), nothing reserved.
        settings: the pipeline rules with the shops' overrides.
        sourcing: the routing strategies (merchant-wide and per shop) and the region points.
        split: the split rules (merchant-wide and per shop).
        sharing: the stock-sharing settings (defaults, shops, listings, listing SKUs, pools).
        stock_locks: the stock locks (live streams, promotions), in file order.
    """

    catalog: Catalog
    network: Network
    channels: tuple[Channel, ...]
    shop_names: Mapping[Channel, str]
    stock: tuple[StockLevel, ...]
    settings: PipelineSettings
    sourcing: SourcingSettings = attrs.field(factory=SourcingSettings)
    split: SplitSettings = attrs.field(factory=SplitSettings)
    sharing: SharingConfig = attrs.field(factory=SharingConfig)
    stock_locks: tuple[StockLock, ...] = ()


def load_config(path: str | os.PathLike[str]) -> MerchantConfig:
    """Read and validate a merchant configuration file.

    Args:
        path: a ``.json`` file, or a ``.toml`` file (same structure; omit a key where JSON would have null).

    Returns:
        The validated :class:`MerchantConfig`.

    Raises:
        InvalidConfigurationDocument: (an :class:`~omscore.domain.errors.InvalidConfiguration`) naming the first
            offending field by its dotted path, with every problem in ``errors``.
        OSError: when the file cannot be read.
    """
    file = Path(path)
    raw = file.read_bytes()
    return parse_config(raw, format="toml" if file.suffix.lower() == ".toml" else "json")


def parse_config(
    data: Mapping[str, object] | str | bytes, *, format: Literal["json", "toml"] = "json"
) -> MerchantConfig:
    """Validate a merchant configuration document and build the domain values.

    Args:
        data: the document as text (``str`` or UTF-8 ``bytes``) or as a mapping such as ``json.loads`` or
            ``tomllib.loads`` return.
        format: the language of text input; ignored for a mapping.

    Returns:
        The validated :class:`MerchantConfig`.

    Raises:
        InvalidConfigurationDocument: (an :class:`~omscore.domain.errors.InvalidConfiguration`) naming the first
            offending field by its dotted path (``$`` for the whole document), with every problem in ``errors``:
            a value of the wrong type or out of range, an unknown field, a duplicate id, or a reference to a
            shop, SKU, kit or location the document does not declare.
    """
    try:
        if isinstance(data, str | bytes):
            if oversize := size_problem(data, MAX_CONFIG_BYTES):
                raise configuration_error([oversize])
            if format == "toml":
                document = MerchantConfigDocument.model_validate(_load_toml(data))
            else:
                document = MerchantConfigDocument.model_validate_json(data)
        else:
            document = MerchantConfigDocument.model_validate(dict(data) if isinstance(data, Mapping) else data)
    except ValidationError as error:
        raise configuration_error([_untagged(p) for p in problems_of(error)]) from error
    problems = _cross_check(document)
    if problems:
        raise configuration_error(problems)
    try:
        return _to_domain(document)
    except InvalidDocument:
        raise
    except InvalidInput as error:  # a domain rule the cross-checks do not repeat
        raise configuration_error([FieldProblem(error.field, error.value, error.reason, "domain")]) from error


def _load_toml(data: str | bytes) -> dict[str, Any]:
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        return tomllib.loads(text)
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise configuration_error([document_problem(data, f"not valid TOML: {error}", "toml_invalid")]) from error


#: The rule name pydantic puts after a strategy entry's index in error paths (the union's tag).
_RULE_TAG = re.compile(rf"(strategy\.\d+)\.(?:{'|'.join(BUILT_IN_RULES)})(?=\.|$)")


def _untagged(problem: FieldProblem) -> FieldProblem:
    """``rules.routing.strategy.0.distance.granularity_km`` → ``rules.routing.strategy.0.granularity_km``."""
    return attrs.evolve(problem, field=_RULE_TAG.sub(r"\1", problem.field))


# --- cross-checks --------------------------------------------------------------------------------------------


def _cross_check(doc: MerchantConfigDocument) -> list[FieldProblem]:
    """References between sections and uniqueness of ids, each problem named by its path in the document."""
    problems: list[FieldProblem] = []

    def problem(field: str, value: Any, reason: str, code: str) -> None:
        problems.append(FieldProblem(field, value, reason, code))

    def first_seen(seen: set[Any], key: Any, field: str, value: Any, what: str) -> None:
        if key in seen:
            problem(field, value, f"duplicate {what}", "duplicate")
        seen.add(key)

    shops: set[tuple[str, str]] = set()
    for i, shop in enumerate(doc.shops):
        first_seen(shops, (shop.platform, shop.shop), f"shops.{i}.shop", shop.shop, f"shop on {shop.platform}")
    skus: set[str] = set()
    for i, sku in enumerate(doc.skus):
        first_seen(skus, sku.code, f"skus.{i}.code", sku.code, "SKU code")
    kits: set[str] = set()
    for i, kit in enumerate(doc.kits):
        first_seen(kits, kit.code, f"kits.{i}.code", kit.code, "kit code")
        in_kit: set[str] = set()
        for j, component in enumerate(kit.components):
            field = f"kits.{i}.components.{j}.sku"
            if component.sku not in skus:
                problem(field, component.sku, "unknown SKU", "unknown_reference")
            first_seen(in_kit, component.sku, field, component.sku, "SKU in the kit")
    listings: set[tuple[str, str, str]] = set()
    for i, listing in enumerate(doc.listings):
        if (listing.platform, listing.shop) not in shops:
            problem(
                f"listings.{i}.shop", f"{listing.platform}:{listing.shop}", "shop not declared", "unknown_reference"
            )
        key = (listing.platform, listing.shop, listing.listing_id)
        first_seen(listings, key, f"listings.{i}.listing_id", listing.listing_id, "listing of the shop")
        if (listing.sku is None) == (listing.kit is None):
            problem(f"listings.{i}", listing.listing_id, "give exactly one of sku or kit", "sku_or_kit")
        elif listing.sku is not None and listing.sku not in skus:
            problem(f"listings.{i}.sku", listing.sku, "unknown SKU", "unknown_reference")
        elif listing.kit is not None and listing.kit not in kits:
            problem(f"listings.{i}.kit", listing.kit, "unknown kit", "unknown_reference")
    locations: set[str] = set()
    for i, location in enumerate(doc.locations):
        first_seen(locations, location.id, f"locations.{i}.id", location.id, "location id")
    carriers: set[str] = set()
    for i, carrier in enumerate(doc.carriers):
        first_seen(carriers, carrier.id, f"carriers.{i}.id", carrier.id, "carrier id")
        for j, loc in enumerate(carrier.locations):
            if loc not in locations:
                problem(f"carriers.{i}.locations.{j}", loc, "unknown location", "unknown_reference")
    stocked: set[tuple[str, str]] = set()
    for i, entry in enumerate(doc.stock):
        if entry.location not in locations:
            problem(f"stock.{i}.location", entry.location, "unknown location", "unknown_reference")
        if entry.sku not in skus:
            problem(f"stock.{i}.sku", entry.sku, "unknown SKU", "unknown_reference")
        key2 = (entry.location, entry.sku)
        first_seen(stocked, key2, f"stock.{i}", f"{entry.location}/{entry.sku}", "stock entry for the location/SKU")
    known = _Known(shops, skus, locations)
    kit_skus = {kit.code: frozenset(c.sku for c in kit.components) for kit in doc.kits}
    sold = {
        (x.platform, x.shop, x.listing_id): frozenset({x.sku})
        if x.sku is not None
        else kit_skus.get(x.kit or "", frozenset())
        for x in doc.listings
    }
    problems.extend(_check_sharing(doc.sharing, known, sold))
    problems.extend(_check_strategy("rules.routing.strategy", doc.rules.routing.strategy, known))
    problems.extend(_check_split("rules.split", doc.rules.split))
    for i, shop in enumerate(doc.shops):
        if shop.routing is not None:
            problems.extend(_check_strategy(f"shops.{i}.routing.strategy", shop.routing.strategy, known))
        if shop.split is not None:
            problems.extend(_check_split(f"shops.{i}.split", shop.split))
    problems.extend(_check_carriers(doc, known, carriers))
    problems.extend(_check_promise(doc.rules.promise, known))
    return problems


@attrs.frozen
class _Known:
    """What the document declares, for the references of routing rules."""

    shops: set[tuple[str, str]]
    skus: set[str]
    locations: set[str]


def _check_strategy(path: str, strategy: list[RuleConfig] | None, known: _Known) -> list[FieldProblem]:
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


def _check_rule(at: str, rule: RuleConfig, known: _Known) -> list[FieldProblem]:
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


_ListingKey = tuple[str, str, str]


def _check_sharing(
    section: SharingSection, known: _Known, sold: Mapping[_ListingKey, frozenset[str]]
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


def _check_split(path: str, split: SplitConfig) -> list[FieldProblem]:
    return [
        FieldProblem(f"{path}.incompatible_tags.{j}", pair, "name two different tags", "same_tag")
        for j, pair in enumerate(split.incompatible_tags)
        if pair[0] == pair[1]
    ]


def _region_parts(region: str) -> tuple[str, ...]:
    return tuple(normalise_text(p) for p in region.split("/") if p.strip())


def _check_carrier_list(path: str, ids: Iterable[str] | None) -> list[FieldProblem]:
    seen: set[str] = set()
    problems: list[FieldProblem] = []
    for j, carrier in enumerate(ids or ()):
        if carrier in seen:
            problems.append(FieldProblem(f"{path}.{j}", carrier, "the carrier is listed twice", "duplicate"))
        seen.add(carrier)
    return problems


def _check_rank_by(path: str, rank_by: Iterable[str] | None) -> list[FieldProblem]:
    seen: set[str] = set()
    problems: list[FieldProblem] = []
    for j, criterion in enumerate(rank_by or ()):
        if criterion in seen:
            problems.append(FieldProblem(f"{path}.{j}", criterion, "the criterion is listed twice", "duplicate"))
        seen.add(criterion)
    return problems


def _check_carriers(doc: MerchantConfigDocument, known: _Known, carriers: set[str]) -> list[FieldProblem]:
    """The carrier rules: no duplicates, an ``only`` with carriers, declared SKUs and memo carriers. Unknown
    carrier ids in the selection lists are reported by :meth:`CarrierSettings.check` during conversion."""
    section, at = doc.rules.carriers, "rules.carriers"
    problems = _check_rank_by(f"{at}.rank_by", section.rank_by)
    problems += _check_carrier_list(f"{at}.candidates", section.candidates)
    problems += _check_carrier_list(f"{at}.fallback", section.fallback)
    seen: set[Any] = set()
    for i, rules in enumerate(section.rules):
        if rules.carrier in seen:
            problems.append(FieldProblem(f"{at}.rules.{i}.carrier", rules.carrier, "duplicate carrier", "duplicate"))
        seen.add(rules.carrier)
    seen = set()
    for i, region in enumerate(section.regions):
        parts = _region_parts(region.region)
        if parts in seen:
            problems.append(FieldProblem(f"{at}.regions.{i}.region", region.region, "duplicate region", "duplicate"))
        seen.add(parts)
        problems += _check_carrier_list(f"{at}.regions.{i}.carriers", region.carriers)
    for i, sku in enumerate(section.skus):
        if (sku.sku is None) == (sku.tag is None):
            problems.append(
                FieldProblem(f"{at}.skus.{i}", sku.sku or sku.tag, "give exactly one of sku or tag", "sku_or_tag")
            )
        elif sku.sku is not None and sku.sku not in known.skus:
            problems.append(FieldProblem(f"{at}.skus.{i}.sku", sku.sku, "unknown SKU", "unknown_reference"))
        if sku.only and not sku.carriers:
            problems.append(
                FieldProblem(f"{at}.skus.{i}.only", True, "only needs carriers to list", "only_without_carriers")
            )
        problems += _check_carrier_list(f"{at}.skus.{i}.carriers", sku.carriers)
    aliases: set[str] = set()
    for i, alias in enumerate(section.memo.aliases):
        if alias.carrier not in carriers:
            problems.append(
                FieldProblem(f"{at}.memo.aliases.{i}.carrier", alias.carrier, "unknown carrier", "unknown_reference")
            )
        if alias.alias in aliases:
            problems.append(FieldProblem(f"{at}.memo.aliases.{i}.alias", alias.alias, "duplicate alias", "duplicate"))
        aliases.add(alias.alias)
    for i, word in enumerate(section.memo.negations or ()):
        if not normalise_text(word):
            problems.append(FieldProblem(f"{at}.memo.negations.{i}", word, "a negation must not be blank", "blank"))
    for i, shop in enumerate(doc.shops):
        if shop.carriers is None:
            continue
        here = f"shops.{i}.carriers"
        if shop.carriers.only and not shop.carriers.carriers:
            problems.append(FieldProblem(f"{here}.only", True, "only needs carriers to list", "only_without_carriers"))
        problems += _check_rank_by(f"{here}.rank_by", shop.carriers.rank_by)
        for name in ("carriers", "candidates", "fallback"):
            problems += _check_carrier_list(f"{here}.{name}", getattr(shop.carriers, name))
    return problems


def _check_promise(section: PromiseConfig, known: _Known) -> list[FieldProblem]:
    """Declared locations once each, carriers once each, valid time zones and weekdays, no date both a holiday
    and a working day."""
    at = "rules.promise"
    problems = _check_schedule(f"{at}.default_location", section.default_location)
    seen: set[str] = set()
    for i, schedule in enumerate(section.locations):
        here = f"{at}.locations.{i}"
        if schedule.location not in known.locations:
            problems.append(
                FieldProblem(f"{here}.location", schedule.location, "unknown location", "unknown_reference")
            )
        elif schedule.location in seen:
            problems.append(FieldProblem(f"{here}.location", schedule.location, "duplicate location", "duplicate"))
        seen.add(schedule.location)
        problems += _check_schedule(here, schedule)
    seen = set()
    for i, transit in enumerate(section.transit):
        here = f"{at}.transit.{i}"
        if transit.carrier in seen:
            problems.append(FieldProblem(f"{here}.carrier", transit.carrier, "duplicate carrier", "duplicate"))
        seen.add(transit.carrier)
        if len(set(transit.closed_weekdays)) == 7:
            problems.append(
                FieldProblem(f"{here}.closed_weekdays", transit.closed_weekdays, "no open day", "no_open_day")
            )
        regions: set[tuple[str, ...]] = set()
        for j, entry in enumerate(transit.by_region):
            parts = _region_parts(entry.region)
            if not parts or parts in regions:
                problems.append(
                    FieldProblem(f"{here}.by_region.{j}.region", entry.region, "duplicate region", "duplicate")
                )
            regions.add(parts)
    both = set(section.holidays) & set(section.working_days)
    for j, day in enumerate(section.working_days):
        if day in both:
            problems.append(FieldProblem(f"{at}.working_days.{j}", day.isoformat(), "also a holiday", "holiday"))
    return problems


def _check_schedule(path: str, schedule: ScheduleConfig) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    if "timezone" in schedule.model_fields_set or path.endswith("default_location"):
        try:
            zoneinfo.ZoneInfo(schedule.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            problems.append(FieldProblem(f"{path}.timezone", schedule.timezone, "unknown IANA time zone", "timezone"))
    if len(set(schedule.closed_weekdays)) == 7:
        problems.append(FieldProblem(f"{path}.closed_weekdays", schedule.closed_weekdays, "no open day", "no_open_day"))
    return problems


# --- conversion ----------------------------------------------------------------------------------------------


def _to_domain(doc: MerchantConfigDocument) -> MerchantConfig:
    catalog = Catalog.build(
        skus=(
            Sku(
                code=SkuCode(s.code),
                name=s.name,
                weight_g=s.weight_g,
                volume_cm3=s.volume_cm3,
                tags=_converted(s.tags),
                reference_price_minor=s.reference_price_minor,
            )
            for s in doc.skus
        ),
        kits=(
            Kit(
                code=k.code,
                components=_converted([KitComponent(SkuCode(c.sku), c.quantity) for c in k.components]),
                splittable=k.splittable,
            )
            for k in doc.kits
        ),
        listings=(
            Listing(
                channel=Channel(x.platform, x.shop),
                listing_id=x.listing_id,
                sku=None if x.sku is None else SkuCode(x.sku),
                kit=x.kit,
            )
            for x in doc.listings
        ),
    )
    network = Network.build(
        locations=(
            Location(
                id=LocationId(loc.id),
                name=loc.name,
                kind=LocationKind(loc.kind),
                geo=None if loc.geo is None else GeoPoint(loc.geo.lat, loc.geo.lon),
                regions=_converted(loc.regions),
                capabilities=_converted(loc.capabilities),
                priority=loc.priority,
                daily_capacity=loc.daily_capacity,
                cost_per_shipment_minor=loc.cost_per_shipment_minor,
                cost_per_unit_minor=loc.cost_per_unit_minor,
            )
            for loc in doc.locations
        ),
        carriers=(
            Carrier(
                id=CarrierId(c.id),
                name=c.name,
                regions=_converted(c.regions),
                excluded_regions=_converted(c.excluded_regions),
                max_weight_g=c.max_weight_g,
                supports_cod=c.supports_cod,
                base_cost_minor=c.base_cost_minor,
                per_kg_minor=c.per_kg_minor,
                sla_days=c.sla_days,
                priority=c.priority,
                locations=_converted(c.locations),
            )
            for c in doc.carriers
        ),
    )
    channels = tuple(Channel(s.platform, s.shop) for s in doc.shops)
    stock = tuple(
        StockLevel(LocationId(e.location), SkuCode(e.sku), on_hand=e.on_hand, safety=e.safety) for e in doc.stock
    )
    settings = _settings(doc, channels)
    try:
        settings.carriers.check(network)
    except InvalidConfiguration as error:
        field = _document_path(doc, error.field)
        raise configuration_error([FieldProblem(field, error.value, error.reason, "unknown_reference")]) from error
    return MerchantConfig(
        catalog=catalog,
        network=network,
        channels=channels,
        shop_names={channel: shop.name for channel, shop in zip(channels, doc.shops, strict=True)},
        stock=stock,
        settings=settings,
        sourcing=_sourcing(doc, channels),
        split=_split(doc, channels),
        sharing=_sharing(doc.sharing),
        stock_locks=tuple(
            StockLock(
                key=lock.key,
                channel=Channel(lock.platform, lock.shop),
                sku=SkuCode(lock.sku),
                quantity=lock.quantity,
                until=lock.until,
                starts=lock.starts,
                listing_id=lock.listing_id,
            )
            for lock in doc.sharing.locks
        ),
    )


def _converted(values: Iterable[object]) -> Any:
    """Pass ``values`` to an attrs field whose converter (``tuple``, ``frozenset``) builds the stored value.

    mypy types the ``__init__`` parameter of such a field as ``Iterable[_T_co]`` with an unbound type variable,
    which no argument satisfies.
    """
    return values


_Built = TypeVar("_Built")


def _at(path: str, build: Callable[[], _Built]) -> _Built:
    """``build()``, with the field of a domain refusal prefixed by ``path`` (its place in the document)."""
    try:
        return build()
    except InvalidConfiguration as error:
        raise InvalidConfiguration(f"{path}.{error.field}", error.value, error.reason) from error


def _transit(section: PromiseConfig) -> TransitTable:
    """The transit table the carrier selector and the promise share."""
    return TransitTable(
        tuple(
            _at(
                f"transit.{i}",
                lambda t=t: CarrierTransit(  # type: ignore[misc]
                    CarrierId(t.carrier),
                    by_region={r.region: r.days for r in t.by_region},
                    default_days=t.default_days,
                    closed_weekdays=_converted(t.closed_weekdays),
                ),
            )
            for i, t in enumerate(section.transit)
        )
    )


def _carrier_settings(
    doc: MerchantConfigDocument, channels: tuple[Channel, ...], transit: TransitTable
) -> CarrierSettings:
    section: CarriersConfig = doc.rules.carriers
    memo = section.memo
    aliases: dict[str, str] = dict(DEFAULT_ALIASES) if memo.builtin_aliases else {}
    aliases.update({a.alias: a.carrier for a in memo.aliases})
    at = "rules.carriers"
    shop_rules = tuple(
        _at(
            f"shops.{i}.carriers",
            lambda ch=ch, c=shop.carriers: ShopCarrierRule(  # type: ignore[misc]
                ch,
                carriers=_converted(c.carriers),
                only=c.only,
                forbidden=_converted(c.forbidden),
                rank_by=c.rank_by,
                candidates=c.candidates,
                fallback=c.fallback,
            ),
        )
        for i, (ch, shop) in enumerate(zip(channels, doc.shops, strict=True))
        if shop.carriers is not None
    )
    return _at(
        at,
        lambda: CarrierSettings(
            rank_by=_converted(section.rank_by),
            candidates=section.candidates,
            fallback=_converted(section.fallback),
            rules=tuple(
                CarrierRules(
                    CarrierId(r.carrier),
                    max_volume_cm3=r.max_volume_cm3,
                    max_cod_minor=r.max_cod_minor,
                    required_tags=_converted(r.required_tags),
                    excluded_tags=_converted(r.excluded_tags),
                    volumetric_divisor=r.volumetric_divisor,
                    daily_quota=r.daily_quota,
                    hard_quota=r.hard_quota,
                    share=r.share,
                )
                for r in section.rules
            ),
            shops=shop_rules,
            skus=tuple(
                SkuCarrierRule(
                    sku=None if r.sku is None else SkuCode(r.sku),
                    tag=r.tag,
                    carriers=_converted(r.carriers),
                    only=r.only,
                    forbidden=_converted(r.forbidden),
                )
                for r in section.skus
            ),
            regions=tuple(RegionCarrierRule(r.region, _converted(r.carriers)) for r in section.regions),
            memo=MemoRules(
                read_seller_memo=memo.read_seller_memo,
                read_buyer_memo=memo.read_buyer_memo,
                aliases=aliases,
                negations=DEFAULT_NEGATIONS if memo.negations is None else tuple(memo.negations),
            ),
            transit=transit,
        ),
    )


def _schedule(config: ScheduleConfig) -> LocationSchedule:
    return LocationSchedule(
        processing_days=config.processing_days,
        cutoff=time.fromisoformat(config.cutoff),
        timezone=config.timezone,
        closed_weekdays=_converted(config.closed_weekdays),
        closed_dates=_converted(config.closed_dates),
    )


def _promise_settings(section: PromiseConfig, transit: TransitTable) -> PromiseSettings:
    at = "rules.promise"
    default = section.default_location
    locations = {
        LocationId(entry.location): _at(
            f"{at}.locations.{i}",
            lambda entry=entry: _schedule(  # type: ignore[misc]
                default.model_copy(update={n: getattr(entry, n) for n in entry.model_fields_set if n != "location"})
            ),
        )
        for i, entry in enumerate(section.locations)
    }
    return _at(
        at,
        lambda: PromiseSettings(
            default_location=_at("default_location", lambda: _schedule(default)),
            locations=locations,
            transit=transit,
            holidays=_converted(section.holidays),
            working_days=_converted(section.working_days),
        ),
    )


def _document_path(doc: MerchantConfigDocument, field: str) -> str:
    """The document path of a field :meth:`CarrierSettings.check` names (``shops.0.carriers.1`` of the
    settings → ``shops.<index in the document>.carriers.carriers.<index in the document's list>``)."""
    parts = field.split(".")
    value_index = int(parts[-1]) if parts[-1].isdigit() else None
    section = doc.rules.carriers
    if parts[0] == "rules" and value_index is not None:
        return f"rules.carriers.rules.{value_index}.carrier"
    if parts[0] == "transit" and value_index is not None:
        return f"rules.promise.transit.{value_index}.carrier"
    if parts[0] == "shops" and len(parts) == 4:
        shops = [i for i, shop in enumerate(doc.shops) if shop.carriers is not None]
        index = shops[int(parts[1])]
        given = getattr(doc.shops[index].carriers, parts[2])
        return f"shops.{index}.carriers.{parts[2]}.{_position(given, parts, field)}"
    if parts[0] in {"skus", "regions"} and len(parts) == 4:
        entry = getattr(section, parts[0])[int(parts[1])]
        return f"rules.carriers.{parts[0]}.{parts[1]}.{parts[2]}.{_position(getattr(entry, parts[2]), parts, field)}"
    return f"rules.carriers.{field}"


def _position(given: list[str], parts: list[str], field: str) -> str:
    """The index in the document's list of the carrier the settings list (in their own order) at ``parts[-1]``."""
    return parts[-1] if parts[2] != "forbidden" else str(given.index(sorted(set(given))[int(parts[-1])]))


def _settings(doc: MerchantConfigDocument, channels: tuple[Channel, ...]) -> PipelineSettings:
    review = _apply(ReviewSettings(), doc.rules.review)
    merge = _apply(MergeSettings(), doc.rules.merge)
    routing = _apply(RoutingSettings(), doc.rules.routing)
    shops = list(zip(channels, doc.shops, strict=True))
    transit = _at("rules.promise", lambda: _transit(doc.rules.promise))
    return PipelineSettings(
        review=review,
        merge=merge,
        routing=routing,
        shop_review={ch: _apply(review, s.review) for ch, s in shops if s.review is not None},
        shop_merge={ch: _apply(merge, s.merge) for ch, s in shops if s.merge is not None},
        shop_routing={ch: _apply(routing, s.routing) for ch, s in shops if s.routing is not None},
        carriers=_carrier_settings(doc, channels, transit),
        promise=_promise_settings(doc.rules.promise, transit),
    )


_Settings = TypeVar("_Settings", ReviewSettings, MergeSettings, RoutingSettings)


def _apply(base: _Settings, rules: BaseModel) -> _Settings:
    """``base`` with the fields of ``base`` the document gives in ``rules``; the others are inherited from
    ``base`` (fields of the document that ``base`` does not have are converted elsewhere)."""
    fields = attrs.fields_dict(type(base))
    return attrs.evolve(base, **{name: getattr(rules, name) for name in rules.model_fields_set if name in fields})


def _sourcing(doc: MerchantConfigDocument, channels: tuple[Channel, ...]) -> SourcingSettings:
    merchant = doc.rules.routing
    rules = DEFAULT_RULES if merchant.strategy is None else tuple(_rule(r) for r in merchant.strategy)
    strategy = RoutingStrategy(rules=rules, split_lines=merchant.split_lines)
    shops: dict[Channel, RoutingStrategy] = {}
    for channel, shop in zip(channels, doc.shops, strict=True):
        given = set() if shop.routing is None else shop.routing.model_fields_set
        if shop.routing is None or not given & {"strategy", "split_lines"}:
            continue
        own = shop.routing.strategy
        shops[channel] = RoutingStrategy(
            rules=(DEFAULT_RULES if own is None else tuple(_rule(r) for r in own)) if "strategy" in given else rules,
            split_lines=shop.routing.split_lines if "split_lines" in given else merchant.split_lines,
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


def _split(doc: MerchantConfigDocument, channels: tuple[Channel, ...]) -> SplitSettings:
    merchant = doc.rules.split
    shops = {
        channel: _split_rules(merchant.model_copy(update={n: getattr(s.split, n) for n in s.split.model_fields_set}))
        for channel, s in zip(channels, doc.shops, strict=True)
        if s.split is not None
    }
    return SplitSettings(rules=_split_rules(merchant), shops=shops)


def _split_rules(config: SplitConfig) -> SplitRules:
    return SplitRules(
        presale=PresaleMode(config.presale),
        min_shipment_value_minor=config.min_shipment_value_minor,
        max_packages=config.max_packages,
        parcels=ParcelLimits(
            max_weight_g=config.max_parcel_weight_g,
            max_volume_cm3=config.max_parcel_volume_cm3,
            segregate=_converted(config.segregate_tags),
            incompatible=_converted(config.incompatible_tags),
            alone=_converted(config.alone_tags),
        ),
    )


def _sharing(section: SharingSection) -> SharingConfig:
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
