"""The merchant configuration file: shops, catalog, network, initial stock and pipeline rules.

The file is JSON (or TOML, chosen by the ``.toml`` suffix) in the shape documented in ``docs/formats.md``.
:func:`parse_config` validates it strictly, cross-checks the references between its sections and builds the
domain values in a :class:`MerchantConfig`.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Final, Literal, TypeVar

import attrs
from pydantic import BaseModel, ValidationError

from omscore.boundary.config_document import MerchantConfigDocument
from omscore.boundary.errors import FieldProblem, configuration_error, document_problem, problems_of, size_problem
from omscore.domain.address import GeoPoint
from omscore.domain.catalog import Catalog, Kit, KitComponent, Listing, Sku
from omscore.domain.errors import InvalidInput
from omscore.domain.identity import CarrierId, Channel, LocationId, SkuCode
from omscore.domain.inventory import StockLevel
from omscore.domain.network import Carrier, Location, LocationKind, Network
from omscore.policies.settings import MergeSettings, PipelineSettings, ReviewSettings, RoutingSettings

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
    """

    catalog: Catalog
    network: Network
    channels: tuple[Channel, ...]
    shop_names: Mapping[Channel, str]
    stock: tuple[StockLevel, ...]
    settings: PipelineSettings


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
        raise configuration_error(problems_of(error)) from error
    problems = _cross_check(document)
    if problems:
        raise configuration_error(problems)
    try:
        return _to_domain(document)
    except InvalidInput as error:  # a domain rule the cross-checks do not repeat
        raise configuration_error([FieldProblem(error.field, error.value, error.reason, "domain")]) from error


def _load_toml(data: str | bytes) -> dict[str, Any]:
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        return tomllib.loads(text)
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise configuration_error([document_problem(data, f"not valid TOML: {error}", "toml_invalid")]) from error


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
    return MerchantConfig(
        catalog=catalog,
        network=network,
        channels=channels,
        shop_names={channel: shop.name for channel, shop in zip(channels, doc.shops, strict=True)},
        stock=stock,
        settings=_settings(doc, channels),
    )


def _converted(values: Iterable[object]) -> Any:
    """Pass ``values`` to an attrs field whose converter (``tuple``, ``frozenset``) builds the stored value.

    mypy types the ``__init__`` parameter of such a field as ``Iterable[_T_co]`` with an unbound type variable,
    which no argument satisfies.
    """
    return values


def _settings(doc: MerchantConfigDocument, channels: tuple[Channel, ...]) -> PipelineSettings:
    review = _apply(ReviewSettings(), doc.rules.review)
    merge = _apply(MergeSettings(), doc.rules.merge)
    routing = _apply(RoutingSettings(), doc.rules.routing)
    shops = list(zip(channels, doc.shops, strict=True))
    return PipelineSettings(
        review=review,
        merge=merge,
        routing=routing,
        shop_review={ch: _apply(review, s.review) for ch, s in shops if s.review is not None},
        shop_merge={ch: _apply(merge, s.merge) for ch, s in shops if s.merge is not None},
        shop_routing={ch: _apply(routing, s.routing) for ch, s in shops if s.routing is not None},
    )


_Settings = TypeVar("_Settings", ReviewSettings, MergeSettings, RoutingSettings)


def _apply(base: _Settings, rules: BaseModel) -> _Settings:
    """``base`` with the fields the document gives in ``rules``; the others are inherited from ``base``."""
    return attrs.evolve(base, **{name: getattr(rules, name) for name in rules.model_fields_set})
